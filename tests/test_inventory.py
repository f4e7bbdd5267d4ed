"""``hotich inventory load``: the book inventory is checked whole, refused with every problem and
its line, or loaded in one transaction; loading again updates; inventory books and scanned books
are the same rows."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from test_db_support import THRESHOLD, engine_fixture, ref, result  # noqa: F401  (fixture)

from hotich.db import save_result
from hotich.db.models import Book, Commune
from hotich.errors import BadInputError
from hotich.i18n import catalog
from hotich.loaders.inventory import (
    InventoryError,
    load_inventory_file,
    parse_inventory,
    read_inventory,
)
from tests.cli_helpers import hotich

HEADER = (
    "commune,commune_name,district,province,book,register_type,year_from,year_to,expected_pages"
)
ROWS = [
    "20227-dai-thanh,Đại Thành,Yên Thành,Nghệ An,khai-sinh-1998-q01,khai_sinh,1998,1998,200",
    "20227-dai-thanh,Đại Thành,Yên Thành,Nghệ An,khai-tu-2000,khai_tu,2000,2002,80",
    "20230-xa-moi,Xã Mới,,Nghệ An,so-ket-hon-cu,ket_hon,,,120",
]


def _file(tmp_path: Path, *lines: str, name: str = "danh-muc.csv", bom: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + ("\n".join(lines) + "\n").encode())
    return path


def _books(engine: Engine) -> dict[tuple[str, str], tuple[object, ...]]:
    with Session(engine) as session:
        query = select(Commune.key, Book.key, Book.register_type, Book.year_from, Book.year_to)
        query = query.add_columns(Book.expected_pages, Book.expected_entries, Book.inventory_at)
        query = query.join(Book, Book.commune_id == Commune.id)
        return {(c, b): tuple(rest) for c, b, *rest in session.execute(query)}


def _communes(engine: Engine) -> dict[str, tuple[str | None, ...]]:
    with Session(engine) as session:
        query = select(Commune.key, Commune.code, Commune.name, Commune.district, Commune.province)
        return {key: tuple(rest) for key, *rest in session.execute(query)}


def _problems(*lines: str) -> list[tuple[int, str]]:
    _, problems = parse_inventory(("\n".join(lines) + "\n").encode())
    return [(p.line, p.key) for p in problems]


# --- checking -------------------------------------------------------------------------------


def test_a_good_file_reads_whole() -> None:
    data = (
        "\ufeff" + "\n".join([HEADER + ",expected_entries", *(r + ",5" for r in ROWS)])
    ).encode()
    books, problems = parse_inventory(data)
    assert problems == []
    assert [(b.line, b.commune, b.book, b.expected_pages) for b in books] == [
        (2, "20227-dai-thanh", "khai-sinh-1998-q01", 200),
        (3, "20227-dai-thanh", "khai-tu-2000", 80),
        (4, "20230-xa-moi", "so-ket-hon-cu", 120),
    ]
    assert books[2].district is None and books[2].year_from is None
    assert {b.expected_entries for b in books} == {5}


def test_each_bad_value_is_named_with_its_line() -> None:
    lines = [
        HEADER,
        ROWS[0],
        ",Xã,,Tỉnh,a/b,khai_sinh,1998,1998,10",  # 3: empty commune key, slash in book
        "x,Xã,,Tỉnh,b,sổ lạ,1700,2999,0",  # 4: register, both years, pages
        "x,Xã,,Tỉnh,c,khai_sinh,2001,1999,1.200",  # 5: thousands separator
        "x,Xã,,Tỉnh,d,khai_sinh,2001,1999,12",  # 6: years the wrong way round
        "x,Xã,,Tỉnh,khai-tu-2001,khai_sinh,,,12",  # 7: the folder says khai_tu
        "x,,,,e,khai_sinh,,,12",  # 8: no name, no province
        "",  # 9: blank lines are skipped
        "x,Xã,,Tỉnh,f,khai_sinh,,,12,surplus",  # 10: a value without a column
    ]
    assert _problems(*lines) == [
        (3, "commune"),
        (3, "book"),
        (4, "register_type"),
        (4, "year_from"),
        (4, "year_to"),
        (4, "expected_pages"),
        (5, "expected_pages"),
        (6, "year_order"),
        (7, "register_mismatch"),
        (8, "commune_name"),
        (8, "province"),
        (10, "extra_values"),
    ]


def test_rows_must_agree_with_each_other() -> None:
    assert _problems(
        HEADER,
        ROWS[0],
        ROWS[1],
        ROWS[0],  # 4: the same book again
        ROWS[2],
        ROWS[2].replace("so-ket-hon-cu", "so-2").replace(",,Nghệ An", ",Yên Thành,Nghệ An"),
    ) == [(4, "duplicate_book"), (6, "commune_mismatch")]


def test_the_header_is_checked_first() -> None:
    assert _problems("commune;book", "a;b") == [(1, "missing_columns")]
    assert _problems(HEADER + ",book", ROWS[0] + ",x") == [(1, "duplicate_column")]
    assert _problems("") == [(1, "missing_columns")]
    assert parse_inventory(b"")[1][0].key == "empty"
    assert _problems(HEADER) == [(0, "no_rows")]


def test_line_numbers_count_lines_not_records() -> None:
    quoted = '20227-dai-thanh,"Đại\nThành",Yên Thành,Nghệ An,khai-sinh-2001,khai_sinh,,,10'
    assert _problems(HEADER, quoted, "x,Xã,,Tỉnh,b,khai_sinh,,,0") == [(4, "expected_pages")]


def test_excel_habits_are_read() -> None:
    """A semicolon file (Excel with a Vietnamese list separator), a BOM, spaces, upper case
    headers, decomposed accents, "Khai sinh" for khai_sinh, extra columns."""
    header = HEADER.upper().replace(",", " ; ") + ";ghi_chu"
    row = "20227-dai-thanh;" + unicodedata.normalize("NFD", "Đại Thành") + ";;Nghệ An;"
    row += "ks-1;Khai sinh; 1998 ;1999; 200 ;sổ rách bìa"
    books, problems = parse_inventory(("\ufeff" + header + "\r\n" + row + "\r\n").encode())
    assert problems == []
    (book,) = books
    assert book.commune_name == "Đại Thành" and unicodedata.is_normalized("NFC", book.commune_name)
    assert (book.register_type, book.year_from, book.year_to, book.expected_pages) == (
        "khai_sinh",
        1998,
        1999,
        200,
    )


def test_a_file_that_is_not_utf8_is_refused_naming_the_line() -> None:
    data = (HEADER + "\n" + ROWS[0] + "\n").encode("utf-8") + "x,Xã".encode("latin-1")
    assert [(p.line, p.key) for p in parse_inventory(data)[1]] == [(3, "encoding")]


def test_the_refusal_lists_every_problem(tmp_path: Path) -> None:
    lines = [HEADER, *[f"x{i},Xã,,Tỉnh,b,khai_sinh,,,0" for i in range(25)]]
    with pytest.raises(InventoryError) as caught:
        read_inventory(_file(tmp_path, *lines))
    assert len(caught.value.problems) == 25 and caught.value.exit_code == 2
    message = str(caught.value)
    assert "danh-muc.csv" in message and "dòng 2:" in message and "dòng 21:" in message
    assert "dòng 22:" not in message and "5 lỗi khác" in message  # the first 20 are listed


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadInputError) as caught:
        read_inventory(tmp_path / "không-có.csv")
    assert "không-có.csv" in str(caught.value)


# --- loading ----------------------------------------------------------------------------------


def test_load_then_load_again_updates(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        first = load_inventory_file(session, _file(tmp_path, HEADER, *ROWS))
    assert (first.communes_added, first.books_added, first.books_updated) == (2, 3, 0)
    assert _communes(engine) == {
        "20227-dai-thanh": ("20227", "Đại Thành", "Yên Thành", "Nghệ An"),
        "20230-xa-moi": ("20230", "Xã Mới", None, "Nghệ An"),
    }
    books = _books(engine)
    assert books["20227-dai-thanh", "khai-tu-2000"][:5] == ("khai_tu", 2000, 2002, 80, None)
    assert all(b[5] is not None for b in books.values())  # inventory_at

    # Again, with one book's count corrected and one commune renamed; the other books are kept.
    changed = [ROWS[0].replace(",200", ",210"), ROWS[2].replace("Xã Mới", "Xã Mới Lập")]
    with Session(engine) as session:
        again = load_inventory_file(session, _file(tmp_path, HEADER, *changed, name="b.csv"))
    assert (again.communes_added, again.communes_updated, again.communes_unchanged) == (0, 1, 1)
    assert (again.books_added, again.books_updated, again.books_unchanged) == (0, 1, 1)
    books = _books(engine)
    assert books["20227-dai-thanh", "khai-sinh-1998-q01"][3] == 210
    assert books["20227-dai-thanh", "khai-tu-2000"][3] == 80  # not in the second file
    assert _communes(engine)["20230-xa-moi"][1] == "Xã Mới Lập"


def test_a_bad_file_leaves_the_database_as_it_was(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        load_inventory_file(session, _file(tmp_path, HEADER, *ROWS))
    before = (_communes(engine), _books(engine))
    bad = [ROWS[0].replace(",200", ",999"), "20999-xa-khac,Xã Khác,,Tỉnh,so,khai_sinh,,,0"]
    with Session(engine) as session, pytest.raises(InventoryError):
        load_inventory_file(session, _file(tmp_path, HEADER, *bad, name="bad.csv"))
    assert (_communes(engine), _books(engine)) == before


def test_scanned_books_and_inventory_books_are_the_same_rows(
    engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        for page_no in (1, 2):  # scanned before the inventory came
            save_result(session, result(page_no), None, THRESHOLD)
        other = ref(1, commune="20227-dai-thanh", book="so-la")
        save_result(session, result(1, page_ref=other), None, THRESHOLD)
        report = load_inventory_file(session, _file(tmp_path, HEADER, *ROWS))
    assert (report.communes_added, report.communes_updated) == (1, 1)  # named now
    assert (report.books_added, report.scanned_not_listed) == (3, 1)  # "so-la" is not listed
    books = _books(engine)
    assert len(books) == 4 and books["20227-dai-thanh", "khai-sinh-1998-q01"][3] == 200
    assert books["20227-dai-thanh", "so-la"][3] is None


# --- the command ----------------------------------------------------------------------------------


def test_inventory_load_command(db_url: str, tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER + ",expected_entries", *(r + ",400" for r in ROWS))
    result = hotich("inventory", "load", str(path), "--db", db_url)
    assert result.code == 0, result
    vi = catalog("vi")
    assert vi["inventory.loaded"].format(path=path, books=3, communes=2) in result.out
    assert vi["inventory.books"].format(added=3, updated=0, unchanged=0) in result.out
    again = hotich("inventory", "load", str(path), "--db", db_url, lang="en")
    assert "Books: 0 added, 0 updated, 3 unchanged." in again.out
    report = hotich("report", "--format", "json", "--db", db_url)
    total = json.loads(report.out)[-1]
    assert (total["expected_pages"], total["expected_entries"], total["percent_done"]) == (
        400,
        1200,
        0.0,
    )


def test_inventory_load_command_refuses_a_bad_file(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    path = _file(tmp_path, HEADER, ROWS[0], ROWS[1].replace(",80", ",tám mươi"))
    result = hotich("inventory", "load", str(path), "--db", f"sqlite:///{db}", lang="en")
    assert result.code == 2, result
    assert "line 3:" in result.err and "tám mươi" in result.err and str(path) in result.err
    assert not db.exists()  # checked before the database is even opened
    missing = hotich("inventory", "load", str(tmp_path / "none.csv"), "--db", f"sqlite:///{db}")
    assert missing.code == 2 and "none.csv" in missing.err
