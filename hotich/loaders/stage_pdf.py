"""One registration's PDF: the colour page it is on, at about 100 kB per A4 page.

The Ministry asks for a colour scan, no particular resolution, about 100 kB per A4 page
(shared/domain/README.md §1.3). The page is taken from the scan file itself (the archival
original, in colour), turned by the deskew angle recorded when it was read, brought down to at
most 150 dpi, and JPEG-compressed at the best quality that keeps it within the budget: 100 kB
per A4 page of paper, in proportion to the page's size (from the scan's resolution when the file
states it; otherwise the page is taken to be A4). If even the lowest quality is too large, the
resolution goes down, to no less than 100 dpi.

A scan file that is gone, or no longer the file the page was read from (its SHA-256 differs),
is not used: :class:`ScanProblem` says which.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, cast

import numpy as np
from PIL import Image

from hotich.config.settings import Settings
from hotich.db.models import Page
from hotich.errors import PageError
from hotich.pipeline.stored import stored_image
from hotich.scanners import decode_page
from hotich.scanners.files import sha256_file
from hotich.schema.page import Geometry, PageQuad, PageRef

A4_INCHES: Final = (8.27, 11.69)
BYTES_PER_A4: Final = 100_000
PDF_OVERHEAD: Final = 1_500
"""Bytes a one-image PDF adds around its JPEG (objects, xref, metadata), kept out of the budget."""
TARGET_DPI: Final = 150.0
MIN_DPI: Final = 100.0
MIN_QUALITY: Final = 25
MAX_QUALITY: Final = 92
_SHRINK: Final = 0.85

ScanCode = Literal["scan_missing", "scan_changed", "scan_unreadable"]


class ScanProblem(Exception):
    """The page's scan file cannot be used for its PDF (``code`` says why)."""

    def __init__(self, code: ScanCode) -> None:
        super().__init__(code)
        self.code: ScanCode = code


@dataclass(frozen=True, slots=True)
class PageImage:
    """A colour page as it goes into a PDF."""

    pixels: np.ndarray
    """RGB, H×W×3 uint8, turned upright."""
    dpi: float | None
    """The scan's resolution, when the file states it."""


def load_page_image(
    page: Page,
    commune: str,
    book: str,
    *,
    settings: Settings,
    hashes: dict[Path, str] | None = None,
) -> PageImage:
    """The colour original of ``page`` from its scan file, flattened (a photo) and turned as
    recorded.

    ``hashes`` keeps the files' SHA-256 between calls (a PDF of 300 pages is hashed once)."""
    path = Path(page.root) / page.source
    if not path.is_file():
        raise ScanProblem("scan_missing")
    hashes = {} if hashes is None else hashes
    if path not in hashes:
        try:
            hashes[path] = sha256_file(path, page.source)
        except PageError as e:
            raise ScanProblem("scan_unreadable") from e
    if hashes[path] != page.file_sha256:
        raise ScanProblem("scan_changed")
    ref = PageRef(
        commune=commune,
        book=book,
        page_no=page.page_no,
        root=page.root,
        source=page.source,
        index=page.source_index,
        kind=cast(Literal["image", "pdf", "tiff"], page.kind),
        file_sha256=page.file_sha256,
    )
    try:
        decoded = decode_page(ref, settings=settings)
    except PageError as e:
        raise ScanProblem("scan_unreadable") from e
    geometry = Geometry(
        quad=None if page.quad is None else PageQuad.model_validate(page.quad),
        rotation_deg=page.rotation_deg,
        width=page.width,
        height=page.height,
    )
    return PageImage(pixels=stored_image(decoded.image, geometry), dpi=decoded.dpi)


def _jpeg_size(image: Image.Image, quality: int) -> int:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.tell()


def _best_quality(image: Image.Image, budget: int) -> int | None:
    """The highest JPEG quality whose output fits ``budget`` bytes; None if none does."""
    if _jpeg_size(image, MIN_QUALITY) > budget:
        return None
    low, high = MIN_QUALITY, MAX_QUALITY
    while low < high:
        middle = (low + high + 1) // 2
        if _jpeg_size(image, middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def page_pdf(page: PageImage, *, bytes_per_a4: int = BYTES_PER_A4) -> bytes:
    """A one-page PDF of ``page``: colour JPEG, about ``bytes_per_a4`` per A4 of paper, the
    PDF page the paper's size."""
    height, width = page.pixels.shape[:2]
    dpi = page.dpi if page.dpi and page.dpi >= 50 else max(width, height) / A4_INCHES[1]
    paper = (width / dpi) * (height / dpi) / (A4_INCHES[0] * A4_INCHES[1])
    budget = max(int(bytes_per_a4 * paper) - PDF_OVERHEAD, 10_000)
    source = Image.fromarray(np.ascontiguousarray(page.pixels[..., :3]), "RGB")
    out_dpi = min(dpi, TARGET_DPI)
    while True:
        scale = out_dpi / dpi
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = source if size == source.size else source.resize(size, Image.Resampling.LANCZOS)
        quality = _best_quality(image, budget)
        if quality is not None or out_dpi * _SHRINK < MIN_DPI:
            break
        out_dpi *= _SHRINK
    out = io.BytesIO()
    image.save(
        out,
        "PDF",
        resolution=out_dpi,
        quality=quality or MIN_QUALITY,
        optimize=True,
        producer="hotich",
    )
    return out.getvalue()
