"""The SQL behind :mod:`.progress`: pages grouped per page (their current entries), then per
book, then per unit, in one statement that SQLite and PostgreSQL run alike. The figures and
their meaning are documented in :mod:`.progress`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select

from hotich.db.models import Book, Commune, EntryRow, Page

Unit = Literal["commune", "district", "province"]
WINDOW: Final = timedelta(days=7)
RATE_WEEKS: Final = 4
"""Weeks over which ``pages_per_week`` is averaged."""
DONE_STATUSES: Final = ("approved", "staged")
UNIT_FIGURES: Final = (
    "books",
    "books_uninventoried",
    "expected_pages",
    "pages",
    "processed",
    "needs_review",
    "approved",
    "staged",
    "quarantined",
    "entries",
    "entries_done",
    "change_7d",
    "recent",
    "entries_unknown",
    "expected_entries",
)
"""The figure columns of :func:`units_query`, in order, after the unit's labels (the last
column, after them, is the moment the unit's last page was done)."""


def count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sum_of(value: Any) -> Any:
    return func.coalesce(func.sum(value), 0)


def page_stats() -> Subquery:
    """Per page, over its current entries: kept (not rejected), needing review, done, staged,
    and when the page became done (the latest approval among its done entries)."""
    done = EntryRow.status.in_(DONE_STATUSES)
    approved_at = func.coalesce(EntryRow.approved_at, EntryRow.created_at)
    return (
        select(
            EntryRow.page_id.label("page_id"),
            (func.count() - count_if(EntryRow.status == "rejected")).label("kept"),
            count_if(EntryRow.status == "needs_review").label("review"),
            count_if(done).label("ok"),
            count_if(EntryRow.status == "staged").label("staged"),
            func.max(case((done, approved_at))).label("done_at"),
        )
        .where(EntryRow.superseded_at.is_(None))
        .group_by(EntryRow.page_id)
        .subquery("page_stats")
    )


def page_done(stats: Subquery) -> ColumnElement[bool]:
    return and_(stats.c.kept > 0, stats.c.ok == stats.c.kept)


def _book_stats(now: datetime) -> Subquery:
    stats = page_stats()
    done, done_at = page_done(stats), stats.c.done_at
    by_now = and_(done, done_at <= now)
    return (
        select(
            Page.book_id.label("book_id"),
            func.count(Page.id).label("pages"),
            count_if(Page.status == "done").label("processed"),
            count_if(stats.c.review > 0).label("needs_review"),
            count_if(done).label("approved"),
            count_if(and_(stats.c.kept > 0, stats.c.staged == stats.c.kept)).label("staged"),
            count_if(Page.status == "quarantined").label("quarantined"),
            sum_of(stats.c.kept).label("entries"),
            sum_of(stats.c.ok).label("entries_done"),
            count_if(and_(by_now, done_at > now - WINDOW)).label("change_7d"),
            count_if(and_(by_now, done_at > now - RATE_WEEKS * WINDOW)).label("recent"),
            func.max(case((by_now, done_at))).label("last_done"),
        )
        .select_from(Page)
        .outerjoin(stats, stats.c.page_id == Page.id)
        .group_by(Page.book_id)
        .subquery("book_stats")
    )


def group_columns(by: Unit) -> list[Any]:
    if by == "commune":
        return [Commune.key, Commune.name, Commune.district, Commune.province]
    if by == "district":
        return [Commune.province, Commune.district]
    return [Commune.province]


def units_query(by: Unit, now: datetime, communes: Collection[str] | None) -> Select[Any]:
    """One row per unit: its labels (:func:`group_columns`), :data:`UNIT_FIGURES`, and when its
    last page was done (by ``now``)."""
    stats = _book_stats(now)
    pages = func.coalesce(stats.c.pages, 0)
    entries = func.coalesce(stats.c.entries, 0)
    in_inventory = Book.expected_pages.is_not(None)
    groups = group_columns(by)
    query = (
        select(
            *groups,
            func.count(Book.id),
            count_if(and_(Book.id.is_not(None), Book.expected_pages.is_(None))),
            sum_of(case((Book.expected_pages > pages, Book.expected_pages), else_=pages)),
            *(
                sum_of(stats.c[name])
                for name in (
                    "pages",
                    "processed",
                    "needs_review",
                    "approved",
                    "staged",
                    "quarantined",
                    "entries",
                    "entries_done",
                    "change_7d",
                    "recent",
                )
            ),
            count_if(and_(in_inventory, Book.expected_entries.is_(None))),
            sum_of(case((Book.expected_entries > entries, Book.expected_entries), else_=entries)),
            func.max(stats.c.last_done),
        )
        .select_from(Commune)
        .outerjoin(Book, Book.commune_id == Commune.id)
        .outerjoin(stats, stats.c.book_id == Book.id)
        .group_by(*groups)
    )
    if communes is not None:
        query = query.where(Commune.key.in_(list(communes)))
    return query
