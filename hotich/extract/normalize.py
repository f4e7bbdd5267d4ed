"""The raw text read for a field, in its contract form: a thin adapter over
:mod:`hotich.schema.normalize`, which holds every rule (dates, years, registration numbers,
personal IDs, sex, ethnicity, nationality, names, places) and each issue's confidence factor.

What the adapter adds is what OCR of a printed form needs and a typed value does not: dots,
colons and dashes left over from the fill-in line are removed from the ends of a field with
no normalizer of its own (notes, relationship, book number …); the field normalizers strip
them themselves.
"""

from __future__ import annotations

from datetime import date

from hotich.schema.normalize import (
    FIELD_KINDS,
    BookYears,
    Normalized,
    ToneStyle,
    normalize_field,
)
from hotich.schema.normalize.dates import strip_leaders

__all__ = ["Normalized", "normalize", "strip_leaders"]


def normalize(
    field: str,
    raw: str,
    *,
    reference: date | None = None,
    tone_style: ToneStyle = "keep",
    within: BookYears | None = None,
) -> Normalized:
    """The contract form of ``raw`` for ``field``, with the issues found on the way.

    ``value`` is None when no canonical value can be made (an impossible date): the issues say
    why, and the caller keeps the text as read.
    """
    if field in FIELD_KINDS:
        return normalize_field(
            field, raw, reference=reference, tone_style=tone_style, within=within
        )
    return Normalized(value=strip_leaders(raw), raw=raw)
