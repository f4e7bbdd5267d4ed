"""Builders for the staging tests: colour scan files on disk and their pages stored as the
runner stores them (``save_result`` with a ``PageResult``), with entries whose every field is
the kind a ledger gives. No OCR engine is involved."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from hotich.db import open_db, save_result, session_scope
from hotich.db.models import EntryRow
from hotich.schema import Entry, FieldValue, Geometry, Issue, PageRef, PageResult, Provenance

COMMUNE = "20227-dai-thanh"
BOOK = "khai-sinh-1998-q01"
THRESHOLD = 0.9

BIRTH: dict[str, str] = {
    "register_number": "7",
    "book_number": "01/1998",
    "registration_date": "1998-03-20",
    "registrar_name": "TRẦN VĂN BA",
    "full_name": "NGUYỄN THỊ HOA",
    "date_of_birth": "1998-03-15",
    "date_of_birth_words": "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám",
    "sex": "Nữ",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Trạm y tế xã Đại Thành",
    "personal_id": "001198012345",
    "mother_name": "LÊ THỊ MAI",
    "mother_birth_year": "1970",
    "father_name": "NGUYỄN VĂN NAM",
    "father_birth_year": "1968",
    "parents_residence": "Thôn Đông, xã Đại Thành",
    "declarant_name": "NGUYỄN VĂN NAM",
    "declarant_relationship": "Cha",
}


@pytest.fixture(name="engine")
def engine_fixture(db_url: str) -> Iterator[Engine]:
    """A fresh, migrated database (SQLite, then PostgreSQL: ``db_url``)."""
    engine = open_db(db_url)
    yield engine
    engine.dispose()


def fv(value: str, confidence: float = 0.97, *issues: Issue) -> FieldValue:
    return FieldValue(
        value=value, raw=value, confidence=confidence, bbox=(10, 20, 300, 40), issues=issues
    )


FLAG = Issue(code="personal_id.birth_year_mismatch", message="năm sinh không khớp")


def birth(
    index: int = 0,
    *,
    confidence: float = 0.97,
    issues: tuple[Issue, ...] = (),
    low: dict[str, float] | None = None,
    flagged: str | None = None,
    **values: str | None,
) -> Entry:
    """A birth entry: :data:`BIRTH` with ``values`` over it (None drops a field), each field
    read at ``confidence`` (those in ``low`` at theirs), the field ``flagged`` with an issue,
    ``issues`` on the entry itself; the register number is ``7 + index`` unless given."""
    fields = {**BIRTH, "register_number": str(7 + index)}
    for name, value in values.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    low = low or {}
    return Entry(
        register_type="khai_sinh",
        entry_index=index,
        fields={
            name: fv(value, low.get(name, confidence), *((FLAG,) if name == flagged else ()))
            for name, value in fields.items()
        },
        issues=issues,
        provenance=Provenance(engine="fake"),
    )


def entry_of(register_type: str, index: int = 0, **values: str) -> Entry:
    return Entry(
        register_type=register_type,  # type: ignore[arg-type]
        entry_index=index,
        fields={name: fv(value) for name, value in values.items()},
        provenance=Provenance(engine="fake"),
    )


def scan_file(path: Path, seed: int, size: tuple[int, int] = (620, 877)) -> str:
    """Write a colour page image (paper tone, blue and red marks) at ``path``; its SHA-256."""
    rng = np.random.default_rng(seed)
    pixels = np.empty((size[1], size[0], 3), np.uint8)
    pixels[...] = (236, 226, 204)
    for _ in range(30):
        y, x = int(rng.integers(10, size[1] - 20)), int(rng.integers(10, size[0] // 2))
        colour = (30, 40, 140) if rng.random() < 0.8 else (170, 30, 30)
        pixels[y : y + 6, x : x + int(rng.integers(40, size[0] // 2))] = colour
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, dpi=(75, 75))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_page(
    engine: Engine,
    root: Path,
    page_no: int,
    *entries: Entry,
    commune: str = COMMUNE,
    book: str = BOOK,
    rotation: float = 0.0,
    register_type: str = "khai_sinh",
    size: tuple[int, int] = (620, 877),
) -> list[int]:
    """Write the page's scan file under ``root`` and store the page with ``entries`` as a run
    would; the new entries' ids."""
    source = f"{commune}/{book}/{page_no:04d}.png"
    digest = scan_file(root / source, seed=page_no * 31 + len(book), size=size)
    ref = PageRef(
        commune=commune,
        book=book,
        page_no=page_no,
        root=str(root),
        source=source,
        file_sha256=digest,
    )
    result = PageResult(
        ref=ref,
        sha256=hashlib.sha256(f"{source}:{digest}".encode()).hexdigest(),
        register_type=register_type,  # type: ignore[arg-type]
        entries=entries,
        text="SỔ ĐĂNG KÝ",
        geometry=Geometry(rotation_deg=rotation, width=size[0], height=size[1]),
        stages=("deskew", "ocr"),
    )
    with session_scope(engine) as session:
        report = save_result(session, result, None, THRESHOLD)
        ids = session.scalars(
            select(EntryRow.id)
            .where(EntryRow.page_id == report.page_id, EntryRow.superseded_at.is_(None))
            .order_by(EntryRow.entry_index)
        )
        return list(ids)


def statuses(engine: Engine) -> dict[int, tuple[str, int | None]]:
    """Every entry's (status, package id), by id."""
    with session_scope(engine) as session:
        rows = session.execute(select(EntryRow.id, EntryRow.status, EntryRow.package_id))
        return {entry_id: (status, package) for entry_id, status, package in rows}
