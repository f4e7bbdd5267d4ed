"""A small province with a known history, for the progress reports (test_report*.py).

Three communes, seen on 2025-03-12 at 10:00 in Vietnam (a Wednesday), deadline 2025-06-30:

* ``20227-dai-thanh`` (Đại Thành), in the inventory: ``khai-sinh-1998-q01`` (20 pages, 40
  entries expected) with 8 pages scanned, and ``khai-tu-2000`` (10 pages, 10 entries) with 2;
* ``20230-xa-moi``, in the inventory (30 pages, 60 entries), nothing scanned; its name carries
  HTML (``<i>``, ``&``, quotes), as a CSV file may;
* ``30001-xa-khac``, scanned (3 pages of ``ket-hon-2005``) but in no inventory.

Each page lists its entries as (status, days before NOW when approved, or None); a page of
``None`` could not be read (quarantined). The figures the reports must show follow from this
plan; the tests spell them out with the reasoning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db import save_result
from hotich.db.models import Book, Commune, EntryRow, Page
from hotich.loaders.inventory import load_inventory, parse_inventory
from tests.test_db_support import THRESHOLD, entry, fv, ref, result

NOW: Final = datetime(2025, 3, 12, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
TODAY: Final = date(2025, 3, 12)
DEADLINE: Final = date(2025, 6, 30)
A, NEW, B = "20227-dai-thanh", "20230-xa-moi", "30001-xa-khac"
BIRTHS, DEATHS, MARRIAGES = "khai-sinh-1998-q01", "khai-tu-2000", "ket-hon-2005"
NEW_NAME: Final = 'Xã <i>Mới</i> & "Hạ"'
COLUMNS: Final = (
    "commune,commune_name,district,province,book,register_type,year_from,year_to,"
    "expected_pages,expected_entries"
)
INVENTORY: Final = f"""{COLUMNS}
{A},Đại Thành,Yên Thành,Nghệ An,{BIRTHS},khai_sinh,1998,1998,20,40
{A},Đại Thành,Yên Thành,Nghệ An,{DEATHS},khai_tu,2000,2000,10,10
{NEW},"{NEW_NAME.replace('"', '""')}",Yên Thành,Nghệ An,khai-sinh-2001,khai_sinh,2001,2001,30,60
"""

Plan = list[tuple[str, int | None]] | None
PAGES: Final[list[tuple[str, str, int, Plan]]] = [
    (A, BIRTHS, 1, [("staged", 40), ("staged", 40)]),
    (A, BIRTHS, 2, [("approved", 40), ("approved", 40)]),
    (A, BIRTHS, 3, [("approved", 20), ("approved", 5)]),  # done when the second was: 5 days
    (A, BIRTHS, 4, [("approved", 20), ("approved", 20)]),
    (A, BIRTHS, 5, [("approved", 10), ("approved", 10)]),
    (A, BIRTHS, 6, [("approved", 2), ("approved", 2)]),
    (A, BIRTHS, 7, [("approved", 1), ("rejected", None)]),  # a rejected entry does not count
    (A, BIRTHS, 8, [("approved", 1), ("needs_review", None)]),  # not done
    (A, DEATHS, 1, [("approved", 3)]),
    (A, DEATHS, 2, None),  # quarantined
    (B, MARRIAGES, 1, [("approved", 15)]),
    (B, MARRIAGES, 2, [("approved", 50)]),
    (B, MARRIAGES, 3, [("needs_review", None)]),
]
_FIELDS: Final = {
    BIRTHS: {},
    DEATHS: {"full_name": fv("PHAN VĂN TƯ")},
    MARRIAGES: {"wife_name": fv("LAN")},
}
_REGISTERS: Final = {BIRTHS: "khai_sinh", DEATHS: "khai_tu", MARRIAGES: "ket_hon"}


def load_test_inventory(session: Session) -> None:
    books, problems = parse_inventory(INVENTORY.encode())
    if problems:
        raise ValueError([p.message() for p in problems])
    load_inventory(session, books, now=NOW - timedelta(days=60))


def build_history(session: Session) -> None:
    """The inventory and pages above, with their approvals at the planned moments."""
    load_test_inventory(session)
    for commune, book, page_no, plan in PAGES:
        page_ref = ref(page_no, commune=commune, book=book)
        if plan is None:
            failed = result(page_no, page_ref=page_ref, ok=False, error_code="decode.truncated")
            save_result(session, failed, None, THRESHOLD)
            continue
        entries = [entry(i, _REGISTERS[book], **_FIELDS[book]) for i in range(len(plan))]
        save_result(session, result(page_no, *entries, page_ref=page_ref), None, THRESHOLD)
        rows = session.scalars(
            select(EntryRow)
            .join(Page)
            .join(Book)
            .join(Commune)
            .where(Commune.key == commune, Book.key == book, Page.page_no == page_no)
            .order_by(EntryRow.entry_index)
        )
        for row, (status, days) in zip(rows, plan, strict=True):
            row.status = status
            row.approved_at = None if days is None else NOW - timedelta(days=days)
            row.approved_by = None if days is None else "lan"
            row.staged_at = NOW - timedelta(days=1) if status == "staged" else None
    session.commit()
