"""Number words added for the normalizers: chục, bẩy, hăm/băm, and dates read into parts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.schema.vn_numbers import (
    date_to_words,
    number_to_words,
    parse_number,
    words_to_date,
    words_to_parts,
)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("một chục", 10),
        ("hai chục", 20),
        ("hăm mốt", 21),
        ("băm mốt", 31),
        ("hai mươi tư", 24),
        ("mười tư", 14),
        ("hai mươi nhăm", 25),
        ("bẩy", 7),
        ("một trăm lẻ năm", 105),
        ("một ngàn chín trăm chín mươi bẩy", 1997),
        ("hai nghìn linh tám", 2008),
        ("hai nghìn không trăm linh tám", 2008),
        ("Hai Nghìn Không Trăm Mười Lăm", 2015),
        ("chục", None),
        ("không chục", None),
    ],
)
def test_parse_variants(text: str, n: int | None) -> None:
    assert parse_number(text) == n


def test_new_spelling_options() -> None:
    assert number_to_words(27, seven="bẩy", contract=True) == "hăm bẩy"
    assert number_to_words(31, contract=True) == "băm mốt"
    assert number_to_words(20, contract=True) == "hai mươi"  # "hăm" only before a unit
    assert number_to_words(45, contract=True) == "bốn mươi lăm"
    assert date_to_words("1977-07-27", seven="bẩy", contract_day=True) == (
        "ngày hăm bẩy tháng bẩy năm một nghìn chín trăm bẩy mươi bẩy"
    )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("ngày mười lăm tháng ba năm một nghìn chín trăm tám mươi lăm", (1985, 3, 15)),
        ("tháng ba năm 1985", (1985, 3, None)),
        ("năm một nghìn chín trăm tám mươi lăm", (1985, None, None)),
        ("ngày ba mươi mốt tháng hai năm hai nghìn", (2000, 2, 31)),  # impossible, as written
        ("ngày tháng năm năm hai nghìn", (2000, 5, None)),  # a blank day
        ("ngày bốn mươi tháng hai năm hai nghìn", None),
        ("ngày mười lăm tháng mười ba năm 2000", None),
        ("năm", None),
        ("hello", None),
    ],
)
def test_words_to_parts(text: str, parts: tuple[int, int | None, int | None] | None) -> None:
    assert words_to_parts(text) == parts


def test_a_real_date_wins_over_an_impossible_reading() -> None:
    # "năm" is both five and the year keyword: 5 May 2005, not an impossible reading
    assert words_to_parts("ngày năm tháng năm năm hai nghìn không trăm linh năm") == (2005, 5, 5)
    assert words_to_date("ngày ba mươi mốt tháng hai năm hai nghìn") is None


@given(
    d=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    seven=st.sampled_from(["bảy", "bẩy"]),
    contract=st.booleans(),
)
def test_round_trip_with_new_options(d: date, seven: str, contract: bool) -> None:
    words = date_to_words(d, seven=seven, contract_day=contract)
    assert words_to_date(words) == d.isoformat()
    assert words_to_parts(words) == (d.year, d.month, d.day)
