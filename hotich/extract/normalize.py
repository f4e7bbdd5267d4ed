"""Turn the raw text read for a field into its contract form, with issues, never silently.

A first set of rules (dates, years, sex, ID numbers, names); Vietnamese-specific checks grow in
``schema/`` and are applied here by field kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from hotich.i18n import t
from hotich.schema.entries import Issue
from hotich.schema.text import clean_text, strip_accents

DATE_FIELDS = frozenset(
    {
        "date_of_birth",
        "registration_date",
        "husband_date_of_birth",
        "wife_date_of_birth",
        "date_of_death",
    }
)
YEAR_FIELDS = frozenset({"mother_birth_year", "father_birth_year"})
NAME_FIELDS = frozenset(
    {
        "full_name",
        "mother_name",
        "father_name",
        "declarant_name",
        "registrar_name",
        "husband_name",
        "wife_name",
    }
)
DIGIT_FIELDS = frozenset({"personal_id", "register_number"})

# Letters Tesseract returns for digits in numeric fields.
_DIGIT_LOOKALIKES = str.maketrans(
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
    }
)
_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})")
_RUN_TOGETHER = re.compile(r"^(\d{2})[/.\-]?(\d{2})[/.\-]?((?:19|20)\d{2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_LEADERS = re.compile(r"^[\s.:;,_…·\-]+|[\s.:;,_…·\-]+$")


@dataclass(frozen=True)
class Normalized:
    value: str
    issues: tuple[Issue, ...] = ()
    factor: float = 1.0
    """Multiplies the OCR confidence: below 1 when the text had to be repaired."""


def _issue(code: str, **params: str) -> Issue:
    return Issue(code=code, message=t(f"issue.{code}", **params))


def strip_leaders(text: str) -> str:
    """Remove dots, colons and dashes left over from fill-in lines at either end."""
    return _LEADERS.sub("", clean_text(text))


# Slashes Tesseract returns for "/" (FRACTION SLASH, DIVISION SLASH, FULLWIDTH SOLIDUS).
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})
_NUMBER_OF_YEAR = re.compile(r"^(\d{1,4})/(\d{4})$")


def _digits(text: str) -> str:
    return text.translate(_SLASHES).translate(_DIGIT_LOOKALIKES)


def normalize_date(field: str, raw: str) -> Normalized:
    text = _digits(raw.replace(" ", ""))
    m = _DATE.search(text)
    if m:
        day, month, year = int(m[1]), int(m[2]), m[3]
        if len(year) == 2:
            return Normalized(raw, (_issue("date.two_digit_year", field=field, raw=raw),), 0.5)
        try:
            return Normalized(
                date(int(year), month, day).isoformat(), factor=1.0 if text == m[0] else 0.9
            )
        except ValueError:
            return Normalized(raw, (_issue("date.impossible", field=field, raw=raw),), 0.5)
    m = _RUN_TOGETHER.match(text)
    if m:  # a separator lost by OCR: "22/112002", "22112002"
        try:
            return Normalized(date(int(m[3]), int(m[2]), int(m[1])).isoformat(), factor=0.7)
        except ValueError:
            pass
    m = _MONTH_YEAR.match(text)
    if m and 1 <= int(m[1]) <= 12:
        return Normalized(f"{m[2]}-{int(m[1]):02d}")
    if _YEAR.match(text):
        return Normalized(text)
    return Normalized(raw, (_issue("date.unreadable", field=field, raw=raw),), 0.3)


def normalize_year(field: str, raw: str) -> Normalized:
    text = _digits(raw.replace(" ", ""))
    if _YEAR.match(text) and 1850 <= int(text) <= 2100:
        return Normalized(text, factor=1.0 if text == raw else 0.9)
    return Normalized(raw, (_issue("year.unreadable", field=field, raw=raw),), 0.3)


def normalize_sex(field: str, raw: str) -> Normalized:
    key = strip_accents(raw).strip(" .:")
    scores = {"Nam": fuzz.ratio(key, "nam"), "Nữ": fuzz.ratio(key, "nu")}
    best = max(scores, key=lambda k: scores[k])
    if key in ("nam", "nu"):
        exact = raw.strip(" .:").casefold() in ("nam", "nữ")
        return Normalized(best, factor=1.0 if exact else 0.85)
    if scores[best] >= 60:
        return Normalized(best, factor=0.6)
    return Normalized(raw, (_issue("sex.unknown", raw=raw),), 0.3)


def normalize_digits(field: str, raw: str) -> Normalized:
    text = _digits(raw.replace(" ", "").replace(".", ""))
    if field == "register_number" and _NUMBER_OF_YEAR.match(text):
        # Books write the number with its year: "03/2003".
        return Normalized(text, factor=1.0 if text == raw.replace(" ", "") else 0.85)
    if not text.isdigit():
        return Normalized(raw, (_issue("digits.unreadable", field=field, raw=raw),), 0.3)
    factor = 1.0 if text == raw.replace(" ", "") else 0.85
    if field == "personal_id" and len(text) not in (9, 12):
        return Normalized(text, (_issue("personal_id.length", raw=raw, n=str(len(text))),), 0.5)
    return Normalized(text, factor=factor)


def normalize_name(field: str, raw: str) -> Normalized:
    text = clean_text(raw)
    bad = [ch for ch in text if not (ch.isalpha() or ch in " -'")]
    if bad:
        return Normalized(text, (_issue("name.bad_chars", chars="".join(sorted(set(bad)))),), 0.6)
    return Normalized(text)


def normalize(field: str, raw: str) -> Normalized:
    """The contract form of ``raw`` for ``field``, with any issue found on the way."""
    text = strip_leaders(raw)
    if not text:
        return Normalized("")
    if field in DATE_FIELDS:
        return normalize_date(field, text)
    if field in YEAR_FIELDS:
        return normalize_year(field, text)
    if field == "sex":
        return normalize_sex(field, text)
    if field in DIGIT_FIELDS:
        return normalize_digits(field, text)
    if field in NAME_FIELDS:
        return normalize_name(field, text)
    return Normalized(text)
