"""Dates in figures and in words, partial dates, years; figures checked against words.

``normalize_date("15/3/1985")`` → ``1985-03-15``; ``"15-03-85"`` needs a reference date (the
registration date or the book's year) to fix the century; ``"3/1985"`` → ``1985-03``;
``"1985"`` → ``1985``; ``"ngày 15 tháng 3 năm 1985"`` and a date fully in words are read too,
and so is the contract's ISO form itself (``1985-03-15``, ``1985-03``), as a person may type it.
Impossible dates (31/02) are issues with no value. The field ``date_of_birth_words`` keeps its
text as the value (the contract stores it as written) and gives the date it says in ``iso``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hotich.schema.entries import Issue
from hotich.schema.normalize.book import BookYears
from hotich.schema.normalize.date_spelling import respell, spelled_right
from hotich.schema.normalize.result import FieldCheck, Normalized, factor_of, issue, normalized
from hotich.schema.normalize.zeros import zero_fit
from hotich.schema.text import clean_text, strip_accents
from hotich.schema.vn_numbers import parse_number, words_to_parts

EARLIEST_YEAR = 1850
"""Years before this are out of range for people in civil-status books kept since 1945."""

# Letters Tesseract returns for digits in numeric fields (also used by personal_id.py).
DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "g": "9",
        "@": "0",
        "\u2044": "/",  # FRACTION SLASH
        "\u2215": "/",  # DIVISION SLASH
        "\uff0f": "/",  # FULLWIDTH SOLIDUS
    }
)
_LEADERS = re.compile(r"^[\s.:;,_…·\-]+|[\s.:;,_…·\-]+$")
_SEP = r"\s*[/.\-]\s*|\s+"
_DMY = re.compile(rf"^(\d{{1,2}})(?:{_SEP})(\d{{1,2}})(?:{_SEP})(\d{{4}}|\d{{2}})$")
_RUN_TOGETHER = re.compile(r"^(\d{2})[/.\-]?(\d{2})[/.\-]?((?:18|19|20)\d{2})$")
_MY = re.compile(rf"^(\d{{1,2}})(?:{_SEP})(\d{{4}})$")
_Y = re.compile(r"^(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_WORD_KEYS = frozenset({"ngay", "thang", "nam", "mong", "mung"})


@dataclass(frozen=True, kw_only=True)
class DateResult(Normalized):
    iso: str | None = None
    """The date read, ISO 8601 full (``1985-03-15``) or partial (``1985-03``, ``1985``)."""


def strip_leaders(text: str) -> str:
    """Remove dots, colons and dashes left over from fill-in lines at either end."""
    return _LEADERS.sub("", clean_text(text))


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _result(raw: str, value: str | None, issues: list[Issue]) -> DateResult:
    found = tuple(issues)
    # A date without its day (or month) is what some old books give, and what OCR makes of a
    # date whose day it lost ("08/1988" for 01/08/1988): read with less certainty.
    raises = ("date.partial",) if value and len(value) < 10 else ()
    return DateResult(
        value=value, raw=raw, iso=value, issues=found, factor=factor_of(found, raises)
    )


def _century(yy: int, month: int, day: int, reference: date) -> int:
    """The latest year ending in ``yy`` that puts the day not after ``reference``."""
    year = reference.year - (reference.year - yy) % 100
    if (year, month, day) > (reference.year, reference.month, reference.day):
        year -= 100
    return year


def _check_range(
    raw: str,
    year: int,
    month: int | None,
    day: int | None,
    reference: date | None,
    within: BookYears | None,
) -> list[Issue]:
    if within is not None and not within.holds(year):
        return [issue("date.outside_book", raw=raw, years=str(within))]
    late = reference is not None and (
        (day is not None and month is not None and date(year, month, day) > reference)
        or year > reference.year
    )
    if year < EARLIEST_YEAR or late:
        return [issue("date.out_of_range", raw=raw)]
    return []


def _from_parts(
    raw: str,
    year: int,
    month: int | None,
    day: int | None,
    issues: list[Issue],
    reference: date | None,
    within: BookYears | None = None,
) -> DateResult:
    if month is not None and not 1 <= month <= 12:
        return _result(raw, None, [*issues, issue("date.impossible", raw=raw)])
    if day is not None and month is not None:
        try:
            date(year, month, day)
        except ValueError:
            return _result(raw, None, [*issues, issue("date.impossible", raw=raw)])
    issues = [*issues, *_check_range(raw, year, month, day, reference, within)]
    return _result(raw, _iso(year, month, day), issues)


def _read_figures(
    raw: str,
    text: str,
    issues: list[Issue],
    reference: date | None,
    within: BookYears | None = None,
) -> DateResult | None:
    m = _DMY.match(text)
    if m:
        day, month, year_text = int(m[1]), int(m[2]), m[3]
        year = int(year_text)
        if len(year_text) == 2:
            if reference is None:
                return _result(raw, None, [*issues, issue("date.two_digit_year", raw=raw)])
            year = _century(year, month, day, reference)
            issues = [*issues, issue("date.century_inferred", raw=raw, year=year)]
        return _from_parts(raw, year, month, day, issues, reference, within)
    m = _RUN_TOGETHER.match(text)
    if m:  # separators lost by OCR: "15031985", "15/031985"
        repaired = issues or [issue("date.ocr_repaired", raw=raw)]
        return _from_parts(raw, int(m[3]), int(m[2]), int(m[1]), repaired, reference, within)
    m = _MY.match(text)
    if m:
        return _from_parts(raw, int(m[2]), int(m[1]), None, issues, reference, within)
    m = _ISO.match(text)
    if m:  # the contract's own form (as the review app shows dates): 1985-03-15, 1985-03
        given_day = int(m[3]) if m[3] else None
        return _from_parts(raw, int(m[1]), int(m[2]), given_day, issues, reference, within)
    if _Y.match(text):
        return _from_parts(raw, int(text), None, None, issues, reference, within)
    return None


_LABEL_WORDS = frozenset({"ngay", "thang", "nam", "sinh", "dang", "ky", "chet", "mat"})
_LEADING_LABEL = re.compile(r"^([^\d]+?)[\s:.,]*(?=\d)")


def _strip_label(text: str) -> str:
    """Drop label words left before the figures: "Ngày sinh: 15/3/1985" → "15/3/1985"."""
    m = _LEADING_LABEL.match(text)
    if m and set(strip_accents(m[1]).replace(",", " ").split()) <= _LABEL_WORDS:
        return text[m.end() :]
    return text


def normalize_date(
    raw: str, *, reference: date | None = None, within: BookYears | None = None
) -> DateResult:
    """A date in figures (or in words) to ISO 8601, full or partial.

    ``reference`` is the latest date the value may have (the registration date for a date of
    birth, the book's last day for a registration date): it fixes the century of a two-digit
    year and flags dates after it. ``within``: the years of the book, for a registration date,
    which must fall in them. A date that cannot be right (a month 92, a year after the
    reference or outside the book) is read again with figures OCR takes zeros for
    (:mod:`.zeros`) as zeros, when exactly one such reading is right. A blank field gives
    ``""`` without issue.
    """
    text = strip_leaders(raw)
    if not text:
        return _result(raw, "", [])
    if _WORD_KEYS & set(strip_accents(text).split()) or not any(c.isdigit() for c in text):
        parts = words_to_parts(text)
        if parts is not None:
            return _from_parts(raw, *parts, [], reference, within)
    text = _strip_label(text)
    found = _read_figures(raw, text, [], reference, within)
    if found is None:
        repaired_text = _repair(text)
        if repaired_text != text:
            text = repaired_text
            found = _read_figures(
                raw, text, [issue("date.ocr_repaired", raw=raw)], reference, within
            )
    if found is None:
        return _result(raw, None, [issue("date.unreadable", raw=raw)])
    if _cannot_be(found) and not _calendar_slip(text):
        return _zeros_restored(raw, text, reference, within) or found
    return found


_CANNOT_BE = frozenset({"date.impossible", "date.out_of_range", "date.outside_book"})


def _cannot_be(found: DateResult) -> bool:
    return any(i.code in _CANNOT_BE for i in found.issues)


def _calendar_slip(text: str) -> bool:
    """Whether ``text`` is a day and a month that each exist, only not together (29/02/1900,
    31/04/1985): a slip of the writer's, not zeros misread."""
    m = _DMY.match(text)
    if m is None or not (1 <= int(m[1]) <= 31 and 1 <= int(m[2]) <= 12):
        return False
    try:
        date(int(m[3]) if len(m[3]) == 4 else 2000, int(m[2]), int(m[1]))
    except ValueError:
        return True
    return False


def _zeros_restored(
    raw: str, text: str, reference: date | None, within: BookYears | None
) -> DateResult | None:
    """The one reading of ``text`` with the fewest 6, 8 or 9 taken for zeros that gives a date
    that can be right; None when there is none, or several."""
    repaired = [issue("date.ocr_repaired", raw=raw)]

    def read(candidate: str) -> DateResult | None:
        return _read_figures(raw, candidate, repaired, reference, within)

    def fits(candidate: str) -> bool:
        found = read(candidate)
        return found is not None and bool(found.value) and not _cannot_be(found)

    chosen = zero_fit(text, fits)
    return read(chosen) if chosen is not None else None


_YEAR_SPLIT = re.compile(r"(?<=[/.\-\s])([12])[.,\s](\d{3})$")
_DIGITS_SPACED = re.compile(r"(?<=\d)\s+(?=\d)")
EDGE_MARKS = "'\"“”„‘’([{|!"
"""Marks OCR reads at either end of figures (a quote, a bracket, a stroke): never part of them."""
_LONG_DAY = re.compile(r"^0(\d{2})(?=\s*[/.\-])")
_SPACED_SEP = re.compile(r"\s*([/\-])\s*")


def _repair(text: str) -> str:
    """What OCR commonly does to figures, undone: letters for digits ("1S/O3"), a year split
    by a dot or space ("1.994"), a day with an extra leading zero ("001/11"), spaces around a
    separator ("05- 11-1994") or inside a number ("30-1 1-1995"), a quote or bracket read at
    either end ("'28/03/1960")."""
    out = _SPACED_SEP.sub(r"\1", text.strip(EDGE_MARKS).translate(DIGIT_LOOKALIKES))
    out = _YEAR_SPLIT.sub(r"\1\2", out)
    if _DMY.match(out) is None and re.search(r"[/.\-]", out):
        out = _DIGITS_SPACED.sub("", out)  # "30-1 1-1995", "1 6/03/2 000": a gap in a number
    return _LONG_DAY.sub(r"\1", out)


def normalize_date_words(raw: str) -> DateResult:
    """The date in words ("ngày mười lăm tháng ba năm …"): the text kept, the date in ``iso``.

    A word not spelled as a number word (OCR misread a tone mark: "tháng hại") is restored when
    one spelling of the date differs from the text in tone marks only
    (:mod:`.date_spelling`; issue ``date_words.ocr_repaired``); otherwise the text stays and
    the issue ``date_words.misspelled`` says a word looks misread.
    """
    text = strip_leaders(raw)
    if not text:
        return DateResult(value="", raw=raw)
    parts = words_to_parts(text)
    if parts is None:
        found: tuple[Issue, ...] = (issue("date_words.unreadable", raw=raw),)
        return DateResult(value=text, raw=raw, issues=found, factor=factor_of(found))
    year, month, day = parts
    try:
        if month is not None and day is not None:
            date(year, month, day)
    except ValueError:
        found = (issue("date_words.impossible", raw=raw),)
        return DateResult(value=text, raw=raw, issues=found, factor=factor_of(found))
    iso = _iso(year, month, day)
    if spelled_right(text):
        return DateResult(value=text, raw=raw, iso=iso)
    spelling = respell(text, iso) if len(iso) == 10 else None
    if spelling is not None:
        found = (issue("date_words.ocr_repaired", raw=raw, value=spelling),)
        return DateResult(value=spelling, raw=raw, iso=iso, issues=found, factor=factor_of(found))
    found = (issue("date_words.misspelled", raw=raw),)
    return DateResult(value=text, raw=raw, iso=iso, issues=found, factor=factor_of(found))


def normalize_year(raw: str, *, reference: date | None = None) -> Normalized:
    """A year of birth ("1960", "năm 1960", or in words) as four digits."""
    text = strip_leaders(raw)
    if not text:
        return normalized("", raw)
    text = re.sub(r"(?i)^n[aă]m\s+", "", text)
    latest = reference.year if reference else 2100
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        issues: list[Issue] = []
    elif re.fullmatch(r"[\dOoDQlI|iSsBZzGg]{4}", text.replace(" ", "")):
        year = int(text.replace(" ", "").translate(DIGIT_LOOKALIKES))
        issues = [issue("year.ocr_repaired", raw=raw)]
    else:
        words = parse_number(text)
        if words is None:
            return normalized(None, raw, [issue("year.unreadable", raw=raw)])
        year, issues = words, []
    if not EARLIEST_YEAR <= year <= latest:
        return normalized(None, raw, [issue("year.unreadable", raw=raw)])
    return normalized(f"{year:04d}", raw, issues)


def _prefix_agree(a: str, b: str) -> bool:
    """Two ISO dates agree where both are given (a partial date agrees with its completions)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def reconcile_date_words(
    figures: str | None,
    words: str | None,
    *,
    figures_confidence: float | None = None,
    words_confidence: float | None = None,
    margin: float = 0.15,
) -> tuple[FieldCheck, FieldCheck]:
    """Cross-check the date in figures with the date in words (both ISO, as read).

    Agreement raises both fields' confidence (rule ``date.words_agree``). A disagreement is an
    issue on both fields. When both OCR confidences are given and differ by at least
    ``margin``, the more confident reading wins: the figures field gets it as its value (the
    issue stays, for a person to confirm). Returns the checks for (figures, words).
    """
    if not figures or not words:
        return FieldCheck(), FieldCheck()
    if _prefix_agree(figures, words):
        full = len(figures) == len(words) == 10
        raises = ("date.words_agree",) if full else ()
        return FieldCheck(raises=raises), FieldCheck(raises=raises)
    if (
        figures_confidence is not None
        and words_confidence is not None
        and abs(figures_confidence - words_confidence) >= margin
    ):
        chosen = words if words_confidence > figures_confidence else figures
        found = (
            issue("date.words_mismatch_resolved", figures=figures, words=words, chosen=chosen),
        )
        return FieldCheck(found, value=chosen), FieldCheck(found)
    found = (issue("date.words_mismatch", figures=figures, words=words),)
    return FieldCheck(found), FieldCheck(found)
