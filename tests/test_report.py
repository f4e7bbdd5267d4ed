"""Progress counts on a hand-built set of pages, and their table / JSON / CSV forms."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_db_support import (  # noqa: F401  (fixtures)
    COMMUNE,
    THRESHOLD,
    engine_fixture,
    entry,
    fv,
    ref,
    result,
    session_fixture,
)

from hotich.db import add_correction, claim, save_result, start_run
from hotich.db.models import Book, Commune, EntryRow, Page
from hotich.loaders.progress import ProgressRow, progress
from hotich.loaders.report_format import columns, format_csv, format_json, format_table, render

OTHER = "30001-xa-khac"
DEATHS = "khai-tu-2000"
MARRIAGES = "ket-hon-2005"


def _page(session: Session, commune: str, book: str, page_no: int) -> Page:
    return session.scalars(
        select(Page)
        .join(Book)
        .join(Commune)
        .where(Commune.key == commune, Book.key == book, Page.page_no == page_no)
    ).one()


def _set_status(session: Session, page: Page, *statuses: str) -> None:
    rows = session.scalars(
        select(EntryRow)
        .where(EntryRow.page_id == page.id, EntryRow.superseded_at.is_(None))
        .order_by(EntryRow.entry_index)
    )
    for row, status in zip(rows, statuses, strict=True):
        row.status = status


def _build(session: Session) -> None:
    """Commune A: 8 pages in 2 books; commune B (not in any inventory yet): 1 page."""
    low = fv("?", 0.4)
    ok = (entry(0), entry(1))
    for page_no in (1, 2, 5, 6):
        save_result(session, result(page_no, *ok), None, THRESHOLD)
    failed = result(3, sha256="", ok=False, error_code="decode.truncated")
    save_result(session, failed, None, THRESHOLD)
    claim(session, [ref(4)], start_run(session, "/scans"))
    _set_status(
        session, _page(session, COMMUNE, "khai-sinh-1998-q01", 2), "approved", "needs_review"
    )
    p5 = _page(session, COMMUNE, "khai-sinh-1998-q01", 5)
    _set_status(session, p5, "staged", "staged")
    p5.processed_at = datetime.now(UTC) - timedelta(days=10)
    _set_status(session, _page(session, COMMUNE, "khai-sinh-1998-q01", 6), "approved", "rejected")
    death = entry(0, "khai_tu", full_name=fv("PHAN VĂN TƯ"))
    save_result(session, result(1, death, page_ref=ref(1, book=DEATHS)), None, THRESHOLD)
    _set_status(session, _page(session, COMMUNE, DEATHS, 1), "rejected")
    save_result(session, result(2, page_ref=ref(2, book=DEATHS)), None, THRESHOLD)  # no entries
    commune = session.scalars(select(Commune).where(Commune.key == COMMUNE)).one()
    commune.name, commune.district, commune.province = "Đại Thành", "Yên Thành", "Nghệ An"
    # commune B: a page read twice; the first reading's corrected entry is superseded
    marriage = ref(1, commune=OTHER, book=MARRIAGES)
    first = result(
        1,
        entry(0, "ket_hon", wife_name=fv("LAN")),
        entry(1, "ket_hon", wife_name=fv("MAI")),
        page_ref=marriage,
    )
    save_result(session, first, None, THRESHOLD)
    corrected = session.scalars(
        select(EntryRow).where(EntryRow.register_type == "ket_hon").order_by(EntryRow.id)
    ).first()
    assert corrected is not None
    add_correction(session, corrected.id, "wife_name", "LÀN", user="lan")
    rescan = result(1, entry(0, "ket_hon", wife_name=low), page_ref=marriage, sha256="b" * 64)
    save_result(session, rescan, None, THRESHOLD)
    session.commit()


COMMUNE_A = dict(
    books=2,
    pages=8,
    processed=6,
    needs_review=1,
    approved=3,
    staged=1,
    quarantined=1,
    entries=9,
    change_7d=2,
)
COMMUNE_B = dict(
    books=1,
    pages=1,
    processed=1,
    needs_review=1,
    approved=0,
    staged=0,
    quarantined=0,
    entries=1,
    change_7d=0,
)
TOTAL = dict(
    books=3,
    pages=9,
    processed=7,
    needs_review=2,
    approved=3,
    staged=1,
    quarantined=1,
    entries=10,
    change_7d=2,
)


def _figures(row: ProgressRow) -> dict[str, int | None]:
    return {key: getattr(row, key) for key in COMMUNE_A}


def test_progress_by_commune(session: Session) -> None:
    _build(session)
    a, b, total = progress(session, "commune")
    assert (a.key, a.name, a.district, a.province) == (COMMUNE, "Đại Thành", "Yên Thành", "Nghệ An")
    assert (b.key, b.name, b.total, total.total, total.key) == (OTHER, None, False, True, None)
    assert (_figures(a), _figures(b), _figures(total)) == (COMMUNE_A, COMMUNE_B, TOTAL)
    for row in (a, b, total):
        assert row.expected_pages is None and row.percent_done is None
        assert row.projected_completion is None


@pytest.mark.parametrize("by", ["district", "province"])
def test_progress_by_district_and_province(session: Session, by: str) -> None:
    _build(session)
    known, unknown, total = progress(session, by)  # type: ignore[arg-type]
    assert known.key == ("Yên Thành" if by == "district" else "Nghệ An")
    assert known.province == "Nghệ An" and unknown.key is None
    assert (_figures(known), _figures(unknown), _figures(total)) == (COMMUNE_A, COMMUNE_B, TOTAL)


def test_change_7d_counts_recent_approvals(session: Session) -> None:
    _build(session)
    later = datetime.now(UTC) + timedelta(days=30)
    assert progress(session, "commune", now=later)[-1].change_7d == 0


def test_progress_of_an_empty_database(session: Session) -> None:
    (total,) = progress(session, "province")
    assert total.total and total.pages == 0 and total.change_7d == 0


def test_unknown_unit_is_refused(session: Session) -> None:
    with pytest.raises(ValueError):
        progress(session, "village")  # type: ignore[arg-type]


ROWS = [
    ProgressRow(
        unit="commune",
        key=COMMUNE,
        name="Đại Thành",
        books=2,
        pages=120,
        processed=100,
        approved=80,
        expected_pages=400,
        percent_done=20.0,
        change_7d=12,
    ),
    ProgressRow(unit="commune", key=OTHER, books=1, pages=3, processed=3, change_7d=0),
    ProgressRow(
        unit="commune",
        key=None,
        total=True,
        books=3,
        pages=123,
        processed=103,
        approved=80,
        change_7d=12,
    ),
]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Commune", "Scanned", "Total", "20.0%"]),
        ("vi", ["Xã", "Trang đã quét", "Tổng cộng"]),
    ],
)
def test_table_is_aligned_with_catalog_headers(
    monkeypatch: pytest.MonkeyPatch, lang: str, words: list[str]
) -> None:
    monkeypatch.setenv("HOTICH_LANG", lang)
    table = format_table(ROWS, "commune")
    for word in words:
        assert word in table
    lines = table.splitlines()
    header, rule = lines[2], lines[3]
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(header) == len(rule)
    assert "—" in lines[5]  # the other commune's unknown name and expected pages
    assert lines[6].startswith("-") and lines[7].startswith(
        "Total" if lang == "en" else "Tổng cộng"
    )


def test_json_lists_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(format_json(ROWS))
    assert [row["key"] for row in data] == [COMMUNE, OTHER, None]
    assert data[0]["name"] == "Đại Thành" and data[0]["percent_done"] == 20.0
    assert data[-1]["total"] is True and set(data[0]) == set(ProgressRow.model_fields)


def test_csv_has_bom_and_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTICH_LANG", "en")
    out = io.StringIO(newline="")
    format_csv(ROWS, "commune", out, labels=False)
    assert out.getvalue().startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.getvalue()[1:], newline="")))
    assert list(rows[0]) == list(columns("commune"))
    assert rows[0]["percent_done"] == "20.0" and rows[1]["expected_pages"] == ""
    assert rows[2]["commune"] == "Total" and rows[2]["pages"] == "123"
    labelled = io.StringIO(newline="")
    render(ROWS, "commune", "csv", labelled)
    assert labelled.getvalue().startswith("\ufeffCommune,Name,Books,Scanned")
