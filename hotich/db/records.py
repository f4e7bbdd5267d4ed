"""Current values and corrections: what people changed, on top of what the machine read.

A field's current value is the newest correction's ``new_value``, else the machine value. A
corrected field reports confidence 1.0 and no issues (a person set it; the machine's issues
were about the machine's value), and keeps the machine's ``raw`` text and box as evidence.
Values are NFC when stored (the schema's ``VnText``, :func:`add_correction`); the raw OCR text
is stored as read and given out in NFC.

:func:`record` builds an entry in the "Machine-readable output" form of the contract; the
export and the review app's page view both use it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Correction, EntryRow, FieldRow, Page
from hotich.db.types import utcnow
from hotich.errors import BadInputError
from hotich.schema.registers import FIELDS
from hotich.schema.text import clean_text, nfc

BBox = tuple[int, int, int, int]
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class CurrentField:
    """A field as it stands now: the machine's reading with people's corrections applied."""

    value: str
    raw: str = ""
    confidence: float = 0.0
    bbox: BBox = (0, 0, 0, 0)
    issues: tuple[Mapping[str, str], ...] = ()
    machine_value: str | None = None
    """What the machine read (None when only a person gave the field a value)."""
    corrected: bool = False

    def export(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": self.confidence,
            "raw": nfc(self.raw),
            "bbox": list(self.bbox),
            "issues": [{"code": i["code"], "message": i["message"]} for i in self.issues],
        }


def _machine(row: FieldRow) -> CurrentField:
    return CurrentField(
        value=row.value,
        raw=row.raw,
        confidence=row.confidence,
        bbox=row.bbox,
        issues=tuple(row.issues),
        machine_value=row.value,
    )


def _corrected(machine: CurrentField | None, new_value: str) -> CurrentField:
    if machine is None:
        return CurrentField(value=new_value, confidence=1.0, corrected=True)
    return CurrentField(
        value=new_value,
        raw=machine.raw,
        confidence=1.0,
        bbox=machine.bbox,
        machine_value=machine.machine_value,
        corrected=True,
    )


def latest_corrections(session: Session, entry_ids: Collection[int]) -> list[Correction]:
    """The newest correction of each (entry, field) among ``entry_ids``."""
    out: list[Correction] = []
    ids = list(entry_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        newest = (
            select(func.max(Correction.id))
            .where(Correction.entry_id.in_(chunk))
            .group_by(Correction.entry_id, Correction.field)
        )
        out.extend(session.scalars(select(Correction).where(Correction.id.in_(newest))))
    return out


def current_fields(
    session: Session, entry_ids: Collection[int]
) -> dict[int, dict[str, CurrentField]]:
    """The current fields of each entry (two queries per 500 entries)."""
    ids = list(entry_ids)
    out: dict[int, dict[str, CurrentField]] = {i: {} for i in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(FieldRow).where(FieldRow.entry_id.in_(chunk)).order_by(FieldRow.id)
        for row in session.scalars(query):
            out[row.entry_id][row.name] = _machine(row)
    for correction in latest_corrections(session, ids):
        fields = out[correction.entry_id]
        fields[correction.field] = _corrected(fields.get(correction.field), correction.new_value)
    return out


def add_correction(
    session: Session,
    entry_id: int,
    field: str,
    new_value: str,
    *,
    user: str,
    reason: str | None = None,
) -> Correction:
    """Record a person's change of one field (the machine value stays as it is).

    The value is normalized like all text at the schema boundary (NFC, single spaces). Recording
    the value a field already has is allowed: it confirms the field. The caller commits (so the
    review app can commit it together with its audit record).
    """
    entry = session.get(EntryRow, entry_id)
    if entry is None:
        raise BadInputError("db.correction.no_entry", entry_id=entry_id)
    if entry.superseded_at is not None:
        raise BadInputError("db.correction.superseded", entry_id=entry_id)
    if field not in FIELDS[entry.register_type]:
        raise BadInputError(
            "db.correction.unknown_field", field=field, register_type=entry.register_type
        )
    old = current_fields(session, [entry_id])[entry_id].get(field)
    correction = Correction(
        entry_id=entry_id,
        field=field,
        old_value=None if old is None else old.value,
        new_value=clean_text(new_value),
        username=user,
        reason=reason,
        created_at=utcnow(),
    )
    session.add(correction)
    session.flush()
    return correction


def ordered(register_type: str, fields: Mapping[str, CurrentField]) -> dict[str, CurrentField]:
    """The fields in the register's order (the contract's table), unknown names last."""
    order = FIELDS.get(register_type, ())
    known = {name: fields[name] for name in order if name in fields}
    return known | {name: f for name, f in sorted(fields.items()) if name not in known}


def record(
    entry: EntryRow,
    page: Page,
    book: str,
    commune: str,
    fields: Mapping[str, CurrentField],
) -> dict[str, Any]:
    """One entry in the contract's "Machine-readable output" form, with current values.

    The entry's confidence is that of its least confident current field, as for a machine
    entry (``Entry.confidence``), so a corrected field counts as certain.
    """
    current = ordered(entry.register_type, fields)
    return {
        "page": {
            "commune": commune,
            "book": book,
            "page_no": page.page_no,
            "sha256": page.sha256,
            "source": page.source,
        },
        "register_type": entry.register_type,
        "entry_index": entry.entry_index,
        "status": entry.status,
        "confidence": min((f.confidence for f in current.values()), default=0.0),
        "fields": {name: f.export() for name, f in current.items()},
    }


def page_records(session: Session, page_id: int) -> list[dict[str, Any]] | None:
    """The current entries of one page in the export form (for the review app); None when
    there is no such page."""
    row = session.execute(
        select(Page, Book.key, Commune.key)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(Page.id == page_id)
    ).one_or_none()
    if row is None:
        return None
    page, book, commune = row
    entries = list(
        session.scalars(
            select(EntryRow)
            .where(EntryRow.page_id == page_id, EntryRow.superseded_at.is_(None))
            .order_by(EntryRow.entry_index)
        )
    )
    fields = current_fields(session, [e.id for e in entries])
    return [record(e, page, book, commune, fields[e.id]) for e in entries]
