"""What to write before drawing anything: communes, books, and which pages go in which file.

Pages of one book are numbered from 1. A file is named by its first page (``0007.pdf``); a
PDF or TIFF holding two pages holds pages 7 and 8, and the next file is ``0009.*``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from hotich.samplegen.places import Commune, make_communes
from hotich.samplegen.rand import pick_weighted, stream
from hotich.samplegen.styles import PageDesign
from hotich.schema.registers import RegisterType

PAGES_PER_BOOK = 5
YEARS = (1988, 2021)
SINGLE_KINDS = ("png", "jpg", "tif")
SINGLE_WEIGHTS = (0.65, 0.2, 0.15)
MULTI_TIFF_FROM = 10
"""A two-page TIFF is written when at least this many pages are asked for."""


@dataclass(frozen=True)
class BookPlan:
    commune: Commune
    register_type: RegisterType
    book_prefix: str
    design: PageDesign
    year: int
    book_no: int
    pages: int

    @property
    def key(self) -> str:
        return f"{self.book_prefix}-{self.year}-q{self.book_no:02d}"

    @property
    def folder(self) -> str:
        return f"{self.commune.key}/{self.key}"


@dataclass(frozen=True)
class FilePlan:
    book: BookPlan
    first_page: int
    count: int
    kind: str
    """png, jpg, tif or pdf."""

    @property
    def name(self) -> str:
        return f"{self.first_page:04d}.{self.kind}"

    @property
    def path(self) -> str:
        return f"{self.book.folder}/{self.name}"


@dataclass(frozen=True)
class Plan:
    communes: tuple[Commune, ...]
    books: tuple[BookPlan, ...]
    files: tuple[FilePlan, ...]


def _split(total: int, size: int) -> list[int]:
    """``total`` pages cut into near-equal books of at most ``size``."""
    if total <= 0:
        return []
    n = math.ceil(total / size)
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _book_year(rng: np.random.Generator, books_of_year: dict[int, int]) -> tuple[int, int]:
    """A year for a commune's next book, and the book's number in that year.

    While the commune has a year without a book, the year is drawn until it is a new one
    (book ``q01``). Once every year in ``YEARS`` has a book, one draw picks among the years
    with the fewest books and the book takes the next number (``q02``, ``q03`` …): large sets
    cost one draw per book instead of drawing for ever. ``books_of_year`` (year -> books so
    far) is updated.
    """
    if len(books_of_year) < YEARS[1] - YEARS[0] + 1:
        year = int(rng.integers(YEARS[0], YEARS[1] + 1))
        while year in books_of_year:
            year = int(rng.integers(YEARS[0], YEARS[1] + 1))
    else:
        fewest = min(books_of_year.values())
        years = [y for y, n in sorted(books_of_year.items()) if n == fewest]
        year = years[int(rng.integers(0, len(years)))]
    books_of_year[year] = books_of_year.get(year, 0) + 1
    return year, books_of_year[year]


def make_books(
    rng: np.random.Generator,
    pages: int,
    table_share: float,
    register: RegisterType,
    book_prefix: str,
) -> tuple[tuple[Commune, ...], tuple[BookPlan, ...]]:
    n_table = min(pages, round(pages * table_share))
    groups: list[tuple[PageDesign, int]] = [
        ("form", n) for n in _split(pages - n_table, PAGES_PER_BOOK)
    ]
    groups += [("table", n) for n in _split(n_table, PAGES_PER_BOOK)]
    if len(groups) == 1 and pages >= 2:  # at least two books, so two communes
        design, n = groups[0]
        groups = [(design, n - n // 2), (design, n // 2)]
    n_communes = min(int(rng.integers(2, 4)), len(groups))
    communes = tuple(make_communes(rng, n_communes))
    order = rng.permutation(len(groups))
    books_of_year: dict[str, dict[int, int]] = {c.key: {} for c in communes}
    books = []
    for slot, g in enumerate(order):
        design, n = groups[int(g)]
        commune = communes[slot % n_communes]
        year, book_no = _book_year(rng, books_of_year[commune.key])
        books.append(BookPlan(commune, register, book_prefix, design, year, book_no, n))
    books.sort(key=lambda b: (b.commune.key, b.key))
    return communes, tuple(books)


def make_files(
    rng: np.random.Generator, books: tuple[BookPlan, ...], pdf_share: float
) -> tuple[FilePlan, ...]:
    """Group pages into files: one two-page TIFF (from 10 pages on), one two-page PDF (when
    two or more pages are to be PDF), ``pdf_share`` of the pages in PDFs, the rest single
    images, mostly PNG."""
    total = sum(b.pages for b in books)
    n_pdf = min(total, round(total * pdf_share))
    pairs = [(b, p) for b, book in enumerate(books) for p in range(1, book.pages)]
    taken: dict[tuple[int, int], tuple[int, str]] = {}  # (book, first page) -> (count, kind)
    covered: set[tuple[int, int]] = set()
    wants = (["tif"] if total >= MULTI_TIFF_FROM else []) + (["pdf"] if n_pdf >= 2 else [])
    for kind in wants:
        free = [(b, p) for b, p in pairs if (b, p) not in covered and (b, p + 1) not in covered]
        if free:
            b, p = free[int(rng.integers(0, len(free)))]
            taken[(b, p)] = (2, kind)
            covered |= {(b, p), (b, p + 1)}
            n_pdf -= 2 if kind == "pdf" else 0
    singles = [
        (b, p)
        for b, book in enumerate(books)
        for p in range(1, book.pages + 1)
        if (b, p) not in covered
    ]
    pdf_singles = set(rng.permutation(len(singles))[: max(n_pdf, 0)].tolist())
    for i, key in enumerate(singles):
        kind = "pdf" if i in pdf_singles else pick_weighted(rng, SINGLE_KINDS, SINGLE_WEIGHTS)
        taken[key] = (1, kind)
    return tuple(
        FilePlan(books[b], p, count, kind) for (b, p), (count, kind) in sorted(taken.items())
    )


def assign_registers(
    rng: np.random.Generator,
    books: tuple[BookPlan, ...],
    registers: Sequence[tuple[RegisterType, str]],
) -> tuple[BookPlan, ...]:
    """Share the books among ``registers`` ((type, book prefix) pairs): the form books, then the
    table books, each in a random order, take the registers in turn from a random one, so that
    every register gets books of both designs as soon as there are enough."""
    if len(registers) == 1:
        register, prefix = registers[0]
        return tuple(replace(b, register_type=register, book_prefix=prefix) for b in books)
    order = [
        i
        for design in ("form", "table")
        for i in rng.permutation(len(books)).tolist()
        if books[i].design == design
    ]
    start = int(rng.integers(0, len(registers)))
    out = list(books)
    for turn, i in enumerate(order):
        register, prefix = registers[(start + turn) % len(registers)]
        out[i] = replace(books[i], register_type=register, book_prefix=prefix)
    out.sort(key=lambda b: (b.commune.key, b.key))
    return tuple(out)


def make_plan(
    seed: int,
    pages: int,
    table_share: float,
    pdf_share: float,
    registers: Sequence[tuple[RegisterType, str]],
) -> Plan:
    """The plan for ``pages`` pages of the ``registers`` ((type, book prefix) pairs, at least
    one). With one register, the plan is the one this module always made for it."""
    register, prefix = registers[0]
    communes, books = make_books(stream(seed, "books"), pages, table_share, register, prefix)
    if len(registers) > 1:
        books = assign_registers(stream(seed, "registers"), books, registers)
    return Plan(communes, books, make_files(stream(seed, "files"), books, pdf_share))
