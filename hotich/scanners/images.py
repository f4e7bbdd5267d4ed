"""Raster files through Pillow: open with guards, count frames, convert to RGB uint8.

``open_image`` reads only the header, so the caller can check the page size against the settings
(``guards.check_size``) before any pixel is decoded; ``load_pixels`` then decodes, and a file
cut short or damaged is an error (``ImageFile.LOAD_TRUNCATED_IMAGES`` stays False).
``to_rgb`` turns every mode a scanner writes (1-bit, grayscale, palette, CMYK, 16-bit, with
alpha) into an H×W×3 uint8 array.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFile, ImageOps

from hotich.errors import PageError
from hotich.scanners.files import check_regular_file, read_head, unreadable
from hotich.scanners.guards import own_pixel_guard

RgbArray = NDArray[np.uint8]

_IMAGE_SIGNATURES: Final = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"II+\x00",
    b"MM\x00+",
)
# What Pillow's decoders raise on damaged data (Image.open itself catches most of these).
_DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    zlib.error,
)
_WIDE_MODES: Final = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N", "F"})
_WHITE: Final = (255, 255, 255, 255)

# Decoding a cut-off file must fail, not return a half-grey page.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@contextmanager
def open_image(
    path: Path, label: str, *, damaged_code: str = "decode.truncated"
) -> Iterator[Image.Image]:
    """The image at ``path`` with only its header read: no pixel is decoded yet.

    The caller checks the size (``guards.check_size``) before ``load_pixels``. A file that
    starts like an image but cannot be opened raises PageError ``damaged_code``.
    """
    if check_regular_file(path, label) == 0:
        raise PageError("decode.empty_file", file=label)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise unreadable(label, error) from error
    with handle:
        try:
            with own_pixel_guard():
                image = Image.open(handle)
        except _DECODE_ERRORS as error:
            if isinstance(error, OSError) and error.errno is not None:
                raise unreadable(label, error) from error
            raise _not_readable_as_image(path, label, damaged_code) from error
        with image:
            yield image


def frame_count(path: Path, label: str) -> int:
    """How many frames (pages) a TIFF holds; PageError ``tiff.broken`` if they cannot be read."""
    with open_image(path, label, damaged_code="tiff.broken") as image:
        try:
            count = int(getattr(image, "n_frames", 1))
        except _DECODE_ERRORS as error:
            raise PageError("tiff.broken", file=label) from error
    return max(count, 1)


def seek_frame(image: Image.Image, index: int, label: str) -> None:
    """Go to frame ``index`` of a multi-page file; PageError ``tiff.broken`` if it is missing."""
    try:
        image.seek(index)
    except _DECODE_ERRORS as error:
        raise PageError("tiff.broken", file=label) from error


def load_pixels(image: Image.Image, label: str, *, damaged_code: str) -> None:
    """Decode the pixels; a cut-off or damaged file raises PageError ``damaged_code``."""
    try:
        image.load()
    except _DECODE_ERRORS as error:
        raise PageError(damaged_code, file=label) from error


def upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation (phone photos and some scanners); unreadable EXIF is ignored."""
    try:
        turned = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        return image
    return turned if turned is not None else image


def to_rgb(image: Image.Image, label: str) -> RgbArray:
    """An H×W×3 uint8 RGB copy of ``image``, whatever its mode."""
    mode = image.mode
    if mode in _WIDE_MODES:
        gray = _wide_to_uint8(np.asarray(image))
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    try:
        if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
            mode == "P" and "transparency" in image.info
        ):
            rgba = image.convert("RGBA")
            background = Image.new("RGBA", rgba.size, _WHITE)
            rgb = Image.alpha_composite(background, rgba).convert("RGB")
        else:
            rgb = image if mode == "RGB" else image.convert("RGB")
    except ValueError as error:
        raise PageError("decode.unsupported", file=label, mode=mode) from error
    array: RgbArray = np.asarray(rgb, dtype=np.uint8)
    return np.ascontiguousarray(array)


def _wide_to_uint8(values: NDArray[np.generic]) -> NDArray[np.uint8]:
    """16-bit, 32-bit and float grayscale to 8 bits, keeping the tone scale."""
    if values.dtype.kind == "f":
        data = np.nan_to_num(values.astype(np.float64))
        top = float(data.max(initial=0.0))
        scaled = data * 255.0 if top <= 1.0 else data
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    data = values.astype(np.int64)
    top = int(data.max(initial=0))
    if top <= 255:
        return np.clip(data, 0, 255).astype(np.uint8)
    full = 65535 if top <= 65535 else top
    return np.clip((data * 255 + full // 2) // full, 0, 255).astype(np.uint8)


def _not_readable_as_image(path: Path, label: str, damaged_code: str) -> PageError:
    """A file Pillow cannot open: damaged if it starts like an image, else not an image."""
    head = read_head(path, 8)
    if any(head.startswith(signature) for signature in _IMAGE_SIGNATURES):
        return PageError(damaged_code, file=label)
    return PageError("decode.not_an_image", file=label)
