"""Vietnamese numbers and dates in words, both ways (shared/domain/README.md §5.1).

``number_to_words(1985)`` → ``"một nghìn chín trăm tám mươi lăm"``;
``date_to_words(date(1985, 3, 15))`` → ``"ngày mười lăm tháng ba năm một nghìn chín trăm tám
mươi lăm"``; ``words_to_date`` reads such a phrase back to ISO (``"1985-03-15"``), accepting the
regional and spelling variants found in ledgers: mốt/một, lăm/năm/nhăm, tư/bốn, linh/lẻ and a
missing "không trăm", nghìn/ngàn, mồng/mùng before days, giêng/chạp for months, hăm/băm for
"hai mươi"/"ba mươi", bảy/bẩy, "chục" for tens (một chục = 10, hai chục = 20), any letter
case, and text whose tone marks were lost. :func:`words_to_parts` reads partial dates ("tháng ba
năm 1985", "năm 1985") and impossible ones (31 February) without deciding about them.
"""

from __future__ import annotations

import re
from datetime import date

from hotich.schema.text import nfc, strip_accents

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_MONTHS = (
    "",
    "một",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
)


def _group(
    n: int,
    *,
    full: bool,
    linh: str,
    four: str,
    five: str,
    short_zero: bool,
    seven: str = "bảy",
    contract: bool = False,
) -> list[str]:
    """Words for 0 < n < 1000; ``full`` when a higher group precedes (then hundreds are said)."""
    digits = (*_DIGITS[:7], seven, *_DIGITS[8:])
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or (full and not short_zero):
        words += [digits[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append(linh)
            words.append(digits[units])
        return words
    if tens == 1:
        words.append("mười")
    elif contract and units and tens in (2, 3):
        words.append("hăm" if tens == 2 else "băm")
    else:
        words += [digits[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append(four)
    elif units == 5:
        words.append(five)
    elif units:
        words.append(digits[units])
    return words


def number_to_words(
    n: int,
    *,
    nghin: str = "nghìn",
    linh: str = "linh",
    four: str = "tư",
    five: str = "lăm",
    short_zero: bool = False,
    seven: str = "bảy",
    contract: bool = False,
) -> str:
    """``n`` (0 ≤ n < 10⁹) in Vietnamese words.

    Variants: ``nghin="ngàn"``, ``linh="lẻ"``, ``four="bốn"`` (24 = hai mươi bốn),
    ``five="nhăm"``, ``short_zero=True`` to drop "không trăm" after a higher group
    (2008 = "hai nghìn linh tám"), ``seven="bẩy"``, ``contract=True`` for "hăm"/"băm" in place
    of "hai mươi"/"ba mươi" before a unit (21 = hăm mốt).
    """
    if not 0 <= n < 1_000_000_000:
        raise ValueError(f"number out of range: {n}")
    if n == 0:
        return _DIGITS[0]
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1000, nghin), (1, "")):
        part = n // scale % 1000
        if not part:
            continue
        words += _group(
            part,
            full=bool(words),
            linh=linh,
            four=four,
            five=five,
            short_zero=short_zero,
            seven=seven,
            contract=contract,
        )
        if name:
            words.append(name)
    return " ".join(words)


def date_to_words(
    value: date | str,
    *,
    mong: str = "",
    gieng: bool = False,
    capitalize: bool = False,
    nghin: str = "nghìn",
    linh: str = "linh",
    four: str = "tư",
    five: str = "lăm",
    short_zero: bool = False,
    seven: str = "bảy",
    contract_day: bool = False,
) -> str:
    """A date as ledgers write it: "ngày … tháng … năm …".

    ``mong="mồng"`` (or ``"mùng"``) before days 1–10; ``gieng=True`` writes January as
    "giêng"; ``capitalize=True`` makes the first letter upper case; ``contract_day=True`` says
    days 21–29 and 31 as "hăm …"/"băm mốt"; the other options are those of
    :func:`number_to_words`, applied to day and year (``seven`` to the month too).
    """
    d = date.fromisoformat(value) if isinstance(value, str) else value
    day = number_to_words(
        d.day, nghin=nghin, linh=linh, four=four, five=five, seven=seven, contract=contract_day
    )
    if mong and d.day <= 10:
        day = f"{mong} {day}"
    month = "giêng" if gieng and d.month == 1 else _MONTHS[d.month]
    if d.month == 7:
        month = seven
    year = number_to_words(
        d.year,
        nghin=nghin,
        linh=linh,
        four=four,
        five=five,
        short_zero=short_zero,
        seven=seven,
    )
    text = f"ngày {day} tháng {month} năm {year}"
    return text[0].upper() + text[1:] if capitalize else text


# --- reading back -------------------------------------------------------------------------
# Tokens are compared without tone marks, so OCR that drops them still reads.

_DIGIT_WORDS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_TENS_WORDS = {"ham": 2, "bam": 3}
_LINH = {"linh", "le"}
_THOUSAND = {"nghin", "ngan"}
_MONTH_ONLY = {"gieng": 1, "chap": 12}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(strip_accents(nfc(text)))


def _parse_group(tokens: list[str]) -> int | None:
    """A number below 1000 from its words, or None when the words do not form one."""
    if not tokens:
        return None
    hundreds = tens = 0
    hundreds_said = tens_said = False
    pending: int | None = None
    for tok in tokens:
        if tok in _DIGIT_WORDS:
            if pending is not None:
                return None
            pending = _DIGIT_WORDS[tok]
        elif tok == "tram":
            if pending is None or hundreds_said or tens_said:
                return None
            hundreds, hundreds_said, pending = pending, True, None
        elif tok == "muoi" and pending is not None:  # "mươi" (tone marks are stripped)
            if tens_said or pending < 2:
                return None
            tens, tens_said, pending = pending, True, None
        elif tok == "chuc":  # "một chục" = 10, "hai chục" = 20
            if tens_said or hundreds_said or not pending:
                return None
            tens, tens_said, pending = pending, True, None
        elif tok == "muoi" or tok in _TENS_WORDS or tok in _LINH:  # mười, hăm/băm, linh/lẻ
            if tens_said:
                return None
            tens, tens_said = (1 if tok == "muoi" else _TENS_WORDS.get(tok, 0)), True
        else:
            return None
    return hundreds * 100 + tens * 10 + (pending or 0)


def parse_number(text: str | list[str]) -> int | None:
    """An integer from Vietnamese words (below one million), or None.

    Also reads years said digit by digit ("một chín tám lăm" = 1985) and plain digits ("1985").
    """
    tokens = _tokens(text) if isinstance(text, str) else text
    if len(tokens) == 1 and tokens[0].isascii() and tokens[0].isdigit():
        return int(tokens[0])
    if len(tokens) >= 2 and all(t in _DIGIT_WORDS for t in tokens):
        return int("".join(str(_DIGIT_WORDS[t]) for t in tokens))
    if any(t in _THOUSAND for t in tokens):
        cut = next(i for i, t in enumerate(tokens) if t in _THOUSAND)
        high = _parse_group(tokens[:cut])
        rest = tokens[cut + 1 :]
        low = _parse_group(rest) if rest else 0
        if high is None or low is None or high == 0:
            return None
        return high * 1000 + low
    return _parse_group(tokens)


def _parse_month(tokens: list[str]) -> int | None:
    if len(tokens) == 1 and tokens[0] in _MONTH_ONLY:
        return _MONTH_ONLY[tokens[0]]
    month = parse_number(tokens)
    return month if month is not None and 1 <= month <= 12 else None


DateParts = tuple[int, int | None, int | None]
"""(year, month or None, day or None) as written: not checked against the calendar."""


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def words_to_parts(text: str) -> DateParts | None:
    """The year, month and day written in ``text`` as words (or figures between the words).

    Reads "ngày … tháng … năm …", "tháng … năm …" and "năm …"; a part the text leaves out is
    None. The day may be impossible for the month (31 February): the caller decides. When the
    keyword "năm" could be cut in several places, a reading that makes a real date wins.
    """
    tokens = _tokens(text)
    if "thang" not in tokens:
        if len(tokens) >= 2 and tokens[0] == "nam":
            year = parse_number(tokens[1:])
            return (year, None, None) if year is not None and 1000 <= year <= 2999 else None
        return None
    at = tokens.index("thang")
    day_part = tokens[:at]
    if day_part and day_part[0] == "ngay":
        day_part = day_part[1:]
    if day_part and day_part[0] in ("mong", "mung"):
        day_part = day_part[1:]
    day = parse_number(day_part) if day_part else None
    if day_part and (day is None or not 1 <= day <= 31):
        return None
    rest = tokens[at + 1 :]
    fallback: DateParts | None = None
    # The year keyword "năm" is also the digit five: try each "năm" as the keyword.
    for cut, tok in enumerate(rest):
        if tok != "nam" or cut == 0:
            continue
        month = _parse_month(rest[:cut])
        year = parse_number(rest[cut + 1 :]) if rest[cut + 1 :] else None
        if month is None or year is None or not 1000 <= year <= 2999:
            continue
        if day is None or _valid(year, month, day):
            return (year, month, day)
        fallback = fallback or (year, month, day)
    return fallback


def words_to_date(text: str) -> str | None:
    """The ISO date (``1985-03-15``) written in ``text`` as words, or None if it is not one."""
    parts = words_to_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    if month is None or day is None or not _valid(year, month, day):
        return None
    return date(year, month, day).isoformat()
