"""An open form book scanned two pages at a time: two form pages side by side on one image.

A3 ledgers do not fit the scanners, and a book laid open on a larger scanner (or photographed)
shows two pages at once. For a table book that is the page as designed (one table across the
spread, :mod:`.layout_table`); for a form book it is two forms, one entry each. The two pages
of an open book do not lie at the same angle: each is turned by its own small angle, and the
binding's shadow runs between them.
"""

from __future__ import annotations

from typing import Final

import cv2
import numpy as np

from hotich.samplegen.degrade import gutter_shadow
from hotich.samplegen.page import RenderedPage
from hotich.samplegen.rand import uniform

MAX_HALF_TILT_DEG: Final = 1.5
"""Each page of the spread is turned by up to this much, independently of the other."""


def _tilted(image: np.ndarray, deg: float) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    )


def render_spread(
    left: RenderedPage, right: RenderedPage, rng: np.random.Generator, dpi: int
) -> RenderedPage:
    """The two pages side by side (left, then right in the text), each turned a little, with
    the binding's shadow between them."""
    height = max(left.image.shape[0], right.image.shape[0])
    halves = []
    for page in (left, right):
        image = _tilted(page.image, uniform(rng, -MAX_HALF_TILT_DEG, MAX_HALF_TILT_DEG))
        pad = height - image.shape[0]
        halves.append(np.pad(image, ((0, pad), (0, 0), (0, 0)), constant_values=255))
    image = np.hstack(halves)
    px_per_mm = dpi / 25.4
    shadow = gutter_shadow(
        image, left.image.shape[1], 12 * px_per_mm * uniform(rng, 0.8, 1.3), uniform(rng, 0.2, 0.4)
    )
    width_mm = left.size_mm[0] + right.size_mm[0]
    return RenderedPage(
        image=shadow,
        text=left.text + right.text,
        size_mm=(width_mm, max(left.size_mm[1], right.size_mm[1])),
    )
