"""``hotich stage build``: approved entries → per book, a workbook in the import template and a
zip of one PDF per registration, with a manifest; each entry staged once."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine, select

from hotich.config.settings import Settings
from hotich.db import session_scope
from hotich.db.decisions import decide
from hotich.db.models import AuditRow, Decision, Package
from hotich.loaders.manifest import MANIFEST
from hotich.loaders.stage import build_packages
from hotich.loaders.stage_files import StageBusyError
from hotich.loaders.stage_spec import register_spec
from tests.cli_helpers import hotich
from tests.stage_support import (  # noqa: F401
    BOOK,
    COMMUNE,
    birth,
    engine_fixture,
    entry_of,
    statuses,
    store_page,
)

TEMPLATE = Path(__file__).parent / "data" / "import158" / "TemplateDangKyKhaiSinh.xlsx"
DATE = re.compile(r"^(\d{2}\.\d{2}\.\d{4}|\d{2}\.\d{4}|\d{4})$")
DATE_COLUMNS = ("ngayDangKy", "nksNgaySinh", "meNgaySinh", "chaNgaySinh")


def _packages(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def _tree(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in out.rglob("*")
    }


def _build(db_url: str, out: Path, *args: str) -> tuple[int, str]:
    result = hotich("stage", "build", "--out", str(out), "--db", db_url, *args, lang="en")
    return result.code, result.out + result.err


def test_a_book_is_staged_as_the_import_takes_it(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    ids = store_page(engine, scans, 1, birth(0), birth(1, sex="Nam", personal_id="012345678"))
    ids += store_page(engine, scans, 2, birth(2, notes='=HYPERLINK("http://x")'), rotation=1.5)
    code, output = _build(db_url, out)
    assert code == 0, output
    (package,) = _packages(out)
    stem = f"{COMMUNE}.KS.1998.01"
    assert sorted(p.name for p in package.iterdir()) == [f"{stem}.xlsx", f"{stem}.zip", MANIFEST]
    assert package.name in output and f"{stem}.xlsx" in output

    # the workbook, read back with openpyxl, against the template
    book = load_workbook(package / f"{stem}.xlsx")
    template = load_workbook(TEMPLATE)
    assert book.sheetnames == template.sheetnames == ["DL Import", "Ghi chu"]
    sheet = book["DL Import"]
    header = [c.value for c in sheet[1]]
    assert header == [c.value for c in template["DL Import"][1]]
    names = [c.name for c in register_spec("khai_sinh").columns]
    rows = [dict(zip(names, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["STT"].value for r in rows] == [1, 2, 3]
    assert [r["trangSo"].value for r in rows] == [1, 1, 2]
    assert [r["so"].value for r in rows] == ["07/1998", "08/1998", "09/1998"]
    assert [r["nksGioiTinh"].value for r in rows] == ["2", "1", "2"]
    assert {r["loaiDangKy"].value for r in rows} == {"6"}  # in the header's list i=[1..6]
    assert [r["nksSoDinhDanh"].value for r in rows] == ["001198012345", "012345678", "001198012345"]
    for r in rows:
        for column in DATE_COLUMNS:
            assert DATE.match(r[column].value), column
        for cell in r.values():
            if isinstance(cell.value, str):  # all text is text, none a formula
                assert cell.data_type == "s" and cell.number_format == "@"
        assert r["nksHoTen"].value == "NGUYỄN THỊ HOA"
    assert rows[2]["ghiChu"].value == '=HYPERLINK("http://x")'
    notes = book["Ghi chu"]
    assert (notes["B2"].value, notes["B11"].value, notes["C12"].value) == ("Loại đăng ký", 1, "Nữ")

    # the zip: one PDF per registration, named as section 7 says
    manifest = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    with zipfile.ZipFile(package / f"{stem}.zip") as archive:
        members = archive.namelist()
        assert members == [
            "KS.1998.01.1998-03-20.007.pdf",
            "KS.1998.01.1998-03-20.008.pdf",
            "KS.1998.01.1998-03-20.009.pdf",
        ]
        for name in members:
            reader = PdfReader(io.BytesIO(archive.read(name)))
            assert len(reader.pages) == 1 and reader.pages[0].images[0].image.mode == "RGB"

    # the manifest: every file's SHA-256, the count, each entry's id
    assert manifest["entry_count"] == 3 and manifest["entry_ids"] == ids
    assert [e["pdf"] for e in manifest["books"][0]["entries"]] == members
    assert [e["row"] for e in manifest["books"][0]["entries"]] == [2, 3, 4]
    for item in manifest["files"]:
        assert hashlib.sha256((package / item["path"]).read_bytes()).hexdigest() == item["sha256"]
    assert {f["path"] for f in manifest["files"]} == {f"{stem}.xlsx", f"{stem}.zip"}

    # the database: staged once, in this package, each with a decision
    with session_scope(engine) as s:
        row = s.scalars(select(Package)).one()
        assert (row.name, row.status, row.entry_count) == (package.name, "staged", 3)
        manifest_sha = hashlib.sha256((package / MANIFEST).read_bytes()).hexdigest()
        assert row.manifest_sha256 == manifest_sha
        decisions = list(s.scalars(select(Decision).order_by(Decision.entry_id)))
        assert [(d.entry_id, d.action, d.batch) for d in decisions] == [
            (i, "stage", package.name) for i in ids
        ]
        assert all(d.username.startswith("cli:") for d in decisions)
        (audited,) = s.scalars(select(AuditRow).where(AuditRow.action == "stage"))
        assert (audited.object_id, audited.detail["entries"]) == (package.name, 3)
    assert statuses(engine) == {i: ("staged", row.id) for i in ids}
    assert hotich("stage", "verify", str(package)).code == 0


def test_a_second_build_writes_nothing_new(engine: Engine, db_url: str, tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    store_page(engine, scans, 1, birth(0))
    (later,) = store_page(engine, scans, 2, birth(1, confidence=0.5))  # needs review
    assert _build(db_url, out)[0] == 0
    before = _tree(out)
    code, output = _build(db_url, out)
    assert code == 0 and "No new entries" in output
    assert _tree(out) == before
    with session_scope(engine, write=True) as s:
        decide(s, later, "approve", "lan")
    assert _build(db_url, out)[0] == 0
    first, second = _packages(out)
    assert {k: v for k, v in _tree(out).items() if k.startswith(first.name)} == before
    manifest = json.loads((second / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["entry_ids"] == [later]
    assert statuses(engine)[later][0] == "staged"


def test_only_approved_entries_are_staged(engine: Engine, tmp_path: Path) -> None:
    ids = store_page(engine, tmp_path / "scans", 1, birth(0), birth(1, confidence=0.5), birth(2))
    with session_scope(engine, write=True) as s:
        decide(s, ids[2], "reject", "lan", reason="trùng")
    report = build_packages(engine, tmp_path / "out", username="cli:t", settings=Settings())
    assert report.staged == (ids[0],)
    assert [statuses(engine)[i][0] for i in ids] == ["staged", "needs_review", "rejected"]


def test_entries_that_break_the_rules_are_listed_and_stay_approved(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    good, no_birth, bad_id = store_page(
        engine,
        scans,
        1,
        birth(0),
        birth(1, date_of_birth=None),
        birth(2, personal_id="0011980123"),
    )
    (gone,) = store_page(engine, scans, 2, birth(3))
    (changed,) = store_page(engine, scans, 3, birth(4))
    (scans / f"{COMMUNE}/{BOOK}/0002.png").unlink()
    (scans / f"{COMMUNE}/{BOOK}/0003.png").write_bytes(b"another scan")
    code, output = _build(db_url, out)
    assert code == 3, output  # done, but some entries were left out (named)
    assert (
        f"entry {no_birth} ({COMMUNE} / {BOOK} / page 1): nksNgaySinh (date_of_birth): required"
        in output
    )
    assert f"entry {bad_id} ({COMMUNE} / {BOOK} / page 1): nksSoDinhDanh (personal_id)" in output
    assert (
        f"entry {gone} ({COMMUNE} / {BOOK} / page 2): the page's scan file is not there" in output
    )
    assert f"entry {changed} ({COMMUNE} / {BOOK} / page 3): the page's scan file changed" in output
    for personal in ("NGUYỄN", "0011980123", "1998-03-15", "15.03.1998"):
        assert personal not in output
    state = statuses(engine)
    assert state[good][0] == "staged"
    assert {state[i] for i in (no_birth, bad_id, gone, changed)} == {("approved", None)}
    (package,) = _packages(out)
    assert json.loads((package / MANIFEST).read_text())["entry_ids"] == [good]


def test_every_register_gets_its_own_files(engine: Engine, tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    marriage = entry_of(
        "ket_hon",
        register_number="4",
        registration_date="2001-05-06",
        husband_name="LÊ VĂN BÌNH",
        wife_name="ĐỖ THỊ LAN",
    )
    death = entry_of(
        "khai_tu",
        register_number="12",
        registration_date="2005-01-10",
        full_name="PHẠM VĂN TƯ",
        date_of_death="2005-01-08",
        sex="Nam",
    )
    store_page(engine, scans, 1, birth(0))
    store_page(engine, scans, 1, marriage, book="ket-hon-2001-q02", register_type="ket_hon")
    store_page(engine, scans, 5, death, book="khai-tu-2005", register_type="khai_tu")
    report = build_packages(
        engine, tmp_path / "out", username="cli:t", settings=Settings(), register="ket_hon"
    )
    assert [(b.register_type, b.xlsx, b.entries) for b in report.books] == [
        ("ket_hon", f"{COMMUNE}.KH.2001.02.xlsx", 1)
    ]
    report = build_packages(engine, tmp_path / "out", username="cli:t", settings=Settings())
    assert [b.zip for b in report.books] == [
        f"{COMMUNE}.KS.1998.01.zip",
        f"{COMMUNE}.KT.2005.khai-tu-2005.zip",
    ]
    assert report.folder is not None
    sheet = load_workbook(report.folder / report.books[1].xlsx)["DL Import"]
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in register_spec("khai_tu").columns]
    values = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert (values["so"], values["nktNgayChet"], values["nktGioiTinh"]) == (
        "12/2005",
        "08.01.2005",
        "1",
    )
    with zipfile.ZipFile(report.folder / report.books[1].zip) as archive:
        assert archive.namelist() == ["KT.2005.khai-tu-2005.2005-01-10.012.pdf"]


def test_commune_filter(engine: Engine, db_url: str, tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    (here,) = store_page(engine, scans, 1, birth(0))
    (there,) = store_page(engine, scans, 1, birth(0), commune="30001-an-binh")
    assert _build(db_url, out, "--commune", "30001-an-binh")[0] == 0
    assert (statuses(engine)[here][0], statuses(engine)[there][0]) == ("approved", "staged")
    code, output = _build(db_url, out, "--commune", "no-such-commune")
    assert code == 2 and "no commune 'no-such-commune'" in output
    code, output = _build(db_url, out, "--register", "so_cu")
    assert code == 2
    (tmp_path / "a-file").write_text("x")
    code, output = _build(db_url, tmp_path / "a-file")
    assert code == 2 and "is not a folder" in output


def test_builds_into_one_folder_take_turns(engine: Engine, tmp_path: Path) -> None:
    store_page(engine, tmp_path / "scans", 1, birth(0))
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another build would hold it
        with pytest.raises(StageBusyError) as e:
            build_packages(engine, out, username="cli:t", settings=Settings())
        assert e.value.exit_code == 1 and str(out) in str(e.value)
    finally:
        os.close(fd)
    assert build_packages(engine, out, username="cli:t", settings=Settings()).staged
