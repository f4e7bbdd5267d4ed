"""The time of death, identity papers and book numbers, as written and as OCR reads them."""

from __future__ import annotations

import pytest

from hotich.extract.normalize_extra import (
    normalize_book_number,
    normalize_id_document,
    normalize_time,
    refine,
)
from hotich.schema.entries import FieldValue


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("14 giờ 30 phút", "14:30"),
        ("14 giờ 30 phút,", "14:30"),
        ("02 giờ 05 phút", "02:05"),
        ("7 giờ", "07:00"),
        ("10 giờ 15", "10:15"),
        ("14h30", "14:30"),
        ("14g30", "14:30"),
        ("14:30", "14:30"),
        ("3 giờ20,", "03:20"),  # OCR lost a space
        ("20 giờ 10_ phút", "20:10"),
        ("3 giờ chiều", "15:00"),
        ("lúc 9 giờ 15 phút", "09:15"),
    ],
)
def test_time_of_death(raw: str, value: str) -> None:
    result = normalize_time(raw)
    assert (result.value, result.issues, result.factor) == (value, (), 1.0)


def test_time_repaired_or_refused_with_an_issue() -> None:
    repaired = normalize_time("l4 giờ 3O phút")
    assert repaired.value == "14:30" and repaired.factor < 1.0
    for raw, value in (("18 øiờ40 phút,", "18:40"), ("7 qiờ 15 phút", "07:15")):  # g misread
        repaired = normalize_time(raw)
        assert repaired.value == value and repaired.factor < 1.0
    for raw, code in (("25 giờ", "time.impossible"), ("9 giờ 5@", "time.unreadable")):
        result = normalize_time(raw)
        assert [i.code for i in result.issues] == [code] and result.value == raw
    assert normalize_time("").value == ""


def test_identity_paper_number() -> None:
    assert normalize_id_document("CMND số 012345678").value == "012345678"
    assert normalize_id_document("CCCD số 001085012345").value == "001085012345"
    assert normalize_id_document("0123 45678").value == "012345678"
    repaired = normalize_id_document("O12345678")
    assert repaired.value == "012345678" and repaired.factor < 1.0
    assert [i.code for i in normalize_id_document("12345").issues] == ["id_document.length"]
    assert [i.code for i in normalize_id_document("12a45").issues] == ["id_document.unreadable"]


def test_book_number() -> None:
    assert normalize_book_number("Ø1").value == "01"
    assert normalize_book_number("01⁄2007").value == "01/2007"
    assert normalize_book_number("Quyển 3").value == "Quyển 3"  # kept, not guessed at


def test_refine_applies_once() -> None:
    read = FieldValue(value="14 giờ 30 phút", raw="14 giờ 30 phút", confidence=0.9)
    done = refine("time_of_death", read)
    assert done.value == "14:30" and done.confidence == 0.9
    assert refine("time_of_death", done) == done  # normalized already: unchanged
    assert refine("full_name", read) == read  # not a kind of this module


def test_an_unreadable_time_left_as_read_keeps_its_issue_and_goes_to_review() -> None:
    from hotich.extract.fields import field_value
    from hotich.extract.normalize_extra import refine
    from hotich.schema.ocr import OcrWord

    words = [OcrWord(text=w, bbox=(0, 0, 10, 10), confidence=0.95) for w in ["1", "giờ", "phút"]]
    value = refine("time_of_death", field_value("time_of_death", words, label_confidence=1.0))
    assert value.value == "1 giờ phút"
    assert [i.code for i in value.issues] == ["time.unreadable"]
    assert not value.accepted(0.9)
