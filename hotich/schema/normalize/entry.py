"""Validating one entry: the sequence the pipeline and the review app both follow.

1. The entry's reference date is its registration date (:func:`entry_reference`, from the
   canonical value): it fixes two-digit years, bounds the other dates and years, and tells
   places written from the 2025 reform on to prefer new units.
2. Each field's text goes through :func:`~hotich.schema.normalize.normalize_field` with that
   reference and the configured tone style (setting ``name_tone_style``).
3. The canonical values (fields no canonical value could be made of are left out) go through
   :func:`cross_check`: :func:`~hotich.schema.normalize.check_entry` with the personal-ID
   province codes of the commune that keeps the book (:func:`.places.registration_id_codes`,
   from the commune's key; none when the key has no known official code — the ID's province
   is then checked against the entry's own places only). Each :class:`FieldCheck` adds its
   issues to the field, multiplies its confidence by its factor and may replace its value
   (the date in figures, when the date in words disagrees and OCR confidence says which
   reading is right; the raw text stays).

The machine reading does this in :func:`hotich.extract.fields.check_fields`, the review app in
:func:`hotich.review.validate.validate_entry` after a person's correction. Issues of step 3
are recomputed from current values whenever a field changes (:func:`is_cross_check` tells
them from the issues of reading one field).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Final

from hotich.schema.normalize.consistency import check_entry
from hotich.schema.normalize.places import registration_id_codes
from hotich.schema.normalize.result import FieldCheck
from hotich.schema.registers import REGISTER_TYPES

CROSS_CHECK_CODES: Final = (
    "consistency.",
    "personal_id.province_mismatch",
    "personal_id.sex_mismatch",
    "personal_id.century_mismatch",
    "personal_id.birth_year_mismatch",
    "date.words_mismatch",
)
"""Issue codes (a trailing dot: a prefix) that :func:`cross_check` finds by comparing fields
with each other, as opposed to those found reading one field: found again from the current
values whenever a field changes. Not among them: the issues of a value the check *chose*
(``date.words_mismatch_resolved``, ``date.figures_from_words``): they say how the machine made
the value, and stay until a person saves the field."""

_FULL_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_cross_check(code: str) -> bool:
    """Whether ``code`` comes from comparing an entry's fields (see :data:`CROSS_CHECK_CODES`)."""
    return any(code == c or (c.endswith(".") and code.startswith(c)) for c in CROSS_CHECK_CODES)


def entry_reference(registration_date: str | None) -> date | None:
    """The reference date of an entry: its registration date when that is a full ISO date."""
    if not registration_date or not _FULL_DATE.match(registration_date):
        return None
    try:
        return date.fromisoformat(registration_date)
    except ValueError:
        return None


def cross_check(
    register_type: str,
    values: Mapping[str, str | None],
    *,
    commune: str | None = None,
    confidences: Mapping[str, float] | None = None,
    raws: Mapping[str, str] | None = None,
) -> dict[str, FieldCheck]:
    """The entry-level checks of ``values`` (canonical values; None or "" is left out).

    ``commune`` is the key of the commune keeping the book (its scan folder's name);
    ``confidences`` the fields' OCR confidences, when known, which settle a disagreement
    between the date in figures and the date in words; ``raws`` the texts as read. An unknown
    register type has none.
    """
    register = next((r for r in REGISTER_TYPES if r == register_type), None)
    if register is None:
        return {}
    codes = registration_id_codes(commune) if commune else ()
    return check_entry(
        register,
        values,
        confidences=confidences,
        raws=raws,
        registration_province_codes=codes,
    )
