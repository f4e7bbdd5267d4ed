"""Progress per commune, district or province, counted in the database (the one source of truth).

Page counts form a funnel: scanned ≥ processed, and approved ≥ staged. Over a page's current
entries (those not superseded), leaving out rejected ones (a person decided they are not
records):

* needing review: at least one entry ``needs_review``;
* approved: at least one entry, and every one ``approved`` or ``staged`` (so staged pages count
  as approved too);
* staged: at least one entry, and every one ``staged``.

A page without entries is neither approved nor needing review. ``change_7d`` counts approved
pages processed in the last 7 days. Expected pages (and so percent done and the projected
completion date) come with the book inventory; until then they are None.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, EntryRow, Page
from hotich.db.types import utcnow

Unit = Literal["commune", "district", "province"]
UNITS: Final[tuple[Unit, ...]] = ("commune", "district", "province")
COUNTS: Final = (
    "books",
    "pages",
    "processed",
    "needs_review",
    "approved",
    "staged",
    "quarantined",
    "entries",
)
WINDOW: Final = timedelta(days=7)


class ProgressRow(BaseModel):
    """One unit's figures (or the total, ``total=True``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: Unit
    key: str | None
    """The commune's folder name, or the district / province name; None when not yet known
    (district and province come with the inventory) and for the total."""
    name: str | None = None
    district: str | None = None
    province: str | None = None
    total: bool = False
    books: int = 0
    pages: int = 0
    """Pages scanned: every page the database knows."""
    processed: int = 0
    needs_review: int = 0
    approved: int = 0
    staged: int = 0
    quarantined: int = 0
    entries: int = 0
    expected_pages: int | None = None
    percent_done: float | None = None
    change_7d: int | None = None
    projected_completion: date | None = None


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _group_columns(by: Unit) -> list[Any]:
    if by == "commune":
        return [Commune.key, Commune.name, Commune.district, Commune.province]
    if by == "district":
        return [Commune.province, Commune.district]
    return [Commune.province]


def progress(
    session: Session, by: Unit = "commune", *, now: datetime | None = None
) -> list[ProgressRow]:
    """The progress of every unit, sorted by key (unknown last), then a total row."""
    if by not in UNITS:
        raise ValueError(f"unknown unit {by!r}; one of {UNITS}")
    since = (now or utcnow()) - WINDOW
    stats = (
        select(
            EntryRow.page_id.label("page_id"),
            func.count().label("n"),
            func.sum(case((EntryRow.status == "needs_review", 1), else_=0)).label("review"),
            func.sum(case((EntryRow.status == "rejected", 1), else_=0)).label("rejected"),
            func.sum(case((EntryRow.status.in_(("approved", "staged")), 1), else_=0)).label("ok"),
            func.sum(case((EntryRow.status == "staged", 1), else_=0)).label("staged"),
        )
        .where(EntryRow.superseded_at.is_(None))
        .group_by(EntryRow.page_id)
        .subquery()
    )
    kept = stats.c.n - stats.c.rejected
    approved = and_(kept > 0, stats.c.ok == kept)
    groups = _group_columns(by)
    query = (
        select(
            *groups,
            func.count(func.distinct(Book.id)),
            func.count(Page.id),
            _count(Page.status == "done"),
            _count(stats.c.review > 0),
            _count(approved),
            _count(and_(kept > 0, stats.c.staged == kept)),
            _count(Page.status == "quarantined"),
            func.coalesce(func.sum(stats.c.n), 0),
            _count(and_(approved, Page.processed_at >= since)),
        )
        .select_from(Commune)
        .outerjoin(Book, Book.commune_id == Commune.id)
        .outerjoin(Page, Page.book_id == Book.id)
        .outerjoin(stats, stats.c.page_id == Page.id)
        .group_by(*groups)
    )
    rows = [_row(by, tuple(r)) for r in session.execute(query)]
    rows.sort(key=_sort_key)
    return [*rows, _total(by, rows)]


def _sort_key(row: ProgressRow) -> tuple[bool, str, bool, str, bool, str]:
    """Province, then district, then key; units not yet in the inventory last."""
    return (
        row.province is None,
        row.province or "",
        row.district is None,
        row.district or "",
        row.key is None,
        row.key or "",
    )


def _row(by: Unit, values: tuple[Any, ...]) -> ProgressRow:
    n = len(_group_columns(by))
    labels, numbers = values[:n], [int(v or 0) for v in values[n:]]
    counts = dict(zip(COUNTS, numbers[: len(COUNTS)], strict=True))
    change = numbers[len(COUNTS)]
    if by == "commune":
        key, name, district, province = labels
        return ProgressRow(
            unit=by,
            key=key,
            name=name,
            district=district,
            province=province,
            change_7d=change,
            **counts,
        )
    if by == "district":
        province, district = labels
        return ProgressRow(
            unit=by,
            key=district,
            name=district,
            district=district,
            province=province,
            change_7d=change,
            **counts,
        )
    (province,) = labels
    return ProgressRow(
        unit=by, key=province, name=province, province=province, change_7d=change, **counts
    )


def _total(by: Unit, rows: list[ProgressRow]) -> ProgressRow:
    counts = {name: sum(getattr(r, name) for r in rows) for name in COUNTS}
    change = sum(r.change_7d or 0 for r in rows)
    return ProgressRow(unit=by, key=None, total=True, change_7d=change, **counts)
