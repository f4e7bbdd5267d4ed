"""The files of a staging package: names, the output folder's lock, writing by rename.

Layout of ``--out DIR``::

    DIR/158-20261123-101502-7/                      one package = the files of one build
        20227-dai-thanh.KS.1998.01.xlsx             per book: the import workbook …
        20227-dai-thanh.KS.1998.01.zip              … and one PDF per registration:
            KS.1998.01.1998-03-15.007.pdf           {TYPE}.{year}.{book}.{yyyy-mm-dd}.{nnn}.pdf
        manifest.json
    DIR/.hotich-tmp-158-…/                          a package being written (renamed when done)
    DIR/.orphaned/158-…/                            files of a build that died before it counted

Names follow shared/domain/README.md §7: ``{commune}.{TYPE}.{year}.{book}`` with TYPE KS, KH or
KT. The package folder's name (``158-{UTC time}-{package id}``) is new for every build, so a
build never writes over an earlier package.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Final

from hotich.errors import HotichError

TMP_PREFIX: Final = ".hotich-tmp-"
ORPHANS: Final = ".orphaned"
_YEAR: Final = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_BOOK_NUMBER: Final = re.compile(r"^(?:q|quyen|quyển|so|sổ)?[-_. ]?0*(\d{1,4})$", re.IGNORECASE)
_UNSAFE: Final = re.compile(r"[^\w\-]+")


class StageBusyError(HotichError):
    """Another ``hotich stage build`` is writing into the same folder."""


def package_name(when: datetime, package_id: int) -> str:
    return f"158-{when:%Y%m%d-%H%M%S}-{package_id}"


def year_in(text: str) -> int | None:
    """The first plausible year (1800–2099) written in ``text``."""
    m = _YEAR.search(text)
    return int(m[1]) if m else None


def book_label(book_key: str, register_prefix: str, book_numbers: Iterable[str]) -> str:
    """The book's number for file names: ``khai-sinh-1998-q01`` → ``01``.

    The folder name without its register and year; if what is left is a number (``q01``,
    ``quyen-2``), that number on two digits; else the book number its entries give
    (``01/1998`` → ``01``) when they all agree; else what is left of the folder name.
    """
    rest = book_key
    if rest.lower().startswith(register_prefix):
        rest = rest[len(register_prefix) :]
    rest = _YEAR.sub("", rest).strip("-_. ")
    m = _BOOK_NUMBER.match(rest)
    if m:
        return f"{int(m[1]):02d}"
    numbers = {n.split("/", 1)[0].strip() for n in book_numbers if n.strip()}
    if len(numbers) == 1:
        (number,) = numbers
        if number.isdigit():
            return f"{int(number):02d}"
    return _UNSAFE.sub("-", rest or book_key).strip("-") or "00"


def safe_part(text: str) -> str:
    """``text`` usable in a file name on every system (no separators, no dots)."""
    return _UNSAFE.sub("-", text).strip("-") or "x"


@contextlib.contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (flock on the folder itself: no lock file is left);
    :class:`StageBusyError` at once if another process holds it. The lock dies with the process,
    however it dies."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise StageBusyError("stage.busy", out=str(folder)) from e
        yield
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(tmp: Path, final: Path) -> None:
    """Rename the finished temporary folder into place (atomic), and make the rename durable."""
    if final.exists():
        raise FileExistsError(final)
    fsync_folder(tmp)
    os.rename(tmp, final)
    fsync_folder(final.parent)


def move_aside(folder: Path) -> Path:
    """Move a package folder that never counted into ``.orphaned/`` beside it; its new place."""
    target_dir = folder.parent / ORPHANS
    target_dir.mkdir(exist_ok=True)
    target = target_dir / folder.name
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"{folder.name}.{n}"
    os.rename(folder, target)
    return target


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
