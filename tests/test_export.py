"""Exports: JSONL in the contract's exact form, CSV that Excel opens, Vietnamese text intact."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_db_support import (  # noqa: F401  (fixtures)
    BOOK,
    COMMUNE,
    THRESHOLD,
    engine_fixture,
    entry,
    fv,
    ref,
    result,
    session_fixture,
)

from hotich.db import add_correction, make_engine, page_records, save_result, session_scope
from hotich.db.models import Base, EntryRow
from hotich.loaders import export
from hotich.loaders.export import BASE_COLUMNS, export_csv, export_jsonl
from hotich.schema import FIELDS, Issue
from hotich.schema.text import clean_text

NormalForm = Literal["NFC", "NFD", "NFKC", "NFKD"]
PAGE_KEYS = {"commune", "book", "page_no", "sha256", "source"}
ENTRY_KEYS = {"page", "register_type", "entry_index", "status", "confidence", "fields"}
FIELD_KEYS = {"value", "confidence", "raw", "bbox", "issues"}


def _jsonl(session: Session) -> list[dict[str, Any]]:
    out = io.StringIO()
    count = export_jsonl(session, out)
    lines = out.getvalue().splitlines()
    assert count == len(lines)
    return [json.loads(line) for line in lines]


def _check_shape(item: dict[str, Any]) -> None:
    assert set(item) == ENTRY_KEYS
    assert set(item["page"]) == PAGE_KEYS
    page = item["page"]
    assert all(isinstance(page[k], str) for k in ("commune", "book", "sha256", "source"))
    assert isinstance(page["page_no"], int)
    assert item["register_type"] in FIELDS
    assert isinstance(item["entry_index"], int)
    assert item["status"] in {"needs_review", "approved", "rejected", "staged"}
    assert isinstance(item["confidence"], float) and 0 <= item["confidence"] <= 1
    for name, field in item["fields"].items():
        assert name in FIELDS[item["register_type"]]
        assert set(field) == FIELD_KEYS
        assert isinstance(field["value"], str) and isinstance(field["raw"], str)
        assert isinstance(field["confidence"], float)
        assert isinstance(field["bbox"], list) and len(field["bbox"]) == 4
        assert all(isinstance(n, int) for n in field["bbox"])
        assert all(set(issue) == {"code", "message"} for issue in field["issues"])


def test_jsonl_has_the_contracts_exact_form(session: Session) -> None:
    issue = Issue(code="personal_id.birth_year_mismatch", message="năm sinh không khớp")
    first = entry(0, full_name=fv("NGUYỄN THỊ HOA"), personal_id=fv("001085012345", 0.95, issue))
    save_result(session, result(3, first, entry(1)), None, THRESHOLD)
    save_result(session, result(2, entry(0)), None, THRESHOLD)
    items = _jsonl(session)
    for item in items:
        _check_shape(item)
    assert [(i["page"]["page_no"], i["entry_index"]) for i in items] == [(2, 0), (3, 0), (3, 1)]
    item = items[1]
    assert item["page"] == {
        "commune": COMMUNE,
        "book": BOOK,
        "page_no": 3,
        "sha256": "a" * 64,
        "source": f"{COMMUNE}/{BOOK}/0003.png",
    }
    assert (item["register_type"], item["status"], item["confidence"]) == (
        "khai_sinh",
        "needs_review",
        0.95,
    )
    assert list(item["fields"]) == ["full_name", "personal_id"]  # the contract's field order
    assert item["fields"]["personal_id"] == {
        "value": "001085012345",
        "confidence": 0.95,
        "raw": "001085012345",
        "bbox": [10, 20, 300, 40],
        "issues": [{"code": "personal_id.birth_year_mismatch", "message": "năm sinh không khớp"}],
    }
    assert items[0]["status"] == "approved"


def test_export_gives_current_values_and_current_entries(session: Session) -> None:
    save_result(session, result(1, entry(0), entry(1)), None, THRESHOLD)
    first, second = session.scalars(select(EntryRow).order_by(EntryRow.id))
    add_correction(session, first.id, "full_name", "NGUYỄN THỊ HOÀ", user="lan")
    second.status = "rejected"
    session.commit()
    items = _jsonl(session)
    name = items[0]["fields"]["full_name"]
    assert (name["value"], name["raw"], name["confidence"], name["issues"]) == (
        "NGUYỄN THỊ HOÀ",
        "NGUYỄN THỊ HOA",
        1.0,
        [],
    )
    assert items[0]["confidence"] == 0.97  # its least confident current field
    assert items[1]["status"] == "rejected"
    # a rescan: the corrected entry is superseded and no longer exported
    save_result(session, result(1, entry(0, sex=fv("Nữ")), sha256="b" * 64), None, THRESHOLD)
    items = _jsonl(session)
    assert len(items) == 1 and items[0]["page"]["sha256"] == "b" * 64
    assert items[0]["fields"] == {
        "sex": {
            "value": "Nữ",
            "confidence": 0.97,
            "raw": "Nữ",
            "bbox": [10, 20, 300, 40],
            "issues": [],
        }
    }


def test_export_streams_in_batches(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "BATCH", 2)
    for page_no in range(1, 4):
        save_result(session, result(page_no, entry(0), entry(1)), None, THRESHOLD)
    items = _jsonl(session)
    assert [(i["page"]["page_no"], i["entry_index"]) for i in items] == [
        (p, e) for p in (1, 2, 3) for e in (0, 1)
    ]


def test_page_records_are_the_export_form(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    page_id = session.scalars(select(EntryRow.page_id)).one()
    assert page_records(session, page_id) == _jsonl(session)
    assert page_records(session, page_id + 1000) is None


def test_csv_has_bom_and_one_row_per_entry(session: Session) -> None:
    save_result(session, result(1, entry(0), entry(1)), None, THRESHOLD)
    marriage = entry(0, "ket_hon", husband_name=fv("LÊ VĂN BÌNH"), wife_name=fv("ĐỖ THỊ LAN"))
    book = "ket-hon-2001"
    save_result(session, result(1, marriage, page_ref=ref(1, book=book)), None, THRESHOLD)
    out = io.StringIO(newline="")
    assert export_csv(session, out) == 3
    data = out.getvalue().encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = list(rows[0])
    union = list(dict.fromkeys(FIELDS["khai_sinh"] + FIELDS["ket_hon"]))
    assert header == [*BASE_COLUMNS, *union]
    assert [(r["book"], r["entry_index"]) for r in rows] == [
        ("ket-hon-2001", "0"),
        (BOOK, "0"),
        (BOOK, "1"),
    ]
    assert rows[0]["wife_name"] == "ĐỖ THỊ LAN" and rows[0]["full_name"] == ""
    assert rows[1]["full_name"] == "NGUYỄN THỊ HOA" and rows[1]["confidence"] == "0.97"
    assert rows[1]["source"] == f"{COMMUNE}/{BOOK}/0001.png"


def test_csv_of_an_empty_database_is_a_header(session: Session) -> None:
    out = io.StringIO(newline="")
    assert export_csv(session, out) == 0
    assert out.getvalue() == "\ufeff" + ",".join(BASE_COLUMNS) + "\r\n"


# --- Vietnamese text survives the round trip --------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵÝỲỸ"
)
TEXT = st.text(alphabet=st.sampled_from([*VIETNAMESE, " ", "\t", "-", "'", "0", "9"]), max_size=40)
FORMS: tuple[NormalForm, ...] = ("NFC", "NFD", "NFKC", "NFKD")
VARIANT = st.sampled_from(FORMS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, place=TEXT, correction=TEXT, form=VARIANT)
def test_vietnamese_text_round_trips_in_nfc(
    name: str, place: str, correction: str, form: NormalForm
) -> None:
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    try:
        decomposed = {
            k: unicodedata.normalize(form, v)
            for k, v in {"name": name, "place": place, "correction": correction}.items()
        }
        fields = {
            "full_name": fv(decomposed["name"]),
            "place_of_birth": fv(decomposed["place"]),
        }
        with session_scope(engine) as s:
            save_result(s, result(1, entry(0, **fields)), None, THRESHOLD)
            entry_id = s.scalars(select(EntryRow.id)).one()
            add_correction(s, entry_id, "hometown", decomposed["correction"], user="lan")
        with session_scope(engine, write=False) as s:
            (item,) = _jsonl(s)
            out = io.StringIO(newline="")
            export_csv(s, out)
        values = {k: v["value"] for k, v in item["fields"].items()}
        expected = {
            "full_name": clean_text(name),
            "place_of_birth": clean_text(place),
            "hometown": clean_text(correction),
        }
        assert values == expected
        for value in values.values():
            assert unicodedata.is_normalized("NFC", value)
        raw = item["fields"]["full_name"]["raw"]
        assert raw == unicodedata.normalize("NFC", decomposed["name"])
        (row,) = csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"), newline=""))
        assert {k: row[k] for k in expected} == expected
    finally:
        engine.dispose()
