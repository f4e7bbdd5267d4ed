"""A page's entries as the review app shows and serves them: current values, the issues found
by validating them again (:mod:`.validate`), and their history (corrections and decisions).

The JSON form is the contract's export form (:func:`hotich.db.records.record`) with the issues
re-validated, plus the entry's ``id`` (the API's handle for corrections and decisions); fields a
role may not read (:meth:`~hotich.review.access.Scope.fields`) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Correction, Decision, EntryRow, Page
from hotich.db.records import CurrentField, current_fields, ordered, record
from hotich.review.access import Scope
from hotich.review.validate import IssueDict, unresolved, validate_entry
from hotich.schema.normalize import ToneStyle


@dataclass(frozen=True)
class PageHead:
    """The page an object belongs to, and where (to check the caller's scope)."""

    page: Page
    book: str
    commune: str


@dataclass(frozen=True)
class HistoryItem:
    """One line of an entry's history: a correction or a decision."""

    when: datetime
    who: str
    kind: str
    """``correct`` or a decision (``approve``, ``reject``, ``reopen``, …)."""
    field: str | None = None
    old: str | None = None
    new: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class EntryView:
    """One entry with everything the page view shows."""

    row: EntryRow
    fields: dict[str, CurrentField]
    issues: dict[str, tuple[IssueDict, ...]]
    history: list[HistoryItem] = field(default_factory=list)

    @property
    def blocking(self) -> list[str]:
        """Fields whose issues keep it from being approved."""
        return unresolved(self.fields, self.issues)

    def current(self) -> dict[str, CurrentField]:
        """The current fields with the re-validated issues."""
        return {name: _with_issues(f, self.issues.get(name, ())) for name, f in self.fields.items()}


def _with_issues(f: CurrentField, issues: tuple[IssueDict, ...]) -> CurrentField:
    return CurrentField(
        value=f.value,
        raw=f.raw,
        confidence=f.confidence,
        bbox=f.bbox,
        issues=issues,
        machine_value=f.machine_value,
        corrected=f.corrected,
    )


def page_head(session: Session, page_id: int) -> PageHead | None:
    row = session.execute(
        select(Page, Book.key, Commune.key)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(Page.id == page_id)
    ).one_or_none()
    return None if row is None else PageHead(row[0], row[1], row[2])


def entry_head(session: Session, entry_id: int) -> tuple[EntryRow, PageHead] | None:
    """A current (not superseded) entry and its page; None when there is none."""
    entry = session.get(EntryRow, entry_id)
    if entry is None or entry.superseded_at is not None:
        return None
    head = page_head(session, entry.page_id)
    return None if head is None else (entry, head)


def _history(session: Session, entry_ids: list[int]) -> dict[int, list[HistoryItem]]:
    out: dict[int, list[HistoryItem]] = {i: [] for i in entry_ids}
    if not entry_ids:
        return out
    for c in session.scalars(
        select(Correction).where(Correction.entry_id.in_(entry_ids)).order_by(Correction.id)
    ):
        out[c.entry_id].append(
            HistoryItem(c.created_at, c.username, "correct", c.field, c.old_value, c.new_value)
        )
    for d in session.scalars(
        select(Decision).where(Decision.entry_id.in_(entry_ids)).order_by(Decision.id)
    ):
        out[d.entry_id].append(
            HistoryItem(
                d.created_at,
                d.username,
                d.action,
                old=d.old_status,
                new=d.new_status,
                reason=d.reason,
            )
        )
    for items in out.values():
        items.sort(key=lambda h: h.when)
    return out


def entry_views(
    session: Session,
    entries: list[EntryRow],
    *,
    tone_style: ToneStyle = "keep",
    history: bool = True,
) -> list[EntryView]:
    ids = [e.id for e in entries]
    fields = current_fields(session, ids)
    past = _history(session, ids) if history else {}
    views = []
    for e in entries:
        current = ordered(e.register_type, fields[e.id])
        issues = validate_entry(e.register_type, current, tone_style=tone_style)
        views.append(EntryView(e, current, issues, past.get(e.id, [])))
    return views


def page_entries(
    session: Session, page_id: int, *, tone_style: ToneStyle = "keep", history: bool = True
) -> list[EntryView]:
    """The page's current entries, in order."""
    entries = list(
        session.scalars(
            select(EntryRow)
            .where(EntryRow.page_id == page_id, EntryRow.superseded_at.is_(None))
            .order_by(EntryRow.entry_index)
        )
    )
    return entry_views(session, entries, tone_style=tone_style, history=history)


def entry_json(view: EntryView, head: PageHead, scope: Scope) -> dict[str, Any]:
    """The entry in the export form, re-validated, with its ``id``; only the fields ``scope``
    may read."""
    item = record(view.row, head.page, head.book, head.commune, view.current())
    item["fields"] = scope.fields(item["fields"])
    return {"id": view.row.id, **item}
