"""The HTML report as a browser shows it: ``hotich report --format html`` written for a province
with a known history (tests/progress_support.py), opened from disk in headless Chromium
(Playwright, Debian's /usr/bin/chromium), and its table cells, chart labels and sorting read
from the DOM and checked against the database. Every request the page makes is recorded and
refused: the file must stand alone.

Without /usr/bin/chromium these tests are skipped with the reason, except under CI (``$CI``
set), where they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from test_db_support import engine_fixture  # noqa: F401  (fixture)

from hotich.loaders.progress import ProgressRow, end_of_day, progress
from hotich.loaders.report_format import FIGURES, display
from tests.cli_helpers import hotich
from tests.progress_support import DEADLINE, NEW, NEW_NAME, TODAY, A, B, build_history

CHROMIUM = Path("/usr/bin/chromium")
AS_OF = ["--today", TODAY.isoformat(), "--deadline", DEADLINE.isoformat()]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium for the HTML report tests: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


class Opened:
    """A report opened in Chromium, with what happened while it loaded."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page: Page = browser.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.page.route(re.compile(r"^(?!file:).*"), self._refuse)
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)

    def _refuse(self, route: Route) -> None:
        route.abort()

    def texts(self, selector: str) -> list[str]:
        found: list[str] = self.page.eval_on_selector_all(
            selector, "elements => elements.map(e => e.textContent.trim())"
        )
        return found

    def table(self) -> tuple[list[str], list[list[str]], list[str]]:
        """Column keys, body rows and the total row, as the page shows them now."""
        keys: list[str] = self.page.eval_on_selector_all(
            "#progress-table thead th", "cells => cells.map(c => c.dataset.key)"
        )
        rows: list[list[str]] = self.page.eval_on_selector_all(
            "#progress-table tbody tr",
            "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
        )
        return keys, rows, self.texts("#progress-table tfoot td")


def _write_report(db_url: str, out: Path, lang: str = "vi") -> None:
    result = hotich(
        "report", "--format", "html", *AS_OF, "--db", db_url, "--out", str(out), lang=lang
    )
    assert result.code == 0, result
    assert out.stat().st_size > 0


def _database_rows(engine: Engine) -> list[ProgressRow]:
    with Session(engine) as session:
        return progress(session, now=end_of_day(TODAY), deadline=DEADLINE)


def _scanned_per_commune(engine: Engine) -> dict[str, int]:
    query = text(
        "SELECT c.key, COUNT(p.id) FROM communes c LEFT JOIN books b ON b.commune_id = c.id "
        "LEFT JOIN pages p ON p.book_id = b.id GROUP BY c.key"
    )
    with engine.connect() as connection:
        return {key: int(n) for key, n in connection.execute(query)}


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's own formatting, compared with the page, in the page's language."""
    monkeypatch.setenv("HOTICH_LANG", "vi")


@pytest.fixture
def history(engine: Engine) -> Engine:
    with Session(engine) as session:
        build_history(session)
    return engine


def test_the_table_shows_the_database_figures(
    browser: Browser, history: Engine, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "tiến-độ.html"
    _write_report(db_url, out)
    opened = Opened(browser, out)
    keys, rows, total = opened.table()
    assert keys == ["commune", "name", *FIGURES]
    by_key = {row[0]: dict(zip(keys, row, strict=True)) for row in rows}
    assert list(by_key) == [A, NEW, B]
    expected = {row.key: row for row in _database_rows(history)}
    for key, shown in by_key.items():
        for figure in FIGURES:
            assert shown[figure] == display(expected[key], figure), (key, figure)
    assert dict(zip(keys, total, strict=True))["approved"] == display(expected[None], "approved")
    # Independently of the library: the pages scanned, straight from the tables.
    scanned = _scanned_per_commune(history)
    assert {key: int(shown["pages"]) for key, shown in by_key.items()} == scanned
    # The known history, as a Vietnamese reader sees it (8 of 30 pages; 15 of 50 entries).
    assert by_key[A]["percent_done"] == "26,7 %" and by_key[A]["entries_percent"] == "30,0 %"
    assert by_key[NEW]["percent_done"] == "0,0 %" and by_key[B]["expected_pages"] == "≥3"
    assert by_key[NEW]["projected_completion"] == "— !"
    assert total[0] == "Tổng cộng" and "10/10/2025" in total[keys.index("projected_completion")]
    # A name from the CSV is text, never markup.
    assert by_key[NEW]["name"] == NEW_NAME
    assert opened.page.locator("#progress-table i").count() == 0
    summary = opened.texts("#summary-entries")[0]
    assert summary == "17/113 dữ liệu, đạt 15,0 %"
    assert opened.requests == [opened.url] and opened.errors == []


def test_charts_show_the_database_figures(
    browser: Browser, history: Engine, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    _write_report(db_url, out)
    opened = Opened(browser, out)
    rows = {row.key: row for row in _database_rows(history)}
    bars: list[dict[str, Any]] = opened.page.eval_on_selector_all(
        "#bar-chart g.bar",
        """bars => bars.map(b => ({key: b.dataset.key,
            label: b.querySelector('.bar-label').textContent,
            value: b.querySelector('.bar-value').textContent,
            width: parseFloat(b.querySelector('rect').getAttribute('width')),
            late: b.classList.contains('late')}))""",
    )
    assert [bar["key"] for bar in bars] == [NEW, A, B]  # lowest percent first
    for bar in bars:
        row = rows[bar["key"]]
        assert bar["value"] == display(row, "percent_done")
        assert bar["late"] is bool(row.late)
    assert bars[1]["label"] == "Đại Thành" and bars[2]["label"] == B  # no name: the key
    assert bars[2]["width"] == pytest.approx(bars[1]["width"] * (2 / 3) / (8 / 30), rel=0.01)
    labels = {
        kind: opened.texts(f"#weekly-chart .chart-label.{kind}")[0]
        for kind in ("expected", "deadline", "projection", "done")
    }
    total = rows[None]
    assert labels == {
        "expected": f"Tổng số trang dự kiến: {total.expected_pages}",
        "deadline": "Hạn chót 30/06/2025",
        "projection": "Dự kiến xong 10/10/2025",
        "done": f"Đã duyệt: {total.approved} trang",
    }
    weeks: list[list[str]] = opened.page.eval_on_selector_all(
        "#weekly-table tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
    )
    assert weeks[0] == ["20/01/2025", "1", "1"] and weeks[-1] == ["10/03/2025", "2", "10"]
    assert len(opened.page.locator("#weekly-chart circle.week").all()) == len(weeks) == 8
    assert opened.requests == [opened.url] and opened.errors == []


def test_a_click_on_a_header_sorts_the_table(
    browser: Browser, history: Engine, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    _write_report(db_url, out, lang="en")
    opened = Opened(browser, out)
    header = "#progress-table th[data-key='{}'] button"

    def order() -> list[str]:
        return [row[0] for row in opened.table()[1]]

    assert order() == [A, NEW, B]
    opened.page.click(header.format("percent_done"))
    assert order() == [NEW, A, B]
    assert opened.page.get_attribute(
        "#progress-table th[data-key='percent_done']", "aria-sort"
    ) == ("ascending")
    opened.page.click(header.format("percent_done"))
    assert order() == [B, A, NEW]
    opened.page.click(header.format("pages"))  # 10, 0, 3 scanned
    assert order() == [NEW, B, A]
    opened.page.click(header.format("projected_completion"))  # unknown dates go last
    assert order() == [B, A, NEW]
    _, _, total = opened.table()
    assert total[0] == "Total"  # the total row stays at the bottom
    keys, rows, _ = opened.table()
    assert rows[0][keys.index("percent_done")] == "66.7%"  # English style
    assert opened.requests == [opened.url] and opened.errors == []


def test_an_empty_database_still_makes_a_report(
    browser: Browser, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "empty.html"
    _write_report(db_url, out, lang="en")
    opened = Opened(browser, out)
    assert opened.table()[1] == []
    assert "No page approved yet." in opened.texts("#weekly-chart .chart-label.empty")
    assert opened.requests == [opened.url] and opened.errors == []


def test_the_file_names_nothing_outside_itself(
    history: Engine, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    _write_report(db_url, out)
    html = out.read_text("utf-8")
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(|https?://""", html)
    assert "default-src 'none'" in html
