"""Relationship and cause of death: common wordings restored, anything else kept as read."""

from __future__ import annotations

import pytest

from hotich.schema.normalize import FIELD_KINDS, normalize_field
from hotich.schema.normalize.terms import normalize_term


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("declarant_relationship", "Me", "Mẹ"),
        ("declarant_relationship", "Ba noi", "Bà nội"),
        ("cause_of_death", "Đột quy", "Đột quỵ"),
        ("cause_of_death", "Đuối. nước", "Đuối nước"),
        ("cause_of_death", "BENH GIA", "BỆNH GIÀ"),
    ],
)
def test_misread_marks_of_a_common_wording_are_restored_and_flagged(
    field: str, raw: str, value: str
) -> None:
    result = normalize_field(field, raw)
    assert result.value == value
    assert result.codes == ("term.repaired",)
    assert result.raw == raw


def test_wordings_as_listed_are_kept_with_full_confidence() -> None:
    for field, raw in (("declarant_relationship", "Bà nội"), ("cause_of_death", "Xơ gan")):
        result = normalize_field(field, raw)
        assert (result.value, result.codes, result.factor) == (raw, (), 1.0)


def test_an_unlisted_value_is_kept_as_read_but_trusted_less() -> None:
    result = normalize_field("declarant_relationship", "Bạn cùng xóm")
    assert result.value == "Bạn cùng xóm" and result.codes == ()
    assert result.factor < 1.0
    assert normalize_field("cause_of_death", "Sét đánh").value == "Sét đánh"


def test_the_two_fields_have_the_term_kinds() -> None:
    assert FIELD_KINDS["declarant_relationship"] == "relationship"
    assert FIELD_KINDS["cause_of_death"] == "cause_of_death"


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("declarant_relationship", "Con tra1", "Con trai"),  # a figure read for a letter
        ("declarant_relationship", "Anh traj", "Anh trai"),  # one letter off, long enough
        ("cause_of_death", "Suy t1m", "Suy tim"),
    ],
)
def test_misread_letters_of_a_listed_wording_are_restored_with_an_issue(
    field: str, raw: str, value: str
) -> None:
    result = normalize_field(field, raw)
    assert (result.value, result.codes) == (value, ("term.repaired",))


def test_a_short_wording_one_letter_off_is_not_guessed() -> None:
    assert normalize_field("declarant_relationship", "Cậo").value == "Cậo"  # Cậu? Cô? unsure


def test_a_listed_wording_followed_by_scraps_is_restored_and_a_longer_text_is_kept() -> None:
    assert normalize_field("declarant_relationship", "Mẹ mÍ").value == "Mẹ"
    assert normalize_field("declarant_relationship", "Mẹ mÍ").codes == ("term.repaired",)
    assert normalize_field("declarant_relationship", "Cha l Ị").value == "Cha"
    kept = normalize_field("declarant_relationship", "Anh trai của người chết")
    assert kept.value == "Anh trai của người chết"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Bệnh từn", "Bệnh tim"),  # "im" read as "ừn": no syllable
        ("Nhồi máu cơ từưn", "Nhồi máu cơ tim"),  # three words say enough
    ],
)
def test_a_word_garbled_into_no_syllable_is_restored_from_the_one_wording_it_fits(
    raw: str, value: str
) -> None:
    r = normalize_term(raw, "cause_of_death")
    assert (r.value, r.codes) == (value, ("term.repaired",))


@pytest.mark.parametrize(
    "raw",
    [
        "Bệnh lao",  # a real word: an unlisted cause, not a misreading
        "Suy từn",  # Suy tim or Suy thận: two fit, a person decides
    ],
)
def test_a_real_word_or_an_ambiguous_garble_is_kept_as_read(raw: str) -> None:
    assert normalize_term(raw, "cause_of_death").value == raw


def test_common_causes_of_infants_are_listed_and_restored() -> None:
    assert normalize_term("Suy hộ hấp", "cause_of_death").value == "Suy hô hấp"
    assert normalize_term("Sỉnh non, nhẹ cân", "cause_of_death").value == "Sinh non, nhẹ cân"
