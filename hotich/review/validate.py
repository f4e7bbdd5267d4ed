"""Validation of the values a person saves in the review app, and of the entry they belong to.

Two jobs:

* :func:`canonical` — what is stored when a person types a value: the field's normalizer
  (:func:`hotich.schema.normalize.normalize_field`) turns it into the contract's form, and *that*
  is stored and shown (``15/3/1985`` → ``1985-03-15``, ``nu`` → ``Nữ``), so the export keeps one
  form per field whoever typed it. A value the normalizer cannot make canonical (``31/02/1985``)
  is stored as typed (cleaned: NFC, single spaces), with the issue that says why.
* :func:`validate_entry` — the issues of every field as the entry stands now. While nobody has
  changed the entry, they are the machine's own. Once a person saved any field, every saved
  field is normalized again from its current value, and the cross-checks between fields
  (dates in order, the ID against sex and date of birth, …) run again on the current values:
  the machine's cross-check issues are replaced by the new ones, and its other issues (about
  how it read a field nobody has touched) stay.

Approval: :func:`unresolved` names the fields whose issues still stand in the way. Every issue
does, except an *advisory* one (:data:`ADVISORY`: a place not found in the reference list of
administrative units, an age outside the usual bounds, a name in mixed case) on a field a person
has saved: saving it as it is (Enter) confirms it. An error in the value itself (an impossible
date, an ID of the wrong length) must be fixed, or the entry rejected.

One sequence validates an entry, here and in the pipeline (:mod:`hotich.schema.normalize.entry`):
the entry's reference date (its registration date), each field through its normalizer
(:func:`_normalize` is the only caller here), then the entry-level checks with the ID province
codes of the commune keeping the book (:func:`_cross_check`, the only caller of
:func:`hotich.schema.normalize.cross_check`). One difference: the pipeline replaces a date of
birth in figures it could not read by the date in words; what a person typed is never replaced,
so a value no canonical form can be made of simply takes no part in the cross-checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from hotich.db.records import CurrentField
from hotich.schema.normalize import (
    CROSS_CHECK_CODES,
    FIELD_KINDS,
    ToneStyle,
    cross_check,
    entry_reference,
    is_cross_check,
    normalize_field,
)
from hotich.schema.text import clean_text

__all__ = [
    "ADVISORY",
    "CROSS_CHECK_CODES",
    "Canonical",
    "IssueDict",
    "canonical",
    "is_advisory",
    "is_cross_check",
    "reference_date",
    "unresolved",
    "validate_entry",
]

IssueDict = Mapping[str, str]

ADVISORY: Final = (
    "place.",
    "consistency.mother_age",
    "consistency.father_age",
    "name.mixed_case",
    "name.surname_unusual",
    "ethnicity.ambiguous",
)
"""Issue codes (or prefixes) a person may confirm by saving the field: they say a value could
not be matched or looks unusual, not that it is wrong."""


def _has_code(code: str, codes: tuple[str, ...]) -> bool:
    return any(code == c or (c.endswith(".") and code.startswith(c)) for c in codes)


def is_advisory(code: str) -> bool:
    return _has_code(code, ADVISORY)


@dataclass(frozen=True)
class Canonical:
    """What is stored for a typed value, and what the normalizer found."""

    value: str
    issues: tuple[IssueDict, ...] = ()
    valid: bool = True
    """The value is in the contract's form (False: the normalizer could make none of it, and it
    is kept as typed); only valid values take part in the cross-checks."""


def _normalize(field: str, text: str, reference: date | None, tone_style: ToneStyle) -> Canonical:
    result = normalize_field(field, text, reference=reference, tone_style=tone_style, typed=True)
    issues = tuple({"code": i.code, "message": i.message} for i in result.issues)
    if not result.value:
        return Canonical(text, issues, valid=False)
    return Canonical(result.value, issues)


def canonical(
    field: str, typed: str, *, reference: date | None = None, tone_style: ToneStyle = "keep"
) -> Canonical:
    """The value to store for ``typed`` in ``field`` (see the module docstring)."""
    text = clean_text(typed)
    if not text:
        return Canonical("")
    return _normalize(field, text, reference, tone_style)


def _is_canonical(field: str, value: str) -> bool:
    """A stored machine value is in its field's canonical form (not the text of a reading the
    normalizer could make nothing of)."""
    return field not in FIELD_KINDS or normalize_field(field, value).value == value


def _recomputed(code: str, commune: str | None) -> bool:
    """Whether the re-validation finds the issue ``code`` again from current values: the
    cross-checks do, except the ID's province against the commune keeping the book when the
    commune is not given (the machine's finding then stays until the ID is saved)."""
    if code == "personal_id.province_mismatch" and commune is None:
        return False
    return is_cross_check(code)


def reference_date(fields: Mapping[str, CurrentField]) -> date | None:
    """The entry's registration date (a full ISO date), which bounds its other dates."""
    current = fields.get("registration_date")
    return entry_reference(current.value if current is not None else None)


def _cross_check(
    register_type: str, values: Mapping[str, str], commune: str | None
) -> dict[str, list[IssueDict]]:
    checks = cross_check(register_type, values, commune=commune)
    return {
        name: [{"code": i.code, "message": i.message} for i in check.issues]
        for name, check in checks.items()
    }


def validate_entry(
    register_type: str,
    fields: Mapping[str, CurrentField],
    *,
    tone_style: ToneStyle = "keep",
    commune: str | None = None,
) -> dict[str, tuple[IssueDict, ...]]:
    """The issues of each field as the entry stands now (see the module docstring).

    ``commune`` is the key of the commune keeping the book: the personal ID's province is
    checked against it as the pipeline checked it (None: against the entry's places only).
    """
    if not any(f.corrected for f in fields.values()):
        return {name: tuple(f.issues) for name, f in fields.items()}
    reference = reference_date(fields)
    out: dict[str, list[IssueDict]] = {}
    values: dict[str, str] = {}
    for name, current in fields.items():
        if not current.value:
            out[name] = [] if current.corrected else list(current.issues)
            continue
        if current.corrected:
            saved = canonical(name, current.value, reference=reference, tone_style=tone_style)
            out[name] = list(saved.issues)
            valid = saved.valid
        else:
            out[name] = [i for i in current.issues if not _recomputed(i["code"], commune)]
            valid = _is_canonical(name, current.value)
        if valid:
            values[name] = current.value
    for name, issues in _cross_check(register_type, values, commune).items():
        seen = {i["code"] for i in out.setdefault(name, [])}
        out[name].extend(i for i in issues if i["code"] not in seen)
    return {name: tuple(issues) for name, issues in out.items()}


def unresolved(
    fields: Mapping[str, CurrentField], issues: Mapping[str, tuple[IssueDict, ...]]
) -> list[str]:
    """The fields whose issues keep the entry from being approved, in the order given."""
    blocking = []
    for name, found in issues.items():
        saved = name in fields and fields[name].corrected
        if any(not (saved and is_advisory(i["code"])) for i in found):
            blocking.append(name)
    return blocking
