"""The stored page image: the decoded scan flattened (a phone photo) and turned as the OCR saw
it.

Boxes of fields are in pixels of this image. It is not written to disk: it is derived from the
scan (the archival original) and the page's recorded geometry whenever it is needed.
"""

from __future__ import annotations

import numpy as np

from hotich.pipeline.pagequad import warp_page
from hotich.pipeline.rotation import turn
from hotich.schema.page import Geometry


def stored_image(decoded: np.ndarray, geometry: Geometry) -> np.ndarray:
    """The colour page, flattened and deskewed exactly as for OCR (same size as ``geometry``)."""
    page = decoded if geometry.quad is None else warp_page(decoded, geometry.quad)
    return turn(page, geometry.rotation_deg)
