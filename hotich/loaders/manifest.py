"""A staging package's ``manifest.json``, and the check of a package against it.

The manifest lists every file of the package with its SHA-256 and size, the number of entries,
each entry's id, and per book which workbook row and which PDF of the zip holds each entry.
It names no person: ids, communes, books and pages only.

:func:`verify_package` recomputes every file's SHA-256 and reports, each by name: files missing,
changed or not in the manifest; zip members missing or not listed, or damaged; workbooks whose
number of rows differs from the manifest's; counts that disagree with each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from openpyxl import load_workbook

MANIFEST: Final = "manifest.json"
FORMAT: Final = "hotich-158-package"
FORMAT_VERSION: Final = 1
_CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    """One thing wrong with a package: a code (message ``stage.verify.<code>``) and the file."""

    code: str
    path: str
    detail: str = ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(path: Path) -> dict[str, Any]:
    """The manifest's line for one file of the package folder."""
    return {"path": path.name, "sha256": sha256_of(path), "bytes": path.stat().st_size}


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> str:
    """Write ``manifest.json`` into ``folder`` (synced to disk); its SHA-256."""
    path = folder / MANIFEST
    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the package in ``folder``; ValueError if it is not one."""
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a hotich package manifest")
    for key, kind in (("files", list), ("books", list), ("entry_ids", list)):
        if not isinstance(data.get(key), kind):
            raise ValueError(f"manifest without {key}")
    return data


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and Path(name).name == name


def _check_files(folder: Path, files: list[Any]) -> list[VerifyProblem]:
    problems: list[VerifyProblem] = []
    listed: set[str] = set()
    for item in files:
        name = item.get("path") if isinstance(item, dict) else None
        if not _plain_name(name) or not isinstance(item.get("sha256"), str):
            problems.append(VerifyProblem("bad_entry", str(name)))
            continue
        listed.add(str(name))
        path = folder / str(name)
        if not path.is_file():
            problems.append(VerifyProblem("missing", str(name)))
        elif sha256_of(path) != item["sha256"]:
            problems.append(VerifyProblem("changed", str(name)))
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(VerifyProblem("extra", rel))
    return problems


def _check_zip(folder: Path, name: str, members: list[str]) -> list[VerifyProblem]:
    try:
        with zipfile.ZipFile(folder / name) as archive:
            found = archive.namelist()
            damaged = archive.testzip()
    except (OSError, zipfile.BadZipFile, EOFError):
        return [VerifyProblem("zip_unreadable", name)]
    problems = [VerifyProblem("zip_missing_member", name, m) for m in members if m not in found]
    problems += [VerifyProblem("zip_extra_member", name, m) for m in found if m not in members]
    if damaged is not None:
        problems.append(VerifyProblem("zip_damaged", name, damaged))
    return problems


def _check_workbook(folder: Path, name: str, sheet: str, rows: int) -> list[VerifyProblem]:
    try:
        book = load_workbook(folder / name, read_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        return [VerifyProblem("xlsx_unreadable", name)]
    try:
        if sheet not in book.sheetnames:
            return [VerifyProblem("xlsx_no_sheet", name, sheet)]
        found = sum(
            1
            for row in book[sheet].iter_rows(min_row=2, values_only=True)
            if any(v not in (None, "") for v in row)
        )
    finally:
        book.close()
    if found != rows:
        return [VerifyProblem("xlsx_rows", name, f"{found}/{rows}")]
    return []


def verify_package(folder: Path) -> list[VerifyProblem]:
    """Everything wrong with the package in ``folder`` (empty: it matches its manifest)."""
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError) as e:  # JSONDecodeError is a ValueError
        return [VerifyProblem("manifest_unreadable", MANIFEST, type(e).__name__)]
    problems = _check_files(folder, manifest["files"])
    total = 0
    for book in manifest["books"]:
        entries = book.get("entries", []) if isinstance(book, dict) else []
        total += len(entries)
        xlsx, archive = str(book.get("xlsx", "")), str(book.get("zip", ""))
        if _plain_name(archive) and (folder / archive).is_file():
            problems += _check_zip(folder, archive, [str(e.get("pdf")) for e in entries])
        if _plain_name(xlsx) and (folder / xlsx).is_file():
            sheet = str(book.get("sheet", ""))
            problems += _check_workbook(folder, xlsx, sheet, len(entries))
    ids = manifest["entry_ids"]
    if not (manifest.get("entry_count") == total == len(ids) == len(set(ids))):
        problems.append(
            VerifyProblem(
                "count_mismatch", MANIFEST, f"{manifest.get('entry_count')} / {total} / {len(ids)}"
            )
        )
    return problems
