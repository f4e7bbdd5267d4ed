"""Zeros OCR reads as 6, 8 or 9 (a worn zero, a typewriter's zero with a dot inside): figures
that cannot be right are read again with them as zeros, only when one reading fits, and always
with an issue; the book's years (from its folder name) bound its registrations."""

from __future__ import annotations

import pytest

from hotich.extract.fields import check_fields
from hotich.extract.normalize import normalize
from hotich.extract.numbers import number_sequence
from hotich.schema.entries import Entry, FieldValue
from hotich.schema.normalize import book_years, normalize_date, normalize_field
from hotich.schema.normalize.book import BookYears
from hotich.schema.normalize.zeros import zero_readings


def test_book_years_come_from_the_folder_name() -> None:
    assert book_years("khai-sinh-1998-q01") == BookYears(1998, 1998)
    assert book_years("khai-tu-1995-1997-q02") == BookYears(1995, 1997)
    assert book_years("so-cu-q01") is None and book_years(None) is None
    assert book_years("ket-hon-1997-1995") is None  # backwards: says nothing


def test_zero_readings_fewest_changes_first() -> None:
    assert list(zero_readings("97/2019")) == [
        ["07/2019", "97/2010"],
        ["07/2010"],
    ]
    assert list(zero_readings("12/03/1745")) == []


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("97/05/1989", "1989-05-07"),  # day 97
        ("93/09/1983", "1983-09-03"),
        ("21/92/1990", "1990-02-21"),  # month 92
    ],
)
def test_a_day_or_month_that_cannot_be_is_read_with_its_zero(raw: str, iso: str) -> None:
    r = normalize_date(raw)
    assert (r.value, r.codes, r.raw) == (iso, ("date.ocr_repaired",), raw)


def test_no_repair_when_several_readings_fit_or_none_does() -> None:
    # 98/98/1990: 08/08, 08/09? no — 9 is no zero here; 98→08 for both day and month fits once
    assert normalize_date("98/98/1990").value == "1990-08-08"
    # 99/99: day 09 or 90, month 09 or 90 → 09/09 only: still one
    assert normalize_date("99/99/1990").value == "1990-09-09"
    # 88/68/1990: day 08 (80 impossible), month 08 or 60 → 08/08; but 86/…: 80 or 06 → 06
    assert normalize_date("45/13/1990").value is None  # no 6, 8 or 9 to read as zero
    # written 29 February of a common year: a slip of the pen, not a misread zero
    assert normalize_date("29/02/1900").codes == ("date.impossible",)


def test_a_date_after_its_reference_is_read_with_its_zero() -> None:
    from datetime import date

    r = normalize_date("15/02/2916", reference=date(2010, 2, 21))
    assert (r.value, r.codes) == ("2010-02-15", ("date.ocr_repaired",))


def test_a_registration_date_outside_its_book() -> None:
    within = BookYears(2010, 2010)
    r = normalize_field("registration_date", "21/02/2016", within=within)
    assert (r.value, r.codes) == ("2010-02-21", ("date.ocr_repaired",))
    # a two-digit year takes its century from the book
    r = normalize_field("registration_date", "30/98/ 07", within=BookYears(2007, 2007))
    assert r.value == "2007-08-30" and "date.ocr_repaired" in r.codes
    # a year no zero explains is flagged, the value kept
    r = normalize_field("registration_date", "21/02/2011", within=within)
    assert (r.value, r.codes) == ("2011-02-21", ("date.outside_book",))
    assert "2010" in r.issues[0].message
    # without a book, nothing to say
    assert normalize_field("registration_date", "21/02/2016").codes == ()


def test_a_registration_number_whose_year_is_outside_its_book() -> None:
    within = BookYears(2010, 2010)
    r = normalize_field("register_number", "61/2016", within=within)
    assert (r.value, r.codes) == ("61/2010", ("register_number.ocr_repaired",))
    r = normalize_field("register_number", "39/2910", within=within)
    assert r.value == "39/2010"
    r = normalize_field("register_number", "39/2011", within=within)
    assert (r.value, r.codes) == ("39/2011", ("register_number.outside_book",))
    assert normalize_field("register_number", "07/2010", within=within).codes == ()


def _entry(number: str, date_text: str = "15/02/2010") -> Entry:
    def field(name: str, raw: str) -> FieldValue:  # as read from one page, alone
        value = normalize(name, raw).value or raw
        return FieldValue(value=value, raw=raw, confidence=0.95, bbox=(1, 1, 5, 5))

    return Entry(
        register_type="khai_tu",
        entry_index=0,
        fields={
            "register_number": field("register_number", number),
            "registration_date": field("registration_date", date_text),
        },
    )


def test_check_fields_bounds_the_registration_by_the_book() -> None:
    checked = check_fields(_entry("61/2016", "21/02/2019"), book="khai-tu-2010-q01")
    number, registered = checked.fields["register_number"], checked.fields["registration_date"]
    assert (number.value, registered.value) == ("61/2010", "2010-02-21")
    assert not number.accepted(0.9) and not registered.accepted(0.9)
    assert check_fields(_entry("61/2016"), book=None).fields["register_number"].value == "61/2016"


def test_a_number_out_of_the_pages_run_is_read_with_its_zero() -> None:
    rows = number_sequence([_entry("06/2010"), _entry("67/2010"), _entry("08/2010")])
    values = [e.fields["register_number"].value for e in rows]
    assert values == ["06/2010", "07/2010", "08/2010"]
    codes = [[i.code for i in e.fields["register_number"].issues] for e in rows]
    assert codes == [[], ["register_number.ocr_repaired"], []]
    # the first row, from the row after it
    first = number_sequence([_entry("61"), _entry("2"), _entry("3")])
    assert first[0].fields["register_number"].value == "01"
    # a number no zero explains is left, and the jump flagged
    rows = number_sequence([_entry("19"), _entry("22"), _entry("23")])
    assert [e.fields["register_number"].value for e in rows] == ["19", "22", "23"]
    assert [i.code for i in rows[1].fields["register_number"].issues] == ["table.rows_missing"]
    # where the run is broken on both sides, nothing says which number is wrong
    rows = number_sequence([_entry("5"), _entry("96"), _entry("12")])
    assert rows[1].fields["register_number"].value == "96"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("30-1 1-1995", "1995-11-30"),  # a gap inside a number
        ("1 6/03/2 000", "2000-03-16"),
        ("'28/03/1960", "1960-03-28"),  # a quote read before the figures
        ("!19/06/2012.........", "2012-06-19"),
    ],
)
def test_gaps_and_marks_in_figures_are_repaired_with_an_issue(raw: str, iso: str) -> None:
    r = normalize_date(raw)
    assert (r.value, r.codes) == (iso, ("date.ocr_repaired",))
    assert normalize_date("15 03 1985").codes == ()  # spaces as the separators


def test_marks_around_a_registration_number_are_repaired_with_an_issue() -> None:
    r = normalize_field("register_number", "1!")
    assert (r.value, r.codes) == ("1", ("register_number.ocr_repaired",))
    r = normalize_field("register_number", "(O7")
    assert (r.value, r.codes) == ("07", ("register_number.ocr_repaired",))


def test_a_registration_year_one_figure_off_its_single_book_year_is_that_year() -> None:
    from hotich.schema.normalize.book import book_years
    from hotich.schema.normalize.register_number import normalize_register_number

    found = normalize_register_number("12/1994", within=book_years("khai-sinh-1991-q01"))
    assert (found.value, found.codes) == ("12/1991", ("register_number.ocr_repaired",))
    # further off: flagged, not changed
    far = normalize_register_number("12/2005", within=book_years("khai-sinh-1991-q01"))
    assert (far.value, far.codes) == ("12/2005", ("register_number.outside_book",))
