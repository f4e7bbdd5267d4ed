"""The book inventory: which books each commune holds and how many pages (and, where known,
registrations) each has. Expected pages are the denominator of every progress percentage.

The file is a CSV with a header row naming the columns (in any order; other columns are
ignored)::

    commune,commune_name,district,province,book,register_type,year_from,year_to,expected_pages

plus an optional ``expected_entries`` column. Rules:

* UTF-8, with or without a byte order mark (Excel's "CSV UTF-8" writes one). The delimiter is
  the one the header line uses most among ``,`` ``;`` and tab, so a file Excel saved with a
  Vietnamese list separator (``;``) reads too.
* ``commune`` and ``book`` are folder names under SCANS (``20227-dai-thanh``,
  ``khai-sinh-1998-q01``): that is how inventory books and scanned books are the same book. They
  are taken as written (Unicode NFC, surrounding spaces dropped) and may not contain ``/`` or
  ``\\``.
* ``commune_name`` and ``province`` are required; ``district`` may be blank (the 2025 reform
  removed districts). A commune's name, district and province must agree on all its rows.
* ``register_type`` is ``khai_sinh``, ``ket_hon`` or ``khai_tu`` (``khai-sinh`` or "Khai sinh"
  are read the same). A book whose folder name starts with a register's name must say that
  register.
* ``year_from`` / ``year_to`` may be blank; when given they lie between 1800 and this year,
  and ``year_from`` ≤ ``year_to``.
* ``expected_pages`` is a whole number from 1 to 10,000; ``expected_entries`` (if the column is
  there) blank or a whole number from 0 to 100,000. No thousands separators: "1.200" is refused
  rather than guessed.
* A (commune, book) pair appears once. Blank lines are skipped. Line numbers are those of a text
  editor (the header is line 1).

The whole file is checked before anything is written: every problem is collected with its line
number and, if there is any, the file is refused (:class:`InventoryError`, exit 2) and the
database is left as it was. Otherwise communes and books are upserted in one transaction:
loading the file again (or a corrected one) updates the figures; books the file does not list
are left as they are (a file may cover only some communes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from hotich.db.identity import commune_code
from hotich.db.models import Base, Book, Commune
from hotich.db.session import begin_write, dialect_insert
from hotich.db.types import utcnow
from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.loaders.inventory_model import InventoryBook

__all__ = [
    "InventoryBook",
    "InventoryError",
    "InventoryReport",
    "Problem",
    "load_inventory",
    "load_inventory_file",
    "parse_inventory",
    "read_inventory",
]
from hotich.schema.text import nfc

REQUIRED: Final = (
    "commune",
    "commune_name",
    "district",
    "province",
    "book",
    "register_type",
    "year_from",
    "year_to",
    "expected_pages",
)
OPTIONAL: Final = ("expected_entries",)
MAX_SHOWN: Final = 20
"""Problems listed in the refusal message; the rest are counted."""
_DELIMITERS: Final = (",", ";", "\t")
_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one line (``line`` 0: the file as a whole)."""

    line: int
    key: str
    """Catalog key under ``inventory.bad``."""
    params: dict[str, Any]

    def message(self) -> str:
        problem = t(f"inventory.bad.{self.key}", **self.params)
        return t("inventory.line", line=self.line, problem=problem) if self.line else problem


class InventoryError(BadInputError):
    """The file is refused; ``problems`` lists every problem found, in line order."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = [p.message() for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(t("inventory.more", n=len(self.problems) - MAX_SHOWN))
        super().__init__(
            "inventory.refused", path=path, n=len(self.problems), problems="\n".join(shown)
        )


@dataclass(frozen=True, slots=True)
class InventoryReport:
    """What :func:`load_inventory` did."""

    books: int
    communes: int
    communes_added: int
    communes_updated: int
    books_added: int
    books_updated: int
    scanned_not_listed: int
    """Books in the database that were scanned but are in no inventory (after this load)."""

    @property
    def communes_unchanged(self) -> int:
        return self.communes - self.communes_added - self.communes_updated

    @property
    def books_unchanged(self) -> int:
        return self.books - self.books_added - self.books_updated


# --- reading ---------------------------------------------------------------------------------


def read_inventory(path: Path) -> list[InventoryBook]:
    """Every row of the inventory file at ``path``, checked; raises :class:`InventoryError`
    listing every problem (with its line) if there is any, or ``inventory.not_found``."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as e:
        raise BadInputError("inventory.not_found", path=str(path)) from e
    books, problems = parse_inventory(data)
    if problems:
        raise InventoryError(str(path), problems)
    return books


def parse_inventory(data: bytes) -> tuple[list[InventoryBook], list[Problem]]:
    """The checked rows of an inventory file's bytes, and the problems found (in line order)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return [], [Problem(data[: e.start].count(b"\n") + 1, "encoding", {})]
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [Problem(0, "empty", {})]
    columns = [nfc(name).strip().lower() for name in header]
    problems = _check_header(columns)
    if problems:
        return [], problems
    books: list[InventoryBook] = []
    start = reader.line_num + 1
    for values in reader:
        line, start = start, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        book, row_problems = _parse_row(line, columns, values)
        problems += row_problems
        if book is not None:
            books.append(book)
    if not books and not problems:
        problems.append(Problem(0, "no_rows", {}))
    problems += _check_across(books)
    problems.sort(key=lambda p: p.line)
    return books, problems


def _check_header(columns: list[str]) -> list[Problem]:
    problems = []
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    for column in duplicated:
        problems.append(Problem(1, "duplicate_column", {"column": column}))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(
            Problem(
                1,
                "missing_columns",
                {"columns": ", ".join(missing), "required": ",".join(REQUIRED)},
            )
        )
    return problems


def _parse_row(
    line: int, columns: list[str], values: list[str]
) -> tuple[InventoryBook | None, list[Problem]]:
    extra = [v for v in values[len(columns) :] if v.strip()]
    if extra:
        params = {"n": len(values), "columns": len(columns)}
        return None, [Problem(line, "extra_values", params)]
    padded = [*values, *[""] * (len(columns) - len(values))]
    wanted = (*REQUIRED, *OPTIONAL)
    raw = {c: v for c, v in zip(columns, padded, strict=True) if c in wanted}
    try:
        return InventoryBook.model_validate({"line": line, **raw}), []
    except ValidationError as e:
        return None, [
            Problem(line, error["type"], dict(error.get("ctx") or {}))
            for error in e.errors(include_url=False)
        ]


def _check_across(books: Iterable[InventoryBook]) -> list[Problem]:
    """A book listed twice; a commune whose name, district or province differ between rows."""
    problems = []
    seen_books: dict[tuple[str, str], int] = {}
    seen_communes: dict[str, InventoryBook] = {}
    for book in books:
        first_line = seen_books.setdefault((book.commune, book.book), book.line)
        if first_line != book.line:
            params = {"book": book.book, "commune": book.commune, "first": first_line}
            problems.append(Problem(book.line, "duplicate_book", params))
        first = seen_communes.setdefault(book.commune, book)
        if _commune_fields(first) != _commune_fields(book):
            params = {"commune": book.commune, "first": first.line}
            problems.append(Problem(book.line, "commune_mismatch", params))
    return problems


def _commune_fields(book: InventoryBook) -> tuple[str, str | None, str]:
    return (book.commune_name, book.district, book.province)


# --- writing ---------------------------------------------------------------------------------


def load_inventory(
    session: Session, books: Sequence[InventoryBook], *, now: datetime | None = None
) -> InventoryReport:
    """Upsert the communes and books of checked inventory rows, in one transaction (committed
    here; rolled back if anything fails). Give it a session with no transaction under way."""
    when = now or utcnow()
    begin_write(session)
    try:
        report = _upsert(session, books, when)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def load_inventory_file(
    session: Session, path: Path, *, now: datetime | None = None
) -> InventoryReport:
    """Check the file at ``path`` whole, then load it (:func:`read_inventory`,
    :func:`load_inventory`)."""
    return load_inventory(session, read_inventory(path), now=now)


def _upsert(session: Session, books: Sequence[InventoryBook], now: datetime) -> InventoryReport:
    firsts = {b.commune: b for b in reversed(books)}
    communes_before = set(_existing_communes(session, list(firsts)))
    _insert_missing(session, Commune, [{"key": k, "code": commune_code(k)} for k in firsts])
    communes = _existing_communes(session, list(firsts))
    communes_updated = 0
    for key, commune in communes.items():
        named = (firsts[key].commune_name, firsts[key].district, firsts[key].province)
        if (commune.name, commune.district, commune.province) != named:
            communes_updated += key in communes_before
            commune.name, commune.district, commune.province = named
    pairs = [(communes[b.commune].id, b.book) for b in books]
    listed_before = {
        pair for pair, book in _existing_books(session, pairs).items() if book.inventory_at
    }
    _insert_missing(session, Book, [{"commune_id": c, "key": k} for c, k in pairs])
    rows = _existing_books(session, pairs)
    books_updated = sum(
        _set_figures(rows[pair], item, now) and pair in listed_before
        for pair, item in zip(pairs, books, strict=True)
    )
    session.flush()
    not_listed = session.scalar(
        select(func.count()).select_from(Book).where(Book.expected_pages.is_(None))
    )
    return InventoryReport(
        books=len(books),
        communes=len(firsts),
        communes_added=len(firsts) - len(communes_before),
        communes_updated=communes_updated,
        # A scanned book that an inventory lists for the first time counts as added.
        books_added=len(books) - len(listed_before),
        books_updated=books_updated,
        scanned_not_listed=int(not_listed or 0),
    )


def _set_figures(book: Book, item: InventoryBook, now: datetime) -> bool:
    """Set a book's inventory figures; whether any of them changed."""
    want = (item.register_type, item.year_from, item.year_to)
    counts = (item.expected_pages, item.expected_entries)
    changed = (book.register_type, book.year_from, book.year_to) != want or (
        book.expected_pages,
        book.expected_entries,
    ) != counts
    book.register_type, book.year_from, book.year_to = want
    book.expected_pages, book.expected_entries = counts
    book.inventory_at = now
    return changed


def _insert_missing(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping those another writer (a run) created meanwhile."""
    table = Base.metadata.tables[model.__tablename__]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        if chunk:
            session.execute(dialect_insert(session, table).values(chunk).on_conflict_do_nothing())


def _existing_communes(session: Session, keys: list[str]) -> dict[str, Commune]:
    out: dict[str, Commune] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(Commune).where(Commune.key.in_(keys[start : start + _CHUNK]))
        out.update((c.key, c) for c in session.scalars(query))
    return out


def _existing_books(session: Session, pairs: list[tuple[int, str]]) -> dict[tuple[int, str], Book]:
    out: dict[tuple[int, str], Book] = {}
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        query = select(Book).where(tuple_(Book.commune_id, Book.key).in_(chunk))
        out.update(((b.commune_id, b.key), b) for b in session.scalars(query))
    return out
