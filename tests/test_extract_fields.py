"""Fields read through the normalization library, and entries validated as a whole: the raw
text kept, every correction an issue, the confidence moved by rule, cross-check issues on the
fields they concern (so the entry goes to review), end to end through the page recipe."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hotich.config.settings import Settings
from hotich.db.records import CurrentField
from hotich.extract.fields import BLANK_CONFIDENCE, check_fields, field_value
from hotich.ocr.engine import NullEngine
from hotich.pipeline.recipe import PageContext, PageTask, process_page
from hotich.review.validate import validate_entry
from hotich.schema.entries import Entry, FieldValue, Issue
from hotich.schema.normalize import FACTORS, RAISES, build_personal_id
from hotich.schema.ocr import OcrPage, OcrWord
from hotich.schema.vn_numbers import date_to_words
from tests.ocr_fakes import ocr_page
from tests.recorded import page_ref

THRESHOLD = Settings().review_threshold


def words(text: str, conf: float = 0.95) -> list[OcrWord]:
    return [
        OcrWord(text=w, bbox=(100 + 60 * i, 200, 50, 30), confidence=conf)
        for i, w in enumerate(text.split())
    ]


def read(field: str, text: str, conf: float = 0.95) -> FieldValue:
    return field_value(field, words(text, conf), label_confidence=1.0)


def codes(value: FieldValue) -> list[str]:
    return [i.code for i in value.issues]


def test_a_clean_reading_keeps_its_ocr_confidence_and_has_no_issue() -> None:
    f = read("date_of_birth", "15/03/1985", 0.93)
    assert (f.value, f.raw, f.confidence, f.issues) == ("1985-03-15", "15/03/1985", 0.93, ())
    assert f.bbox == (100, 200, 50, 30)
    assert read("register_number", "03/2003").value == "03/2003"
    assert read("sex", "Nữ").value == "Nữ"
    assert read("ethnicity", "Mèo").value == "Hmông"  # a known old name: no issue
    assert read("ethnicity", "Mèo").issues == ()


@pytest.mark.parametrize(
    ("field", "raw", "value", "code"),
    [
        ("date_of_birth", "1S/O3/1985", "1985-03-15", "date.ocr_repaired"),
        ("date_of_birth", "@5- 11-1994", "1994-11-05", "date.ocr_repaired"),
        ("register_number", "012013", "01/2013", "register_number.ocr_repaired"),
        ("ethnicity", "Kjnh", "Kinh", "ethnicity.repaired"),
        ("nationality", "Viêt Nam", "Việt Nam", "nationality.repaired"),
        (
            "date_of_birth_words",
            "Ngày mười một tháng sáu nặm hai nghìn không trăm lẻ chín",
            "Ngày mười một tháng sáu năm hai nghìn không trăm lẻ chín",
            "date_words.ocr_repaired",
        ),
    ],
)
def test_every_correction_keeps_the_raw_text_adds_an_issue_and_lowers_confidence(
    field: str, raw: str, value: str, code: str
) -> None:
    f = read(field, raw, 0.9)
    assert (f.value, f.raw, codes(f)) == (value, raw, [code])
    assert f.confidence == round(0.9 * FACTORS[code], 4)
    assert not f.accepted(THRESHOLD)


def test_a_value_no_canonical_form_can_be_made_of_keeps_the_text_read() -> None:
    f = read("date_of_birth", "31/02/1985")
    assert (f.value, codes(f)) == ("31/02/1985", ["date.impossible"])
    assert read("register_number", "1osoiz").issues
    assert read("personal_id", "03/2003").value == "03/2003"  # an ID never has a slash


def test_a_blank_field_and_leftover_dots() -> None:
    blank = field_value("notes", [], label_confidence=1.0)
    assert (blank.value, blank.confidence, blank.issues) == ("", BLANK_CONFIDENCE, ())
    assert read("notes", "..........").value == ""
    assert read("declarant_relationship", "Cha ....").value == "Cha"


BORN = date(1998, 3, 15)
PID = build_personal_id("001", "Nữ", BORN, "012345")  # registered in Hà Nội


def entry(**raw: str) -> Entry:
    """A birth entry read from ``raw`` texts, each field at OCR confidence 0.95."""
    fields = {name: read(name, text) for name, text in raw.items()}
    return Entry(register_type="khai_sinh", entry_index=0, fields=fields)


BASE = {
    "registration_date": "20/03/1998",
    "date_of_birth": "15/03/1998",
    "sex": "Nữ",
    "personal_id": PID,
}


def test_cross_check_issues_go_on_the_fields_they_concern() -> None:
    checked = check_fields(entry(**{**BASE, "sex": "Nam"}))
    assert codes(checked.fields["personal_id"]) == ["personal_id.sex_mismatch"]
    assert checked.fields["personal_id"].confidence == round(
        0.95 * FACTORS["personal_id.sex_mismatch"], 4
    )
    assert checked.status(THRESHOLD) == "needs_review"
    late = check_fields(entry(**{**BASE, "registration_date": "10/03/1998"}))
    for name in ("registration_date", "date_of_birth"):
        assert "consistency.registration_before_birth" in codes(late.fields[name])


def test_agreement_raises_confidence_without_an_issue() -> None:
    words_text = date_to_words(BORN)
    checked = check_fields(entry(**BASE, date_of_birth_words=words_text))
    dob, in_words = checked.fields["date_of_birth"], checked.fields["date_of_birth_words"]
    assert dob.issues == in_words.issues == ()
    assert dob.confidence == round(min(1.0, 0.95 * RAISES["date.words_agree"]), 4)
    pid = checked.fields["personal_id"]
    assert pid.issues == () and pid.confidence == 0.9975  # 0.95 × 1.05


def test_a_date_in_words_that_disagrees_is_flagged_on_both_fields() -> None:
    wrong = date_to_words(date(1998, 3, 17))
    checked = check_fields(entry(**BASE, date_of_birth_words=wrong))
    for name in ("date_of_birth", "date_of_birth_words"):
        assert codes(checked.fields[name]) == ["date.words_mismatch"]
    assert checked.fields["date_of_birth"].value == "1998-03-15"  # nothing says which is right


def test_figures_that_cannot_be_read_are_taken_from_the_words() -> None:
    raw = {**BASE, "date_of_birth": "45-3-1998", "date_of_birth_words": date_to_words(BORN)}
    checked = check_fields(entry(**raw))
    dob = checked.fields["date_of_birth"]
    assert (dob.value, dob.raw) == ("1998-03-15", "45-3-1998")
    assert codes(dob) == ["date.impossible", "date.figures_from_words"]
    assert codes(checked.fields["date_of_birth_words"]) == ["date.figures_from_words"]
    assert checked.fields["personal_id"].issues == ()  # checked against the date so decided


def test_registration_province_from_the_commune_key() -> None:
    away = build_personal_id("079", "Nữ", BORN, "012345")  # Hồ Chí Minh City
    here = entry(**{**BASE, "personal_id": away})
    flagged = check_fields(here, commune="00418-tien-duoc")  # a Hà Nội commune
    assert codes(flagged.fields["personal_id"]) == ["personal_id.province_mismatch"]
    assert check_fields(here, commune="99999-nowhere").fields["personal_id"].issues == ()
    assert check_fields(here).fields["personal_id"].issues == ()  # commune unknown
    born_there = entry(**{**BASE, "personal_id": away, "place_of_birth": "Quận 1, TP. Hồ Chí Minh"})
    assert check_fields(born_there, commune="00418-x").fields["personal_id"].issues == ()


def test_a_death_register_checks_no_id_province() -> None:
    pid = build_personal_id("079", "Nam", date(1940, 1, 1), "000001")
    fields = {
        "personal_id": read("personal_id", pid),
        "sex": read("sex", "Nam"),
        "date_of_birth": read("date_of_birth", "01/01/1940"),
        "date_of_death": read("date_of_death", "01/01/1939"),
    }
    checked = check_fields(
        Entry(register_type="khai_tu", entry_index=0, fields=fields), commune="00418-x"
    )
    assert checked.fields["personal_id"].issues == ()
    assert codes(checked.fields["date_of_death"]) == ["consistency.death_before_birth"]


def test_the_entry_context_fixes_two_digit_years_and_the_tone_style() -> None:
    raw = {**BASE, "date_of_birth": "15-03-98", "full_name": "NGUYỄN THỊ HOÀ"}
    alone = entry(**raw)
    assert codes(alone.fields["date_of_birth"]) == ["date.two_digit_year"]
    checked = check_fields(alone, tone_style="new")
    dob = checked.fields["date_of_birth"]
    assert (dob.value, dob.raw, codes(dob)) == ("1998-03-15", "15-03-98", ["date.century_inferred"])
    assert dob.confidence == round(0.95 * FACTORS["date.century_inferred"], 4)
    name = checked.fields["full_name"]
    assert (name.value, name.raw, name.issues) == ("NGUYỄN THỊ HÒA", "NGUYỄN THỊ HOÀ", ())


class _FormEngine(NullEngine):
    """Reads every page as a small birth form whose ID disagrees with its sex."""

    name = "form-fake"

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        return ocr_page(
            [
                "SỔ ĐĂNG KÝ KHAI SINH",
                "Số: 7 Quyển số: 01/1998",
                "Họ và tên: LÊ VĂN AN",
                f"Ngày, tháng, năm sinh: 15/03/1998 Giới tính: Nam Số định danh: {PID}",
                "Ngày đăng ký: 20/03/1998",
            ],
            conf=0.97,
        )


def test_the_page_recipe_validates_every_entry(tmp_path: Path) -> None:
    page = tmp_path / "00418-tien-duoc" / "khai-sinh-1998-q01" / "1.png"
    page.parent.mkdir(parents=True)
    Image.fromarray(np.full((1754, 1240), 255, np.uint8)).save(page)
    ctx = PageContext(settings=Settings(), engine=_FormEngine())
    result = process_page(
        PageTask(ref=page_ref(tmp_path, page.relative_to(tmp_path).as_posix())), ctx
    )
    assert result.ok, result.error_message
    (read_entry,) = result.entries
    pid = read_entry.fields["personal_id"]
    assert (pid.value, codes(pid)) == (PID, ["personal_id.sex_mismatch"])
    assert read_entry.status(THRESHOLD) == "needs_review"


def _current(entry: Entry) -> dict[str, CurrentField]:
    return {
        name: CurrentField(
            value=f.value,
            raw=f.raw,
            confidence=f.confidence,
            issues=tuple({"code": i.code, "message": i.message} for i in f.issues),
            machine_value=f.value,
        )
        for name, f in entry.fields.items()
    }


def test_the_review_app_finds_again_what_the_pipeline_found() -> None:
    """One validation: after a person saves a field unchanged, the review app's re-validation
    gives each field the cross-check issues the pipeline gave it."""
    away = build_personal_id("079", "Nam", BORN, "012345")  # wrong sex, and not Hà Nội
    commune = "00418-tien-duoc"
    machine = check_fields(entry(**{**BASE, "personal_id": away}), commune=commune)
    assert codes(machine.fields["personal_id"]) == [
        "personal_id.sex_mismatch",
        "personal_id.province_mismatch",
    ]
    fields = _current(machine)
    fields["sex"] = CurrentField(value="Nữ", confidence=1.0, corrected=True)
    again = validate_entry("khai_sinh", fields, commune=commune)
    assert [i["code"] for i in again["personal_id"]] == [
        "personal_id.sex_mismatch",
        "personal_id.province_mismatch",
    ]
    # Without the commune the province cannot be checked again: the machine's finding stays.
    kept = validate_entry("khai_sinh", fields)
    assert sorted(i["code"] for i in kept["personal_id"]) == [
        "personal_id.province_mismatch",
        "personal_id.sex_mismatch",
    ]
    fields["sex"] = CurrentField(value="Nam", confidence=1.0, corrected=True)
    fixed = validate_entry("khai_sinh", fields, commune=commune)
    assert [i["code"] for i in fixed["personal_id"]] == ["personal_id.province_mismatch"]


def test_a_blank_date_of_birth_is_not_filled_from_the_words_but_an_unread_one_is() -> None:
    words_text = date_to_words(BORN)
    blank = entry(**{**BASE, "date_of_birth_words": words_text})
    fields = dict(blank.fields)
    fields["date_of_birth"] = FieldValue(value="", confidence=0.9)
    checked = check_fields(blank.model_copy(update={"fields": fields}))
    assert checked.fields["date_of_birth"].value == ""
    assert checked.fields["date_of_birth"].issues == ()
    unread = Issue(code="ocr.unread", message="ink, nothing read")
    fields["date_of_birth"] = FieldValue(value="", confidence=0.0, issues=(unread,))
    checked = check_fields(blank.model_copy(update={"fields": fields}))
    dob = checked.fields["date_of_birth"]
    assert (dob.value, codes(dob)) == ("1998-03-15", ["ocr.unread", "date.figures_from_words"])


def _words(*pairs: tuple[str, float]) -> list[OcrWord]:
    return [
        OcrWord(text=t, bbox=(20 * i, 0, 18, 10), confidence=c) for i, (t, c) in enumerate(pairs)
    ]


def test_stray_marks_after_a_value_are_dropped_and_the_field_goes_to_review() -> None:
    # a seal and a signature read after the name, at near-zero confidence
    words = _words(
        ("HỒ", 0.93), ("MINH", 0.92), ("NAM", 0.9), ("MT", 0.0), ("ÿ", 0.0), ("thi", 0.02)
    )
    field = field_value("father_name", words, label_confidence=1.0)
    assert (field.value, field.raw) == ("HỒ MINH NAM", "HỒ MINH NAM")
    assert field.bbox == (0, 0, 58, 10)
    assert not field.accepted(0.9)
    (issue,) = field.issues  # what OCR read is not lost: the marks are named
    assert issue.code == "ocr.stray_dropped" and "MT ÿ thi" in issue.message
    # a field read with no certainty at all is kept as read, to be looked at
    cause = field_value("cause_of_death", _words(("Sen", 0.11), ("ST", 0.0)), label_confidence=1.0)
    assert cause.value == "Sen ST" and not cause.accepted(0.9)
    # a value word read with little confidence, followed by good words, is kept
    kept = field_value(
        "father_name", _words(("HỒ", 0.9), ("MTNH", 0.1), ("NAM", 0.9)), label_confidence=1.0
    )
    assert kept.raw == "HỒ MTNH NAM"


def test_torn_edge_marks_at_the_ends_of_a_value_are_dropped() -> None:
    field = field_value(
        "mother_birth_year", _words(("1960", 0.96), ("|", 0.82)), label_confidence=1
    )
    assert (field.value, field.raw) == ("1960", "1960")
    assert not field.accepted(0.9)


def test_a_whole_value_read_with_little_confidence_is_kept_not_taken_for_marks() -> None:
    words = _words(("LÝ", 0.1), ("QUANG", 0.12), ("TÙNG", 0.15))  # italic writing in a table
    field = field_value("father_name", words, label_confidence=1.0)
    assert field.value == "LÝ QUANG TÙNG"
    assert not field.accepted(0.9)


def test_name_syllables_read_with_little_confidence_after_the_surname_are_kept() -> None:
    """Tesseract read "VĂN BÌNH" right but at 0.05: syllables names are made of are writing,
    not a seal; the field still goes to review on its low confidence."""
    words = _words(("PHẠM", 0.86), ("VĂN", 0.05), ("BÌNH", 0.05))
    field = field_value("husband_name", words, label_confidence=1.0)
    assert field.value == "PHẠM VĂN BÌNH"
    assert "ocr.stray_dropped" not in [i.code for i in field.issues]
    assert not field.accepted(0.9)
    # a scrap that is no name syllable is still a stray ("MT ÿ")
    words = _words(("PHẠM", 0.86), ("VĂN", 0.9), ("BÌNH", 0.9), ("MT", 0.0), ("ÿ", 0.0))
    assert field_value("husband_name", words, label_confidence=1.0).value == "PHẠM VĂN BÌNH"


def test_a_date_in_words_with_a_misread_word_is_read_again_after_the_figures() -> None:
    """ "chín mươi tăm": respelled by marks alone it said 1998 ("tám") against 1995 in figures;
    one letter off "lăm", it says the date in figures — taken so, both fields to review."""

    def read(name: str, text: str, confidence: float = 0.9) -> FieldValue:
        words = [
            OcrWord(text=w, bbox=(20 * i, 0, 18, 10), confidence=confidence)
            for i, w in enumerate(text.split())
        ]
        return field_value(name, words, label_confidence=1.0)

    words = "ngày mười sáu tháng tám năm một nghìn chín trăm chín mươi tăm"
    entry = Entry(
        register_type="khai_sinh",
        entry_index=0,
        fields={
            "date_of_birth": read("date_of_birth", "16-08-1995", 0.96),
            "date_of_birth_words": read("date_of_birth_words", words),
            "registration_date": read("registration_date", "21-08-1995"),
        },
    )
    checked = check_fields(entry).fields
    assert checked["date_of_birth"].value == "1995-08-16"
    assert checked["date_of_birth_words"].value == (
        "ngày mười sáu tháng tám năm một nghìn chín trăm chín mươi lăm"
    )
    for name in ("date_of_birth", "date_of_birth_words"):
        assert "date_words.respelled_from_figures" in codes(checked[name]), name
    # words that could not be read at all ("rùng" for mùng) are read after the figures too
    unread = "Ngày rùng ba tháng tám năm hai nghìn"
    fields = {
        "date_of_birth": read("date_of_birth", "03/08/2000", 0.96),
        "date_of_birth_words": read("date_of_birth_words", unread),
    }
    checked = check_fields(entry.model_copy(update={"fields": fields})).fields
    assert checked["date_of_birth_words"].value == "Ngày mùng ba tháng tám năm hai nghìn"
    assert not checked["date_of_birth_words"].accepted(0.9)


def test_marks_where_a_note_is_written_leave_the_note_blank_and_named_in_an_issue() -> None:
    # a seal's edge and a signature read in the notes space, with next to no confidence
    marks = field_value(
        "notes", _words(("kL", 0.1), ("F,", 0.0), ("vP", 0.2)), label_confidence=1.0
    )
    assert marks.value == "" and marks.bbox != (0, 0, 0, 0) and not marks.accepted(0.9)
    (issue,) = marks.issues
    assert issue.code == "ocr.stray_dropped" and "kL F, vP" in issue.message
    assert field_value("notes", _words(("Ị", 0.81)), label_confidence=1.0).value == ""
    # a note read with some certainty is writing, listed wording or not
    note = field_value(
        "notes", _words(("Đăng", 0.9), ("ký", 0.8), ("lại", 0.9)), label_confidence=1.0
    )
    assert note.value == "Đăng ký lại" and note.issues == ()
    free = field_value("notes", _words(("Cải", 0.7), ("chính", 0.8)), label_confidence=1.0)
    assert free.value == "Cải chính"


def test_marks_after_figures_that_read_whole_and_figures_after_a_name_are_left_out() -> None:
    # a seal's text read after a registration date, with next to no confidence
    read = _words(("08/12/2007.", 0.8), ("Š", 0.0), ("6c", 0.1), ("EM", 0.05))
    found = field_value("registration_date", read, label_confidence=1.0)
    assert found.value == "2007-12-08" and not found.accepted(0.9)
    assert [i.code for i in found.issues] == ["ocr.stray_dropped"]
    assert "Š 6c EM" in found.issues[0].message
    # read with some confidence, what follows is kept: the date as read goes to a person
    sure = field_value(
        "registration_date", _words(("08/12/2007", 0.9), ("19", 0.9)), label_confidence=1.0
    )
    assert sure.raw == "08/12/2007 19"
    # figures after a name of two words or more are no part of it
    name = field_value(
        "husband_name",
        _words(("TRẦN", 0.9), ("ĐỨC", 0.9), ("TRUNG", 0.9), ("28t", 0.2)),
        label_confidence=1.0,
    )
    assert name.value == "TRẦN ĐỨC TRUNG" and not name.accepted(0.9)
