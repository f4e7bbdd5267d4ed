"""``hotich stage verify DIR``: a package checked against its manifest; tampering is named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from hotich.config.settings import Settings
from hotich.loaders.manifest import MANIFEST
from hotich.loaders.stage import build_packages
from tests.cli_helpers import hotich
from tests.stage_support import birth, engine_fixture, store_page  # noqa: F401


@pytest.fixture
def package(engine: Engine, tmp_path: Path) -> Path:
    scans = tmp_path / "scans"
    store_page(engine, scans, 1, birth(0), birth(1))
    store_page(engine, scans, 2, birth(2))
    report = build_packages(engine, tmp_path / "out", username="cli:t", settings=Settings())
    assert report.folder is not None
    return report.folder


def _files(package: Path) -> tuple[Path, Path]:
    (xlsx,) = package.glob("*.xlsx")
    (archive,) = package.glob("*.zip")
    return xlsx, archive


def _verify(folder: Path) -> tuple[int, str]:
    out = hotich("stage", "verify", str(folder), lang="en")
    return out.code, out.out + out.err


def test_a_package_as_written_verifies(package: Path) -> None:
    code, output = _verify(package)
    assert code == 0 and "matches its manifest" in output
    code, output = _verify(package.parent)  # the --out folder: every package in it
    assert code == 0 and package.name in output


def test_a_pdf_replaced_inside_the_zip_is_caught(package: Path) -> None:
    _, archive = _files(package)
    with zipfile.ZipFile(archive) as z:
        members = {name: z.read(name) for name in z.namelist()}
    first = next(iter(members))
    members[first] = members[first].replace(b"/Producer", b"/Produkt!")
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    code, output = _verify(package)
    assert code == 1
    assert f"{archive.name}: content changed (SHA-256 differs from the manifest)" in output


def test_missing_extra_and_changed_files_are_each_named(package: Path) -> None:
    xlsx, archive = _files(package)
    book = load_workbook(xlsx)
    book["DL Import"]["M2"] = "NGUYỄN THỊ HOÀ"
    book["DL Import"].delete_rows(4)
    book.save(xlsx)
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("KS.extra.pdf", b"%PDF-1.4")
    (package / "notes.txt").write_text("hello", encoding="utf-8")
    code, output = _verify(package)
    assert code == 1
    assert f"{xlsx.name}: content changed" in output
    assert (
        f"{xlsx.name}: number of rows differs from the manifest (found / manifest: 2/3)" in output
    )
    assert f"{archive.name}: content changed" in output
    assert f"{archive.name}: holds KS.extra.pdf, not in the manifest" in output
    assert "notes.txt: file not in the manifest" in output
    xlsx.unlink()
    code, output = _verify(package)
    assert code == 1 and f"{xlsx.name}: file missing" in output


def test_a_tampered_manifest_is_caught(package: Path) -> None:
    manifest = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    manifest["entry_count"] = 2
    manifest["books"][0]["entries"].pop()
    (package / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    code, output = _verify(package)
    assert code == 1
    assert "missing" not in output
    assert ": holds KS." in output  # the zip holds a PDF the manifest no longer lists
    assert (
        "manifest.json: entry counts disagree (entry_count / entries listed / entry ids: 2 / 2 / 3)"
        in output
    )
    (package / MANIFEST).write_text("{not json", encoding="utf-8")
    code, output = _verify(package)
    assert code == 1 and "manifest.json: unreadable" in output


def test_a_folder_that_is_not_a_package_is_bad_usage(tmp_path: Path) -> None:
    code, output = _verify(tmp_path)
    assert code == 2 and "is not a package" in output
    code, output = _verify(tmp_path / "nowhere")
    assert code == 2 and "No folder" in output
