"""What a reviewer does to entries: correct a field, approve, reject, reopen; approve a page.

Each function works in the caller's write transaction (it flushes, never commits), records the
change (a ``Correction`` or a ``Decision`` row, :mod:`hotich.db.decisions`) and its audit row
together, so both are kept or neither. The entry is locked for the transaction (PostgreSQL
``SELECT … FOR UPDATE``; SQLite's writer holds the database), so two reviewers saving at once
are applied one after the other.

The caller has checked the caller's scope on the entry's commune (see :mod:`.web.deps`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.decisions import DecisionRefused, decide
from hotich.db.models import EntryRow
from hotich.db.records import add_correction, current_fields
from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.review import audit
from hotich.review.entries import EntryView, PageHead, entry_views
from hotich.review.validate import canonical, reference_date
from hotich.schema.normalize import ToneStyle
from hotich.schema.registers import FIELDS

MAX_VALUE: int = 2000
"""Characters a field value may have (a ledger's longest field is a few lines of notes)."""


@dataclass(frozen=True)
class Actor:
    """Who acts, from where (for the records and the audit log)."""

    username: str
    ip: str | None = None


class UnresolvedIssuesError(BadInputError):
    """Approval refused: fields still have issues (fix them, or reject the entry)."""

    def __init__(self, entry_id: int, fields: list[str]) -> None:
        self.fields = fields
        names = ", ".join(t(f"review.field.{f}") for f in fields)
        super().__init__("review.approve.unresolved", entry_id=entry_id, fields=names)


def _locked(session: Session, entry_id: int) -> EntryRow:
    row = session.scalars(
        select(EntryRow).where(EntryRow.id == entry_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise DecisionRefused("decision.no_entry", entry_id=entry_id)
    return row


def correct(
    session: Session,
    actor: Actor,
    head: PageHead,
    entry_id: int,
    field: str,
    typed: str,
    *,
    tone_style: ToneStyle = "keep",
) -> EntryView:
    """Save a person's value for one field (stored in canonical form, see :mod:`.validate`);
    the entry re-validated. Saving the value a field already has confirms it; saving again a
    value a person already gave changes nothing."""
    entry = _locked(session, entry_id)
    if field not in FIELDS.get(entry.register_type, ()):
        raise BadInputError(
            "db.correction.unknown_field", field=field, register_type=entry.register_type
        )
    if entry.status != "needs_review":
        status = t(f"stage.status.{entry.status}")
        raise BadInputError("review.correct.not_in_review", entry_id=entry_id, status=status)
    if len(typed) > MAX_VALUE:
        raise BadInputError("review.correct.too_long", max=MAX_VALUE)
    fields = current_fields(session, [entry_id])[entry_id]
    value = canonical(field, typed, reference=reference_date(fields), tone_style=tone_style).value
    current = fields.get(field)
    unchanged = current is not None and current.corrected and current.value == value
    if not unchanged:
        add_correction(session, entry_id, field, value, user=actor.username)
        changed = current is None or current.value != value
        audit.record(
            session,
            "correct",
            username=actor.username,
            object_type="entry",
            object_id=entry_id,
            commune=head.commune,
            ip=actor.ip,
            detail={"field": field, "page": head.page.id, "changed": changed},
        )
    session.flush()
    session.refresh(entry)
    (view,) = entry_views(session, [entry], tone_style=tone_style)
    return view


def _approve(
    session: Session, actor: Actor, head: PageHead, entry: EntryRow, tone_style: ToneStyle
) -> None:
    (view,) = entry_views(session, [entry], tone_style=tone_style, history=False)
    blocking = view.blocking
    if blocking:
        raise UnresolvedIssuesError(entry.id, blocking)
    decide(session, entry, "approve", actor.username)
    audit.record(
        session,
        "approve",
        username=actor.username,
        object_type="entry",
        object_id=entry.id,
        commune=head.commune,
        ip=actor.ip,
        detail={"page": head.page.id},
    )


def approve(
    session: Session, actor: Actor, head: PageHead, entry_id: int, *, tone_style: ToneStyle = "keep"
) -> None:
    """Approve one entry: refused (:class:`UnresolvedIssuesError`) while a field's issues stand,
    (:class:`~hotich.db.decisions.DecisionRefused`) unless it waits for review."""
    _approve(session, actor, head, _locked(session, entry_id), tone_style)
    session.flush()


def approve_page(
    session: Session, actor: Actor, head: PageHead, *, tone_style: ToneStyle = "keep"
) -> int:
    """Approve every entry of the page that waits for review, or none of them (the first one
    with issues refuses the lot); how many were approved."""
    entries = list(
        session.scalars(
            select(EntryRow)
            .where(
                EntryRow.page_id == head.page.id,
                EntryRow.superseded_at.is_(None),
                EntryRow.status == "needs_review",
            )
            .order_by(EntryRow.entry_index)
            .with_for_update()
        )
    )
    for entry in entries:
        _approve(session, actor, head, entry, tone_style)
    session.flush()
    return len(entries)


def reject(session: Session, actor: Actor, head: PageHead, entry_id: int, reason: str) -> None:
    """Reject one entry, with the reason (required)."""
    if len(reason) > MAX_VALUE:
        raise BadInputError("review.correct.too_long", max=MAX_VALUE)
    decide(session, _locked(session, entry_id), "reject", actor.username, reason=reason)
    audit.record(
        session,
        "reject",
        username=actor.username,
        object_type="entry",
        object_id=entry_id,
        commune=head.commune,
        ip=actor.ip,
        detail={"page": head.page.id},
    )
    session.flush()


def reopen(session: Session, actor: Actor, head: PageHead, entry_id: int) -> None:
    """Send an approved or rejected entry back to review (to correct it again)."""
    decide(session, _locked(session, entry_id), "reopen", actor.username)
    audit.record(
        session,
        "reopen",
        username=actor.username,
        object_type="entry",
        object_id=entry_id,
        commune=head.commune,
        ip=actor.ip,
        detail={"page": head.page.id},
    )
    session.flush()
