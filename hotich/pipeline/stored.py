"""The stored page image: the decoded scan turned as the OCR saw it.

Boxes of fields are in pixels of this image. It is not written to disk: it is derived from the
scan (the archival original) and the page's recorded geometry whenever it is needed.
"""

from __future__ import annotations

import numpy as np

from hotich.pipeline.preprocess import rotate
from hotich.schema.page import Geometry


def stored_image(decoded: np.ndarray, geometry: Geometry) -> np.ndarray:
    """The colour page, deskewed exactly as for OCR (same size as ``geometry``)."""
    return rotate(decoded, geometry.rotation_deg)
