"""Image stages: pure functions, array in, array out, each with its own parameters.

The runner composes them (see ``prepare``); each stage can be switched off in
``PreprocessConfig`` and measured on its own.
"""

from __future__ import annotations

import math
from typing import Annotated

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from hotich.pipeline.border import whiten_border
from hotich.pipeline.leaders import remove_dotted_lines
from hotich.pipeline.orient import estimate_orientation, stroke_mask
from hotich.pipeline.perspective import RESIDUAL_SKEW_DEG, correct_perspective
from hotich.pipeline.rotation import rotate, turn
from hotich.schema.page import Geometry


class PreprocessConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    perspective: bool = True
    """Flatten a phone photo's page (see :mod:`hotich.pipeline.perspective`)."""
    crop_border: bool = True
    """Whiten what lies outside the sheet of paper (see :mod:`hotich.pipeline.border`)."""
    orient: bool = True
    """Turn a page scanned sideways or upside down upright (see :mod:`hotich.pipeline.orient`)."""
    deskew: bool = True
    max_skew_deg: Annotated[float, Field(gt=0, le=45)] = 15.0
    flatten_background: bool = True
    background_kernel: Annotated[int, Field(ge=15, description="px at 300 dpi")] = 61
    denoise: bool = True
    remove_dots: bool = True
    split_spread: bool = True
    """Read the two pages of a form spread apart (see :mod:`hotich.pipeline.spread`)."""


def to_gray(image: np.ndarray) -> np.ndarray:
    """RGB (or already gray) uint8 → single-channel uint8."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark (ink) pixels as a boolean mask, by Otsu's threshold."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary > 0


def estimate_skew(gray: np.ndarray, *, max_deg: float = 15.0) -> float:
    """The page's skew in degrees (counter-clockwise positive, as ``rotate`` takes it);
    ``rotate(image, -skew)`` makes its text lines horizontal.

    Rotates the coordinates of ink pixels (not the image) over candidate angles and keeps the
    angle whose row histogram is sharpest: text lines then fall into few rows.
    """
    best = 0.0
    # Coarse search on a small copy, fine search on a larger one: precision needs resolution.
    for side, steps in ((800.0, ((0.5, max_deg),)), (2400.0, ((0.1, 0.6), (0.02, 0.1)))):
        points = _ink_points(gray, side)
        if points is None:
            return 0.0
        for step, span in steps:
            candidates = np.arange(best - span, best + span + step / 2, step)
            best = float(max(candidates, key=lambda deg: _row_sharpness(points, deg)))
    return round(best, 2)


def _ink_points(gray: np.ndarray, side: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Centred coordinates of (at most 80,000) ink pixels of a copy at most ``side`` px."""
    scale = min(1.0, side / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(stroke_mask(small))  # not ink_mask: a dark scanner lid is no text line
    if len(xs) < 50:
        return None
    if len(xs) > 80_000:
        pick = np.random.default_rng(0).choice(len(xs), 80_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    return xs.astype(np.float64) - small.shape[1] / 2, ys.astype(np.float64) - small.shape[0] / 2


def _row_sharpness(points: tuple[np.ndarray, np.ndarray], deg: float) -> float:
    """How sharply ink falls into rows when rotated by ``deg``: sum of squared row counts."""
    xs, ys = points
    rad = np.deg2rad(deg)
    rows = ys * np.cos(rad) + xs * np.sin(rad)
    # One-pixel bins, lightly smoothed, so that no angle gains from aliasing.
    hist = np.bincount(np.floor(rows - rows.min()).astype(np.int64)).astype(np.float64)
    hist = np.convolve(hist, (0.25, 0.5, 0.25), mode="same")
    return float(np.sum(hist**2))


def flatten_background(gray: np.ndarray, *, kernel: int = 61) -> np.ndarray:
    """Divide out the paper's shading (yellowing, uneven light) so the background is white."""
    k = kernel | 1
    background = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    background = cv2.medianBlur(background, 5)
    flat = cv2.divide(gray, background, scale=255)
    return flat


def noise_level(gray: np.ndarray) -> float:
    """Speckle noise on the paper: the spread of pixels around their 3×3 median, measured away
    from ink (the anti-aliased edges of letters are not noise)."""
    return _noise(gray, cv2.medianBlur(gray, 3))


def _noise(gray: np.ndarray, median: np.ndarray) -> float:
    """``noise_level`` given the page's 3×3 median."""
    near_ink = cv2.dilate(ink_mask(gray).astype(np.uint8), np.ones((7, 7), np.uint8))
    paper = ((median > 160) & (near_ink == 0)).astype(np.uint8)
    if not cv2.countNonZero(paper):
        return 0.0
    diff = cv2.subtract(gray, median, dtype=cv2.CV_16S)
    _, std = cv2.meanStdDev(diff, mask=paper)
    return float(std[0, 0])


def rule_mask(gray: np.ndarray, *, min_length: int = 60) -> np.ndarray:
    """Long straight strokes (table rules), slightly widened: what a median filter would break."""
    ink = ink_mask(gray).astype(np.uint8)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, min_length), np.uint8))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((min_length, 1), np.uint8))
    return cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8)) > 0


def denoise(gray: np.ndarray, *, min_noise: float = 4.0) -> np.ndarray:
    """Remove speckle noise (and what is left of dotted leaders) with a 3×3 median, which keeps
    marks of 3 px and more; table rules, which a median would break where they are one pixel
    thin, keep their pixels. Clean pages (noise below ``min_noise``) are left as they are."""
    out = cv2.medianBlur(gray, 3)
    if _noise(gray, out) < min_noise:
        return gray
    rules = rule_mask(gray)
    out[rules] = gray[rules]
    return out


def stretch_contrast(
    gray: np.ndarray, *, low_pct: float = 0.5, paper_pct: float = 50.0
) -> np.ndarray:
    """Restore faded ink and whiten the paper: the darkest ``low_pct`` % of pixels go to black,
    and the paper's typical level (the ``paper_pct`` percentile: most of a page is paper) and
    anything lighter to white, so the paper's grain no longer reads as marks."""
    low = percentile_u8(gray, low_pct)
    high = max(percentile_u8(gray, paper_pct), low + 32.0)
    if low >= 200.0 or (low <= 2.0 and high >= 253.0):
        return gray  # a blank page (no ink to restore), or one already black on white
    span = max(1.0, min(255.0, high) - low)
    lut = np.clip((np.arange(256, dtype=np.float64) - low) * 255.0 / span, 0, 255)
    return cv2.LUT(gray, lut.astype(np.uint8))


def histogram_u8(gray: np.ndarray) -> np.ndarray:
    """Pixel counts of a uint8 image per value (int64). OpenCV counts in float32, exact below
    2**24, so a large page is counted in parts."""
    flat = np.ascontiguousarray(gray).reshape(-1)
    part = 1 << 23
    total = np.zeros(256, np.int64)
    for start in range(0, len(flat), part):
        hist = cv2.calcHist([flat[start : start + part]], [0], None, [256], [0, 256])
        total += hist.ravel().astype(np.int64)
    return total


def percentile_u8(gray: np.ndarray, pct: float) -> float:
    """``np.percentile(gray, pct)`` of a uint8 image, to the last bit, from its histogram
    instead of a partial sort of every pixel (a tenth of the time on a 300-dpi page)."""
    counts = np.cumsum(histogram_u8(gray))
    n = int(counts[-1])
    virtual = (n - 1) * (pct / 100)  # numpy's "linear" method, computed as numpy does

    def value(rank: int) -> int:  # the pixel value at this rank in sorted order
        return int(np.searchsorted(counts, rank, side="right"))

    if virtual >= n - 1:
        return float(value(n - 1))
    below = max(0, math.floor(virtual))
    a, b, frac = value(below), value(below + 1), max(0.0, virtual) - below
    return float(b - (b - a) * (1 - frac)) if frac >= 0.5 else float(a + (b - a) * frac)


def prepare(
    image: np.ndarray, config: PreprocessConfig
) -> tuple[np.ndarray, Geometry, tuple[str, ...]]:
    """The chain for OCR: gray → perspective → orient → border → deskew → flatten → dots →
    denoise. Returns the cleaned image, how the stored page geometry derives from the scan, and
    the stages that ran."""
    stages: list[str] = ["gray"]
    gray = to_gray(image)
    quad = None
    if config.perspective and (found := correct_perspective(gray)) is not None:
        gray, quad = found
        stages.append("perspective")
    quarter = 0
    if config.orient:  # first: the stages after it see the page as if it were scanned upright
        quarter = estimate_orientation(gray)
        gray = turn(gray, quarter)  # exactly: pixels moved, none resampled
        stages.append(f"orient({quarter})")
    if config.crop_border and quad is None:  # a flattened photo is all paper: no border left
        gray, cropped = whiten_border(gray)
        if cropped:
            stages.append("border")
    angle = 0.0
    if config.deskew:
        limit = config.max_skew_deg
        if quad is not None:  # flattened by its edges: only the writing's own slant is left
            limit = min(limit, RESIDUAL_SKEW_DEG)
        angle = -estimate_skew(gray, max_deg=limit)
        gray = rotate(gray, angle)
        stages.append(f"deskew({angle:+.2f})")
    # Recorded as one angle; turn() parts it again into the quarter turn and the skew, so the
    # stored page (stored.py) is turned exactly as this one.
    rotation = round(quarter + angle if quarter + angle <= 180 else quarter + angle - 360, 2)
    if config.flatten_background:
        gray = stretch_contrast(flatten_background(gray, kernel=config.background_kernel))
        stages.append("flatten")
    if config.remove_dots:  # before denoising, which would take small leader dots for specks
        gray = remove_dotted_lines(gray)
        stages.append("dots")
    if config.denoise:
        gray = denoise(gray)
        stages.append("denoise")
    geometry = Geometry(
        quad=quad, rotation_deg=rotation, width=int(gray.shape[1]), height=int(gray.shape[0])
    )
    return gray, geometry, tuple(stages)
