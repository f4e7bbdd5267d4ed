"""Find the page files of a scan folder: ``SCANS/<commune>/<book>/<page file>``.

The walk only looks at names and file types; it opens no file. It sorts everything in natural
order (``2.png`` before ``10.png``) and sorts out three kinds of entries:

- **pages**: files (or anything named like one) with a page extension directly in a book folder.
  A broken link or a folder named ``x.png`` there is still listed as a page: decoding it then
  fails with a plain "cannot read" message, so the clerk learns about it.
- **misplaced**: page files anywhere else (directly in SCANS, directly in a commune folder, or
  deeper than a book folder). The runner quarantines them with ``layout.misplaced``.
- **ignored**: other files and hidden entries, each with a reason for the run summary.
  Ground-truth files (``P.gt.json``) are expected and skipped without a word.

Links to files are followed. Links to folders are followed too, but a folder already seen (a
loop, or a second link to the same folder) is not read again. Commune and book names are
normalized to Unicode NFC (macOS writes decomposed names) because they are identities; the
``source`` path keeps the bytes on disk because it is used to open the file.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hotich.errors import BadInputError, PageError
from hotich.i18n import t
from hotich.scanners.names import (
    is_ground_truth,
    is_hidden,
    is_valid_text,
    leading_code,
    natural_key,
    page_kind,
    page_number_in,
)
from hotich.schema.page import SourceKind
from hotich.schema.registers import RegisterType, register_from_book

IgnoreReason = Literal["hidden", "not_a_page", "folder_seen", "unlistable", "bad_name"]
"""Why an entry was left out; the summary message is ``scan.ignored.<reason>``."""

Placement = Literal["root", "commune", "nested"]
"""Where a misplaced page file sits: directly in SCANS, directly in a commune, or too deep."""

MISPLACED_CODE = "layout.misplaced"

_COMMUNE_DEPTH = 1
_BOOK_DEPTH = 2


@dataclass(frozen=True, slots=True)
class PageFile:
    """One page file in a book folder; it may hold several pages (PDF, multi-page TIFF)."""

    commune: str
    book: str
    source: str
    """Path relative to the scan folder, with forward slashes."""
    path: Path
    """Absolute path of the file."""
    kind: SourceKind
    start_no: int | None
    """The number in the file name (see ``hotich.scanners.names``), or None."""
    register_hint: RegisterType | None

    @property
    def commune_code(self) -> str | None:
        """The official commune code: the leading digits of the commune folder's name."""
        return leading_code(self.commune)


@dataclass(frozen=True, slots=True)
class IgnoredFile:
    """An entry that is not a page, named in the run summary."""

    source: str
    reason: IgnoreReason

    @property
    def message(self) -> str:
        return t(f"scan.ignored.{self.reason}", file=self.source)


@dataclass(frozen=True, slots=True)
class MisplacedFile:
    """A page file outside ``<commune>/<book>/``; the runner quarantines it."""

    source: str
    path: Path
    placement: Placement
    code: str = MISPLACED_CODE

    def error(self) -> PageError:
        """The quarantine error for this file (its message says where page files belong)."""
        return PageError(self.code, file=self.source)


@dataclass(frozen=True, slots=True)
class ScanListing:
    """Everything found under a scan folder, in natural order."""

    root: Path
    pages: list[PageFile] = field(default_factory=list)
    ignored: list[IgnoredFile] = field(default_factory=list)
    misplaced: list[MisplacedFile] = field(default_factory=list)


def scan_folder(root: Path) -> ScanListing:
    """List the page files under ``root`` (SCANS); raise BadInputError if it is no folder."""
    root = Path(os.path.abspath(root.expanduser()))
    if not root.is_dir():
        raise BadInputError("scan.root_missing", path=str(root))
    walker = _Walker(root)
    walker.walk(root, ())
    return ScanListing(
        root=root, pages=walker.pages, ignored=walker.ignored, misplaced=walker.misplaced
    )


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _placement(depth: int) -> Placement:
    if depth == 0:
        return "root"
    return "commune" if depth == _COMMUNE_DEPTH else "nested"


class _Walker:
    """Collects pages, ignored and misplaced entries folder by folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pages: list[PageFile] = []
        self.ignored: list[IgnoredFile] = []
        self.misplaced: list[MisplacedFile] = []
        self._seen: set[tuple[int, int]] = set()

    def walk(self, folder: Path, parts: tuple[str, ...]) -> None:
        """Read ``folder`` (at ``parts`` below the root) and everything below it."""
        try:
            info = folder.stat()
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: natural_key(e.name))
        except OSError:
            self.ignored.append(IgnoredFile("/".join(parts) or ".", "unlistable"))
            return
        identity = (info.st_dev, info.st_ino)
        if identity in self._seen:
            self.ignored.append(IgnoredFile("/".join(parts), "folder_seen"))
            return
        self._seen.add(identity)
        for entry in entries:
            self._visit(entry, parts)

    def _visit(self, entry: os.DirEntry[str], parts: tuple[str, ...]) -> None:
        name = entry.name
        source = "/".join((*parts, name))
        depth = len(parts)
        if is_ground_truth(name):
            return
        if not is_valid_text(name):
            self.ignored.append(IgnoredFile(source.encode("utf-8", "replace").decode(), "bad_name"))
            return
        if is_hidden(name):
            self.ignored.append(IgnoredFile(source, "hidden"))
            return
        kind = page_kind(name)
        if depth == _BOOK_DEPTH and kind is not None:
            commune, book = _nfc(parts[0]), _nfc(parts[1])
            self.pages.append(
                PageFile(
                    commune=commune,
                    book=book,
                    source=source,
                    path=self.root / source,
                    kind=kind,
                    start_no=page_number_in(name),
                    register_hint=register_from_book(book),
                )
            )
        elif _is_dir(entry):
            self.walk(Path(entry.path), (*parts, name))
        elif kind is not None:
            self.misplaced.append(MisplacedFile(source, self.root / source, _placement(depth)))
        else:
            self.ignored.append(IgnoredFile(source, "not_a_page"))
