"""Ledger integrity per book (``hotich check``): numbers missing, repeated or out of order, a
year that does not restart at 01, blank and missing pages, the page count against the
inventory; each finding names book, page and number. On SQLite and PostgreSQL, with pages
stored as a run stores them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hotich.db import add_correction, session_scope
from hotich.loaders.integrity import Finding, Numbered, check_books, number_findings
from tests.cli_helpers import hotich
from tests.stage_support import BOOK, COMMUNE, engine_fixture, entry_of, store_page  # noqa: F401


def kinds(findings: list[Finding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.kind, f.page, f.number) for f in findings]


def numbered(*items: tuple[int, str | None, str | None]) -> list[Numbered]:
    return [Numbered(page, number, registered) for page, number, registered in items]


def test_a_clean_book_has_no_finding() -> None:
    entries = numbered(
        (1, "1", "1998-01-05"),
        (1, "2", "1998-02-01"),
        (2, "3", "1998-12-30"),
        (3, "1", "1999-01-02"),  # a new year restarts at 1
        (3, "02/1999", None),  # the year written with the number
    )
    assert number_findings("c", "b", entries) == []


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        # 3 and 4 missing: named at the number after them
        ([(1, "1", "2013"), (1, "2", "2013"), (2, "5", "2013")], [("gap", 2, "5")]),
        ([(1, "1", "2013"), (1, "2", "2013"), (2, "2", "2013")], [("repeated", 2, "2")]),
        # a swap is out of order, not a gap
        (
            [(1, "1", "2013"), (1, "3", "2013"), (2, "2", "2013"), (2, "4", "2013")],
            [("out_of_order", 2, "2")],
        ),
        ([(1, "1", "2013"), (2, "2", "2013"), (3, "3", "2014")], [("no_restart", 3, "3")]),
        ([(1, "4", "2013"), (1, "5", "2013")], [("first_not_one", 1, "4")]),
        (
            [(1, "1", "2014"), (2, "1", "2013"), (2, "2", "2013")],
            [("year_out_of_order", 2, "1")],
        ),
        # an unreadable number takes the next number's place: no false gap
        ([(1, "1", "2013"), (1, "x?", "2013"), (2, "3", "2013")], [("number_unreadable", 1, "x?")]),
        (
            [(1, "1", "2013"), (1, None, "2013"), (2, "4", "2013")],
            [("number_unreadable", 1, None), ("gap", 2, "4")],
        ),
        # one misread registration date says nothing about the numbering
        ([(1, "1", "2013"), (1, "2", "2003"), (2, "3", "2013")], []),
        # no year anywhere: number 1 again starts a new year
        ([(1, "1", None), (1, "2", None), (2, "1", None), (2, "3", None)], [("gap", 2, "3")]),
    ],
)
def test_numbering_findings(
    items: list[tuple[int, str | None, str | None]], expected: list[tuple[str, int, str | None]]
) -> None:
    assert kinds(number_findings("c", "b", numbered(*items))) == expected


def test_a_gap_message_names_page_number_and_the_missing_numbers() -> None:
    (gap,) = number_findings("c", "b", numbered((1, "1", "2013"), (4, "4", "2013")))
    assert gap.params == {"first": 2, "last": 3, "count": 2, "previous_page": 1, "year": 2013}
    assert gap.message == "trang 4, số 4: thiếu 2 số (2–3) trước số này."


def _inventory(tmp_path: Path, url: str, expected_pages: int) -> None:
    csv = tmp_path / "inventory.csv"
    csv.write_text(
        "commune,commune_name,district,province,book,register_type,year_from,year_to,"
        "expected_pages\n"
        f"{COMMUNE},Đại Thành,Tứ Kỳ,Hải Dương,{BOOK},khai_sinh,1998,1998,{expected_pages}\n",
        encoding="utf-8",
    )
    assert hotich("inventory", "load", str(csv), "--db", url).code == 0


def _birth(index: int, number: str, registered: str = "1998-03-20") -> object:
    return entry_of("khai_sinh", index, register_number=number, registration_date=registered)


def test_stored_book_findings_and_the_cli(engine: Engine, db_url: str, tmp_path: Path) -> None:
    root = tmp_path / "scans"
    store_page(engine, root, 1, _birth(0, "1"), _birth(1, "2"))  # type: ignore[arg-type]
    store_page(engine, root, 2)  # processed, nothing on it: blank
    (third,) = store_page(engine, root, 3, _birth(0, "2"))  # type: ignore[arg-type]
    store_page(engine, root, 5, _birth(0, "6"))  # type: ignore[arg-type]  # page 4 not scanned
    store_page(engine, root, 1, _birth(0, "1", "1999-01-02"), book="khai-sinh-1999-q01")  # type: ignore[arg-type]
    _inventory(tmp_path, db_url, expected_pages=6)
    with session_scope(engine) as session:
        books = check_books(session, commune=COMMUNE, book=BOOK)
    (book,) = books
    assert (book.pages, book.processed, book.expected_pages, book.entries) == (4, 4, 6, 4)
    assert kinds(list(book.findings)) == [
        ("blank_page", 2, None),
        ("repeated", 3, "2"),
        ("missing_page", 4, None),
        ("gap", 5, "6"),
        ("page_count", None, None),
    ]
    assert all(f.book == BOOK and f.commune == COMMUNE for f in book.findings)
    gap = book.findings[3]
    assert (gap.params["first"], gap.params["last"], gap.params["previous_page"]) == (3, 5, 3)

    # A person's correction is what counts: page 3 holds number 3, not 2.
    with session_scope(engine, write=True) as session:
        add_correction(session, third, "register_number", "3", user="lan")
        session.commit()
    out = hotich("check", "--commune", COMMUNE, "--json", "--db", db_url)
    assert out.code == 0, out
    report = json.loads(out.out)
    assert [b["book"] for b in report["books"]] == [BOOK, "khai-sinh-1999-q01"]
    first = report["books"][0]
    assert [(f["kind"], f["page"], f["number"]) for f in first["findings"]] == [
        ("blank_page", 2, None),
        ("missing_page", 4, None),
        ("gap", 5, "6"),
        ("page_count", None, None),
    ]
    assert first["findings"][2]["first"] == 4 and first["findings"][2]["last"] == 5
    assert first["findings"][3]["expected"] == 6 and first["findings"][3]["found"] == 4
    assert report["books"][1]["findings"] == [] and report["findings"] == 4

    text = hotich("check", "--book", BOOK, "--db", db_url, lang="en")
    assert text.code == 0, text
    assert f"{COMMUNE} / {BOOK}: 4 pages scanned (4 processed), inventory: 6" in text.out
    assert "page 5, number 6: 2 numbers (4–5) are missing before it." in text.out
    assert "pages scanned (4) differ from the inventory's page count (6)." in text.out


def test_unknown_commune_or_book_is_bad_input(engine: Engine, db_url: str) -> None:
    out = hotich("check", "--commune", "nowhere", "--db", db_url)
    assert out.code == 2 and "nowhere" in out.err
    out = hotich("check", "--book", "no-such-book", "--db", db_url, lang="en")
    assert out.code == 2 and "no-such-book" in out.err
    empty = hotich("check", "--db", db_url, lang="en")
    assert empty.code == 0 and "There is no book to check." in empty.out
