"""Dotted fill-in lines (leaders): find them and erase them before OCR.

Values are written on rows of small, evenly spaced dots. Tesseract reads the dots as text and,
worse, loses whole text lines over them. A leader is found from its free-standing dots (small
blobs on one row, evenly spaced); its lattice (pitch, phase, row) is then followed under the
written value, where dots touch the letters, and only the dot-sized boxes on the lattice are
erased. Diacritics such as the dot of "ạ" are kept unless they sit exactly on the lattice.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Leader:
    y: float
    """y of the row at ``x0``."""
    slope: float
    """dy/dx of the row (a page deskewed to within a fraction of a degree still drifts)."""
    pitch: float
    x0: float
    """x of one dot on the lattice."""
    size: int
    """dot diameter in pixels."""
    dots: tuple[int, ...]
    """labels of the free-standing dots."""
    span: int
    """lattice steps from the first free-standing dot to the last."""


def _ink(gray: np.ndarray) -> np.ndarray:
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary


def _text_height(stats: np.ndarray) -> float:
    """Letter height: the median blob height weighted by ink area (dots may outnumber letters).

    Rules and frames are left out: a table's grid is one blob as tall as the table holding
    nearly half the page's ink, and counting it made letters "small" enough to be taken for
    leader dots and erased."""
    blobs = stats[1:]
    w, h = blobs[:, cv2.CC_STAT_WIDTH], blobs[:, cv2.CC_STAT_HEIGHT]
    area = blobs[:, cv2.CC_STAT_AREA]
    line = np.maximum(w, h) > 12 * np.minimum(w, h)
    frame = (np.maximum(w, h) > 100) & (area < 0.08 * w * h)
    kept = blobs[~(line | frame)] if not np.all(line | frame) else blobs
    heights = kept[:, cv2.CC_STAT_HEIGHT]
    areas = kept[:, cv2.CC_STAT_AREA].astype(np.float64)
    order = np.argsort(heights)
    half = int(np.searchsorted(np.cumsum(areas[order]), areas.sum() / 2))
    return max(6.0, float(heights[order][min(half, len(heights) - 1)]))


def find_leaders(stats: np.ndarray, centroids: np.ndarray, *, min_dots: int = 8) -> list[Leader]:
    """Rows of evenly spaced free-standing dots.

    Each small blob is linked to its nearest small neighbour to the right on the same row; the
    chains that come out are candidate leaders. Local links keep rows apart even when speckle
    noise lies between them, and follow a row that slopes a little.
    """
    text_height = _text_height(stats)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    limit = max(2.0, text_height * 0.3)
    small = np.nonzero((h <= limit) & (w <= limit) & (w <= 2 * h) & (h <= 2 * w))[0] + 1
    if len(small) < min_dots:
        return []
    chains = _chains(
        small, centroids, max_dx=text_height * 1.5, max_dy=max(1.5, text_height * 0.08)
    )
    leaders = [_fit(chain, stats, centroids, min_dots) for chain in chains]
    return [leader for leader in leaders if leader is not None]


def _chains(
    labels: np.ndarray, centroids: np.ndarray, *, max_dx: float, max_dy: float
) -> list[list[int]]:
    """Link each blob to its nearest right-hand neighbour within (max_dx, max_dy)."""
    order = labels[np.argsort(centroids[labels, 0])]
    # Python floats: this loop runs over every small blob, and numpy scalars are slow here.
    xs: list[float] = centroids[order, 0].tolist()
    ys: list[float] = centroids[order, 1].tolist()
    buckets: dict[int, list[int]] = {}
    for pos, y in enumerate(ys):
        buckets.setdefault(int(y // max_dy), []).append(pos)
    nxt: dict[int, int] = {}
    taken: set[int] = set()
    for pos in range(len(order)):
        row = int(ys[pos] // max_dy)
        best, best_dx = -1, max_dx
        for b in (row - 1, row, row + 1):
            for other in buckets.get(b, ()):
                dx = xs[other] - xs[pos]
                if 0 < dx <= best_dx and abs(ys[other] - ys[pos]) <= max_dy and other not in taken:
                    best, best_dx = other, dx
        if best >= 0:
            nxt[pos] = best
            taken.add(best)
    chains: list[list[int]] = []
    for head in range(len(order)):
        if head in taken:
            continue
        chain = [int(order[head])]
        pos = head
        while pos in nxt:
            pos = nxt[pos]
            chain.append(int(order[pos]))
        chains.append(chain)
    return chains


def _fit(run: list[int], stats: np.ndarray, centroids: np.ndarray, min_dots: int) -> Leader | None:
    """The lattice of a chain of dots, or None if the chain is not an evenly spaced leader."""
    if len(run) < min_dots:
        return None
    xs = centroids[run, 0]
    gaps = np.diff(xs)
    # The pitch is the common small gap: under written text many dots are hidden, so most
    # gaps between free-standing dots can be multiples of it.
    base = float(np.percentile(gaps, 10))
    if base <= 0:
        return None
    near = gaps[np.abs(gaps - base) <= 0.25 * base]
    if len(near) == 0:
        return None
    pitch = float(np.median(near))
    steps = np.maximum(1.0, np.round(gaps / pitch))
    if float(np.mean(np.abs(gaps - steps * pitch) <= 0.25 * pitch)) < 0.7:
        return None
    # Lattice index of each dot, gap by gap (a missing dot is a double gap).
    k = np.concatenate([[0.0], np.cumsum(steps)])
    pitch, x0 = (float(v) for v in np.polyfit(k, xs, 1))
    # Only dots on the lattice belong to the leader: a diacritic dot on the same row
    # (the dot of "ị" over a leader) falls between lattice points and is kept.
    on = np.abs(xs - (x0 + k * pitch)) <= max(0.8, 0.12 * pitch)
    if int(on.sum()) < min_dots:
        return None
    run = [lab for lab, keep in zip(run, on, strict=True) if keep]
    k = k[on]
    slope, y0 = (float(v) for v in np.polyfit(centroids[run, 0] - x0, centroids[run, 1], 1))
    size = int(np.median(np.maximum(stats[run, cv2.CC_STAT_WIDTH], stats[run, cv2.CC_STAT_HEIGHT])))
    first = x0 + float(k[0]) * pitch
    return Leader(
        y=y0 + slope * (first - x0),
        slope=slope,
        pitch=pitch,
        x0=first,
        size=size,
        dots=tuple(run),
        span=int(k[-1] - k[0]),
    )


def _lone_dot(ink: np.ndarray, x: int, y: int, r: int) -> bool:
    """Ink at (x, y) is a leader dot, alone but perhaps touching a letter above it: nothing in
    a 2-px band to its left, right and below. A larger mark there (the dot of "ạ", a
    descender) keeps its pixels."""
    outer = ink[y - r : y + r + 3, x - r - 2 : x + r + 3]
    inner = ink[y - r : y + r + 1, x - r : x + r + 1]
    return int(np.count_nonzero(outer)) - int(np.count_nonzero(inner)) <= 1


def _follow(leader: Leader, ink: np.ndarray, step: int) -> list[tuple[int, int]]:
    """Lattice points from the leader's dots outwards (``step`` = -1 left, +1 right) while the
    dot box holds ink: under a written value the dots touch the letters."""
    h, w = ink.shape
    r = leader.size // 2 + 1
    points: list[tuple[int, int]] = []
    k = 0 if step < 0 else leader.span
    while True:
        k += step
        xf = leader.x0 + k * leader.pitch
        x, y = round(xf), round(leader.y + leader.slope * (xf - leader.x0))
        if x - r - 2 < 0 or x + r + 3 > w or y - r - 2 < 0 or y + r + 3 > h:
            break
        if not ink[y - r : y + r + 1, x - r : x + r + 1].any():
            break
        points.append((x, y))
    return points


def remove_dotted_lines(gray: np.ndarray, *, min_dots: int = 8) -> np.ndarray:
    """The page with its dotted fill-in lines painted white."""
    ink = _ink(gray)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return gray
    leaders = find_leaders(stats, centroids, min_dots=min_dots)
    if not leaders:
        return gray
    out = gray.copy()
    h, w = gray.shape
    for leader in leaders:
        for lab in leader.dots:  # the dot and its blurred halo
            x, y, bw, bh = (int(v) for v in stats[lab, :4])
            out[max(0, y - 2) : min(h, y + bh + 2), max(0, x - 2) : min(w, x + bw + 2)] = 255
        r = leader.size // 2
        under_text: list[tuple[int, int]] = []
        for step in (-1, 1):
            for x, y in _follow(leader, ink, step):
                if _lone_dot(ink, x, y, r + 1):
                    out[y - r - 1 : y + r + 2, x - r - 1 : x + r + 2] = 255
                else:
                    under_text.append((x, y))
        _smooth_touching(out, under_text, r)
    return out


def _smooth_touching(out: np.ndarray, points: list[tuple[int, int]], r: int) -> None:
    """Where a dot touches a letter, a 3×3 median over the dot's box takes off the dot (a
    blob of 2–3 px) and keeps the letter's strokes."""
    pad = r + 2
    h, w = out.shape
    for x, y in points:
        y0, y1 = max(0, y - pad), min(h, y + pad + 1)
        x0, x1 = max(0, x - pad), min(w, x + pad + 1)
        box = np.ascontiguousarray(out[y0:y1, x0:x1])
        smoothed = cv2.medianBlur(box, 3)
        inner = (slice(y - r - 1 - y0, y + r + 2 - y0), slice(x - r - 1 - x0, x + r + 2 - x0))
        box[inner] = smoothed[inner]
        out[y0:y1, x0:x1] = box
