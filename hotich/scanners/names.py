"""What a scan folder's names mean: page-file types, page numbers, natural order.

The page number of a file is the **last** run of ASCII digits in its name without the
extension: ``0012.png`` → 12, ``trang-7.jpg`` → 7, ``scan-2023-0012.png`` → 12,
``khai-sinh-1998-q01.pdf`` → 1, ``bia.png`` → none. The last run is chosen because scanners and
clerks prefix names with years, book names and dates, and put the page counter at the end.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Final

from hotich.schema.page import SourceKind

PAGE_EXTENSIONS: Final[dict[str, SourceKind]] = {
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".pdf": "pdf",
}
"""Page-file extensions (compared in lower case) and the kind of container each one is."""

GROUND_TRUTH_SUFFIX: Final = ".gt.json"

_DIGITS = re.compile(r"[0-9]+")
_SPLIT_DIGITS = re.compile(r"([0-9]+)")


def page_kind(name: str) -> SourceKind | None:
    """The kind of page file ``name`` is by its extension, or None if it is no page file."""
    return PAGE_EXTENSIONS.get(PurePath(name).suffix.lower())


def page_number_in(name: str) -> int | None:
    """The last run of digits in the file name without its extension, if any."""
    runs = _DIGITS.findall(PurePath(name).stem)
    return int(runs[-1]) if runs else None


def leading_code(name: str) -> str | None:
    """The leading run of digits of a folder name (a commune's official code), if any."""
    match = _DIGITS.match(name)
    return match.group() if match else None


def natural_key(name: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key putting ``2.png`` before ``10.png``; ties broken by the exact name.

    ``re.split`` with a capturing group alternates text and digits, always starting with text,
    so every position of the key holds the same type for every name and tuples compare.
    """
    parts: list[str | int] = []
    for position, part in enumerate(_SPLIT_DIGITS.split(name)):
        parts.append(int(part) if position % 2 else part.casefold())
    return tuple(parts), name


def is_ground_truth(name: str) -> bool:
    """A ``P.gt.json`` file beside a page: expected, and skipped without a word."""
    return name.lower().endswith(GROUND_TRUTH_SUFFIX)


def is_hidden(name: str) -> bool:
    """Hidden files and folders (``.DS_Store``, macOS ``._0001.png`` forks, ``.git``)."""
    return name.startswith(".")


def is_valid_text(name: str) -> bool:
    """False for a name that is not valid UTF-8 on disk (Python keeps it with surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
