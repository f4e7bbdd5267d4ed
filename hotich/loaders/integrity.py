"""Ledger integrity per book: registration numbers in sequence, no blank pages, the page count.

A civil-status book numbers its registrations from 01 each year, one after the other, entry
after entry, page after page. So, over a book's current entries (not superseded, not rejected)
in page order and, on a page, entry order, with each entry's current values (people's
corrections applied):

* ``gap`` — numbers missing between two entries of a year (3 then 6: 4 and 5 are missing);
* ``repeated`` — a number seen before in the same year;
* ``out_of_order`` — a number lower than one before it in the same year;
* ``year_out_of_order`` — entries of a year after those of a later year;
* ``no_restart`` — the first entry of a new year is not number 1;
* ``first_not_one`` — the book's first entry is not number 1 (its numbers may go on from an
  earlier book of the same year, or pages are missing at the start);
* ``number_unreadable`` — an entry whose number cannot be read as ``NN`` or ``NN/YYYY``: it
  takes the next number's place in the sequence, so it causes no false gap;
* ``blank_page`` — a processed page with no entry, between pages with entries;
* ``missing_page`` — a page number absent between the book's first and last scanned pages;
* ``page_count`` — the number of scanned pages differs from the inventory's
  ``books.expected_pages`` (``hotich inventory load``).

The year of a number is the one it is written with (``03/2003``), else the year of the entry's
registration date; an entry with neither is taken to be in the year of the entry before it.
Each finding names the book, the page and the number. :func:`check_books` returns data; the
command ``hotich check`` prints it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, EntryRow, FieldRow, Page
from hotich.db.records import latest_corrections
from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.schema.normalize import parse_register_number

KINDS: Final = (
    "gap",
    "repeated",
    "out_of_order",
    "year_out_of_order",
    "no_restart",
    "first_not_one",
    "number_unreadable",
    "blank_page",
    "missing_page",
    "page_count",
)
_FIELDS: Final = ("register_number", "registration_date")
_YEAR: Final = re.compile(r"^(\d{4})")
_CHUNK: Final = 500


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a book's ledger, where it is, and the figures that show it."""

    kind: str
    commune: str
    book: str
    page: int | None = None
    number: str | None = None
    """The registration number as the entry gives it (None for a page-level finding)."""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return t(
            f"integrity.finding.{self.kind}", page=self.page, number=self.number, **self.params
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "commune": self.commune,
            "book": self.book,
            "page": self.page,
            "number": self.number,
            **self.params,
            "message": self.message,
        }


@dataclass(frozen=True)
class BookCheck:
    """A book's figures and its findings, in page order."""

    commune: str
    book: str
    register_type: str | None
    pages: int
    """Pages scanned (stored), whatever their state."""
    processed: int
    expected_pages: int | None
    entries: int
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "commune": self.commune,
            "book": self.book,
            "register_type": self.register_type,
            "pages": self.pages,
            "processed": self.processed,
            "expected_pages": self.expected_pages,
            "entries": self.entries,
            "findings": [f.as_dict() for f in self.findings],
        }


@dataclass(frozen=True)
class Numbered:
    """One current entry as the checks see it."""

    page: int
    number: str | None
    registration_date: str | None


def _year_of(entry: Numbered, parsed: tuple[int, int | None] | None) -> int | None:
    if parsed is not None and parsed[1] is not None:
        return parsed[1]
    m = _YEAR.match(entry.registration_date or "")
    return int(m[1]) if m else None


@dataclass
class _Year:
    """A year's entries of a book, in order: (entry, number or None when unreadable)."""

    year: int | None
    first_of_book: bool
    items: list[tuple[Numbered, int | None]] = field(default_factory=list)


def _years(entries: Sequence[Numbered]) -> list[_Year]:
    """The entries cut into runs of one year each, in book order.

    An entry's year is its number's, else its registration date's, else that of the entry
    before it (when no entry gives a year, number 1 starts a new one). A single entry whose
    year differs from its two neighbours, which agree, takes theirs: its date was misread,
    which says nothing about the numbering.
    """
    parsed = [parse_register_number(e.number) for e in entries]
    years = [_year_of(e, p) for e, p in zip(entries, parsed, strict=True)]
    for i in range(1, len(years) - 1):
        if years[i - 1] is not None and years[i - 1] == years[i + 1] != years[i]:
            years[i] = years[i - 1]
    out: list[_Year] = []
    for entry, number, year in zip(entries, parsed, years, strict=True):
        if year is None and out:
            year = out[-1].year
        # Without any year, number 1 after other numbers is taken to start a new year.
        restart = year is None and number is not None and number[0] == 1
        if restart and out and any(n is not None for _, n in out[-1].items):
            out.append(_Year(None, first_of_book=False))
        elif not out or (None not in (year, out[-1].year) and year != out[-1].year):
            out.append(_Year(year, first_of_book=not out))
        elif out[-1].year is None:
            out[-1].year = year
        out[-1].items.append((entry, number[0] if number is not None else None))
    return out


def _missing_runs(numbers: set[int], low: int, high: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in range(low, high + 1):
        if n in numbers:
            continue
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def number_findings(commune: str, book: str, entries: Sequence[Numbered]) -> list[Finding]:
    """The numbering findings of a book's entries, given in page and entry order."""
    out: list[Finding] = []

    def found(kind: str, entry: Numbered, **params: Any) -> None:
        out.append(Finding(kind, commune, book, entry.page, entry.number, params))

    previous: _Year | None = None
    for run in _years(entries):
        readable: list[tuple[Numbered, int]] = [(e, n) for e, n in run.items if n is not None]
        for e, n in run.items:
            if n is None:
                found("number_unreadable", e)
        before = previous.year if previous is not None else None
        if before is not None and run.year is not None and run.year < before:
            found("year_out_of_order", run.items[0][0], year=run.year, before=before)
        previous = run
        if not readable:
            continue
        first_entry, first = readable[0]
        unread_before = next(i for i, (_, n) in enumerate(run.items) if n is not None)
        if first != 1 + unread_before:
            kind = "first_not_one" if run.first_of_book else "no_restart"
            found(kind, first_entry, year=run.year, expected=1 + unread_before)
        seen: dict[int, Numbered] = {}
        latest: dict[int, Numbered] = {}
        highest = 0
        for e, n in readable:
            if n in seen:
                found("repeated", e, year=run.year, first_page=seen[n].page)
            elif n < highest:
                found("out_of_order", e, previous=highest)
            seen.setdefault(n, e)
            latest[n] = e
            highest = max(highest, n)
        runs = _missing_runs(set(seen), first + 1, highest)
        unread = len(run.items) - len(readable)
        if sum(b - a + 1 for a, b in runs) <= unread:
            continue  # the unreadable numbers may be the missing ones
        for a, b in runs:
            last_before = latest.get(a - 1)
            found(
                "gap",
                seen[b + 1],
                first=a,
                last=b,
                count=b - a + 1,
                previous_page=last_before.page if last_before else None,
                year=run.year,
            )
    return out


def page_findings(
    commune: str,
    book: str,
    pages: Sequence[tuple[int, bool]],
    entries_per_page: dict[int, int],
    expected_pages: int | None,
) -> list[Finding]:
    """Blank and missing pages, and the page count against the inventory.

    ``pages`` is (page number, processed) for every scanned page of the book.
    """
    out: list[Finding] = []
    numbers = sorted(p for p, _ in pages)
    with_entries = [p for p in numbers if entries_per_page.get(p)]
    if with_entries:
        first, last = with_entries[0], with_entries[-1]
        for page, processed in sorted(pages):
            if processed and first < page < last and not entries_per_page.get(page):
                out.append(Finding("blank_page", commune, book, page))
    present = set(numbers)
    if numbers:
        missing = [p for p in range(numbers[0], numbers[-1] + 1) if p not in present]
        out.extend(Finding("missing_page", commune, book, p) for p in missing)
    if expected_pages is not None and len(numbers) != expected_pages:
        out.append(
            Finding(
                "page_count",
                commune,
                book,
                params={"expected": expected_pages, "found": len(numbers)},
            )
        )
    return out


def _current_numbers(session: Session, entry_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each entry's current registration number and date (corrections applied)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for start in range(0, len(entry_ids), _CHUNK):
        chunk = entry_ids[start : start + _CHUNK]
        rows = session.execute(
            select(FieldRow.entry_id, FieldRow.name, FieldRow.value).where(
                FieldRow.entry_id.in_(chunk), FieldRow.name.in_(_FIELDS)
            )
        )
        for entry_id, name, value in rows:
            out[entry_id][name] = value
    for correction in latest_corrections(session, entry_ids):
        if correction.field in _FIELDS:
            out[correction.entry_id][correction.field] = correction.new_value
    return out


def _books(session: Session, commune: str | None, book: str | None) -> list[tuple[Book, str]]:
    query = select(Book, Commune.key).join(Commune, Book.commune_id == Commune.id)
    if commune is not None:
        if session.scalar(select(Commune.id).where(Commune.key == commune)) is None:
            raise BadInputError("integrity.error.no_commune", commune=commune)
        query = query.where(Commune.key == commune)
    if book is not None:
        query = query.where(Book.key == book)
    rows = [(b, key) for b, key in session.execute(query.order_by(Commune.key, Book.key))]
    if book is not None and not rows:
        raise BadInputError("integrity.error.no_book", book=book)
    return rows


def check_book(session: Session, book: Book, commune: str) -> BookCheck:
    pages = [
        (pid, no, status)
        for pid, no, status in session.execute(
            select(Page.id, Page.page_no, Page.status).where(Page.book_id == book.id)
        )
    ]
    page_no = {pid: no for pid, no, _ in pages}
    rows = [
        (entry_id, page_id, index)
        for entry_id, page_id, index in session.execute(
            select(EntryRow.id, EntryRow.page_id, EntryRow.entry_index).where(
                EntryRow.page_id.in_(list(page_no) or [-1]),
                EntryRow.superseded_at.is_(None),
                EntryRow.status != "rejected",
            )
        )
    ]
    rows.sort(key=lambda r: (page_no[r[1]], r[2]))
    values = _current_numbers(session, [r[0] for r in rows])
    entries = [
        Numbered(
            page_no[page_id],
            values[entry_id].get("register_number") or None,
            values[entry_id].get("registration_date") or None,
        )
        for entry_id, page_id, _ in rows
    ]
    per_page: dict[int, int] = defaultdict(int)
    for e in entries:
        per_page[e.page] += 1
    findings = number_findings(commune, book.key, entries) + page_findings(
        commune,
        book.key,
        [(no, status == "done") for _, no, status in pages],
        per_page,
        book.expected_pages,
    )
    findings.sort(key=lambda f: (f.page is None, f.page or 0))
    return BookCheck(
        commune=commune,
        book=book.key,
        register_type=book.register_type,
        pages=len(pages),
        processed=sum(status == "done" for _, _, status in pages),
        expected_pages=book.expected_pages,
        entries=len(entries),
        findings=tuple(findings),
    )


def check_books(
    session: Session, *, commune: str | None = None, book: str | None = None
) -> list[BookCheck]:
    """The integrity of every book (of ``commune``; named ``book``), in key order.

    An unknown commune, or a book key no commune has, is a bad input naming it.
    """
    return [check_book(session, b, key) for b, key in _books(session, commune, book)]


def report_json(books: Iterable[BookCheck]) -> dict[str, Any]:
    items = [b.as_dict() for b in books]
    return {"books": items, "findings": sum(len(b["findings"]) for b in items)}
