"""Opening page files safely: plain reasons for OS failures, and streamed hashes."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Final

from hotich.errors import PageError
from hotich.i18n import t

_CHUNK: Final = 1 << 20

_REASONS: Final[dict[int, str]] = {
    errno.ENOENT: "scan.reason.missing",
    errno.ELOOP: "scan.reason.missing",
    errno.EACCES: "scan.reason.no_permission",
    errno.EPERM: "scan.reason.no_permission",
    errno.EISDIR: "scan.reason.is_folder",
    errno.EIO: "scan.reason.io_error",
}


def os_reason(error: OSError) -> str:
    """A plain, translated reason for an OS error, with the system's own words as fallback."""
    key = _REASONS.get(error.errno or 0)
    if key is not None:
        return t(key)
    return error.strerror or type(error).__name__


def unreadable(label: str, error: OSError) -> PageError:
    return PageError("decode.unreadable", file=label, reason=os_reason(error))


def check_regular_file(path: Path, label: str) -> int:
    """The size of ``path``; PageError ``decode.unreadable`` unless it is a readable file.

    Refuses folders, broken links and special files (a FIFO named ``x.png`` would block a
    reader forever). The empty-file check is left to the caller, whose code depends on the
    container (``decode.empty_file`` or ``pdf.empty``).
    """
    try:
        info = path.stat()
    except OSError as error:
        raise unreadable(label, error) from error
    if stat.S_ISDIR(info.st_mode):
        raise PageError("decode.unreadable", file=label, reason=t("scan.reason.is_folder"))
    if not stat.S_ISREG(info.st_mode):
        raise PageError("decode.unreadable", file=label, reason=t("scan.reason.not_a_file"))
    if not os.access(path, os.R_OK):
        raise PageError("decode.unreadable", file=label, reason=t("scan.reason.no_permission"))
    return info.st_size


def sha256_file(path: Path, label: str) -> str:
    """SHA-256 of the file's bytes, read in 1 MiB chunks (memory stays flat)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise unreadable(label, error) from error
    return digest.hexdigest()


def file_search(path: Path, pattern: re.Pattern[bytes], *, overlap: int = 256) -> bool:
    """Whether ``pattern`` occurs in the raw bytes of ``path`` (streamed, in chunks that overlap
    by ``overlap`` bytes so that a match across a chunk border is found)."""
    tail = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                window = tail + chunk
                if pattern.search(window):
                    return True
                tail = window[-overlap:]
    except OSError:
        return False
    return False


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of ``path`` (b"" if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""
