"""Border cropping: what lies outside the sheet of paper (the scanner lid, the desk, the dark
shadow around a torn or curled edge) is made white.

Left in, a dark border is the darkest part of the page: it sets the ink level that contrast
restoration aims for (so faded writing stays faded), and its speckle is read as letters. The
paper is found as the largest bright region (or two, the pages of a spread that the gutter's
shadow parts) of a small copy of the page; everything outside its outline (for a spread, the
convex hull of both pages, which takes in the gutter), with a thin band along its edge, becomes
paper-white. A page with
no dark border (the sheet fills the scan) is returned unchanged.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800.0
"""The long side, in pixels, of the small copy the paper is found on."""
MIN_BORDER_SHARE = 0.01
"""Less dark border than this share of the page: nothing to crop."""
MIN_PAPER_SHARE = 0.3
"""A paper region smaller than this share of the page is not trusted (a dark, blotchy page)."""


def paper_mask(gray: np.ndarray, *, edge_px: int = 12) -> np.ndarray | None:
    """Boolean mask of the sheet of paper (full size), shrunk by ``edge_px`` along its edge;
    None when the page has no dark border to crop or the paper cannot be told apart."""
    height, width = gray.shape[:2]
    scale = min(1.0, WORK_SIDE / max(height, width))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the writing into the paper before finding the regions.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if count < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    area = small.shape[0] * small.shape[1]
    if int(areas.max()) < MIN_PAPER_SHARE * area:
        return None
    # Both pages of a spread count: the gutter's shadow may part them.
    sheets = 1 + np.flatnonzero(areas >= 0.5 * areas.max())
    region = np.isin(labels, sheets).astype(np.uint8)
    # The sheet's outline filled: the writing on it stays inside. Two sheets (a spread): the
    # convex hull of both, so that the gutter between them stays too.
    filled = np.zeros_like(region)
    if len(sheets) > 1:
        cv2.fillConvexPoly(filled, cv2.convexHull(cv2.findNonZero(region)), 1)
    else:
        contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    if 1.0 - float(filled.sum()) / area < MIN_BORDER_SHARE:
        return None
    mask = cv2.resize(filled, (width, height), interpolation=cv2.INTER_NEAREST)
    if edge_px > 0:
        k = 2 * edge_px + 1
        mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return mask > 0


def whiten_border(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """``gray`` with everything outside the paper made white, and whether anything was."""
    mask = paper_mask(gray)
    if mask is None:
        return gray, False
    out = gray.copy()
    out[~mask] = 255
    return out, True
