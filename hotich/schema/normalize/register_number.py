"""Registration numbers (Số): ``12`` or, as later books write them, with the year: ``03/2003``.

The value keeps the digits as written (``"01"`` stays ``"01"``, the contract compares as
written); spaces and dots OCR puts inside are dropped, and a slash read as a fraction or
full-width slash is a slash. Letters read for digits ("O3/2OO3") and a lost slash ("032003")
are repaired with the issue ``register_number.ocr_repaired``; anything else that is not a
number (or number/year) is ``register_number.unreadable`` and keeps its text.
:func:`parse_register_number` gives the number and its year as integers, for the
ledger-integrity checks (numbers restart at 01 each year and run without gaps).
"""

from __future__ import annotations

import re

from hotich.schema.normalize.book import BookYears
from hotich.schema.normalize.dates import (
    DIGIT_LOOKALIKES,
    EARLIEST_YEAR,
    EDGE_MARKS,
    strip_leaders,
)
from hotich.schema.normalize.result import Normalized, issue, normalized
from hotich.schema.normalize.zeros import zero_fit

_FORM = re.compile(r"^(\d{1,4})(?:/(\d{4}))?$")
_LABEL = re.compile(r"(?i)^số\s*(đăng\s*ký)?\s*[:.]?\s*")
_INSIDE = re.compile(r"[\s.]+")
_GLUED = re.compile(r"^(\d{1,3})((?:18|19|20)\d{2})$")
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})


def _plausible(text: str) -> bool:
    m = _FORM.match(text)
    return m is not None and (m[2] is None or EARLIEST_YEAR <= int(m[2]) <= 2200)


def normalize_register_number(raw: str, *, within: BookYears | None = None) -> Normalized:
    """``NN`` or ``NN/YYYY`` as written, without inner spaces or dots.

    ``within``: the years of the book; a year after the number outside them is read again
    with the figures OCR takes zeros for as zeros ("97/2019" in the book of 2010 → 97/2010,
    an issue), or as the one year of the book it is a figure off from ("12/1994" in the book of
    1991: a typewritten 1 read as 4, an issue), else flagged ``register_number.outside_book``."""
    text = _INSIDE.sub("", _LABEL.sub("", strip_leaders(raw))).translate(_SLASHES)
    if not text:
        return normalized("", raw)
    issues = []
    if text.strip(EDGE_MARKS) and text.strip(EDGE_MARKS) != text:  # "1!", "(7": marks read
        text = text.strip(EDGE_MARKS)
        issues.append(issue("register_number.ocr_repaired", raw=raw, value=text))
    shaped = within is not None and _FORM.match(text) is not None  # its year checked below
    if not _plausible(text) and not shaped:
        repaired = text.translate(DIGIT_LOOKALIKES)
        glued = _GLUED.match(repaired)
        if glued:  # the slash lost: "012013" is 01/2013 (a book never reaches number 10,000)
            repaired = f"{glued[1]}/{glued[2]}"
        if repaired == text or not _plausible(repaired):
            return normalized(None, raw, [issue("register_number.unreadable", raw=raw)])
        text = repaired
        issues = [issue("register_number.ocr_repaired", raw=raw, value=repaired)]
    m = _FORM.match(text)
    if within is None or m is None or m[2] is None or within.holds(int(m[2])):
        return normalized(text, raw, issues)
    year = zero_fit(m[2], lambda reading: within.holds(int(reading))) or _one_figure_off(
        m[2], within
    )
    if year is not None:
        value = f"{m[1]}/{year}"
        return normalized(value, raw, [issue("register_number.ocr_repaired", raw=raw, value=value)])
    return normalized(
        text, raw, [*issues, issue("register_number.outside_book", raw=raw, years=str(within))]
    )


def _one_figure_off(year: str, within: BookYears) -> str | None:
    """The one year of the book that ``year`` differs from in one figure, or None. A year next
    to the book's ("39/2011" in the book of 2010) may be written so: it is left flagged."""
    if within.first - 1 <= int(year) <= within.last + 1:
        return None
    near = [
        str(y)
        for y in range(within.first, within.last + 1)
        if sum(a != b for a, b in zip(str(y), year, strict=True)) == 1
    ]
    return near[0] if len(near) == 1 else None


def parse_register_number(value: str | None) -> tuple[int, int | None] | None:
    """(number, year or None) of a canonical registration number; None if it is not one."""
    m = _FORM.match(value or "")
    if not m:
        return None
    return int(m[1]), int(m[2]) if m[2] else None
