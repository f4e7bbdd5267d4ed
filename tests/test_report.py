"""Progress figures on hand-built pages and on a province with a known history
(tests/progress_support.py), and their table / JSON / CSV / XLSX forms, by the library and by
``hotich report``."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, event, select, update
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
from hotich.i18n import catalog
from hotich.loaders.progress import (
    ProgressRow,
    end_of_day,
    progress,
    progress_report,
    weekly_progress,
)
from hotich.loaders.report_format import columns, format_csv, format_json, format_table, render
from tests.cli_helpers import hotich
from tests.progress_support import (
    DEADLINE,
    NEW,
    NEW_NAME,
    NOW,
    TODAY,
    A,
    B,
    build_history,
)

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
    """Commune A: 8 pages in 2 books; commune B: 1 page. Neither is in an inventory."""
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
    session.execute(
        update(EntryRow)
        .where(EntryRow.page_id == p5.id)
        .values(approved_at=datetime.now(UTC) - timedelta(days=10))
    )
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


# Entries: current, not rejected (page 6 has one rejected, the death entry is rejected, the
# superseded reading of B's page is history); 6 of them approved or staged. Pages done: 1
# (machine), 5 (staged), 6.
COMMUNE_A = dict(
    books=2,
    pages=8,
    processed=6,
    needs_review=1,
    approved=3,
    staged=1,
    quarantined=1,
    entries=7,
    entries_done=6,
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
    entries_done=0,
    change_7d=0,
)
TOTAL = {key: COMMUNE_A[key] + COMMUNE_B[key] for key in COMMUNE_A}


def _figures(row: ProgressRow) -> dict[str, int | None]:
    return {key: getattr(row, key) for key in COMMUNE_A}


def test_progress_by_commune(session: Session) -> None:
    _build(session)
    a, b, total = progress(session, "commune")
    assert (a.key, a.name, a.district, a.province) == (COMMUNE, "Đại Thành", "Yên Thành", "Nghệ An")
    assert (b.key, b.name, b.total, total.total, total.key) == (OTHER, None, False, True, None)
    assert (_figures(a), _figures(b), _figures(total)) == (COMMUNE_A, COMMUNE_B, TOTAL)
    # No inventory: every book counts with the pages scanned, as a floor, and says so.
    assert (a.books_uninventoried, a.expected_pages, a.percent_done) == (2, 8, 100 * 3 / 8)
    assert (total.books_uninventoried, total.expected_pages) == (3, 9)
    assert a.expected_entries == 7 and a.entries_percent == pytest.approx(100 * 6 / 7)
    assert a.late is None  # no deadline


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
    assert total.expected_pages == 0 and total.percent_done is None
    assert weekly_progress(session) == []


def test_unknown_unit_is_refused(session: Session) -> None:
    with pytest.raises(ValueError):
        progress(session, "village")  # type: ignore[arg-type]


# --- a province with a known history (tests/progress_support.py) ------------------------------

# Pages done (all current entries approved or staged) by commune, with days before NOW:
#   A: births 1, 2 (40), 3 (5: its later entry), 4 (20), 5 (10), 6 (2), 7 (1); deaths 1 (3)
#   B: 1 (15), 2 (50).   NEW: nothing.
# Expected pages: A 20 + 10; NEW 30; B not in the inventory: its 3 scanned pages.
# Rate: pages done in the last 28 days / 4. Projection: today + ⌈remaining · 7 / rate⌉ days.
EXPECTED: dict[str | None, dict[str, Any]] = {
    A: dict(
        books=2,
        books_uninventoried=0,
        expected_pages=30,
        pages=10,
        processed=9,
        needs_review=1,
        approved=8,
        staged=1,
        quarantined=1,
        entries=16,
        entries_done=15,
        expected_entries=40 + 10,
        change_7d=4,  # births 3, 6, 7 and deaths 1
        pages_per_week=6 / 4,  # births 3, 4, 5, 6, 7 and deaths 1
        projected_completion=TODAY + timedelta(days=103),  # ⌈22 · 7 / 1.5⌉
        late=False,
    ),
    NEW: dict(
        books=1,
        books_uninventoried=0,
        expected_pages=30,
        pages=0,
        approved=0,
        entries=0,
        expected_entries=60,
        change_7d=0,
        pages_per_week=0.0,
        projected_completion=None,  # no progress at all: late
        late=True,
    ),
    B: dict(
        books=1,
        books_uninventoried=1,
        expected_pages=3,
        pages=3,
        approved=2,
        entries=3,
        entries_done=2,
        expected_entries=3,
        change_7d=0,
        pages_per_week=1 / 4,
        projected_completion=TODAY + timedelta(days=28),  # ⌈1 · 7 / 0.25⌉
        late=False,
    ),
    None: dict(
        books=4,
        books_uninventoried=1,
        expected_pages=63,
        pages=13,
        approved=10,
        entries=19,
        entries_done=17,
        expected_entries=113,
        change_7d=4,
        pages_per_week=7 / 4,
        projected_completion=TODAY + timedelta(days=212),  # ⌈53 · 7 / 1.75⌉
        late=True,
    ),
}


def test_history_figures(session: Session) -> None:
    build_history(session)
    rows = progress(session, "commune", now=NOW, deadline=DEADLINE)
    assert [row.key for row in rows] == [A, NEW, B, None]
    for row in rows:
        want = EXPECTED[row.key]
        assert {key: getattr(row, key) for key in want} == want, row.key
        assert row.percent_done == pytest.approx(100 * want["approved"] / want["expected_pages"])
        done = want.get("entries_done", 0)
        assert row.entries_percent == pytest.approx(100 * done / want["expected_entries"])
    assert rows[1].name == NEW_NAME and rows[1].percent_done == 0.0  # in the inventory only


def test_without_deadline_nothing_is_late_and_a_later_deadline_is_met(session: Session) -> None:
    build_history(session)
    assert {row.late for row in progress(session, now=NOW)} == {None}
    later = TODAY + timedelta(days=212)
    assert not progress(session, now=NOW, deadline=later)[-1].late
    assert progress(session, now=NOW, deadline=later - timedelta(days=1))[-1].late


def test_a_finished_unit_is_projected_on_the_day_it_finished(session: Session) -> None:
    build_history(session)
    # B's last page: approved 1 day before NOW; B is then done (3 of 3 pages).
    page = _page(session, B, MARRIAGES, 3)
    session.execute(
        update(EntryRow)
        .where(EntryRow.page_id == page.id)
        .values(status="approved", approved_at=NOW - timedelta(days=1))
    )
    session.commit()
    b = progress(session, now=NOW, deadline=TODAY - timedelta(days=1))[2]
    assert (b.key, b.percent_done, b.projected_completion) == (B, 100.0, TODAY - timedelta(days=1))
    assert b.late is False


def test_a_missing_expected_entries_makes_the_entries_total_unknown(session: Session) -> None:
    build_history(session)
    session.execute(update(Book).where(Book.key == DEATHS).values(expected_entries=None))
    session.commit()
    a, new, _b, total = progress(session, now=NOW)
    assert a.expected_entries is None and a.entries_percent is None
    assert total.expected_entries is None and new.expected_entries == 60


def test_weekly_series(session: Session) -> None:
    build_history(session)
    weeks = weekly_progress(session, now=NOW)
    # Mondays from the week of the first page done (50 days before NOW, Tuesday 21 January)
    # to the week of NOW (Wednesday 12 March).
    assert [w.week for w in weeks] == [date(2025, 1, 20) + timedelta(weeks=i) for i in range(8)]
    # 21/1: B2; 31/1: A1, A2; 20/2: A4; 25/2: B1; 2/3 (a Sunday): A5; 7/3: A3; 9/3: deaths 1;
    # 10/3 and 11/3: A6, A7.
    assert [w.added for w in weeks] == [1, 2, 0, 0, 1, 2, 2, 2]
    assert [w.done for w in weeks] == [1, 3, 3, 3, 4, 6, 8, 10]
    short = weekly_progress(session, now=NOW, weeks=3)
    assert [(w.week, w.done) for w in short] == [(w.week, w.done) for w in weeks[-3:]]
    only_b = weekly_progress(session, now=NOW, communes=[B])
    assert only_b[-1].done == 2 and only_b[0].week == date(2025, 1, 20)


def test_a_report_as_of_an_earlier_day(session: Session) -> None:
    build_history(session)
    report = progress_report(session, now=end_of_day(date(2025, 3, 8)))
    assert report.today == date(2025, 3, 8)
    # Seven days up to the end of 8 March: A5 (2/3) and A3 (7/3); deaths 1 (9/3), A6 and A7
    # came later.
    assert report.total.change_7d == 2
    assert report.weekly[-1].week == date(2025, 3, 3) and report.weekly[-1].done == 7


def test_communes_filter(session: Session) -> None:
    build_history(session)
    rows = progress(session, now=NOW, communes=[A, B])
    assert [row.key for row in rows] == [A, B, None]
    assert rows[-1].approved == 10 and rows[-1].expected_pages == 33


def test_one_query_for_the_figures_three_for_the_report(engine: Engine, session: Session) -> None:
    """Figures are aggregated in SQL: the number of queries does not grow with the pages."""
    build_history(session)
    statements: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT"):
            statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        progress(session, now=NOW)
        assert len(statements) == 1
        progress_report(session, now=NOW)
        assert len(statements) == 1 + 3
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- formats ------------------------------------------------------------------------------------

ROWS = [
    ProgressRow(
        unit="commune",
        key=COMMUNE,
        name="Đại Thành",
        books=2,
        pages=1200,
        processed=1000,
        approved=800,
        expected_pages=4000,
        percent_done=20.0,
        change_7d=12,
        pages_per_week=10.5,
        projected_completion=date(2026, 1, 5),
        late=True,
    ),
    ProgressRow(
        unit="commune",
        key=OTHER,
        books=1,
        books_uninventoried=1,
        pages=3,
        processed=3,
        expected_pages=3,
        change_7d=0,
    ),
    ProgressRow(
        unit="commune",
        key=None,
        total=True,
        books=3,
        pages=1203,
        processed=1003,
        approved=800,
        change_7d=12,
    ),
]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Commune", "Scanned", "Total", "20.0%", "1,200", "2026-01-05 !", "≥3", "10.5"]),
        ("vi", ["Xã", "quét", "Tổng cộng", "20,0 %", "1.200", "05/01/2026 !", "≥3", "10,5"]),
    ],
)
def test_table_is_aligned_with_catalog_headers(
    monkeypatch: pytest.MonkeyPatch, lang: str, words: list[str]
) -> None:
    monkeypatch.setenv("HOTICH_LANG", lang)
    table = format_table(ROWS, "commune", today=date(2025, 3, 12), deadline=DEADLINE)
    for word in words:
        assert word in table
    lines = table.splitlines()
    rule = lines[4]
    assert set(rule.replace(" ", "")) == {"-"}
    assert max(len(line) for line in lines[2:9]) <= len(rule)
    assert len(rule) < 160  # fits a wide terminal
    assert "—" in lines[6]  # the other commune's unknown name
    assert lines[7].startswith("-") and lines[8].startswith(
        "Total" if lang == "en" else "Tổng cộng"
    )
    notes = "\n".join(lines[9:])
    assert ("30/06/2025" if lang == "vi" else "2025-06-30") in notes and "≥" in notes


def test_json_lists_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(format_json(ROWS))
    assert [row["key"] for row in data] == [COMMUNE, OTHER, None]
    assert data[0]["name"] == "Đại Thành" and data[0]["percent_done"] == 20.0
    assert data[0]["projected_completion"] == "2026-01-05" and data[0]["late"] is True
    assert data[-1]["total"] is True and set(data[0]) == set(ProgressRow.model_fields)


def test_csv_has_bom_and_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTICH_LANG", "en")
    out = io.StringIO(newline="")
    format_csv(ROWS, "commune", out, labels=False)
    assert out.getvalue().startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.getvalue()[1:], newline="")))
    assert list(rows[0]) == list(columns("commune"))
    assert rows[0]["percent_done"] == "20.0" and rows[1]["percent_done"] == ""
    assert rows[0]["projected_completion"] == "2026-01-05" and rows[0]["late"] == "true"
    assert rows[2]["commune"] == "Total" and rows[2]["pages"] == "1203"


def test_render_csv_with_labels(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTICH_LANG", "en")
    build_history(session)
    labelled = io.StringIO(newline="")
    render(progress_report(session, now=NOW, deadline=DEADLINE), "csv", labelled)
    assert labelled.getvalue().startswith("\ufeffCommune,Name,Books,Books not in inventory")
    rows = list(csv.reader(io.StringIO(labelled.getvalue()[1:], newline="")))
    assert [row[0] for row in rows[1:]] == [A, NEW, B, "Total"]
    assert rows[1][columns("commune").index("percent_done")] == "26.7"  # 8 of 30 pages


# --- the command ----------------------------------------------------------------------------------


def _history_db(engine: Engine) -> None:
    with Session(engine) as session:
        build_history(session)


def test_report_command_json_and_table(engine: Engine, db_url: str) -> None:
    _history_db(engine)
    as_of = ["--today", "2025-03-12", "--deadline", "2025-06-30", "--db", db_url]
    result = hotich("report", "--format", "json", *as_of)
    assert result.code == 0, result
    rows = json.loads(result.out)
    # --today: as of the end of 12 March, so one more page (none) but the same 7 days.
    total = rows[-1]
    assert (total["approved"], total["change_7d"], total["late"]) == (10, 4, True)
    assert total["projected_completion"] == (TODAY + timedelta(days=212)).isoformat()
    table = hotich("report", "--by", "district", *as_of, lang="en")
    assert table.code == 0, table
    assert "Yên Thành" in table.out and "2025-06-30" in table.out and "!" in table.out


def test_report_command_xlsx(engine: Engine, db_url: str, tmp_path: Path) -> None:
    _history_db(engine)
    out = tmp_path / "tiến-độ.xlsx"
    args = ["--format", "xlsx", "--today", "2025-03-12", "--deadline", "2025-06-30"]
    result = hotich("report", *args, "--db", db_url, "--out", str(out))
    assert result.code == 0, result
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    vi = catalog("vi")
    assert header == [vi[f"report.col.{key}"] for key in columns("commune")]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    a, total = rows[A], rows[vi["report.total"]]
    col = {key: i for i, key in enumerate(columns("commune"))}
    assert a[col["name"]].value == "Đại Thành" and rows[NEW][col["name"]].value == NEW_NAME
    assert a[col["expected_pages"]].value == 30 and a[col["approved"]].value == 8
    percent = a[col["percent_done"]]
    assert percent.value == pytest.approx(8 / 30) and "%" in percent.number_format
    projected = total[col["projected_completion"]]
    assert projected.is_date and projected.value.date() == TODAY + timedelta(days=212)
    assert rows[NEW][col["projected_completion"]].value is None
    weekly = book.worksheets[1]
    series = [(r[0].value.date(), r[1].value, r[2].value) for r in weekly.iter_rows(min_row=2)]
    assert series[0] == (date(2025, 1, 20), 1, 1) and series[-1] == (date(2025, 3, 10), 2, 10)


def test_report_command_xlsx_needs_out(db_url: str) -> None:
    result = hotich("report", "--format", "xlsx", "--db", db_url, lang="en")
    assert result.code == 2 and "--out" in result.err


def test_report_command_refuses_a_bad_date(db_url: str) -> None:
    result = hotich("report", "--deadline", "31/12/2024", "--db", db_url)
    assert result.code == 2 and "--deadline" in result.err
