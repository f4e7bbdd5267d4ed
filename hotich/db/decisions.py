"""Decisions about entries: approve, reject, reopen, stage, and the 158 side's receipt.

Every decision changes an entry's ``status`` and writes one ``Decision`` row (who, when, from
which status to which, why, and the batch of a bulk command), in the caller's transaction: these
functions flush but never commit, so a caller (the CLI, the review app) commits the decision
together with anything else it records, or none of it. Begin the transaction as a writer
(``session_scope(engine, write=True)`` or :func:`hotich.db.session.begin_write`).

Allowed transitions (:data:`TRANSITIONS`)::

    approve          needs_review            → approved
    reject           needs_review, approved  → rejected      (a reason is required)
    reopen           approved, rejected      → needs_review
    stage            approved                → staged        (with the package)
    receipt_accept   staged                  → staged
    receipt_reject   staged                  → needs_review  (back to review, with the reason)

A staged entry is in a package on its way to the Ministry: only the Ministry's receipt moves it.
An entry superseded by a newer reading of its page takes no decision except a receipt (the
Ministry's answer about what was sent stays on record).

:func:`bulk_approve` is ``hotich approve``: entries at or above a confidence, with no issue,
approved in one batch.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Decision, EntryRow, Page
from hotich.db.records import CurrentField, current_fields
from hotich.db.types import utcnow
from hotich.errors import BadInputError
from hotich.i18n import t

TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "approve": (frozenset({"needs_review"}), "approved"),
    "reject": (frozenset({"needs_review", "approved"}), "rejected"),
    "reopen": (frozenset({"approved", "rejected"}), "needs_review"),
    "stage": (frozenset({"approved"}), "staged"),
    "receipt_accept": (frozenset({"staged"}), "staged"),
    "receipt_reject": (frozenset({"staged"}), "needs_review"),
}
RECEIPTS: Final = frozenset({"receipt_accept", "receipt_reject"})
_CHUNK: Final = 500

LEFT_REASONS: Final = ("no_fields", "entry_issues", "field_issues", "below_confidence")
"""Why ``hotich approve`` left an entry for review, in the order they are checked."""


class DecisionRefused(BadInputError):
    """The decision is not allowed for this entry (unknown, superseded, or in another status)."""


def new_batch(kind: str, now: datetime | None = None) -> str:
    """A batch id for the decisions of one bulk command: ``approve-20261123T101502Z-1a2b3c4d``."""
    when = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind}-{when}-{uuid.uuid4().hex[:8]}"


def decide(
    session: Session,
    entry: EntryRow | int,
    action: str,
    username: str,
    *,
    reason: str | None = None,
    batch: str | None = None,
    package_id: int | None = None,
    now: datetime | None = None,
) -> Decision:
    """Apply ``action`` to one entry (see the module docstring); the Decision row written.

    Raises :class:`DecisionRefused` when the transition is not allowed. ``package_id`` is
    required for ``stage``; ``reason`` for ``reject``. The decision is added to the session, not
    flushed (a bulk command adds thousands); the caller flushes or commits.
    """
    if action not in TRANSITIONS:
        raise ValueError(f"unknown decision {action!r}")
    row = session.get(EntryRow, entry) if isinstance(entry, int) else entry
    entry_id = entry if isinstance(entry, int) else entry.id
    if row is None:
        raise DecisionRefused("decision.no_entry", entry_id=entry_id)
    allowed, new_status = TRANSITIONS[action]
    if row.superseded_at is not None and action not in RECEIPTS:
        raise DecisionRefused("decision.superseded", entry_id=row.id)
    if row.status not in allowed:
        status = t(f"stage.status.{row.status}")
        raise DecisionRefused(f"decision.refused.{action}", entry_id=row.id, status=status)
    reason = (reason or "").strip() or None
    if action == "reject" and reason is None:
        raise DecisionRefused("decision.reason_required", entry_id=row.id)
    if action == "stage" and package_id is None:
        raise ValueError("a 'stage' decision needs the package")
    when = now or utcnow()
    decision = Decision(
        entry_id=row.id,
        action=action,
        old_status=row.status,
        new_status=new_status,
        username=username,
        created_at=when,
        reason=reason,
        batch=batch,
    )
    _apply(row, action, new_status, username, when, package_id)
    session.add(decision)
    return decision


def _apply(
    row: EntryRow,
    action: str,
    new_status: str,
    username: str,
    when: datetime,
    package_id: int | None,
) -> None:
    row.status = new_status
    if action == "approve":
        row.approved_by, row.approved_at = username, when
    elif action == "stage":
        row.staged_at, row.package_id = when, package_id
    elif new_status in ("needs_review", "rejected"):
        row.approved_by = row.approved_at = None
        row.staged_at = row.package_id = None


def latest_decisions(session: Session, entry_ids: Collection[int]) -> dict[int, Decision]:
    """The newest decision of each entry that has one (e.g. the reason an entry is back in
    review)."""
    out: dict[int, Decision] = {}
    ids = list(entry_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        newest = (
            select(func.max(Decision.id))
            .where(Decision.entry_id.in_(chunk))
            .group_by(Decision.entry_id)
        )
        out.update(
            (d.entry_id, d)
            for d in session.scalars(select(Decision).where(Decision.id.in_(newest)))
        )
    return out


@dataclass(frozen=True, slots=True)
class BulkApproval:
    """What :func:`bulk_approve` did."""

    batch: str
    approved: tuple[int, ...]
    """Ids of the entries approved."""
    left: dict[str, int] = field(default_factory=dict)
    """Entries left for review, counted by the first reason (:data:`LEFT_REASONS`)."""

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def why_left(entry: EntryRow, fields: dict[str, CurrentField], min_confidence: float) -> str | None:
    """Why ``hotich approve`` would leave ``entry`` for review (None: it approves it).

    Current values count: a corrected field has confidence 1.0 and no issues. An issue on the
    entry itself (fields that disagree with each other) stays until a person approves it.
    """
    if not fields:
        return "no_fields"
    if entry.issues:
        return "entry_issues"
    if any(f.issues for f in fields.values()):
        return "field_issues"
    if min(f.confidence for f in fields.values()) < min_confidence:
        return "below_confidence"
    return None


def bulk_approve(
    session: Session,
    min_confidence: float,
    username: str,
    *,
    commune: str | None = None,
    now: datetime | None = None,
) -> BulkApproval:
    """Approve every current entry waiting for review whose confidence (that of its least
    confident current field) is at least ``min_confidence`` and that has no issue; one
    ``approve`` decision each, all in one batch. The caller commits."""
    if not 0.0 <= min_confidence <= 1.0:
        raise BadInputError("approve.bad_confidence", value=min_confidence)
    when = now or utcnow()
    batch = new_batch("approve", when)
    query = (
        select(EntryRow)
        .join(Page, EntryRow.page_id == Page.id)
        .where(EntryRow.status == "needs_review", EntryRow.superseded_at.is_(None))
        .order_by(EntryRow.id)
    )
    if commune is not None:
        query = (
            query.join(Book, Page.book_id == Book.id)
            .join(Commune, Book.commune_id == Commune.id)
            .where(Commune.key == commune)
        )
    entries = list(session.scalars(query.with_for_update(of=EntryRow)))
    approved: list[int] = []
    left: Counter[str] = Counter()
    for chunk in _chunks(entries):
        fields = current_fields(session, [e.id for e in chunk])
        for entry in chunk:
            reason = why_left(entry, fields[entry.id], min_confidence)
            if reason is not None:
                left[reason] += 1
                continue
            decide(session, entry, "approve", username, batch=batch, now=when)
            approved.append(entry.id)
    session.flush()
    return BulkApproval(
        batch=batch,
        approved=tuple(approved),
        left={r: left[r] for r in LEFT_REASONS if left[r]},
    )


def _chunks(entries: list[EntryRow]) -> Iterable[list[EntryRow]]:
    for start in range(0, len(entries), _CHUNK):
        yield entries[start : start + _CHUNK]
