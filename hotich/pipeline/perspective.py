"""Perspective correction of phone photos: find the page on the desk and warp it flat.

A3 ledgers do not fit the scanners, so clerks photograph them. The photo shows the paper, lit
unevenly, against a darker table, with its rectangle seen at an angle. :func:`find_page` finds
the page's four corners; :func:`~hotich.pipeline.pagequad.warp_page` maps them to an upright
rectangle with the page's aspect ratio, at the resolution the photo has at the page's nearest
edge (no detail is thrown away; a photo gives no physical scale, so none is invented).

A flatbed scan is left alone: where the paper fills the image, runs off its edge, or its outline
is not four straight sides against a darker background, :func:`find_page` answers None.

Detection works on a small copy (``PerspectiveParams.work_side``): text is closed over, the
paper is split from the background (by Otsu's threshold, and by a watershed from the frame and
the brightest paper, which follows the paper's sharp edge through soft shadows), and the largest
region's convex hull must be a quadrilateral with a darker background beyond each side. Each
side must then be a sharp straight edge, refitted on the detection copy and on the full image,
so the corners are found to a pixel or two (measured on generated photos: at most 1.4 px).
"""

from __future__ import annotations

import math
from typing import Annotated, Final

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from hotich.pipeline.pagequad import Corners, Line, inset, meet, quad_of, warp_page
from hotich.schema.page import PageQuad

RESIDUAL_SKEW_DEG: Final = 3.0
"""The most a flattened page can still be skewed: its edges are upright, what is left is the
writing's own slant on the paper. Deskew searches no further, so the shadow of a hand or a phone
across the photo cannot pass for text lines at a steep angle."""
_EDGE_SAMPLES: Final = 48
"""Points measured along each side when its line is refitted on the full image."""


class PerspectiveParams(BaseModel):
    """When a photo's page is trusted and how it is found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    work_side: Annotated[int, Field(ge=200, description="long side of the detection copy, px")] = (
        1000
    )
    min_area: Annotated[float, Field(gt=0, lt=1, description="least share of the image")] = 0.2
    min_contrast: Annotated[
        float, Field(gt=0, description="grey levels between paper and background, each side")
    ] = 25.0
    max_bend: Annotated[
        float, Field(gt=0, description="largest bulge of a side, share of the long side")
    ] = 0.01
    max_angle_dev: Annotated[
        float, Field(gt=0, lt=90, description="corner angles within 90° ± this")
    ] = 35.0
    square_deg: Annotated[
        float, Field(ge=0, description="a quad with every corner within 90° ± this is upright")
    ] = 1.5
    full_area: Annotated[
        float, Field(gt=0, le=1, description="an upright page this large is the whole scan")
    ] = 0.85
    inset: Annotated[
        float, Field(ge=0, lt=0.1, description="margin cut off the page, share of its long side")
    ] = 0.002
    """The paper's edge, blurred into the desk, would reach OCR as a dark rule."""


def correct_perspective(
    gray: np.ndarray, params: PerspectiveParams | None = None
) -> tuple[np.ndarray, PageQuad] | None:
    """The page of a photo, flattened, and where it was; None when no page is found with
    confidence (a flatbed scan, or a photo whose page is cut off by the frame)."""
    p = params or PerspectiveParams()
    corners = find_page(gray, p)
    if corners is None:
        return None
    tl, tr, _, bl = (np.asarray(c) for c in corners)
    long_side = float(max(np.linalg.norm(tr - tl), np.linalg.norm(bl - tl)))
    quad = quad_of(inset(corners, max(3.0, p.inset * long_side)), gray.shape[:2])
    return warp_page(gray, quad), quad


def find_page(gray: np.ndarray, params: PerspectiveParams | None = None) -> Corners | None:
    """The four corners of the paper against a darker background, or None.

    ``gray`` is a single-channel uint8 image (an RGB one is converted)."""
    p = params or PerspectiveParams()
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_RGB2GRAY)
    h, w = gray.shape[:2]
    scale = min(1.0, p.work_side / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    k = max(3, round(max(small.shape) / 60)) | 1
    # Close over the text and rules: what is left is paper, shading and background.
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 1.5)
    best: np.ndarray | None = None
    for coarse in _coarse_quads(paper, p):
        if _is_whole_image(coarse, small.shape[:2], p):
            continue
        refined = _refine(gray, paper, coarse, scale)
        if refined is not None and (best is None or _area(refined) > _area(best)):
            best = refined
    if best is None:
        return None
    return tuple((float(x), float(y)) for x, y in best)  # type: ignore[return-value]


def _area(quad: np.ndarray) -> float:
    return float(cv2.contourArea(quad.astype(np.float32).reshape(-1, 1, 2)))


def _coarse_quads(paper: np.ndarray, p: PerspectiveParams) -> list[np.ndarray]:
    """Candidate corners (4×2, ordered) of the page in the detection copy.

    The paper is split from the background at Otsu's threshold, and by a watershed between
    what is surely paper and surely background, whose border settles on the sharpest edge:
    the paper's, not the soft one of a shadow, which can put part of the page below the
    threshold (or the fold between the two pages of a spread, which can split it)."""
    _, mask = cv2.threshold(paper, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright, dark = paper[mask > 0], paper[mask == 0]
    if not bright.size or not dark.size or bright.mean() - dark.mean() < p.min_contrast:
        return []  # one tone only: no paper against a background
    flooded = _watershed(paper, float(bright.mean()))
    quads = (_quad_of(paper, m, p) for m in (mask, flooded))
    return [q for q in quads if q is not None]


def _watershed(paper: np.ndarray, bright: float) -> np.ndarray:
    """The paper's region (255), flooded from sure paper (large parts at least ``bright``,
    shrunk) and sure background (the frame)."""
    sure_paper = _parts((paper >= bright).astype(np.uint8))
    k = max(3, round(max(paper.shape) / 50)) | 1
    sure_paper = cv2.erode(sure_paper, np.ones((k, k), np.uint8))
    markers = np.zeros(paper.shape, np.int32)
    # The frame is background (watershed keeps the outermost pixels for itself, hence 1:3).
    # Nothing darker inside is: paper in a deep shadow can be as dark as the table.
    markers[1:3, :] = markers[-3:-1, :] = markers[:, 1:3] = markers[:, -3:-1] = 1
    markers[sure_paper > 0] = 2
    cv2.watershed(cv2.cvtColor(paper, cv2.COLOR_GRAY2BGR), markers)
    region: np.ndarray = np.where(markers == 2, 255, 0).astype(np.uint8)
    return region


def _parts(mask: np.ndarray, min_share: float = 0.02) -> np.ndarray:
    """The connected parts of a 0/1 mask that are at least ``min_share`` of the image."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    large = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= min_share * mask.size)
    large = large[large > 0]  # label 0 is the background
    return np.isin(labels, large).astype(np.uint8)


def _quad_of(paper: np.ndarray, mask: np.ndarray, p: PerspectiveParams) -> np.ndarray | None:
    """Corners of the largest region of ``mask`` (255 = paper), if it is a believable page."""
    sh, sw = paper.shape[:2]
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    if cv2.contourArea(contour) < p.min_area * sh * sw:
        return None
    points = contour.reshape(-1, 2)
    on_edge = (points[:, 0] <= 4) | (points[:, 1] <= 4)  # the watershed leaves 3 px
    on_edge |= (points[:, 0] >= sw - 5) | (points[:, 1] >= sh - 5)
    if on_edge.mean() > 0.01:
        return None  # the paper runs off the image: a scan, or a page cut by the frame
    hull = cv2.convexHull(contour)
    tolerance = p.max_bend * max(sh, sw)
    approx = None
    for share in (0.3, 0.5, 0.75, 1.0):
        candidate = cv2.approxPolyDP(hull, share * tolerance, True)
        if len(candidate) == 4:
            approx = candidate.reshape(4, 2).astype(np.float64)
            break
    if approx is None:
        return None
    quad = _order(approx)
    if not _plausible(quad, hull, p) or not _contrasted(paper, quad, p):
        return None
    return quad


def _order(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (clockwise on screen)."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ring = points[np.argsort(angles)]  # clockwise on screen, as y points down
    first = int(np.argmin(ring.sum(axis=1)))
    return np.roll(ring, -first, axis=0)


def _angles(quad: np.ndarray) -> np.ndarray:
    """Interior angles in degrees at each corner."""
    out = []
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-9))
        out.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return np.asarray(out)


def _plausible(quad: np.ndarray, hull: np.ndarray, p: PerspectiveParams) -> bool:
    """Convex, corners not far from square, and the region filling its quadrilateral."""
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    if not cv2.isContourConvex(contour):
        return False
    if np.any(np.abs(_angles(quad) - 90.0) > p.max_angle_dev):
        return False
    quad_area = cv2.contourArea(contour)
    hull_area = cv2.contourArea(hull)
    return quad_area > 0 and abs(hull_area - quad_area) / quad_area < 0.05


def _contrasted(paper: np.ndarray, quad: np.ndarray, p: PerspectiveParams) -> bool:
    """Each side has paper inside and a darker background just outside."""
    sh, sw = paper.shape[:2]
    offset = max(4.0, 0.012 * max(sh, sw))
    centre = quad.mean(axis=0)
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        along = b - a
        normal = np.array([along[1], -along[0]]) / max(float(np.linalg.norm(along)), 1e-9)
        if np.dot(normal, (a + b) / 2 - centre) < 0:
            normal = -normal  # pointing out of the page
        t = np.linspace(0.15, 0.85, 24)[:, None]
        base = a + t * along
        inside = _sample(paper, base - offset * normal)
        outside = _sample(paper, base + offset * normal)
        if outside.size < 6 or inside.size < 6:
            return False  # the background strip is not in the image
        if float(np.median(inside)) - float(np.median(outside)) < p.min_contrast:
            return False
    return True


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Pixel values at ``points`` (N×2, x y) that lie inside the image."""
    h, w = image.shape[:2]
    xy = np.round(points).astype(int)
    keep = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
    values: np.ndarray = image[xy[keep, 1], xy[keep, 0]]
    return values


def _is_whole_image(quad: np.ndarray, shape: tuple[int, int], p: PerspectiveParams) -> bool:
    """An upright page that fills the image: a scan, nothing to flatten."""
    sh, sw = shape
    area = cv2.contourArea(quad.astype(np.float32).reshape(-1, 1, 2))
    square = bool(np.all(np.abs(_angles(quad) - 90.0) <= p.square_deg))
    return square and area >= p.full_area * sh * sw


def _refine(
    gray: np.ndarray, paper: np.ndarray, quad: np.ndarray, scale: float
) -> np.ndarray | None:
    """The corners again, from each side's line refitted twice: on the detection copy with
    the text closed over (``paper``), whose outline the hull only approximates, then on the
    full-resolution image near that line. None unless every side is a sharp, straight edge
    there (a shadow's soft border is not a page's edge)."""
    lines = _side_lines(paper, quad, reach=6.0)
    small = None if lines is None else meet(lines)
    if small is None or np.abs(small - quad).max() > 8.0:
        return None
    lines = _side_lines(gray, small / scale, reach=1.5 / scale + 3.0)
    corners = None if lines is None else meet(lines)
    if corners is None or np.abs(corners - small / scale).max() > 3.0 / scale + 3.0:
        return None
    return corners


def _side_lines(image: np.ndarray, quad: np.ndarray, *, reach: float) -> list[Line] | None:
    """Each side of ``quad`` (from corner i to i + 1) refitted on ``image``; None if one
    cannot be."""
    centre = quad.mean(axis=0)
    lines = []
    for i in range(4):
        line = _fit_side(image, quad[i], quad[(i + 1) % 4], centre, reach)
        if line is None:
            return None
        lines.append(line)
    return lines


def _fit_side(
    gray: np.ndarray, a: np.ndarray, b: np.ndarray, centre: np.ndarray, reach: float
) -> Line | None:
    """(point, direction) of the paper's edge near the side a→b: along normals, where the
    brightness falls most steeply from paper to background."""
    along = b - a
    length = float(np.linalg.norm(along))
    if length < 10:
        return None
    unit = along / length
    normal = np.array([unit[1], -unit[0]])
    if np.dot(normal, (a + b) / 2 - centre) < 0:
        normal = -normal
    steps = np.arange(-reach, reach + 0.5, 1.0)
    across = np.array([-1.0, 0.0, 1.0])  # three parallel profiles, averaged against noise
    found = []
    for t in np.linspace(0.08, 0.92, _EDGE_SAMPLES):
        base = a + t * along
        xs = base[0] + steps[:, None] * normal[0] + across[None, :] * unit[0]
        ys = base[1] + steps[:, None] * normal[1] + across[None, :] * unit[1]
        profile = cv2.remap(
            gray,
            xs.astype(np.float32),
            ys.astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float64)
        profile = np.convolve(profile.mean(axis=1), (0.25, 0.5, 0.25), mode="same")
        slope = np.diff(profile)[1:-1]  # ends are padded by the convolution
        if slope.size < 3:
            continue
        j = int(np.argmin(slope))
        if slope[j] > -4.0:
            continue  # no edge here (a shadow's soft border, a stain)
        offset = 0.0
        if 0 < j < slope.size - 1:  # parabola through the neighbours: sub-pixel position
            left, mid, right = slope[j - 1], slope[j], slope[j + 1]
            denom = left - 2 * mid + right
            if abs(denom) > 1e-9:
                offset = 0.5 * (left - right) / denom
        position = steps[0] + j + 1.5 + offset  # slope[j] lies between steps j+1 and j+2
        found.append(base + position * normal)
    if len(found) < _EDGE_SAMPLES // 3:
        return None
    points = np.asarray(found, dtype=np.float32)
    vx, vy, x0, y0 = cv2.fitLine(points, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)
