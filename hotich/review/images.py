"""Page images for review: the stored page image rebuilt from its scan, field crops, PNG bytes.

The stored image is not kept on disk: it is the scan (the archival original) turned by the
deskew angle recorded when the page was read (:func:`hotich.loaders.stage_pdf.load_page_image`,
which also refuses a scan file that is gone or no longer the one the page was read from). Boxes
of fields are in its pixels. A few recently viewed pages are kept in memory
(:class:`ImageCache`), so that a page's crops and its image are decoded once.

A scan path is read only when it stays inside the page's scan folder (``root``): a ``source``
holding ``..`` or an absolute path is refused, whatever the database says.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
from PIL import Image

from hotich.config.settings import Settings
from hotich.db.models import Page
from hotich.loaders.stage_pdf import ScanProblem, load_page_image

BBox = tuple[int, int, int, int]
CROP_MARGIN: Final = 6
"""Pixels added around a field's box on each side (ink often runs past the box a little)."""
PNG_LEVEL: Final = 1
"""zlib level for PNGs sent to the browser: fast; the network is a local one."""


class ImageUnavailable(Exception):
    """The page's scan cannot be used (``code``: ``scan_missing``, ``scan_changed``,
    ``scan_unreadable``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class StoredPage:
    pixels: np.ndarray
    """RGB, H×W×3 uint8."""
    _png: bytes | None = field(default=None, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])

    def png(self) -> bytes:
        if self._png is None:
            self._png = png_bytes(self.pixels)
        return self._png


def png_bytes(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG", compress_level=PNG_LEVEL)
    return out.getvalue()


def crop_box(bbox: BBox, size: tuple[int, int], margin: int = CROP_MARGIN) -> BBox | None:
    """``(left, top, right, bottom)`` of a field's box with ``margin``, inside an image of
    ``size``; None for a field without a box (or one outside the image)."""
    x, y, w, h = bbox
    if w <= 0 or h <= 0:
        return None
    width, height = size
    left, top = max(0, x - margin), max(0, y - margin)
    right, bottom = min(width, x + w + margin), min(height, y + h + margin)
    if right <= left or bottom <= top:
        return None
    return left, top, right, bottom


def crop(pixels: np.ndarray, bbox: BBox, margin: int = CROP_MARGIN) -> np.ndarray | None:
    """The part of the page under a field's box (with ``margin``); None without a box."""
    box = crop_box(bbox, (int(pixels.shape[1]), int(pixels.shape[0])), margin)
    if box is None:
        return None
    left, top, right, bottom = box
    return np.ascontiguousarray(pixels[top:bottom, left:right])


def inside_root(page: Page) -> bool:
    """The page's scan path stays inside its scan folder."""
    if not page.root or not page.source:
        return False
    root = Path(page.root).resolve()
    return Path(root, page.source).resolve().is_relative_to(root)


def load_stored_page(page: Page, commune: str, book: str, *, settings: Settings) -> StoredPage:
    """The stored page image, rebuilt from the scan; :class:`ImageUnavailable` if it cannot be."""
    if not inside_root(page):
        raise ImageUnavailable("scan_missing")
    try:
        image = load_page_image(page, commune, book, settings=settings)
    except ScanProblem as e:
        raise ImageUnavailable(e.code) from e
    pixels = np.ascontiguousarray(image.pixels, dtype=np.uint8)
    return StoredPage(pixels)


class ImageCache:
    """The stored images of the last ``size`` pages viewed, keyed by page and content: a page
    read again (new content, new scan file) is loaded anew."""

    def __init__(self, settings: Settings, size: int = 4) -> None:
        self.settings = settings
        self.size = size
        self._pages: OrderedDict[tuple[int, str, str], StoredPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, page: Page, commune: str, book: str) -> StoredPage:
        key = (page.id, page.sha256, page.file_sha256)
        with self._lock:
            cached = self._pages.get(key)
            if cached is not None:
                self._pages.move_to_end(key)
                return cached
        loaded = load_stored_page(page, commune, book, settings=self.settings)
        with self._lock:
            self._pages[key] = loaded
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return loaded
