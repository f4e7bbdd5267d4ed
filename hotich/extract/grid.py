"""Ruled tables: find the grid of a table page, and erase it before OCR.

Long horizontal and vertical strokes are isolated by morphological opening; their positions
give row and column boundaries. Tesseract reads ruling lines as characters and runs text across
cells, so the lines are erased and the words are put back into cells by their boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Grid:
    rows: tuple[int, ...]
    """y of each horizontal rule, top to bottom."""
    cols: tuple[int, ...]
    """x of each vertical rule, left to right."""
    mask: np.ndarray
    """The rule pixels (uint8, 255 = rule)."""

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding the point, or None outside the table."""
        r = int(np.searchsorted(self.rows, y)) - 1
        c = int(np.searchsorted(self.cols, x)) - 1
        if 0 <= r < len(self.rows) - 1 and 0 <= c < len(self.cols) - 1:
            return r, c
        return None

    def cell_box(self, r: int, c: int) -> tuple[int, int, int, int]:
        x0, x1 = self.cols[c], self.cols[c + 1]
        y0, y1 = self.rows[r], self.rows[r + 1]
        return (x0, y0, x1 - x0, y1 - y0)


def _positions(profile: np.ndarray, threshold: float, min_gap: int) -> tuple[int, ...]:
    """Centres of runs where ``profile`` reaches ``threshold``; runs closer than ``min_gap``
    (double rules, thick rules) merge."""
    idx = np.nonzero(profile >= threshold)[0]
    if len(idx) == 0:
        return ()
    groups: list[list[int]] = [[int(idx[0])]]
    for i in idx[1:]:
        if i - groups[-1][-1] <= min_gap:
            groups[-1].append(int(i))
        else:
            groups.append([int(i)])
    return tuple(round((g[0] + g[-1]) / 2) for g in groups)


def find_grid(gray: np.ndarray, *, min_rows: int = 3, min_cols: int = 4) -> Grid | None:
    """The table grid of a page, or None when the page has no ruled table."""
    h, w = gray.shape[:2]
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    horiz = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 30), 1))
    )
    vert = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, h // 30)))
    )
    # Bridge small breaks (faded or broken rules) before measuring lengths.
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    h_profile = horiz.sum(axis=1) / 255.0
    v_profile = vert.sum(axis=0) / 255.0
    if h_profile.max(initial=0) < w * 0.3:
        return None
    rows = _positions(h_profile, h_profile.max() * 0.5, min_gap=max(6, h // 300))
    if len(rows) < min_rows:
        return None
    table_height = rows[-1] - rows[0]
    cols = _positions(v_profile, table_height * 0.6, min_gap=max(6, w // 400))
    if len(cols) < min_cols:
        return None
    mask = cv2.bitwise_or(horiz, vert)
    return Grid(rows=rows, cols=cols, mask=mask)


def erase_grid(gray: np.ndarray, grid: Grid) -> np.ndarray:
    """The page with its ruling lines painted over in white."""
    out = gray.copy()
    out[grid.mask > 0] = 255
    return out


def ink_share(gray: np.ndarray, box: tuple[int, int, int, int], *, margin: int = 4) -> float:
    """Share of dark pixels inside a cell (without its edges): 0 for a blank cell."""
    x, y, w, h = box
    inner = gray[y + margin : y + h - margin, x + margin : x + w - margin]
    if inner.size == 0:
        return 0.0
    return float(np.mean(inner < 128))
