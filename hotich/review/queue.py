"""The review queue and the API's page list, limited to what the caller's scope may list.

**Queue.** The pages with at least one current entry waiting for review, lowest confidence first
(a page's confidence is that of its least confident entry waiting for review, as the machine
read it), then by commune, book and page number. Filters: commune, book, register type and
issue code (a page matches an issue code when one of its entries waiting for review has it);
every filter's values come with their page counts under the other filters (facets).

The issue codes of an entry nobody has changed are the machine's, read from the database; for
an entry a person corrected, those of its re-validation (:mod:`.validate`).

**Page list** (``GET /api/pages``). A page's status from its current entries: ``needs_review``
when any waits for review; else ``rejected`` when all are rejected; else ``staged`` when every
one not rejected is staged; else ``approved``. Pages without entries are not listed.

Filter values only ever reach the database as bound parameters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any, Final

from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import Session

from hotich.db.models import ENTRY_STATUSES, Book, Commune, Correction, EntryRow, FieldRow, Page
from hotich.review.access import Scope, page_condition
from hotich.review.entries import entry_views
from hotich.schema.normalize import ToneStyle

FACETS: Final = ("commune", "book", "register_type", "issue")
PAGE_STATUSES: Final = ENTRY_STATUSES
MAX_LIMIT: Final = 1000


@dataclass(frozen=True)
class QueueFilters:
    commune: str | None = None
    book: str | None = None
    register_type: str | None = None
    issue: str | None = None

    @classmethod
    def of(cls, **values: str | None) -> QueueFilters:
        """Blank values are no filter."""
        return cls(**{k: (v.strip() or None) if v else None for k, v in values.items()})

    def params(self, **changes: str | None) -> dict[str, str]:
        """The filters as URL query parameters (with ``changes`` applied; None drops one)."""
        current = replace(self, **changes)
        return {f.name: v for f in fields(current) if (v := getattr(current, f.name))}

    def get(self, facet: str) -> str | None:
        value: str | None = getattr(self, facet)
        return value


@dataclass(frozen=True)
class QueuePage:
    id: int
    commune: str
    book: str
    page_no: int
    register_type: str
    confidence: float
    entries: int
    """Entries waiting for review."""
    codes: frozenset[str] = frozenset()

    def values(self, facet: str) -> frozenset[str]:
        if facet == "issue":
            return self.codes
        value: str = getattr(self, facet)
        return frozenset({value})


@dataclass(frozen=True)
class Queue:
    pages: list[QueuePage]
    """The pages of this screen (``offset``, ``limit``)."""
    total: int
    """Pages matching the filters."""
    facets: dict[str, list[tuple[str, int]]]
    offset: int
    limit: int


def _waiting() -> Any:
    return (EntryRow.status == "needs_review") & EntryRow.superseded_at.is_(None)


def _candidates(session: Session, scope: Scope) -> list[QueuePage]:
    query = (
        select(
            Page.id,
            Commune.key,
            Book.key,
            Page.page_no,
            func.min(EntryRow.register_type),
            func.min(EntryRow.confidence),
            func.count(EntryRow.id),
        )
        .join(Page, EntryRow.page_id == Page.id)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(_waiting())
        .group_by(Page.id, Commune.key, Book.key, Page.page_no)
    )
    return [
        QueuePage(pid, commune, book, page_no, register, float(conf), int(n))
        for pid, commune, book, page_no, register, conf, n in session.execute(
            query.where(page_condition(scope))
        )
    ]


def _issue_codes(session: Session, scope: Scope, tone_style: ToneStyle) -> dict[int, set[str]]:
    """Page id → the issue codes of its entries waiting for review."""
    by_entry: dict[int, set[str]] = {}
    page_of: dict[int, int] = {}
    entries = select(EntryRow.id, EntryRow.page_id, EntryRow.issues).join(
        Page, EntryRow.page_id == Page.id
    )
    entries = entries.where(_waiting(), cast(EntryRow.issues, Text) != "[]", page_condition(scope))
    for entry_id, page_id, issues in session.execute(entries):
        page_of[entry_id] = page_id
        by_entry.setdefault(entry_id, set()).update(i["code"] for i in issues or ())
    machine = (
        select(FieldRow.entry_id, EntryRow.page_id, FieldRow.issues)
        .join(EntryRow, FieldRow.entry_id == EntryRow.id)
        .join(Page, EntryRow.page_id == Page.id)
        .where(_waiting(), cast(FieldRow.issues, Text) != "[]", page_condition(scope))
    )
    for entry_id, page_id, issues in session.execute(machine):
        page_of[entry_id] = page_id
        by_entry.setdefault(entry_id, set()).update(i["code"] for i in issues or ())
    corrected = (
        select(EntryRow)
        .join(Page, EntryRow.page_id == Page.id)
        .where(_waiting(), EntryRow.id.in_(select(Correction.entry_id)), page_condition(scope))
    )
    rows = list(session.scalars(corrected))
    for view in entry_views(session, rows, tone_style=tone_style, history=False):
        entry = view.row
        page_of[entry.id] = entry.page_id
        codes = {i["code"] for issues in view.issues.values() for i in issues}
        by_entry[entry.id] = codes | {i["code"] for i in entry.issues or ()}
    out: dict[int, set[str]] = {}
    for entry_id, codes in by_entry.items():
        out.setdefault(page_of[entry_id], set()).update(codes)
    return out


def _matches(page: QueuePage, filters: QueueFilters, skip: str | None = None) -> bool:
    for facet in FACETS:
        wanted = filters.get(facet)
        if facet != skip and wanted is not None and wanted not in page.values(facet):
            return False
    return True


def _facets(pages: Iterable[QueuePage], filters: QueueFilters) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for page in pages:
        for facet in FACETS:
            if _matches(page, filters, skip=facet):
                counts[facet].update(page.values(facet))
    return {facet: sorted(counts[facet].items()) for facet in FACETS}


def _queue_pages(session: Session, scope: Scope, tone_style: ToneStyle) -> list[QueuePage]:
    codes = _issue_codes(session, scope, tone_style)
    pages = [replace(p, codes=frozenset(codes.get(p.id, ()))) for p in _candidates(session, scope)]
    pages.sort(key=lambda p: (p.confidence, p.commune, p.book, p.page_no))
    return pages


def review_queue(
    session: Session,
    scope: Scope,
    filters: QueueFilters,
    *,
    limit: int = 50,
    offset: int = 0,
    tone_style: ToneStyle = "keep",
) -> Queue:
    """The queue under ``filters``: one screen of pages, the total and the facets."""
    pages = _queue_pages(session, scope, tone_style)
    matching = [p for p in pages if _matches(p, filters)]
    offset = max(0, min(offset, len(matching)))
    return Queue(
        pages=matching[offset : offset + limit],
        total=len(matching),
        facets=_facets(pages, filters),
        offset=offset,
        limit=limit,
    )


def next_page(
    session: Session,
    scope: Scope,
    filters: QueueFilters,
    *,
    exclude: int | None = None,
    tone_style: ToneStyle = "keep",
) -> int | None:
    """The first page of the queue under ``filters`` other than ``exclude``."""
    for page in _queue_pages(session, scope, tone_style):
        if page.id != exclude and _matches(page, filters):
            return page.id
    return None


def _count(status: str) -> Any:
    return func.sum(case((EntryRow.status == status, 1), else_=0))


def page_list(
    session: Session,
    scope: Scope,
    *,
    status: str | None = None,
    commune: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """``GET /api/pages``: the pages ``scope`` may list, lowest confidence first."""
    if status is not None and status not in PAGE_STATUSES:
        raise ValueError(status)
    stats = (
        select(
            EntryRow.page_id.label("page_id"),
            func.min(EntryRow.confidence).label("confidence"),
            func.count(EntryRow.id).label("n"),
            *(_count(s).label(s) for s in PAGE_STATUSES),
        )
        .where(EntryRow.superseded_at.is_(None))
        .group_by(EntryRow.page_id)
        .subquery()
    )
    c = stats.c
    query = (
        select(
            Page.id,
            Commune.key,
            Book.key,
            Page.page_no,
            c.confidence,
            c.n,
            *(c[s] for s in PAGE_STATUSES),
        )
        .join(stats, stats.c.page_id == Page.id)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .order_by(c.confidence, Commune.key, Book.key, Page.page_no)
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    if commune is not None:
        query = query.where(Commune.key == commune)
    conditions = {
        "needs_review": c.needs_review > 0,
        "rejected": c.rejected == c.n,
        "staged": (c.needs_review == 0) & (c.staged > 0) & (c.staged + c.rejected == c.n),
        "approved": (c.needs_review == 0) & (c.approved > 0),
    }
    if status is not None:
        query = query.where(conditions[status])
    out = []
    for pid, commune_key, book, page_no, confidence, n, *counts in session.execute(
        query.where(page_condition(scope))
    ):
        by = dict(zip(PAGE_STATUSES, (int(x or 0) for x in counts), strict=True))
        out.append(
            {
                "id": pid,
                "commune": commune_key,
                "book": book,
                "page_no": page_no,
                "status": _page_status(by, int(n)),
                "confidence": float(confidence),
            }
        )
    return out


def _page_status(by: dict[str, int], n: int) -> str:
    if by["needs_review"]:
        return "needs_review"
    if by["rejected"] == n:
        return "rejected"
    if by["staged"] and by["staged"] + by["rejected"] == n:
        return "staged"
    return "approved"
