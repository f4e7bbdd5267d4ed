"""What a page layout hands back: the clean page image and the lines printed on it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RenderedPage:
    image: np.ndarray
    """RGB, uint8, before any degradation (white paper)."""
    text: tuple[str, ...]
    """The printed lines in reading order (the ground truth's ``text``)."""
    size_mm: tuple[float, float]
    """Physical page size (width, height): A4 portrait or an A3 landscape spread."""
