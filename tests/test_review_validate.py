"""Validation of what a person saves: the canonical form stored, the entry's issues found again
from the current values, and which issues keep an entry from being approved."""

from __future__ import annotations

from hotich.db.records import CurrentField
from hotich.review.validate import canonical, unresolved, validate_entry

MISMATCH = {"code": "personal_id.sex_mismatch", "message": "ID says male"}
OCR = {"code": "personal_id.ocr_repaired", "message": "O read for 0"}


def machine(value: str, *issues: dict[str, str]) -> CurrentField:
    return CurrentField(value=value, raw=value, confidence=0.9, issues=issues, machine_value=value)


def person(value: str) -> CurrentField:
    return CurrentField(value=value, confidence=1.0, corrected=True)


def codes(issues: tuple[dict[str, str], ...] | tuple[object, ...]) -> list[str]:
    return [i["code"] for i in issues]  # type: ignore[index]


def test_a_typed_value_is_stored_in_the_contracts_form() -> None:
    assert canonical("date_of_birth", "15/3/1985").value == "1985-03-15"
    assert canonical("date_of_birth", " 15.03.1985 ").value == "1985-03-15"
    assert canonical("date_of_birth", "1985-03-15").value == "1985-03-15"  # as the app shows it
    assert canonical("date_of_birth", "1985-03").value == "1985-03"
    assert canonical("sex", "nu").value == "Nữ"
    assert canonical("full_name", "Nguyễn  Thi\u0323 Hoa").value == "Nguyễn Thị Hoa"  # NFC
    assert canonical("notes", "  ").value == ""
    impossible = canonical("date_of_birth", "31/02/1985")
    assert (impossible.value, impossible.valid, codes(impossible.issues)) == (
        "31/02/1985",
        False,
        ["date.impossible"],
    )
    assert codes(canonical("date_of_birth", "1985-02-31").issues) == ["date.impossible"]
    assert codes(canonical("full_name", "<b>HOA</b>").issues) == ["name.bad_chars"]


def test_an_untouched_entry_keeps_the_machines_issues() -> None:
    fields = {"sex": machine("Nữ"), "personal_id": machine("001085012345", MISMATCH)}
    assert validate_entry("khai_sinh", fields) == {"sex": (), "personal_id": (MISMATCH,)}


def test_after_a_correction_cross_checks_run_again_on_current_values() -> None:
    fields = {
        "date_of_birth": machine("1985-03-15"),
        "sex": person("Nam"),
        "personal_id": machine("001085012345", MISMATCH, OCR),
    }
    issues = validate_entry("khai_sinh", fields)
    assert codes(issues["personal_id"]) == ["personal_id.ocr_repaired"]  # the mismatch is gone
    assert issues["sex"] == ()
    fields["sex"] = person("Nữ")
    again = validate_entry("khai_sinh", fields)
    assert codes(again["personal_id"]) == ["personal_id.ocr_repaired", "personal_id.sex_mismatch"]


def test_a_value_no_date_can_be_made_of_takes_no_part_in_cross_checks() -> None:
    fields = {
        "date_of_birth": person("31/02/1998"),
        "date_of_birth_words": machine(
            "ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"
        ),
    }
    issues = validate_entry("khai_sinh", fields)
    assert codes(issues["date_of_birth"]) == ["date.impossible"]
    assert issues["date_of_birth_words"] == ()


def test_only_advisory_issues_on_saved_fields_let_an_entry_be_approved() -> None:
    place = {"code": "place.unmatched", "message": "not in the list"}
    impossible = {"code": "date.impossible", "message": "31/02"}
    saved, unsaved = person("Xóm Núi Đỏ"), machine("Xóm Núi Đỏ", place)
    assert unresolved({"place_of_birth": saved}, {"place_of_birth": (place,)}) == []
    assert unresolved({"place_of_birth": unsaved}, {"place_of_birth": (place,)}) == [
        "place_of_birth"
    ]
    fields = {"date_of_birth": person("31/02/1998"), "place_of_birth": saved}
    issues = {"date_of_birth": (impossible,), "place_of_birth": (place,)}
    assert unresolved(fields, issues) == ["date_of_birth"]
    assert unresolved(fields, {"date_of_birth": (), "place_of_birth": ()}) == []
