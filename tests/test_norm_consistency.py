"""Entry-level checks: dates in order, plausible parents, legal marriage ages, the ID and the
date in words against the rest of the entry; injected inconsistencies flagged ≥ 99 %."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.i18n import LANGS, catalog
from hotich.schema.normalize import (
    FACTORS,
    RAISES,
    build_personal_id,
    check_entry,
    normalize_field,
)
from hotich.schema.vn_numbers import date_to_words

_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(born=_dates, gap=st.integers(min_value=1, max_value=40_000))
def test_death_before_birth_is_always_flagged(born: date, gap: int) -> None:
    died = born - timedelta(days=gap)
    values = {"date_of_birth": born.isoformat(), "date_of_death": died.isoformat()}
    checks = check_entry("khai_tu", values)
    for field in ("date_of_birth", "date_of_death"):
        assert checks[field].codes == ("consistency.death_before_birth",)
    assert checks["date_of_death"].factor == FACTORS["consistency.death_before_birth"]


@given(born=_dates, gap=st.integers(min_value=0, max_value=40_000))
def test_death_on_or_after_birth_is_fine(born: date, gap: int) -> None:
    died = born + timedelta(days=gap)
    values = {"date_of_birth": born.isoformat(), "date_of_death": died.isoformat()}
    assert check_entry("khai_tu", values) == {}


def test_order_of_dates_with_partial_dates() -> None:
    def codes(register: str, **values: str) -> dict[str, tuple[str, ...]]:
        return {f: c.codes for f, c in check_entry(register, values).items()}  # type: ignore[arg-type]

    assert codes("khai_sinh", date_of_birth="1985-03-15", registration_date="1985-03-14") == {
        "date_of_birth": ("consistency.registration_before_birth",),
        "registration_date": ("consistency.registration_before_birth",),
    }
    assert codes("khai_sinh", date_of_birth="1985-03-15", registration_date="1985") == {}
    assert codes("khai_sinh", date_of_birth="1985-03", registration_date="1985-02-28") != {}
    assert codes("khai_tu", date_of_death="1999", date_of_birth="2000-01-01") != {}
    assert codes("khai_tu", date_of_death="2000-05-02", registration_date="2000-05-01") == {
        "date_of_death": ("consistency.registration_before_death",),
        "registration_date": ("consistency.registration_before_death",),
    }
    assert codes("khai_tu", date_of_death="", registration_date="2000-05-01") == {}


@pytest.mark.parametrize(
    ("mother", "father", "flagged"),
    [
        ("1960", "1958", set()),
        ("1973", "1950", set()),  # mother 12 at the birth: the lower bound is inclusive
        ("1974", "1950", {"mother_birth_year"}),  # 11
        ("1924", "1950", {"mother_birth_year"}),  # 61
        ("1960", "1904", {"father_birth_year"}),  # 81
        ("1990", "1990", {"mother_birth_year", "father_birth_year"}),
    ],
)
def test_parents_ages(mother: str, father: str, flagged: set[str]) -> None:
    values = {
        "date_of_birth": "1985-03-15",
        "mother_birth_year": mother,
        "father_birth_year": father,
    }
    checks = check_entry("khai_sinh", values)
    assert {f for f in checks if f.endswith("birth_year")} == flagged
    if flagged:
        assert "date_of_birth" in checks


@pytest.mark.parametrize(
    ("spouse", "born", "registered", "flagged"),
    [
        ("husband", "1990-05-10", "2010-05-10", False),  # 20 that day
        ("husband", "1990-05-10", "2010-05-09", True),  # one day short
        ("wife", "1992-05-10", "2010-05-10", False),  # 18 that day
        ("wife", "1992-05-10", "2010-05-09", True),
        ("wife", "1992", "2010-01-01", False),  # born in 1992: may be 18 by 1 January 2010
        ("wife", "1993", "2010-12-31", True),  # born in 1993: at most 17 in 2010
        ("husband", "1950-02-01", "1968-06-01", True),  # same rule for every era
    ],
)
def test_marriage_ages(spouse: str, born: str, registered: str, flagged: bool) -> None:
    values = {f"{spouse}_date_of_birth": born, "registration_date": registered}
    checks = check_entry("ket_hon", values)
    check = checks.get(f"{spouse}_date_of_birth")
    assert (check is not None and f"consistency.{spouse}_underage" in check.codes) is flagged
    if flagged:
        assert "registration_date" in checks


def test_spouse_id_documents_are_checked() -> None:
    pid = build_personal_id("001", "Nữ", date(1990, 1, 2), "000001")
    values = {"wife_id_document": pid, "wife_date_of_birth": "1991-01-02"}
    assert check_entry("ket_hon", values)["wife_id_document"].codes == (
        "personal_id.birth_year_mismatch",
    )
    values = {"husband_id_document": pid, "husband_date_of_birth": "1990-01-02"}
    assert check_entry("ket_hon", values)["husband_id_document"].codes == (
        "personal_id.sex_mismatch",
    )


def test_id_province_from_the_place_of_birth_or_the_parents_residence() -> None:
    pid = build_personal_id("030", "Nam", date(1985, 3, 15), "123456")
    base = {"personal_id": pid, "sex": "Nam", "date_of_birth": "1985-03-15"}
    here = check_entry(
        "khai_sinh", {**base, "place_of_birth": "xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương"}
    )
    assert here["personal_id"].issues == ()
    assert here["personal_id"].factor == RAISES["personal_id.consistent"]
    away = {**base, "place_of_birth": "Bệnh viện Phụ sản Hà Nội"}
    assert check_entry("khai_sinh", away)["personal_id"].codes == ("personal_id.province_mismatch",)
    home = {**away, "parents_residence": "thôn 2, xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương"}
    assert check_entry("khai_sinh", home)["personal_id"].issues == ()


def test_words_against_figures_inside_check_entry() -> None:
    values = {
        "date_of_birth": "1985-03-15",
        "date_of_birth_words": date_to_words(date(1985, 3, 16)),
    }
    checks = check_entry("khai_sinh", values)
    assert checks["date_of_birth"].codes == ("date.words_mismatch",)
    assert checks["date_of_birth_words"].codes == ("date.words_mismatch",)
    conf = {"date_of_birth": 0.5, "date_of_birth_words": 0.95}
    checks = check_entry("khai_sinh", values, confidences=conf)
    assert checks["date_of_birth"].value == "1985-03-16"
    same = {"date_of_birth": "1985-03-15", "date_of_birth_words": date_to_words(date(1985, 3, 15))}
    assert check_entry("khai_sinh", same)["date_of_birth"].factor == RAISES["date.words_agree"]


def test_injected_inconsistencies_are_flagged_in_at_least_99_percent() -> None:
    """The done-criterion, measured end to end from raw text: 3,000 random birth and death
    entries, each with one injected inconsistency as the sample generator makes them (a wrong
    digit in the ID's century/sex or year part, a date in words 1–5 days off) or a death
    before the birth; the raw text goes through the field normalizers, then check_entry."""
    rng = random.Random(4)
    flagged = 0
    cases = 3_000
    for i in range(cases):
        sex = rng.choice(["Nam", "Nữ"])
        born = date(1920, 1, 1) + timedelta(days=rng.randrange(365 * 100))
        province = rng.choice(["001", "030", "079", "096"])
        pid = build_personal_id(province, sex, born, f"{rng.randrange(10**6):06d}")
        raw = {
            "sex": sex.upper(),
            "date_of_birth": born.strftime("%d/%m/%Y"),
            "personal_id": pid,
            "date_of_birth_words": date_to_words(born, capitalize=rng.random() < 0.5),
        }
        kind = i % 3
        if kind == 0:
            pos = rng.choice((3, 4, 5))
            raw["personal_id"] = (
                pid[:pos] + rng.choice([d for d in "0123456789" if d != pid[pos]]) + pid[pos + 1 :]
            )
            field, register = "personal_id", "khai_sinh"
        elif kind == 1:
            shift = rng.choice([k for k in range(-5, 6) if k])
            raw["date_of_birth_words"] = date_to_words(born + timedelta(days=shift))
            field, register = "date_of_birth_words", "khai_sinh"
        else:
            raw["date_of_death"] = (born - timedelta(days=rng.randrange(1, 20_000))).strftime(
                "%d/%m/%Y"
            )
            del raw["date_of_birth_words"]
            field, register = "date_of_death", "khai_tu"
        results = {f: normalize_field(f, text) for f, text in raw.items()}
        values = {f: r.value for f, r in results.items()}
        checks = check_entry(register, values, registration_province_codes={province})  # type: ignore[arg-type]
        if results[field].issues or (field in checks and checks[field].issues):
            flagged += 1
    assert flagged / cases >= 0.99


def test_every_issue_code_has_a_message_in_both_languages() -> None:
    for lang in LANGS:
        messages = catalog(lang)
        for code in FACTORS:
            assert f"normalize.{code}" in messages, (lang, code)
    assert all(0 < f < 1 for f in FACTORS.values())
    assert all(f > 0 and f != 1 for f in RAISES.values())  # each rule changes confidence
