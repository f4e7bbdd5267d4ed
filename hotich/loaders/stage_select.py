"""Which approved entries a build takes, as rows of their books' workbooks.

:func:`select_entries` reads the current, approved entries (of one commune, one register type if
asked), groups them per book and register type, makes each one's workbook row with its current
field values (:func:`hotich.loaders.stage_rules.make_row`) and names its PDF; an entry that
breaks a rule becomes a :class:`LeftEntry` with its problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Correction, EntryRow, Page
from hotich.db.records import current_fields
from hotich.errors import BadInputError
from hotich.loaders import stage_files as files
from hotich.loaders.stage_rules import Problem, Row, make_row
from hotich.loaders.stage_spec import RegisterSpec, register_spec
from hotich.schema.registers import BOOK_PREFIXES

_CHUNK: Final = 500
_FOLDER_PREFIX: Final[dict[str, str]] = {reg: prefix for prefix, reg in BOOK_PREFIXES.items()}


@dataclass(frozen=True, slots=True)
class LeftEntry:
    """An approved entry this build did not stage, and why (it stays approved)."""

    entry_id: int
    commune: str
    book: str
    page_no: int
    problems: tuple[Problem, ...]


@dataclass(slots=True)
class Candidate:
    """An entry that passed the rules: its row, its page, its PDF's name in the zip."""

    entry_id: int
    entry_index: int
    page: Page
    row: Row
    fingerprint: int
    """The newest correction's id (0 for none): a correction made during the build shows."""
    member: str = ""


@dataclass(slots=True)
class Group:
    """The entries of one book and register type: one workbook and one zip."""

    commune: str
    book: str
    spec: RegisterSpec
    year: int | None
    label: str = ""
    candidates: list[Candidate] = field(default_factory=list)


def select_entries(
    session: Session, commune: str | None, register: str | None, today: date | None
) -> tuple[list[Group], list[LeftEntry]]:
    """The groups with at least one entry to stage, in commune, book, page order, and the
    entries left out. BadInputError for a commune the database does not know."""
    if (
        commune is not None
        and session.scalar(select(Commune.id).where(Commune.key == commune)) is None
    ):
        raise BadInputError("stage.no_commune", commune=commune)
    query = (
        select(EntryRow, Page, Book, Commune.key)
        .join(Page, EntryRow.page_id == Page.id)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(EntryRow.status == "approved", EntryRow.superseded_at.is_(None))
        .order_by(Commune.key, Book.key, EntryRow.register_type, Page.page_no, EntryRow.entry_index)
    )
    if commune is not None:
        query = query.where(Commune.key == commune)
    if register is not None:
        query = query.where(EntryRow.register_type == register)
    rows = list(session.execute(query).all())
    groups: dict[tuple[str, str, str], Group] = {}
    left: list[LeftEntry] = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        ids = [entry.id for entry, *_ in chunk]
        fields = current_fields(session, ids)
        prints = fingerprints(session, ids)
        for entry, page, book, commune_key in chunk:
            key = (commune_key, book.key, entry.register_type)
            if key not in groups:
                spec = register_spec(entry.register_type)
                groups[key] = Group(commune_key, book.key, spec, _book_year(book))
            group = groups[key]
            values = {name: f.value for name, f in fields[entry.id].items()}
            row = make_row(
                group.spec, values, page_no=page.page_no, book_year=group.year, today=today
            )
            if row.problems:
                left.append(LeftEntry(entry.id, commune_key, book.key, page.page_no, row.problems))
                continue
            group.candidates.append(
                Candidate(entry.id, entry.entry_index, page, row, prints.get(entry.id, 0))
            )
    for group in groups.values():
        _name_members(group, left)
    return [g for g in groups.values() if g.candidates], left


def _book_year(book: Book) -> int | None:
    return book.year_from or files.year_in(book.key)


def fingerprints(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """The id of each entry's newest correction (entries without one are absent)."""
    query = (
        select(Correction.entry_id, func.max(Correction.id))
        .where(Correction.entry_id.in_(list(ids)))
        .group_by(Correction.entry_id)
    )
    return {entry_id: newest for entry_id, newest in session.execute(query).all()}


def _name_members(group: Group, left: list[LeftEntry]) -> None:
    """Name each entry's PDF; an entry whose name another entry of the book already has (the
    same number on the same day: a misread or a duplicate) is left out."""
    if group.year is None:
        years = sorted(c.row.registration_date[:4] for c in group.candidates)
        group.year = int(years[0]) if years else None
    book_numbers = [str(c.row.values.get("quyenSo", "")) for c in group.candidates]
    prefix = _FOLDER_PREFIX[group.spec.register_type]
    group.label = files.book_label(group.book, prefix, book_numbers)
    seen: set[str] = set()
    kept: list[Candidate] = []
    for c in group.candidates:
        number = int(c.row.number)
        c.member = (
            f"{group.spec.code}.{year_text(group.year)}.{group.label}."
            f"{c.row.registration_date}.{number:03d}.pdf"
        )
        if c.member in seen:
            problem = Problem("so", "duplicate_number", ("register_number",))
            left.append(
                LeftEntry(c.entry_id, group.commune, group.book, c.page.page_no, (problem,))
            )
            continue
        seen.add(c.member)
        kept.append(c)
    group.candidates = kept


def year_text(year: int | None) -> str:
    """A book's year in file names (``0000`` when nothing tells it)."""
    return "0000" if year is None else f"{year:04d}"
