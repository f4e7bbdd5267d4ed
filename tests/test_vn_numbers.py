"""Vietnamese numbers and dates in words: known spellings, variants, and the round trip."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.schema.text import strip_accents
from hotich.schema.vn_numbers import date_to_words, number_to_words, parse_number, words_to_date


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1985, "một nghìn chín trăm tám mươi lăm"),
        (2008, "hai nghìn không trăm linh tám"),
        (2015, "hai nghìn không trăm mười lăm"),
        (1_000_005, "một triệu không trăm linh năm"),
    ],
)
def test_number_to_words(n: int, words: str) -> None:
    assert number_to_words(n) == words


def test_number_variants() -> None:
    assert number_to_words(2008, short_zero=True, nghin="ngàn", linh="lẻ") == "hai ngàn lẻ tám"
    assert number_to_words(24, four="bốn") == "hai mươi bốn"
    assert number_to_words(25, five="nhăm") == "hai mươi nhăm"
    with pytest.raises(ValueError):
        number_to_words(-1)


def test_date_to_words() -> None:
    assert date_to_words(date(1985, 3, 15)) == (
        "ngày mười lăm tháng ba năm một nghìn chín trăm tám mươi lăm"
    )
    assert date_to_words("2008-04-05", mong="mồng", capitalize=True, short_zero=True) == (
        "Ngày mồng năm tháng tư năm hai nghìn linh tám"
    )
    assert date_to_words(date(2001, 1, 1), gieng=True).startswith("ngày một tháng giêng")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("ngày mười lăm tháng ba năm một nghìn chín trăm tám mươi lăm", "1985-03-15"),
        ("Ngày Hai Tháng Ba Năm Hai Nghìn Linh Tám", "2008-03-02"),
        ("ngày mùng năm tháng năm năm hai ngàn lẻ năm", "2005-05-05"),
        ("ngày mồng một tháng giêng năm hai nghìn", "2000-01-01"),
        ("ngày hăm mốt tháng chạp năm một nghìn chín trăm chín mươi nhăm", "1995-12-21"),
        ("ngày hai mươi bốn tháng tư năm hai nghìn mười lăm", "2015-04-24"),
        ("ngay muoi lam thang ba nam mot nghin chin tram tam muoi lam", "1985-03-15"),
        ("ngày mười tháng mười năm một chín tám lăm", "1985-10-10"),
        ("ngày 15 tháng 3 năm 1985", "1985-03-15"),
    ],
)
def test_words_to_date_variants(text: str, iso: str) -> None:
    assert words_to_date(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "ngày ba mươi tháng hai năm hai nghìn",
        "ngày năm tháng mười ba năm 2000",
        "ngày tháng ba năm một nghìn",
        "ngày một tháng mười ba năm 2000",
    ],
)
def test_words_to_date_rejects(text: str) -> None:
    assert words_to_date(text) is None


def test_parse_number() -> None:
    assert parse_number("hai nghìn không trăm hai mươi tư") == 2024
    assert parse_number("một trăm mười") == 110
    assert parse_number("trăm") is None
    assert parse_number("hai hai") == 22


_styles = st.fixed_dictionaries(
    {
        "mong": st.sampled_from(["", "mồng", "mùng"]),
        "gieng": st.booleans(),
        "capitalize": st.booleans(),
        "nghin": st.sampled_from(["nghìn", "ngàn"]),
        "linh": st.sampled_from(["linh", "lẻ"]),
        "four": st.sampled_from(["tư", "bốn"]),
        "five": st.sampled_from(["lăm", "nhăm"]),
        "short_zero": st.booleans(),
    }
)


@given(d=st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)), style=_styles)
def test_date_words_round_trip(d: date, style: dict[str, object]) -> None:
    words = date_to_words(d, **style)  # type: ignore[arg-type]
    assert words_to_date(words) == d.isoformat()
    assert words_to_date(words.upper()) == d.isoformat()
    assert words_to_date(strip_accents(words)) == d.isoformat()


@given(n=st.integers(min_value=0, max_value=999_999))
def test_number_round_trip(n: int) -> None:
    assert parse_number(number_to_words(n)) == n
