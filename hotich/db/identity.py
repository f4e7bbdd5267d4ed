"""Rows found by their natural identity, created when new: communes by folder name, books by
(commune, folder name), pages by (book, page number). Used by the writer (:mod:`store`)."""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, Page
from hotich.db.types import utcnow
from hotich.schema.page import PageRef
from hotich.schema.registers import RegisterType, register_from_book

_CHUNK: Final = 500
_CODE: Final = re.compile(r"\d+")


def pages_for(session: Session, refs: list[PageRef]) -> list[tuple[PageRef, Page]]:
    """The page row of each ref (created with its commune and book when new), its location
    fields set from the ref. Looks pages up a book at a time."""
    communes: dict[str, Commune] = {}
    books: dict[tuple[str, str], Book] = {}
    for ref in refs:
        if ref.commune not in communes:
            communes[ref.commune] = commune_row(session, ref.commune)
        if (ref.commune, ref.book) not in books:
            hint = ref.register_hint or register_from_book(ref.book)
            books[ref.commune, ref.book] = book_row(session, communes[ref.commune], ref.book, hint)
    pages: dict[tuple[int, int], Page] = {}
    for book in books.values():
        numbers = sorted({r.page_no for r in refs if books[r.commune, r.book] is book})
        for start in range(0, len(numbers), _CHUNK):
            chunk = numbers[start : start + _CHUNK]
            query = select(Page).where(Page.book_id == book.id, Page.page_no.in_(chunk))
            pages.update(((p.book_id, p.page_no), p) for p in session.scalars(query))
    out: list[tuple[PageRef, Page]] = []
    for ref in refs:
        book = books[ref.commune, ref.book]
        page = pages.get((book.id, ref.page_no))
        if page is None:
            page = Page(
                book=book,
                page_no=ref.page_no,
                status="pending",
                attempts=0,
                generation=0,
                sha256="",
                created_at=utcnow(),
            )
            session.add(page)
            pages[book.id, ref.page_no] = page
        page.root, page.source = ref.root, ref.source
        page.source_index, page.kind = ref.index, ref.kind
        out.append((ref, page))
    session.flush()
    return out


def commune_code(key: str) -> str | None:
    """The official commune code: the leading digits of the commune's folder name, if any."""
    match = _CODE.match(key)
    return match.group() if match else None


def commune_row(session: Session, key: str) -> Commune:
    commune = session.scalars(select(Commune).where(Commune.key == key)).one_or_none()
    if commune is None:
        commune = Commune(key=key, code=commune_code(key))
        session.add(commune)
        session.flush()
    return commune


def book_row(session: Session, commune: Commune, key: str, hint: RegisterType | None) -> Book:
    query = select(Book).where(Book.commune_id == commune.id, Book.key == key)
    book = session.scalars(query).one_or_none()
    if book is None:
        book = Book(commune=commune, key=key, register_type=hint)
        session.add(book)
        session.flush()
    elif book.register_type is None and hint is not None:
        book.register_type = hint
    return book
