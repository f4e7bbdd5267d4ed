"""Size guards, checked from a file's header before any pixel is decoded.

Pillow has its own decompression-bomb guard (``Image.MAX_IMAGE_PIXELS``): past twice that limit
``Image.open`` raises before the size can be read, so the clerk would not learn how big the
image was. While reading a header, hotich lifts Pillow's guard and applies its own,
``settings.max_page_pixels``, from the width and height in the header; pixels are decoded only
after that check has passed. The lift is process-wide (Pillow keeps the limit in a module
global), lasts only while a header is read, and is serialized by a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

from hotich.errors import PageError

_PIL_LIMIT_LOCK = threading.Lock()


@contextmanager
def own_pixel_guard() -> Iterator[None]:
    """Within this block Pillow's own size limit is off; the caller must call check_size."""
    with _PIL_LIMIT_LOCK:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def too_large(width: int, height: int, *, max_pixels: int, label: str) -> PageError:
    """The ``decode.too_large`` error for a page of ``width`` × ``height`` pixels."""
    return PageError(
        "decode.too_large",
        file=label,
        width=width,
        height=height,
        pixels=width * height,
        limit=max_pixels,
        limit_mp=f"{max_pixels / 1_000_000:g}",
    )


def check_pixels(width: int, height: int, *, max_pixels: int, label: str) -> None:
    """PageError ``decode.too_large`` if the page has more than ``max_pixels`` pixels."""
    if width * height > max_pixels:
        raise too_large(width, height, max_pixels=max_pixels, label=label)


def check_size(width: int, height: int, *, max_pixels: int, min_side: int, label: str) -> None:
    """Both guards: not larger than ``max_pixels``, no side shorter than ``min_side``."""
    check_pixels(width, height, max_pixels=max_pixels, label=label)
    if min(width, height) < min_side:
        raise PageError(
            "decode.too_small", file=label, width=width, height=height, min_side=min_side
        )
