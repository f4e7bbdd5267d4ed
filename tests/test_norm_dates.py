"""Dates in figures and words: ISO out, partial dates kept, impossible dates flagged, the round
trip through words exact for every day of 1900–2099 in every spelling variant."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.schema.normalize import (
    FACTORS,
    RAISES,
    normalize_date,
    normalize_date_words,
    normalize_year,
    reconcile_date_words,
)
from hotich.schema.text import strip_accents
from hotich.schema.vn_numbers import date_to_words, number_to_words, words_to_parts

REF = date(2001, 6, 30)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("15/3/1985", "1985-03-15"),
        ("15/03/1985", "1985-03-15"),
        ("15.03.1985", "1985-03-15"),
        ("15-03-1985", "1985-03-15"),
        (" 15 / 3 / 1985 ", "1985-03-15"),
        ("15 3 1985", "1985-03-15"),
        ("....15/3/1985...", "1985-03-15"),
        ("ngày 15 tháng 3 năm 1985", "1985-03-15"),
        ("Ngày mười lăm tháng ba năm một nghìn chín trăm tám mươi lăm", "1985-03-15"),
        ("29/02/2000", "2000-02-29"),
        ("Sinh ngày: 15/3/1985", "1985-03-15"),  # a label left in the cell
        ("Ngày, tháng, năm sinh: 15.03.1985", "1985-03-15"),
    ],
)
def test_full_dates(raw: str, iso: str) -> None:
    r = normalize_date(raw)
    assert (r.value, r.iso, r.issues, r.factor, r.raw) == (iso, iso, (), 1.0, raw)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("3/1985", "1985-03"),
        ("03.1985", "1985-03"),
        ("1985", "1985"),
        ("tháng 3 năm 1985", "1985-03"),
        ("năm 1985", "1985"),
        ("tháng ba năm một nghìn chín trăm tám mươi lăm", "1985-03"),
    ],
)
def test_partial_dates_are_kept_partial(raw: str, iso: str) -> None:
    r = normalize_date(raw)
    assert r.value == iso
    assert r.issues == ()


@pytest.mark.parametrize(
    "raw",
    ["31/02/1985", "30/2/2000", "29/02/1900", "31/04/2010", "15/13/1985", "00/03/1985", "13/1985"],
)
def test_impossible_dates_are_flagged_without_value(raw: str) -> None:
    r = normalize_date(raw)
    assert r.value is None
    assert r.codes == ("date.impossible",)
    assert r.raw == raw
    assert r.factor == FACTORS["date.impossible"]
    assert raw in r.issues[0].message


def test_two_digit_year_needs_a_reference() -> None:
    r = normalize_date("15-03-85")
    assert (r.value, r.codes) == (None, ("date.two_digit_year",))
    r = normalize_date("15-03-85", reference=REF)
    assert (r.value, r.codes) == ("1985-03-15", ("date.century_inferred",))
    assert "1985" in r.issues[0].message
    assert normalize_date("01-02-01", reference=REF).value == "2001-02-01"
    assert normalize_date("01-12-01", reference=REF).value == "1901-12-01"


def test_ocr_repairs_are_issues_with_the_raw_text_kept() -> None:
    r = normalize_date("1S/O3/1985")
    assert (r.value, r.codes, r.raw) == ("1985-03-15", ("date.ocr_repaired",), "1S/O3/1985")
    assert r.factor == FACTORS["date.ocr_repaired"]
    r = normalize_date("15031985")
    assert (r.value, r.codes) == ("1985-03-15", ("date.ocr_repaired",))


def test_unreadable_and_out_of_range() -> None:
    r = normalize_date("mười mấy")
    assert (r.value, r.codes) == (None, ("date.unreadable",))
    assert normalize_date("abc 15/3/1985").codes == ("date.unreadable",)
    r = normalize_date("15/3/2005", reference=REF)
    assert (r.value, r.codes) == ("2005-03-15", ("date.out_of_range",))
    assert normalize_date("1/1/1700").codes == ("date.out_of_range",)


def test_blank_is_blank() -> None:
    assert normalize_date("  ").value == ""
    assert normalize_date(" ... ").issues == ()
    assert normalize_date_words("").value == ""


def test_words_field_keeps_text_and_gives_the_date() -> None:
    raw = "Ngày  Hai Tháng Ba Năm Hai Nghìn Linh Tám"
    r = normalize_date_words(raw)
    assert (r.value, r.iso, r.issues) == (
        "Ngày Hai Tháng Ba Năm Hai Nghìn Linh Tám",
        "2008-03-02",
        (),
    )
    assert normalize_date_words("tháng tư năm một nghìn chín trăm").iso == "1900-04"
    bad = normalize_date_words("ngày ba mươi mốt tháng hai năm hai nghìn")
    assert (bad.iso, bad.codes) == (None, ("date_words.impossible",))
    assert normalize_date_words("không rõ").codes == ("date_words.unreadable",)


@pytest.mark.parametrize(
    ("raw", "year", "codes"),
    [
        ("1960", "1960", ()),
        ("năm 1960", "1960", ()),
        ("một nghìn chín trăm sáu mươi", "1960", ()),
        ("l96O", "1960", ("year.ocr_repaired",)),
        ("1690", None, ("year.unreadable",)),
        ("abc", None, ("year.unreadable",)),
    ],
)
def test_years(raw: str, year: str | None, codes: tuple[str, ...]) -> None:
    r = normalize_year(raw)
    assert (r.value, r.codes) == (year, codes)


# --- the round trip through words ----------------------------------------------------------

_VARIANTS = {
    "mong": ("", "mồng", "mùng"),
    "gieng": (False, True),
    "capitalize": (False, True),
    "nghin": ("nghìn", "ngàn"),
    "linh": ("linh", "lẻ"),
    "four": ("tư", "bốn"),
    "five": ("lăm", "nhăm"),
    "short_zero": (False, True),
    "seven": ("bảy", "bẩy"),
    "contract_day": (False, True),
}
_STYLES = [
    dict(zip(_VARIANTS, combo, strict=True)) for combo in itertools.product(*_VARIANTS.values())
]


def test_every_day_1900_to_2099_round_trips_through_words() -> None:
    """Exhaustive: each of the 73,049 days, each in one of the 1,536 spelling styles in turn
    (so every style is used about 48 times), read back by the field normalizer."""
    day, i = date(1900, 1, 1), 0
    failures: list[tuple[str, str]] = []
    while day.year < 2100:
        words = date_to_words(day, **_STYLES[i % len(_STYLES)])  # type: ignore[arg-type]
        if normalize_date_words(words).iso != day.isoformat():
            failures.append((day.isoformat(), words))
        day += timedelta(days=1)
        i += 1
    assert i == 73_049
    assert failures == []


_style = st.sampled_from(_STYLES)
_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(d=_days, style=_style, form=st.sampled_from(["as is", "upper", "no marks", "title"]))
def test_round_trip_any_case_and_lost_marks(d: date, style: dict[str, object], form: str) -> None:
    words = date_to_words(d, **style)  # type: ignore[arg-type]
    words = {
        "as is": words,
        "upper": words.upper(),
        "no marks": strip_accents(words),
        "title": words.title(),
    }[form]
    assert normalize_date_words(words).iso == d.isoformat()
    assert normalize_date(words).value == d.isoformat()  # words written in the figures field


@given(d=_days)
def test_partial_words_round_trip(d: date) -> None:
    words = date_to_words(d)
    month_year = words[words.index("tháng") :]
    year_only = "năm " + number_to_words(d.year)
    assert words_to_parts(month_year) == (d.year, d.month, None)
    assert words_to_parts(year_only) == (d.year, None, None)
    assert normalize_date(month_year).value == d.isoformat()[:7]


# --- figures against words -----------------------------------------------------------------


@given(d=_days, delta=st.integers(min_value=-400, max_value=400).filter(bool), style=_style)
def test_words_that_disagree_are_always_flagged(
    d: date, delta: int, style: dict[str, object]
) -> None:
    other = d + timedelta(days=delta)
    words = normalize_date_words(date_to_words(other, **style)).iso  # type: ignore[arg-type]
    figures, in_words = reconcile_date_words(d.isoformat(), words)
    assert figures.codes == in_words.codes == ("date.words_mismatch",)
    assert figures.value is None
    assert d.isoformat() in figures.issues[0].message


def test_words_that_agree_raise_confidence() -> None:
    figures, words = reconcile_date_words("1985-03-15", "1985-03-15")
    assert figures.issues == words.issues == ()
    assert figures.factor == words.factor == RAISES["date.words_agree"] > 1
    partial, _ = reconcile_date_words("1985-03", "1985-03-15")
    assert (partial.issues, partial.factor) == ((), 1.0)
    assert reconcile_date_words(None, "1985-03-15") == reconcile_date_words("1985", None)


def test_the_confident_reading_wins_a_disagreement() -> None:
    figures, words = reconcile_date_words(
        "1985-08-15", "1985-03-15", figures_confidence=0.55, words_confidence=0.95
    )
    assert figures.value == "1985-03-15"
    assert figures.codes == words.codes == ("date.words_mismatch_resolved",)
    figures, _ = reconcile_date_words(
        "1985-03-15", "1985-03-16", figures_confidence=0.97, words_confidence=0.6
    )
    assert figures.value == "1985-03-15"
    figures, words = reconcile_date_words(
        "1985-03-15", "1985-03-16", figures_confidence=0.9, words_confidence=0.85
    )
    assert (figures.value, figures.codes) == (None, ("date.words_mismatch",))


def test_a_date_without_its_day_is_read_with_less_certainty() -> None:
    """ "08/1988" is what some old books write, and what OCR makes of 01/08/1988 when it loses
    the day: kept, below the review threshold."""
    partial = normalize_date("08/1988")
    assert (partial.value, partial.issues) == ("1988-08", ())
    assert partial.factor < 0.9
    assert normalize_date("01/08/1988").factor == 1.0
