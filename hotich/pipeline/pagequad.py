"""The flattening itself: from a page's four corners in a photo to an upright page.

:func:`quad_of` gives the corners the size of the flattened page (its aspect ratio, from the
camera's view of a rectangle; the photo's resolution at the page's nearest sides), and
:func:`warp_page` maps a gray or colour image with it, as the OCR chain and the stored page
(:mod:`hotich.pipeline.stored`) both do, so they line up.
"""

from __future__ import annotations

import math
from typing import Final

import cv2
import numpy as np

from hotich.schema.page import PageQuad, Point

Corners = tuple[Point, Point, Point, Point]
"""Top-left, top-right, bottom-right, bottom-left, in pixels."""
Line = tuple[np.ndarray, np.ndarray]
"""A point on a line and its direction."""

PHONE_FOCAL: Final = 0.8
"""Focal length taken, as a share of the photo's diagonal, when the page's outline cannot tell
it (a phone's main camera, as clerks hold it, is about 0.6–1)."""
_MIN_CONVERGENCE_DEG: Final = 1.0
"""Opposite sides closer to parallel than this tell no focal length (measured: past it, the
aspect ratio is within 1 % on generated photos)."""


def inset(corners: Corners, px: float) -> Corners:
    """The quadrilateral whose sides lie ``px`` inside those of ``corners``."""
    quad = np.asarray(corners, dtype=np.float64)
    centre = quad.mean(axis=0)
    lines = []
    for i in range(4):
        a, along = quad[i], quad[(i + 1) % 4] - quad[i]
        normal = np.array([along[1], -along[0]]) / max(float(np.linalg.norm(along)), 1e-9)
        if np.dot(normal, centre - a) < 0:
            normal = -normal  # pointing into the page
        lines.append((a + px * normal, along))
    moved = meet(lines)
    if moved is None:
        return corners
    return tuple((float(x), float(y)) for x, y in moved)  # type: ignore[return-value]


def meet(lines: list[Line]) -> np.ndarray | None:
    """Corner i where side i - 1 meets side i."""
    corners = []
    for i in range(4):
        corner = intersect(lines[i - 1], lines[i])
        if corner is None:
            return None
        corners.append(corner)
    return np.asarray(corners)


def intersect(first: Line, second: Line) -> np.ndarray | None:
    (p1, d1), (p2, d2) = first, second
    det = d1[0] * (-d2[1]) - d1[1] * (-d2[0])
    if abs(det) < 1e-6:
        return None
    rhs = p2 - p1
    s = (rhs[0] * (-d2[1]) - rhs[1] * (-d2[0])) / det
    point: np.ndarray = p1 + s * d1
    return point


def aspect_ratio(corners: Corners, shape: tuple[int, int]) -> float:
    """Width over height of the rectangle seen as ``corners`` by a pinhole camera whose axis
    passes through the image centre (Zhang & He, "Whiteboard scanning and image enhancement",
    2007). The focal length comes from the two vanishing points; where a pair of opposite sides
    is (nearly) parallel it cannot be told, and a phone's is taken (:data:`PHONE_FOCAL`)."""
    h, w = shape
    quad = np.asarray(corners, dtype=np.float64)
    tl, tr, br, bl = (np.append(q - (w / 2, h / 2), 1.0) for q in quad)
    m1, m2, m3, m4 = tl, tr, bl, br  # (0,0), (w,0), (0,h), (w,h) of the rectangle
    k2 = np.dot(np.cross(m1, m4), m3) / np.dot(np.cross(m2, m4), m3)
    k3 = np.dot(np.cross(m1, m4), m2) / np.dot(np.cross(m3, m4), m2)
    n2, n3 = k2 * m2 - m1, k3 * m3 - m1
    diagonal = math.hypot(h, w)
    f2 = math.nan
    converging = min(
        _angle(quad[1] - quad[0], quad[2] - quad[3]), _angle(quad[3] - quad[0], quad[2] - quad[1])
    )
    if converging >= _MIN_CONVERGENCE_DEG:
        f2 = float(-(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2]))
    if not (math.isfinite(f2) and (0.3 * diagonal) ** 2 <= f2 <= (3 * diagonal) ** 2):
        f2 = (PHONE_FOCAL * diagonal) ** 2
    width2 = (n2[0] ** 2 + n2[1] ** 2) / f2 + n2[2] ** 2
    height2 = (n3[0] ** 2 + n3[1] ** 2) / f2 + n3[2] ** 2
    ratio = math.sqrt(width2 / height2)
    sides = _side_ratio(corners)
    # An estimate far from what the sides show comes from noise, not from the camera.
    return ratio if 0.8 < ratio / sides < 1.25 else sides


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    """Degrees between two directions, ignoring their sense."""
    cos = abs(float(np.dot(a, b))) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9)
    return math.degrees(math.acos(min(1.0, cos)))


def _side_ratio(corners: Corners) -> float:
    tl, tr, br, bl = (np.asarray(q, dtype=np.float64) for q in corners)
    width = float(np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = float(np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return width / max(height, 1e-9)


def quad_of(corners: Corners, shape: tuple[int, int]) -> PageQuad:
    """The page's corners with the size it flattens to: its aspect ratio, and the resolution
    of the photo at the page's longest (nearest) sides."""
    tl, tr, br, bl = (np.asarray(q, dtype=np.float64) for q in corners)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    ratio = aspect_ratio(corners, shape)
    if ratio * height >= width:
        width = ratio * height
    else:
        height = width / ratio
    return PageQuad(corners=corners, width=max(1, round(width)), height=max(1, round(height)))


def homography(quad: PageQuad) -> np.ndarray:
    """The 3×3 matrix taking scan pixels to pixels of the flattened page."""
    source = np.asarray(quad.corners, dtype=np.float32)
    w, h = quad.width, quad.height
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix: np.ndarray = cv2.getPerspectiveTransform(source, target)
    return matrix


def warp_page(image: np.ndarray, quad: PageQuad, *, border: int = 255) -> np.ndarray:
    """The page inside ``quad`` as an upright ``quad.width`` × ``quad.height`` image (gray or
    colour alike, so the stored colour page and the cleaned gray page line up)."""
    value = (border,) * (1 if image.ndim == 2 else image.shape[2])
    warped: np.ndarray = cv2.warpPerspective(
        image,
        homography(quad),
        (quad.width, quad.height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=value,
    )
    return warped
