"""Turning a page image: any angle with the whole page kept in view, quarter turns exactly.

The OCR chain (:mod:`.preprocess`), the stored page (:mod:`.stored`) and the orientation
measure (:mod:`.orient`) all turn pages with these two functions.
"""

from __future__ import annotations

import cv2
import numpy as np


def rotate(image: np.ndarray, deg: float, *, border: int = 255) -> np.ndarray:
    """Rotate by ``deg`` (counter-clockwise positive) keeping the whole page in view."""
    if abs(deg) < 0.01:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    value = (border,) * (1 if image.ndim == 2 else image.shape[2])
    return cv2.warpAffine(
        image,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=value,
    )


def turn(image: np.ndarray, deg: float) -> np.ndarray:
    """Rotate by ``deg`` (counter-clockwise positive) keeping the whole page in view: its
    quarter turns exactly (pixels moved, none resampled), the rest by ``rotate``. So a page
    scanned upside down becomes, pixel for pixel, the page scanned upright."""
    quarters = round(deg / 90)
    if quarters % 4:
        image = np.ascontiguousarray(np.rot90(image, quarters % 4))
    return rotate(image, round(deg - 90 * quarters, 6))  # no float noise: same rest, same pixels
