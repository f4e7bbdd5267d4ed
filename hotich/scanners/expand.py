"""Expand page files into pages, one PageRef each, and find pages claiming the same number.

Page numbers (shared/CONTRACT.md: "the page number is the number in the file name, or the index
inside a PDF/TIFF"):

- a file with a number ``n`` in its name (``names.page_number_in``) holds pages ``n, n+1, …``:
  a single image is page ``n``; a 3-page ``0004.pdf`` holds pages 4, 5 and 6;
- a PDF or TIFF without a number in its name holds pages 1, 2, … (the 1-based index inside it);
- a single image without a number in its name has no page number: PageError
  ``layout.no_page_number``.

Two pages of one book with the same number (``5.png`` and ``0005.jpg``, or a 2-page
``0004.pdf`` and ``0005.png``) are reported by ``find_duplicates``; the runner keeps the first
in listing order and quarantines the other with ``duplicate_error``.

Counting pages opens only the container (poppler's ``pdfinfo``, a TIFF's frame directory); no
page is decoded here. ``file_sha256`` is the SHA-256 of the file's bytes, read in chunks.
A single image that cannot be read at all is still expanded (with an empty ``file_sha256``),
so that decoding reports it; a PDF or TIFF that cannot be opened raises its PageError here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from hotich.errors import PageError
from hotich.scanners.files import check_regular_file, sha256_file
from hotich.scanners.images import frame_count
from hotich.scanners.pdf import pdf_page_count
from hotich.scanners.walk import PageFile
from hotich.schema.page import PageRef

DUPLICATE_CODE = "layout.duplicate_page_no"


def expand(listing_page: PageFile, root: Path, *, with_sha256: bool = True) -> list[PageRef]:
    """The pages held by one page file, in order (see the module docstring for numbering)."""
    page = listing_page
    label = page.source
    if page.kind == "image":
        if page.start_no is None:
            raise PageError("layout.no_page_number", file=label)
        count = 1
        digest = _image_digest(page) if with_sha256 else ""
    else:
        count = (
            pdf_page_count(page.path, label)
            if page.kind == "pdf"
            else frame_count(page.path, label)
        )
        digest = sha256_file(page.path, label) if with_sha256 else ""
    first = page.start_no if page.start_no is not None else 1
    root_text = os.path.abspath(root)
    return [
        PageRef(
            commune=page.commune,
            book=page.book,
            page_no=first + index,
            root=root_text,
            source=page.source,
            index=index,
            kind=page.kind,
            file_sha256=digest,
            register_hint=page.register_hint,
        )
        for index in range(count)
    ]


def find_duplicates(refs: Iterable[PageRef]) -> list[tuple[PageRef, PageRef]]:
    """Pairs ``(kept, duplicate)`` of pages with the same (commune, book, page_no).

    The first page met in ``refs`` (pass them in listing order) is kept; every later page with
    its identity is paired with it.
    """
    first_seen: dict[tuple[str, str, int], PageRef] = {}
    pairs: list[tuple[PageRef, PageRef]] = []
    for ref in refs:
        identity = (ref.commune, ref.book, ref.page_no)
        kept = first_seen.setdefault(identity, ref)
        if kept is not ref:
            pairs.append((kept, ref))
    return pairs


def duplicate_error(kept: PageRef, duplicate: PageRef) -> PageError:
    """The quarantine error for ``duplicate``, naming the page that keeps the number."""
    return PageError(
        DUPLICATE_CODE, file=duplicate.label, page_no=duplicate.page_no, other=kept.label
    )


def _image_digest(page: PageFile) -> str:
    """The file hash of a single image, or "" when it cannot be read (decoding will say why)."""
    try:
        check_regular_file(page.path, page.source)
        return sha256_file(page.path, page.source)
    except PageError:
        return ""
