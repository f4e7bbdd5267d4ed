"""Two-page spreads: an open form book scanned or photographed two pages at a time.

A form page holds one registration, read as one block of lines. With two pages side by side,
Tesseract runs each line across the binding ("Họ và tên: X … Họ và tên: Y") and the labels of
the two pages are mixed (measured on generated spreads: 43 % of fields right, against 97 % once
split). So, once the page is cleaned, :func:`find_gutter` looks for the binding: a band near the
middle, free of writing from top to bottom, with writing on both sides. The two pages of an
open book do not lie at the same angle, so each is deskewed again on its own
(:func:`split_spread`); what is read on a part is put back in the coordinates of the stored page
with :meth:`Part.to_page`.

A table page is not split: its rows run across both pages of the spread, and its grid places
the words in their cells (:mod:`hotich.extract.grid`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np

from hotich.pipeline.orient import stroke_mask
from hotich.pipeline.preprocess import estimate_skew
from hotich.schema.ocr import BBox

LANDSCAPE: Final = 1.2
"""Width over height from which a page may be a spread (two portrait pages: about 1.4)."""
MIDDLE: Final = (0.35, 0.65)
"""Where the binding may lie, as shares of the width."""
MIN_GAP: Final = 0.012
"""Narrowest band free of writing that can be a binding, as a share of the width."""
MIN_SIDE_INK: Final = 0.2
"""Each side of the binding holds at least this share of the page's writing."""
MIN_SIDE_HEIGHT: Final = 0.5
"""Each side's writing runs down at least this share of the height: a page, not a few marks."""
MIN_LINES: Final = 8
"""Each side holds at least this many lines of writing (a form page has twenty or more)."""
EMPTY_COLUMN: Final = 0.01
"""A column with less writing than this share of the inkiest column is empty."""
_SMALL: Final = 1200
"""Width of the copy the binding is looked for on."""


@dataclass(frozen=True)
class Part:
    """One page of a spread (or the whole page), ready for OCR."""

    image: np.ndarray
    x0: int = 0
    """Where the part starts on the stored page."""
    skew_deg: float = 0.0
    """How much the part was turned (counter-clockwise positive) after it was cut out."""
    matrix: np.ndarray | None = field(default=None, repr=False)
    """The part's turn (2×3), about its centre, keeping its size; None when not turned."""

    def to_page(self, bbox: BBox) -> BBox:
        """A box on the part as a box on the stored page."""
        x, y, w, h = bbox
        if w <= 0 or h <= 0:
            return bbox
        if self.matrix is None:
            return (x + self.x0, y, w, h)
        back = cv2.invertAffineTransform(self.matrix)
        corners = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], np.float64)
        moved = corners @ back[:, :2].T + back[:, 2]
        x0, y0 = np.floor(moved.min(axis=0)).astype(int)
        x1, y1 = np.ceil(moved.max(axis=0)).astype(int)
        return (int(x0) + self.x0, max(0, int(y0)), int(x1 - x0), int(y1 - y0))


def find_gutter(gray: np.ndarray) -> int | None:
    """The x of the binding between the two pages of a spread, or None for a single page."""
    h, w = gray.shape[:2]
    if w < LANDSCAPE * h:
        return None
    scale = min(1.0, _SMALL / w)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    strokes = stroke_mask(small)
    columns = strokes.sum(axis=0).astype(np.float64)
    if columns.max(initial=0) <= 0:
        return None
    columns = np.convolve(columns, np.ones(3) / 3, mode="same")
    empty = columns < EMPTY_COLUMN * columns.max()
    lo, hi = (round(f * len(columns)) for f in MIDDLE)
    best: tuple[int, int] | None = None
    start = None
    for x in range(lo, hi + 1):
        if x < hi and empty[x]:
            start = x if start is None else start
            continue
        if start is not None and (best is None or x - start > best[1] - best[0]):
            best = (start, x)
        start = None
    if best is None or best[1] - best[0] < MIN_GAP * len(columns):
        return None
    middle = (best[0] + best[1]) // 2
    total = columns.sum()
    if min(columns[:middle].sum(), columns[middle:].sum()) < MIN_SIDE_INK * total:
        return None
    for side in (strokes[:, :middle], strokes[:, middle:]):
        inked: np.ndarray = np.asarray(side.any(axis=1), dtype=bool)
        rows = np.nonzero(inked)[0]
        lines = int(np.count_nonzero(inked[1:] & ~inked[:-1])) + int(inked[0])
        if lines < MIN_LINES or rows[-1] - rows[0] < MIN_SIDE_HEIGHT * len(side):
            return None  # a few marks, not a page of writing
    gutter: int = round(float(middle) / scale)
    return gutter


def _deskewed(image: np.ndarray, max_deg: float) -> tuple[np.ndarray, float, np.ndarray | None]:
    skew = estimate_skew(image, max_deg=max_deg)
    if abs(skew) < 0.05:
        return image, 0.0, None
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    turned = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255,) * 3)
    return turned, -skew, matrix


def split_spread(gray: np.ndarray, *, max_skew_deg: float = 3.0) -> list[Part]:
    """The pages of a cleaned spread, each deskewed on its own; the whole page as its one part
    when it is no spread."""
    x = find_gutter(gray)
    if x is None:
        return [Part(image=gray)]
    parts = []
    for x0, x1 in ((0, x), (x, gray.shape[1])):
        image, skew, matrix = _deskewed(gray[:, x0:x1], max_skew_deg)
        parts.append(Part(image=image, x0=x0, skew_deg=skew, matrix=matrix))
    return parts
