"""Page orientation: the quarter turn (0, 90, 180 or 270°) that makes a scanned page upright.

Ledger pages go through the scanner sideways and upside down. :func:`estimate_orientation`
answers from the writing itself, on a small copy of the page, in two steps:

1. Sideways or not. Letters are made mostly of upright strokes (the stems of n, m, h, l, of
   capitals and digits, the downstrokes of handwriting), so along a text line the ink's edges
   face sideways: the brightness changes more from left to right than from top to bottom. The
   two are compared over the writing; long strokes (table rules, underlines) are left out, as
   they say nothing about the letters. This looks at the letters, not at the layout, so a
   narrow column of short lines (labels down a form, dates down a table) counts as well as a
   page full of text.
2. Upright or upside down. The text lines are found (the angle, within ±15° of level, where
   the ink falls into the sharpest rows) and the page is levelled along them. Latin and
   Vietnamese writing has far more ink above the band of the small letters (ascenders,
   capitals, digits, the accents and hooks of Vietnamese) than below its baseline (descenders
   and the dot below). The levelled page is cut into words, and each word's ink is weighed
   above and below its densest band of rows.

   Where that is not clear (a table of short figures, read in italic), a ruled table says it
   instead: entries are written from the top of their row down, so the writing's centre sits
   in the upper part of the rows of an upright page (:func:`_cell_position`); a page without
   ruled rows is then judged on a weaker balance (:data:`WEAK_BALANCE`).

When the page holds too little writing to tell, it is left as it is (0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import cv2
import numpy as np

from hotich.pipeline.rotation import rotate

WORK_SIDE: Final = 1400
"""The copy's shorter side is reduced by a whole factor to at most this many pixels (a 300-dpi
A4 page by 2, an A3 spread by 3): small letters stay 7–12 px high."""
STROKE_KERNEL: Final = 7
"""Strokes narrower than this (px, on the copy) are ink; wider dark areas are not."""
SEARCH_DEG: Final = 15.0
"""How far from 0° and 90° the text lines are looked for."""
LONG_STROKE: Final = 0.15
"""A connected stroke longer than this share of the page's long side is a rule, not writing."""
SIDEWAYS_MARGIN: Final = 1.1
"""The writing's edges must change this much more from top to bottom than from left to right
(in gradient energy) to turn a page by a quarter: where it is closer, the page is taken as it
is. Upright writing measures 1.4–2 the other way."""
MIN_BALANCE: Final = 0.2
"""Least excess of ink below the letters over ink above (as a share of both) to turn a page
upside down. Upright pages measure 0.6–0.85 on forms, but only 0.05–0.2 on some tables of short
figures, where the sign can be wrong: below this margin the page is taken as scanned (a page
wrongly turned loses every entry; one left upside down is the state before this stage)."""
WEAK_BALANCE: Final = 0.08
"""On a page without ruled rows (a form), the least excess of ink below the letters to turn
it upside down when :data:`MIN_BALANCE` is not reached: some forms of typed capitals measure
only 0.1–0.2 upright."""
MIN_CELL_SHIFT: Final = 0.1
"""In a ruled table, how far the writing's centre must sit below the middle of its rows (as a
share of the row's height) to turn the page upside down: entries are written from the top of
their row down, so upright pages measure 0.25–0.4 (the centre in the upper part)."""
MIN_RULE: Final = 0.5
"""A row of the (levelled) page with strokes across this share of its width is a rule."""
MIN_WORDS: Final = 5
"""Fewer words than this tell nothing about up and down."""
_MAX_POINTS: Final = 10_000


def stroke_mask(gray: np.ndarray, *, kernel: int = STROKE_KERNEL) -> np.ndarray:
    """Thin dark strokes (writing, rules) as a boolean mask: pixels darker than the closing of
    their surroundings, split by Otsu's threshold. Dark areas wider than ``kernel`` (the scanner
    lid around the page, stains, shadows) are not strokes, so they cannot pass for text."""
    shape = cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    hat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, shape, borderType=cv2.BORDER_REPLICATE)
    _, binary = cv2.threshold(hat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary > 0


def estimate_orientation(gray: np.ndarray) -> int:
    """The counter-clockwise turn, in degrees (0, 90, 180 or 270), that makes the page upright:
    ``rotation.turn(gray, estimate_orientation(gray))`` reads normally."""
    small = _shrink(gray)
    strokes = stroke_mask(small).astype(np.uint8)
    writing = _writing(strokes)
    if np.count_nonzero(writing) < 50:
        return 0
    left_right, top_bottom = _edge_energy(small, writing)
    sideways = top_bottom > SIDEWAYS_MARGIN * left_right
    angle = _line_angle(_points(writing), 90.0 if sideways else 0.0)
    # Turned so that the lines are level: the page is then upright or upside down.
    level = _turn(writing, -angle)
    balance = _balance(level)
    upside_down = balance < 0
    if abs(balance) < MIN_BALANCE:
        # Short figures in a table: where the writing sits in the ruled rows says it; on a
        # page without ruled rows, a weaker balance is enough.
        position = _cell_position(_turn(strokes, -angle), level)
        if position is not None and abs(position - 0.5) >= MIN_CELL_SHIFT:
            upside_down = position > 0.5
        else:
            upside_down = position is None and balance <= -WEAK_BALANCE
    return int((-90 * sideways + 180 * upside_down) % 360)


def _shrink(gray: np.ndarray) -> np.ndarray:
    """A copy reduced by a whole factor (exact pixel blocks are averaged fast)."""
    factor = max(1, math.ceil(min(gray.shape[:2]) / WORK_SIDE))
    if factor == 1:
        return gray
    h, w = gray.shape[:2]
    cut = gray[: h - h % factor, : w - w % factor]
    size = (cut.shape[1] // factor, cut.shape[0] // factor)
    return cv2.resize(cut, size, interpolation=cv2.INTER_AREA)


def _pixels(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the set pixels, row by row."""
    found = cv2.findNonZero(binary)
    if found is None:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    points = found.reshape(-1, 2).astype(np.intp)
    return points[:, 1], points[:, 0]


@dataclass(frozen=True)
class _Parts:
    """The connected parts of a binary image: for each set pixel (``ys``, ``xs``) its part, and
    each part's box. Part 0 is the background. (OpenCV's own statistics take five times longer
    than the labelling on a page.)"""

    ys: np.ndarray
    xs: np.ndarray
    part: np.ndarray
    top: np.ndarray
    height: np.ndarray
    width: np.ndarray


def _parts(binary: np.ndarray) -> _Parts:
    n, labels = cv2.connectedComponents(binary, connectivity=8)
    ys, xs = _pixels(binary)
    part = labels[ys, xs]
    bounds = []
    for coords in (ys, xs):
        low, high = np.full(n, coords.max(initial=0), np.intp), np.zeros(n, np.intp)
        np.minimum.at(low, part, coords)
        np.maximum.at(high, part, coords)
        bounds.append((low, np.maximum(high - low + 1, 0)))
    (top, height), (_, width) = bounds
    return _Parts(ys, xs, part, top, height, width)


def _writing(strokes: np.ndarray) -> np.ndarray:
    """The strokes (0/1) without the long ones: rules, frames, a page's edge."""
    parts = _parts(strokes)
    long = np.maximum(parts.width, parts.height) > LONG_STROKE * max(strokes.shape)
    drop = long[parts.part]
    writing = strokes.copy()
    writing[parts.ys[drop], parts.xs[drop]] = 0
    return writing


def _edge_energy(gray: np.ndarray, writing: np.ndarray) -> tuple[float, float]:
    """Squared brightness change from left to right and from top to bottom, summed over the
    writing and its edges."""
    near = cv2.dilate(writing, np.ones((3, 3), np.uint8)) > 0
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)[near].astype(np.float32)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)[near].astype(np.float32)
    return float(np.dot(gx, gx)), float(np.dot(gy, gy))


def _points(writing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centred coordinates of (at most ``_MAX_POINTS``) pixels of the writing."""
    ys, xs = np.nonzero(writing)
    step = max(1, math.ceil(len(xs) / _MAX_POINTS))
    xs, ys = xs[::step], ys[::step]
    h, w = writing.shape
    return xs.astype(np.float64) - w / 2, ys.astype(np.float64) - h / 2


def _sharpness(points: tuple[np.ndarray, np.ndarray], deg: float) -> float:
    """How sharply the points fall into rows when turned by ``deg``: sum of squared counts."""
    xs, ys = points
    rad = math.radians(deg)
    rows = ys * math.cos(rad) + xs * math.sin(rad)
    hist = np.bincount((rows - rows.min()).astype(np.int64)).astype(np.float64)
    hist = np.convolve(hist, (0.25, 0.5, 0.25), mode="same")
    return float(np.dot(hist, hist))


def _line_angle(points: tuple[np.ndarray, np.ndarray], centre: float) -> float:
    """The angle within ``SEARCH_DEG`` of ``centre`` where the lines are sharpest (to 0.25°)."""
    best, score = centre, -1.0
    for step, span in ((1.0, SEARCH_DEG), (0.25, 0.75)):
        for deg in np.arange(best - span, best + span + step / 2, step):
            value = _sharpness(points, float(deg))
            if value > score:
                best, score = float(deg), value
    return best


def _turn(mask: np.ndarray, deg: float) -> np.ndarray:
    """A 0/1 mask rotated by ``deg`` counter-clockwise, whole page in view."""
    if deg == 0:
        return mask
    return (rotate(mask * 255, deg, border=0) > 127).astype(np.uint8)


def _cell_position(strokes: np.ndarray, writing: np.ndarray) -> float | None:
    """Where the writing sits between the horizontal rules of a table, from 0 (at the rule
    above) to 1 (at the rule below), weighted by ink; None when the page has no ruled rows."""
    across = np.count_nonzero(strokes, axis=1)
    rules = np.flatnonzero(across >= MIN_RULE * strokes.shape[1])
    if len(rules) < 3:
        return None
    # One y per rule (a rule is a few rows thick), then the bands between them.
    ys = [int(r[len(r) // 2]) for r in np.split(rules, np.flatnonzero(np.diff(rules) > 2) + 1)]
    ink_rows = np.count_nonzero(writing, axis=1).astype(np.float64)
    total = weighted = 0.0
    for top, bottom in pairwise(ys):
        height = bottom - top
        if height < 12:  # too low for a row of entries
            continue
        band = ink_rows[top + 3 : bottom - 2]
        ink = float(band.sum())
        if ink == 0:
            continue
        centre = float(np.dot(band, np.arange(3, 3 + len(band)))) / ink
        weighted += ink * centre / height
        total += ink
    return weighted / total if total else None


def _balance(ink: np.ndarray) -> float:
    """Ink above the small letters minus ink below them, over both, summed over the words of
    writing (0/1) whose lines are level: clearly positive when upright, negative when upside
    down."""
    # Words: letters closed over small gaps, accents joined to their letters.
    words = _parts(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 7), np.uint8)))
    w, h = words.width, words.height
    wordlike = (w >= 2 * h) & (h >= 4)
    if np.count_nonzero(wordlike) < MIN_WORDS:
        return 0.0
    height = float(np.median(h[wordlike]))
    chosen = (h >= 0.6 * height) & (h <= 1.8 * height) & (w >= 1.5 * height)
    # Each chosen word's ink counted per row of its box, all words at once: a words × rows table.
    # The words cover the ink, so the word of an ink pixel is the part at the same place.
    place = np.zeros(ink.shape, np.int32)
    place[words.ys, words.xs] = words.part
    ys, xs = _pixels(ink)
    word = place[ys, xs]
    keep = chosen[word]
    word, row = word[keep], ys[keep] - words.top[word[keep]]
    if not len(word):
        return 0.0
    ids, word = np.unique(word, return_inverse=True)
    tall = int(h[ids].max())
    rows = np.bincount(word * tall + row, minlength=len(ids) * tall).reshape(len(ids), tall)
    # The densest band of each word: its rows at least half as full as its fullest row.
    dense = rows >= 0.5 * rows.max(axis=1, keepdims=True)
    first = dense.argmax(axis=1)
    last = tall - 1 - dense[:, ::-1].argmax(axis=1)
    index = np.arange(tall)
    above = float(rows[index < first[:, None]].sum())
    below = float(rows[index > last[:, None]].sum())
    total = above + below
    return (above - below) / total if total else 0.0
