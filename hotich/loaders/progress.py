"""Progress per commune, district or province, counted in the database (the one source of truth).

**Pages.** Page counts form a funnel: scanned ≥ processed, and approved ≥ staged. Over a page's
current entries (those not superseded), leaving out rejected ones (a person decided they are not
records):

* needing review: at least one entry ``needs_review``;
* approved (done): at least one entry, and every one ``approved`` or ``staged`` (so staged pages
  count as approved too);
* staged: at least one entry, and every one ``staged``.

A page without entries is neither approved nor needing review.

**Expected pages** (the denominator) come from the book inventory (:mod:`.inventory`). Per book
the denominator is the inventory's page count, or the pages scanned when more were scanned, so
percent done never passes 100 %. A scanned book that is in no inventory counts with the pages
scanned (a floor); ``books_uninventoried`` says how many such books a unit has, and the reports
mark its expected pages as "at least". A commune in the inventory with nothing scanned is at 0 %.
**Percent done** = approved pages / expected pages.

**Entries** (the Ministry's own measure, "642.806/1.443.893 dữ liệu, 44,5 %"): ``entries`` counts
current entries that are not rejected, ``entries_done`` those approved or staged. Expected
entries are the inventory's per book, floored like pages by the entries read; a book outside the
inventory counts with the entries read. Where an inventory book has no expected entries the
unit's total is unknown, so ``expected_entries`` and ``entries_percent`` are None.

**Over time.** A page became done when the last of its current entries became approved: the
latest ``approved_at`` among them (``created_at`` for an entry approved before that column
existed). History is read from the present state: a page reopened for review drops out of the
past weeks too. With ``now`` the moment of the report:

* ``change_7d``: pages that became done in the 7 days up to ``now``;
* ``pages_per_week``: the mean over the last :data:`RATE_WEEKS` (4) weeks up to ``now``;
* ``projected_completion``: today + remaining pages / that rate (rounded up to a whole day); the
  day the last page was done when none remain; None when the rate is 0 (or the date would be
  more than a century away);
* ``late``: with a deadline, whether the projected date falls after it, or there is no
  projection while pages remain; None without a deadline.

Dates are Vietnam's (UTC+7, no daylight saving time): "today" and the weeks of
:func:`weekly_progress` (Monday to Sunday) follow the offices' calendar, not UTC's.

Everything is aggregated in SQL, the same on SQLite and PostgreSQL: one query for the units'
figures (pages grouped per page, then per book, then per unit) and two for the weekly series.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Final

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Page
from hotich.db.types import utcnow
from hotich.loaders.progress_query import (
    RATE_WEEKS,
    UNIT_FIGURES,
    WINDOW,
    Unit,
    group_columns,
    page_done,
    page_stats,
    units_query,
)

__all__ = [
    "MAX_WEEKS",
    "RATE_WEEKS",
    "REPORT_TZ",
    "UNITS",
    "WINDOW",
    "ProgressReport",
    "ProgressRow",
    "Unit",
    "WeekPoint",
    "end_of_day",
    "local_date",
    "progress",
    "progress_report",
    "week_start",
    "weekly_progress",
]

UNITS: Final[tuple[Unit, ...]] = ("commune", "district", "province")
REPORT_TZ: Final = timezone(timedelta(hours=7), "ICT")
MAX_WEEKS: Final = 104
"""Weeks in the weekly series at most (earlier pages are counted in its first point)."""
MAX_PROJECTION_DAYS: Final = 36_525


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
    books_uninventoried: int = 0
    """Scanned books that are in no inventory (their expected pages are the pages scanned)."""
    expected_pages: int | None = None
    pages: int = 0
    """Pages scanned: every page the database knows."""
    processed: int = 0
    needs_review: int = 0
    approved: int = 0
    staged: int = 0
    quarantined: int = 0
    percent_done: float | None = None
    entries: int = 0
    entries_done: int = 0
    expected_entries: int | None = None
    entries_percent: float | None = None
    change_7d: int | None = None
    pages_per_week: float | None = None
    projected_completion: date | None = None
    late: bool | None = None


class WeekPoint(BaseModel):
    """One week (Monday to Sunday, Vietnam's calendar) of the weekly series."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    week: date
    """The Monday."""
    added: int
    """Pages that became done that week."""
    done: int
    """Pages done by the week's end (by the report's moment for the current week)."""


class ProgressReport(BaseModel):
    """Everything a report shows: the rows (total last), the weekly series, and its moment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: Unit
    now: datetime
    today: date
    deadline: date | None
    rate_weeks: int = RATE_WEEKS
    rows: list[ProgressRow]
    weekly: list[WeekPoint]

    @property
    def total(self) -> ProgressRow:
        return self.rows[-1]

    @property
    def units(self) -> list[ProgressRow]:
        return self.rows[:-1]


@dataclass(frozen=True, slots=True)
class _Counts:
    """A unit's raw sums, in the order of the query's figure columns."""

    books: int = 0
    books_uninventoried: int = 0
    expected_pages: int = 0
    pages: int = 0
    processed: int = 0
    needs_review: int = 0
    approved: int = 0
    staged: int = 0
    quarantined: int = 0
    entries: int = 0
    entries_done: int = 0
    change_7d: int = 0
    recent: int = 0
    entries_unknown: int = 0
    expected_entries: int = 0

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


_N_COUNTS: Final = len(fields(_Counts))
if tuple(f.name for f in fields(_Counts)) != UNIT_FIGURES:  # pragma: no cover - a code error
    raise RuntimeError("_Counts and progress_query.UNIT_FIGURES disagree")


def local_date(moment: datetime) -> date:
    """The date in Vietnam at ``moment``."""
    return moment.astimezone(REPORT_TZ).date()


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Vietnam (a report "as of" that day)."""
    return datetime.combine(day, time.max, REPORT_TZ)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def progress(
    session: Session,
    by: Unit = "commune",
    *,
    now: datetime | None = None,
    deadline: date | None = None,
    communes: Collection[str] | None = None,
) -> list[ProgressRow]:
    """The progress of every unit, sorted by province, district, key (unknown last), then a
    total row. ``now``: the report's moment (default: now); ``deadline``: for ``late``;
    ``communes``: only these commune keys (None: all)."""
    if by not in UNITS:
        raise ValueError(f"unknown unit {by!r}; one of {UNITS}")
    moment = now or utcnow()
    today = local_date(moment)
    n = len(group_columns(by))
    units: list[tuple[tuple[Any, ...], _Counts, datetime | None]] = []
    for values in session.execute(units_query(by, moment, communes)):
        counts = _Counts(*(int(v or 0) for v in values[n : n + _N_COUNTS]))
        units.append((tuple(values[:n]), counts, values[n + _N_COUNTS]))
    rows = [_row(by, labels, c, last, today, deadline) for labels, c, last in units]
    rows.sort(key=_sort_key)
    total = sum((c for _, c, _ in units), _Counts())
    last_done = max((last for _, _, last in units if last is not None), default=None)
    return [*rows, _row(by, None, total, last_done, today, deadline)]


def progress_report(
    session: Session,
    by: Unit = "commune",
    *,
    now: datetime | None = None,
    deadline: date | None = None,
    communes: Collection[str] | None = None,
    weeks: int = MAX_WEEKS,
) -> ProgressReport:
    """The rows of :func:`progress` with the weekly series and the report's moment."""
    moment = now or utcnow()
    return ProgressReport(
        by=by,
        now=moment,
        today=local_date(moment),
        deadline=deadline,
        rows=progress(session, by, now=moment, deadline=deadline, communes=communes),
        weekly=weekly_progress(session, now=moment, communes=communes, weeks=weeks),
    )


def weekly_progress(
    session: Session,
    *,
    now: datetime | None = None,
    communes: Collection[str] | None = None,
    weeks: int = MAX_WEEKS,
) -> list[WeekPoint]:
    """Pages done per week, from the week of the first done page (at most ``weeks`` weeks back)
    to the week of ``now``; empty when no page is done yet."""
    moment = now or utcnow()
    stats = page_stats()
    done_at = stats.c.done_at
    scope: Select[Any] = select(done_at).where(page_done(stats), done_at <= moment)
    if communes is not None:
        scope = (
            scope.join(Page, Page.id == stats.c.page_id)
            .join(Book, Book.id == Page.book_id)
            .join(Commune, Commune.id == Book.commune_id)
            .where(Commune.key.in_(list(communes)))
        )
    first = session.scalar(select(func.min(scope.subquery().c.done_at)))
    if first is None:
        return []
    current = week_start(local_date(moment))
    start = max(week_start(local_date(first)), current - timedelta(weeks=weeks - 1))
    mondays = [start + timedelta(weeks=i) for i in range((current - start).days // 7 + 1)]
    bounds = [datetime.combine(monday, time(), REPORT_TZ) for monday in mondays]
    bucket = case(*((done_at >= b, i) for i, b in reversed(list(enumerate(bounds)))), else_=-1)
    buckets = scope.with_only_columns(bucket.label("week")).subquery()
    query = select(buckets.c.week, func.count()).group_by(buckets.c.week)
    added = {int(week): int(n) for week, n in session.execute(query)}
    done = int(added.get(-1, 0))
    points = []
    for i, monday in enumerate(mondays):
        n = int(added.get(i, 0))
        done += n
        points.append(WeekPoint(week=monday, added=n, done=done))
    return points


def _projection(
    counts: _Counts, last_done: datetime | None, today: date, deadline: date | None
) -> tuple[date | None, bool | None]:
    """(projected completion, late) as the module docstring says."""
    if not counts.expected_pages:
        return None, None
    remaining = counts.expected_pages - counts.approved
    if remaining <= 0:
        finished = local_date(last_done) if last_done is not None else today
        return finished, None if deadline is None else finished > deadline
    projected = None
    if counts.recent:
        days = -(-remaining * 7 * RATE_WEEKS // counts.recent)  # rounded up
        if days <= MAX_PROJECTION_DAYS:
            projected = today + timedelta(days=days)
    if deadline is None:
        return projected, None
    return projected, projected is None or projected > deadline


def _figures(
    counts: _Counts, last_done: datetime | None, today: date, deadline: date | None
) -> dict[str, Any]:
    expected_entries = None if counts.entries_unknown else counts.expected_entries
    projected, late = _projection(counts, last_done, today, deadline)
    return {
        "books": counts.books,
        "books_uninventoried": counts.books_uninventoried,
        "expected_pages": counts.expected_pages,
        "pages": counts.pages,
        "processed": counts.processed,
        "needs_review": counts.needs_review,
        "approved": counts.approved,
        "staged": counts.staged,
        "quarantined": counts.quarantined,
        "percent_done": _percent(counts.approved, counts.expected_pages),
        "entries": counts.entries,
        "entries_done": counts.entries_done,
        "expected_entries": expected_entries,
        "entries_percent": _percent(counts.entries_done, expected_entries),
        "change_7d": counts.change_7d,
        "pages_per_week": counts.recent / RATE_WEEKS,
        "projected_completion": projected,
        "late": late,
    }


def _percent(part: int, whole: int | None) -> float | None:
    return 100.0 * part / whole if whole else None


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


def _row(
    by: Unit,
    labels: tuple[Any, ...] | None,
    counts: _Counts,
    last_done: datetime | None,
    today: date,
    deadline: date | None,
) -> ProgressRow:
    figures = _figures(counts, last_done, today, deadline)
    if labels is None:
        return ProgressRow(unit=by, key=None, total=True, **figures)
    if by == "commune":
        key, name, district, province = labels
        return ProgressRow(
            unit=by, key=key, name=name, district=district, province=province, **figures
        )
    if by == "district":
        province, district = labels
        return ProgressRow(
            unit=by, key=district, name=district, district=district, province=province, **figures
        )
    (province,) = labels
    return ProgressRow(unit=by, key=province, name=province, province=province, **figures)
