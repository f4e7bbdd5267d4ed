"""Page sources: find the page files of a scan folder, expand them into pages, decode a page.

    listing = scan_folder(root)                 # names only: pages, ignored, misplaced
    refs = expand(listing.pages[0], root)       # one PageRef per page (PDF/TIFF: several)
    page = decode_page(refs[0], settings=s)     # RGB uint8 pixels and their SHA-256

Everything that makes a page unusable raises ``hotich.errors.PageError`` with a stable code
(``decode.*``, ``pdf.*``, ``tiff.*``, ``layout.*``) and a message naming the file.
"""

from hotich.scanners.decode import DecodedPage, decode_page, pixel_sha256
from hotich.scanners.expand import DUPLICATE_CODE, duplicate_error, expand, find_duplicates
from hotich.scanners.names import PAGE_EXTENSIONS, natural_key, page_number_in
from hotich.scanners.walk import (
    MISPLACED_CODE,
    IgnoredFile,
    IgnoreReason,
    MisplacedFile,
    PageFile,
    Placement,
    ScanListing,
    scan_folder,
)

__all__ = [
    "DUPLICATE_CODE",
    "MISPLACED_CODE",
    "PAGE_EXTENSIONS",
    "DecodedPage",
    "IgnoreReason",
    "IgnoredFile",
    "MisplacedFile",
    "PageFile",
    "Placement",
    "ScanListing",
    "decode_page",
    "duplicate_error",
    "expand",
    "find_duplicates",
    "natural_key",
    "page_number_in",
    "pixel_sha256",
    "scan_folder",
]
