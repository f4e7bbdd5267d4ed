"""Table cells read again on their own where the page reading left ink unread.

A table page is read in one call in sparse-text mode, and that mode drops words: the second
line of a name wrapped in its cell ("HUỲNH CÔNG" / "QUÂN"), a lone "Nam" or "Kinh" in a narrow
column, a faded cell. Measured on generated pages, those were the table fields that came out
short or empty. So every cell whose ink is not covered by the boxes of the words read in it is
cut out, its contrast stretched (faded ink is as light as 170 on white), and all such cells are
stacked in one strip read in one call as blocks of text. The cell's words are replaced when the
second reading reads more letters and figures, with a confidence that is not lower.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from hotich.extract.grid import Grid
from hotich.extract.reread import Cut, read_cuts
from hotich.extract.table import Cells, reading_order
from hotich.ocr.engine import OcrEngine
from hotich.schema.ocr import BBox, OcrPage, OcrWord

CELL_PSM = 6  # each cut-out is a small block of lines
INSET = 8
"""px kept off the cell's edges: what is left of the erased rules is not writing."""
INK_DROP = 50
"""A pixel is ink when it is this much darker than the cell's paper (faded ink included)."""
MIN_HEIGHT = 14
"""px: an uncovered mark lower than this is a speck or a diacritic, not a letter (small letters
are 20–30 px high at 300 dpi)."""
MIN_AREA = 120
"""px of uncovered ink (in marks of at least :data:`MIN_HEIGHT`) for a cell to be read again."""
COVER_PAD = 6
"""px a read word's box is widened by when it covers ink."""
READABLE_HEIGHT = 28
"""px: cut-outs whose ink is lower than this are enlarged to it before reading."""


def _ink(inner: np.ndarray) -> np.ndarray:
    paper = float(np.percentile(inner, 95))
    return (inner < paper - INK_DROP).astype(np.uint8)


def unread_ink(image: np.ndarray, box: BBox, words: Sequence[OcrWord]) -> bool:
    """Whether the cell holds marks of letter size that none of ``words`` covers."""
    x, y, w, h = box
    x0, y0, x1, y1 = x + INSET, y + INSET, x + w - INSET, y + h - INSET
    if x1 - x0 < 4 or y1 - y0 < 4:
        return False
    ink = _ink(image[y0:y1, x0:x1])
    for word in words:
        wx, wy, ww, wh = word.bbox
        ink[
            max(0, wy - y0 - COVER_PAD) : max(0, wy + wh - y0 + COVER_PAD),
            max(0, wx - x0 - COVER_PAD) : max(0, wx + ww - x0 + COVER_PAD),
        ] = 0
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    area = sum(
        int(stats[i, cv2.CC_STAT_AREA])
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_HEIGHT] >= MIN_HEIGHT
    )
    return area >= MIN_AREA


def _cell_cut(image: np.ndarray, key: tuple[int, int], box: BBox) -> Cut[tuple[int, int]] | None:
    """The cell's writing, contrast stretched (paper white, the darkest ink black) and trimmed to
    its ink; None when the cell holds no ink."""
    x, y, w, h = box
    x0, y0 = x + INSET, y + INSET
    inner = image[y0 : y + h - INSET, x0 : x + w - INSET]
    if inner.size == 0:
        return None
    ink = _ink(inner)
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return None
    pad = 4
    top, bottom = max(0, int(ys.min()) - pad), min(inner.shape[0], int(ys.max()) + 1 + pad)
    left, right = max(0, int(xs.min()) - pad), min(inner.shape[1], int(xs.max()) + 1 + pad)
    crop = inner[top:bottom, left:right].astype(np.float32)
    paper, dark = float(np.percentile(inner, 95)), float(crop.min())
    stretched = np.clip((crop - dark) * 255.0 / max(1.0, paper - dark), 0, 255).astype(np.uint8)
    scale = 1.0
    if stretched.shape[0] < READABLE_HEIGHT:
        scale = READABLE_HEIGHT / stretched.shape[0]
        stretched = cv2.resize(stretched, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return Cut(key=key, image=stretched, origin=(x0 + left, y0 + top), scale=scale)


def _signs(words: Sequence[OcrWord]) -> int:
    return sum(ch.isalnum() for w in words for ch in w.text)


def _confidence(words: Sequence[OcrWord]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def better(first: Sequence[OcrWord], second: Sequence[OcrWord]) -> bool:
    """Whether the second reading of a cell is to be kept: it reads more letters and figures,
    and its words are read at least as surely (a stain read as letters is not more)."""
    if _signs(second) <= _signs(first):
        return False
    return not first or _confidence(second) >= min(_confidence(first), 0.8)


def reread_cells(cells: Cells, grid: Grid, image: np.ndarray, engine: OcrEngine) -> Cells:
    """``cells`` with the cells that hold unread ink read again (see the module docstring);
    ``image`` is the page the words were read from (its rules erased)."""
    keys = [
        (r, c)
        for r in range(len(grid.rows) - 1)
        for c in range(len(grid.cols) - 1)
        if unread_ink(image, grid.cell_box(r, c), cells.get((r, c), []))
    ]
    cuts = [cut for key in keys if (cut := _cell_cut(image, key, grid.cell_box(*key)))]

    def recognize(strip: np.ndarray) -> OcrPage:
        return engine.recognize(strip, psm=CELL_PSM)

    again = read_cuts(cuts, recognize)
    out = dict(cells)
    for key, words in again.items():
        if better(cells.get(key, []), words):
            out[key] = reading_order(words)
    return out
