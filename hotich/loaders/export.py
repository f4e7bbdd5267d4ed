"""Export the records: JSONL in the contract's "Machine-readable output" form, or CSV.

Both stream: entries are read ``BATCH`` at a time (``yield_per``), with their current values
(corrections applied) looked up per batch, so memory stays flat however large the database.
Only current entries are exported (not those superseded by a newer reading of their page), in
page order: commune, book, page number, entry index.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, Final, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import Book, Commune, EntryRow, Page
from hotich.db.records import current_fields, record
from hotich.schema.registers import FIELDS, REGISTER_TYPES

BATCH: Final = 500
BASE_COLUMNS: Final = (
    "commune",
    "book",
    "page_no",
    "source",
    "register_type",
    "entry_index",
    "status",
    "confidence",
)
BOM: Final = "\ufeff"


def records(session: Session) -> Iterator[dict[str, Any]]:
    """Every current entry in the export form, in page order, streamed."""
    query = (
        select(EntryRow, Page, Book.key, Commune.key)
        .join(Page, EntryRow.page_id == Page.id)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(EntryRow.superseded_at.is_(None))
        .order_by(Commune.key, Book.key, Page.page_no, EntryRow.entry_index, EntryRow.id)
        .execution_options(yield_per=BATCH)
    )
    for batch in session.execute(query).partitions():
        fields = current_fields(session, [row[0].id for row in batch])
        for entry, page, book, commune in batch:
            yield record(entry, page, book, commune, fields[entry.id])


def export_jsonl(session: Session, out: TextIO) -> int:
    """Write one JSON object per entry (UTF-8 text, not ASCII-escaped); the number written."""
    count = 0
    for item in records(session):
        out.write(json.dumps(item, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


def csv_fields(session: Session) -> list[str]:
    """The field columns: those of every register type present, in the contract's order, each
    name once (a name shared by several registers, like ``full_name``, is one column)."""
    present = set(
        session.scalars(
            select(EntryRow.register_type).where(EntryRow.superseded_at.is_(None)).distinct()
        )
    )
    names: dict[str, None] = {}
    for register in REGISTER_TYPES:
        if register in present:
            names.update(dict.fromkeys(FIELDS[register]))
    return list(names)


def export_csv(session: Session, out: TextIO) -> int:
    """Write one row per entry: the page and entry columns, then one column per field with its
    current value ("" when the page has no such field). Returns the number of rows.

    ``out`` must be a text stream that encodes UTF-8 (``encoding="utf-8"``, not ``utf-8-sig``)
    opened with ``newline=""`` (the csv module writes its own line ends).
    """
    # The file starts with a byte order mark: Excel on Windows reads a CSV without one in the
    # local code page (Windows-1258 or 1252) and garbles Vietnamese; with it, Excel reads UTF-8.
    out.write(BOM)
    names = csv_fields(session)
    writer = csv.writer(out)
    writer.writerow([*BASE_COLUMNS, *names])
    count = 0
    for item in records(session):
        page, fields = item["page"], item["fields"]
        writer.writerow(
            [
                page["commune"],
                page["book"],
                page["page_no"],
                page["source"],
                item["register_type"],
                item["entry_index"],
                item["status"],
                round(item["confidence"], 4),
                *(fields[name]["value"] if name in fields else "" for name in names),
            ]
        )
        count += 1
    return count
