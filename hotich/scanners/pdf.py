"""PDF files through poppler (pdf2image): page count, page size, and one page rendered.

Only poppler reads PDFs. When it cannot open a file, the reason given to the clerk is worked out
from the file itself (empty, not a PDF, password-protected, no pages), never from poppler's
wording; poppler's own words are kept only as detail in the ``pdf.broken`` message.

Rendering uses ``pdftoppm`` one page at a time, so memory stays flat whatever the length of the
PDF. Measured at 300 dpi on A4 (poppler 22.12, median of 3): a scanned page (embedded JPEG)
0.43 s with ``pdftoppm`` against 5.8 s with ``pdftocairo``; a text page 0.13 s against 1.5 s.
Hence ``use_pdftocairo=False``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Final

from pdf2image import convert_from_path, pdfinfo_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
)
from PIL import Image

from hotich.errors import EnvironmentCheckError, PageError
from hotich.scanners.files import check_regular_file, file_search, read_head
from hotich.scanners.guards import check_size, too_large

POINTS_PER_INCH: Final = 72.0
_HEAD_BYTES: Final = 1024
_DETAIL_CHARS: Final = 300
_ENCRYPT = re.compile(rb"/Encrypt\b")
_ZERO_COUNT = re.compile(rb"/Count\s+0(?![0-9])")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PAGE_SIZE = re.compile(r"([0-9.]+)\s*x\s*([0-9.]+)\s*pts")


def pdf_page_count(path: Path, label: str) -> int:
    """How many pages the PDF holds (pdfinfo: no page is rendered)."""
    if check_regular_file(path, label) == 0:
        raise PageError("pdf.empty", file=label)
    pages = _pdfinfo(path, label).get("Pages", 0)
    if not isinstance(pages, int) or pages <= 0:
        raise PageError("pdf.empty", file=label)
    return pages


def pdf_page_pixels(path: Path, index: int, dpi: int, label: str) -> tuple[int, int]:
    """Width and height in pixels of page ``index`` (0-based) once rendered at ``dpi``."""
    info = _pdfinfo(path, label, page=index + 1)
    for key, value in info.items():
        if key.startswith("Page") and key.endswith("size"):
            match = _PAGE_SIZE.search(str(value))
            if match:
                width, height = (float(group) for group in match.groups())
                # Multiply first: 14400 * 300 / 72 is exactly 60000, as poppler computes it.
                return math.ceil(width * dpi / POINTS_PER_INCH), math.ceil(
                    height * dpi / POINTS_PER_INCH
                )
    raise PageError("pdf.broken", file=label, reason=f"no size for page {index + 1}")


def render_pdf_page(
    path: Path, index: int, *, dpi: int, max_pixels: int, min_side: int, label: str
) -> Image.Image:
    """Page ``index`` (0-based) rendered at ``dpi``; refused before rendering if its size at
    that resolution is out of bounds (``decode.too_large`` / ``decode.too_small``)."""
    check_regular_file(path, label)  # gone or replaced since expand: say so, not "empty"
    width, height = pdf_page_pixels(path, index, dpi, label)
    check_size(width, height, max_pixels=max_pixels, min_side=min_side, label=label)
    try:
        images = convert_from_path(
            str(path), dpi=dpi, first_page=index + 1, last_page=index + 1, use_pdftocairo=False
        )
    except PDFInfoNotInstalledError as error:
        raise EnvironmentCheckError("scan.poppler_missing") from error
    except PDFPageCountError as error:
        raise _open_failure(path, label, str(error)) from error
    except PDFPopplerTimeoutError as error:
        raise PageError("pdf.broken", file=label, reason="timeout") from error
    except Image.DecompressionBombError as error:
        # Pillow's own limit, below ours when max_page_pixels was raised above it.
        raise too_large(width, height, max_pixels=max_pixels, label=label) from error
    if not images:
        raise PageError("pdf.broken", file=label, reason=f"page {index + 1} did not render")
    image: Image.Image = images[0]
    return image


def _pdfinfo(path: Path, label: str, page: int | None = None) -> dict[str, object]:
    try:
        if page is None:
            info: dict[str, object] = pdfinfo_from_path(str(path))
        else:
            info = pdfinfo_from_path(str(path), first_page=page, last_page=page)
    except PDFInfoNotInstalledError as error:
        raise EnvironmentCheckError("scan.poppler_missing") from error
    except PDFPageCountError as error:
        raise _open_failure(path, label, str(error)) from error
    except PDFPopplerTimeoutError as error:
        raise PageError("pdf.broken", file=label, reason="timeout") from error
    return info


def _open_failure(path: Path, label: str, detail: str) -> PageError:
    """Why poppler could not open ``path``, judged from the file's bytes."""
    head = read_head(path, _HEAD_BYTES)
    if not head:
        return PageError("pdf.empty", file=label)
    if b"%PDF-" not in head:
        return PageError("pdf.not_a_pdf", file=label)
    if file_search(path, _ENCRYPT):
        return PageError("pdf.encrypted", file=label)
    if file_search(path, _ZERO_COUNT) and not file_search(path, _PAGE_OBJECT):
        return PageError("pdf.empty", file=label)
    # pdf2image puts "Unable to get page count." before poppler's own lines.
    lines = [line.strip() for line in detail.splitlines()[1:] if line.strip()]
    reason = "; ".join(dict.fromkeys(lines))[:_DETAIL_CHARS] or "poppler"
    return PageError("pdf.broken", file=label, reason=reason)
