"""Normalizers for field kinds the general normalizer (``extract/normalize.py``) does not know:
the time of death and the spouses' identity papers of the marriage and death registers, and
the book number.

- ``time_of_death``: "14 giờ 30 phút", "14 giờ 30", "14h30", "14g30", "14:30", "14 giờ" →
  ``14:30`` / ``14:00`` (HH:MM, 24-hour). An hour above 23 or a minute above 59 is an issue.
- ``husband_id_document``, ``wife_id_document``: the number of the paper, without a leading
  "CMND số" / "CCCD số" / "số": 9 digits (CMND) or 12 (CCCD, personal ID); letters OCR reads
  for digits are repaired (with less confidence); another length is an issue.
- ``book_number``: "01" or "01/2007"; "Ø1" → ``01`` (with less confidence); a sign no book
  number holds ("@1") is an issue.

Each function is idempotent (its output normalizes to itself). :func:`refine` applies them to a
field already read by :func:`hotich.extract.fields.field_value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hotich.i18n import t
from hotich.schema.entries import FieldValue, Issue
from hotich.schema.text import clean_text, strip_accents

TIME_FIELDS = frozenset({"time_of_death"})
ID_DOCUMENT_FIELDS = frozenset({"husband_id_document", "wife_id_document"})
BOOK_NUMBER_FIELDS = frozenset({"book_number"})

# Letters Tesseract returns for digits inside a number.
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "Ø": "0", "ø": "0", "l": "1", "I": "1", "|": "1"}
    | {"i": "1", "S": "5"}
    | {"s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "g": "9"}
)
# In a time, a letter OCR read for a digit stands next to a digit ("l4 giờ 3O"); "g" and "h"
# there are the hour mark ("14g30", "14h30"), not digits.
_NEXT_TO_DIGIT = re.compile(r"(?<=\d)[oOdDQlI|iSsBZz]+|[oOdDQlI|iSsBZz]+(?=\d)")
_ENDS = re.compile(r"^[\s.:;,_…·\-]+|[\s.:;,_…·\-]+$")
_UNITS = re.compile(r"[gqøy][i1l][o0]?|(?<=\d)\s*[gh](?=\s*\d|\s*$)|ph[u]?t?|[_,;]")
"""The hour and minute words, accents stripped, as OCR may return them ("gio", "gi0", "øiờ",
"qio", "phut"),
the "g"/"h" of "14g30"/"14h30", and stray marks that stand for a space."""
_MISREAD_HOUR = re.compile(r"[qøy][i1l]")
""""giờ" with its g misread ("øiờ"): the time is read, with less certainty."""
_UNIT_MARK = {"g": " h ", "q": " h ", "ø": " h ", "y": " h ", "h": " h ", "p": " p "}
_TIME = re.compile(
    r"^(?:luc\s*)?(\d{1,2})\s*(?:h|:|\.)\s*(?:(\d{1,2})\s*(?:p|')?)?"
    r"(?:\s*(sang|trua|chieu|toi|dem))?$"
)
_PAPER_WORDS = frozenset(
    {"so", "giay", "cmnd", "cccd", "cmtnd", "chung", "minh", "nhan", "dan", "can", "cuoc"}
    | {"cong", "dinh", "danh", "ca", "the", "ho", "chieu"}
)
"""Words naming the paper before its number ("Giấy CMND số", "CCCD số"), accents stripped."""


@dataclass(frozen=True)
class Refined:
    value: str
    issues: tuple[Issue, ...] = ()
    factor: float = 1.0


def _issue(code: str, **params: str) -> Issue:
    return Issue(code=code, message=t(f"issue.{code}", **params))


def _strip(raw: str) -> str:
    return _ENDS.sub("", clean_text(raw))


def normalize_time(raw: str) -> Refined:
    """``HH:MM`` from a time as written ("14 giờ 30 phút")."""
    text = _strip(raw)
    if not text:
        return Refined("")
    plain = strip_accents(text).strip()
    marked = _UNITS.sub(lambda m: _UNIT_MARK.get(m[0].strip()[:1], " "), plain)
    key = " ".join(_NEXT_TO_DIGIT.sub(lambda m: m[0].translate(_DIGIT_LOOKALIKES), marked).split())
    m = _TIME.match(key) if _has_digit(key) else None
    if m is None:
        return Refined(text, (_issue("time.unreadable", raw=raw),), 0.3)
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] in ("chieu", "toi") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return Refined(text, (_issue("time.impossible", raw=raw),), 0.3)
    exact = _NEXT_TO_DIGIT.search(marked) is None and not _MISREAD_HOUR.search(plain)
    return Refined(f"{hour:02d}:{minute:02d}", factor=1.0 if exact else 0.85)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def normalize_id_document(raw: str) -> Refined:
    """The number of an identity paper (9 or 12 digits) as written, without its kind."""
    text = _strip(raw)
    if not text:
        return Refined("")
    words = text.split()
    while words and _ENDS.sub("", strip_accents(words[0])) in _PAPER_WORDS:
        words.pop(0)
    compact = "".join(words).replace(".", "")
    digits = compact.translate(_DIGIT_LOOKALIKES)
    if not digits.isdigit():
        return Refined(text, (_issue("id_document.unreadable", raw=raw),), 0.3)
    factor = 1.0 if digits == compact else 0.85
    if len(digits) not in (9, 12):
        issue = _issue("id_document.length", raw=raw, n=str(len(digits)))
        return Refined(digits, (issue,), 0.5)
    return Refined(digits, factor=factor)


_BOOK_NUMBER = re.compile(r"^\d{1,3}(/\d{4})?$")
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})


_BOOK_CHARS = re.compile(r"^[\w/.\- ]*$")


def normalize_book_number(raw: str) -> Refined:
    """A book number as printed ("01", "01/2007"), with letters OCR reads for its digits
    ("Ø1") and odd slashes repaired; other letters and figures are kept as read, without an
    issue (books number themselves in other ways too), but a sign no book number holds ("@1",
    "(0Í") is a misreading (``book_number.unreadable``)."""
    text = _strip(raw)
    compact = text.replace(" ", "").translate(_SLASHES)
    repaired = compact.translate(_DIGIT_LOOKALIKES)
    if not _BOOK_NUMBER.match(repaired):
        if _BOOK_CHARS.match(text) and text.isascii():
            return Refined(text)
        return Refined(text, (_issue("book_number.unreadable", raw=raw),), 0.3)
    return Refined(repaired, factor=1.0 if repaired == compact else 0.85)


NORMALIZERS: dict[str, Callable[[str], Refined]] = {
    **{f: normalize_time for f in TIME_FIELDS},
    **{f: normalize_id_document for f in ID_DOCUMENT_FIELDS},
    **{f: normalize_book_number for f in BOOK_NUMBER_FIELDS},
}
"""Field name → normalizer, for the fields this module knows."""


def refine(name: str, value: FieldValue) -> FieldValue:
    """``value`` with this module's normalizer for ``name`` applied to its raw text; unchanged
    for other fields, for a blank one, and for one whose value is normalized already (so the
    general normalizer may take these kinds over without any double count)."""
    normalizer = NORMALIZERS.get(name)
    if normalizer is None or not value.raw:
        return value
    done = normalizer(value.raw)
    known = {i.code for i in value.issues}
    if not done.issues and (done.value == value.value or not done.value):
        return value  # blank, or normalized already
    if done.value == value.value and {i.code for i in done.issues} <= known:
        return value  # normalized already, its issues kept
    # A value left as read keeps the issue that says why (an unreadable time is never passed
    # off as read).
    return value.model_copy(
        update={
            "value": done.value,
            "issues": (*value.issues, *(i for i in done.issues if i.code not in known)),
            "confidence": round(max(0.0, min(1.0, value.confidence * done.factor)), 4),
        }
    )
