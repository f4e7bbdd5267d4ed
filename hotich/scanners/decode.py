"""Decode one page into an RGB array and hash its pixels (the page's content identity).

``decode_page`` reads only the page asked for: one PDF page rendered by poppler at
``settings.pdf_dpi``, one TIFF frame, or one image. Every way a file can fail becomes a
PageError with its own code (see ``hotich/i18n/*/scanners.toml``, ``[quarantine.*]``), which
the runner quarantines; a missing poppler raises EnvironmentCheckError instead, since no PDF
can be read until it is installed.

The content identity ``sha256`` hashes the decoded pixels together with their shape and dtype,
so the same page saved as PNG or as TIFF has the same identity, and a re-saved file whose
pixels did not change is not processed again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from hotich.config.settings import Settings
from hotich.scanners.guards import check_size
from hotich.scanners.images import (
    RgbArray,
    load_pixels,
    open_image,
    seek_frame,
    to_rgb,
    upright,
)
from hotich.scanners.pdf import render_pdf_page
from hotich.schema.page import PageRef


@dataclass(frozen=True, slots=True, eq=False)
class DecodedPage:
    """One decoded page: RGB pixels (H×W×3 uint8) and their content hash."""

    image: RgbArray
    sha256: str
    dpi: float | None = None
    """The resolution, when the file states it (PDFs: the render resolution)."""


def decode_page(ref: PageRef, *, settings: Settings) -> DecodedPage:
    """Decode the page ``ref`` points to; PageError if the page cannot be used."""
    path = Path(ref.root) / ref.source
    label = ref.label
    if ref.kind == "pdf":
        rendered = render_pdf_page(
            path,
            ref.index,
            dpi=settings.pdf_dpi,
            max_pixels=settings.max_page_pixels,
            min_side=settings.min_page_side,
            label=label,
        )
        with rendered:
            pixels = to_rgb(rendered, label)
        return _decoded(pixels, float(settings.pdf_dpi))
    damaged = "tiff.broken" if ref.kind == "tiff" else "decode.truncated"
    with open_image(path, label, damaged_code=damaged) as image:
        if ref.kind == "tiff" or ref.index:
            seek_frame(image, ref.index, label)
        width, height = image.size
        check_size(
            width,
            height,
            max_pixels=settings.max_page_pixels,
            min_side=settings.min_page_side,
            label=label,
        )
        load_pixels(image, label, damaged_code=damaged)
        dpi = _dpi_of(image)
        turned = upright(image)
        pixels = to_rgb(turned, label)
    return _decoded(pixels, dpi)


def pixel_sha256(pixels: NDArray[Any]) -> str:
    """SHA-256 over ``shape`` and ``dtype`` then the pixel bytes (C order)."""
    contiguous = np.ascontiguousarray(pixels)
    digest = hashlib.sha256()
    digest.update(f"{'x'.join(map(str, contiguous.shape))}:{contiguous.dtype.str}:".encode())
    digest.update(contiguous.data.cast("B"))
    return digest.hexdigest()


def _decoded(pixels: RgbArray, dpi: float | None) -> DecodedPage:
    pixels.setflags(write=False)
    return DecodedPage(image=pixels, sha256=pixel_sha256(pixels), dpi=dpi)


def _dpi_of(image: Image.Image) -> float | None:
    value = image.info.get("dpi")
    if isinstance(value, tuple) and value and isinstance(value[0], int | float) and value[0] > 0:
        return float(value[0])
    return None
