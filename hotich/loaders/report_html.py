"""The progress report as one self-contained HTML file: no network, no external file.

What it holds, all text from the catalog (``report.html.*``) in the current language and all
numbers in its style (``44,5 %`` in Vietnamese):

* a summary of the total: pages done of expected, entries done of expected (the Ministry's
  "642.806/1.443.893 dữ liệu, 44,5 %"), the rate, the projection and the deadline;
* the table of every unit and figure, sortable by a click on a column header (a small inline
  script; each cell carries its raw value in ``data-sort``, so numbers sort as numbers);
* a bar chart of percent done per unit of the report (lowest first: the units that need help
  are on top);
* a line chart of pages done per week, cumulative, with the projection at the current rate to
  the projected date, the expected total and the deadline.

The charts are SVG drawn here, on the server side, so they show the same in every browser, need
no script, and can be read back from the DOM by tests. Jinja2 escapes every text (commune names
come from a CSV file); a Content-Security-Policy forbids any request, so the page works offline
and cannot leak anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from hotich import __version__
from hotich.i18n import current_lang, t
from hotich.loaders import localized
from hotich.loaders.progress import ProgressReport, ProgressRow
from hotich.loaders.report_format import FIGURES, display, label_columns, labels

BAR_WIDTH: Final = 760
BAR_LABEL: Final = 230
BAR_AREA: Final = 440
BAR_ROW: Final = 22
LINE_WIDTH: Final = 760
LINE_HEIGHT: Final = 340
MARGIN: Final = {"left": 70, "right": 24, "top": 24, "bottom": 44}
MAX_LABEL: Final = 32
MAX_AHEAD: Final = timedelta(days=366)
"""The line chart reaches at most this far past today or the deadline (a far projection is
drawn to the edge)."""


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    sort: str
    """The raw value the table sorts by (a number, or text)."""
    numeric: bool
    css: str = ""


@dataclass(frozen=True, slots=True)
class Bar:
    key: str
    label: str
    title: str
    y: float
    width: float
    value: str
    late: bool


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True, slots=True)
class Marker:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hotich.loaders", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _asset(name: str) -> Markup:
    """An inline stylesheet or script of ours (never user text)."""
    text = resources.files("hotich.loaders").joinpath("templates", name).read_text("utf-8")
    return Markup(text)  # our own static file, never user text


def format_html(report: ProgressReport) -> str:
    """The whole HTML document."""
    template = _environment().get_template("report.html")
    return template.render(
        lang=current_lang(),
        t=t,
        css=_asset("report.css"),
        js=_asset("report.js"),
        version=__version__,
        report=report,
        summary=_summary(report),
        headers=_headers(report),
        rows=[_cells(row, report) for row in report.units],
        total=_cells(report.total, report),
        bars=_bars(report),
        bar_height=len(report.units) * BAR_ROW + 30,
        bar_ticks=[Tick(BAR_LABEL + BAR_AREA * p / 100, localized.percent(p)) for p in _QUARTERS],
        bar_chart={"width": BAR_WIDTH, "label": BAR_LABEL, "area": BAR_AREA, "row": BAR_ROW},
        line=_line_chart(report),
        weeks=[
            (localized.day(p.week), localized.integer(p.added), localized.integer(p.done))
            for p in report.weekly
        ],
        floor=any(row.books_uninventoried for row in report.rows),
    )


_QUARTERS: Final = (0, 25, 50, 75, 100)


def _summary(report: ProgressReport) -> dict[str, str]:
    total = report.total
    out = {
        "as_of": t("report.html.as_of", today=localized.day(report.today)),
        "pages": t(
            "report.html.pages_summary",
            done=localized.integer(total.approved),
            expected=display(total, "expected_pages"),
            percent=display(total, "percent_done"),
        ),
        "note_as_of": t(
            "report.note.as_of", today=localized.day(report.today), weeks=report.rate_weeks
        ),
        "note_deadline": "",
        "rate": t(
            "report.html.rate",
            rate=display(total, "pages_per_week"),
            weeks=report.rate_weeks,
            change=localized.integer(total.change_7d or 0),
        ),
    }
    if total.expected_entries is None:
        out["entries"] = t(
            "report.html.entries_unknown", done=localized.integer(total.entries_done)
        )
    else:
        out["entries"] = t(
            "report.html.entries_summary",
            done=localized.integer(total.entries_done),
            expected=localized.integer(total.expected_entries),
            percent=display(total, "entries_percent"),
        )
    if total.projected_completion is not None:
        out["projection"] = t(
            "report.html.projection", date=localized.day(total.projected_completion)
        )
    else:
        out["projection"] = t("report.html.no_projection")
    if report.deadline is None:
        out["deadline"] = t("report.note.no_deadline")
    else:
        out["note_deadline"] = t("report.note.deadline", deadline=localized.day(report.deadline))
        verdict = t("report.late.true" if total.late else "report.late.false")
        out["deadline"] = t(
            "report.html.deadline", deadline=localized.day(report.deadline), verdict=verdict
        )
    return out


def _headers(report: ProgressReport) -> list[tuple[str, str, bool]]:
    keys = (*label_columns(report.by), *FIGURES)
    return [(key, t(f"report.col.{key}"), key in FIGURES) for key in keys]


def _sort_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, date):
        return str(value.toordinal())
    return str(value)


def _cells(row: ProgressRow, report: ProgressReport) -> list[Cell]:
    out = [
        Cell(t("report.none") if text is None else text, text or "", numeric=False)
        for text in labels(row, report.by)
    ]
    for figure in FIGURES:
        value = getattr(row, figure)
        css = "late" if figure in ("late", "projected_completion") and row.late else ""
        out.append(Cell(display(row, figure), _sort_value(value), numeric=True, css=css))
    return out


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _bars(report: ProgressReport) -> list[Bar]:
    ordered = sorted(
        report.units, key=lambda r: (r.percent_done is not None, r.percent_done or 0.0)
    )
    bars = []
    for i, row in enumerate(ordered):
        name = row.name or row.key or t("report.unknown")
        value = display(row, "percent_done")
        title = t(
            "report.html.bar_title",
            name=name,
            percent=value,
            done=localized.integer(row.approved),
            expected=display(row, "expected_pages"),
        )
        bars.append(
            Bar(
                key=row.key or "",
                label=_short(name),
                title=title,
                y=30 + i * BAR_ROW,
                width=BAR_AREA * min(row.percent_done or 0.0, 100.0) / 100,
                value=value,
                late=bool(row.late),
            )
        )
    return bars


def _nice_step(top: float) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) giving about five ticks up to ``top``."""
    raw = max(top / 5, 1)
    power = int(10 ** (len(str(int(raw))) - 1))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def _day_tick(x: Callable[[date], float], day: date) -> Tick:
    return Tick(x(day), localized.day(day))


def _line_chart(report: ProgressReport) -> dict[str, Any]:
    """Coordinates of the weekly chart: the cumulative line, the projection, the expected total
    and the deadline, with axis ticks."""
    total, today = report.total, report.today
    start = report.weekly[0].week if report.weekly else today - timedelta(weeks=4)
    end = today + timedelta(weeks=1)
    for candidate in (report.deadline, total.projected_completion):
        if candidate is not None:
            end = max(end, candidate)
    end = min(end, max(today, report.deadline or today) + MAX_AHEAD)
    expected = total.expected_pages or 0
    top = max(expected, max((p.done for p in report.weekly), default=0), 1) * 1.2
    left, right = MARGIN["left"], LINE_WIDTH - MARGIN["right"]
    upper, lower = MARGIN["top"], LINE_HEIGHT - MARGIN["bottom"]
    span = (end - start).days or 1

    def x(day: date) -> float:
        return round(left + (right - left) * (day - start).days / span, 1)

    def y(pages: float) -> float:
        return round(lower - (lower - upper) * pages / top, 1)

    points: list[tuple[float, float, str]] = []
    if report.weekly:
        first = report.weekly[0]
        points.append((x(first.week), y(first.done - first.added), ""))
    for point in report.weekly:
        until = min(point.week + timedelta(days=7), today)
        text = t(
            "report.html.week_point",
            week=localized.day(point.week),
            added=localized.integer(point.added),
            done=localized.integer(point.done),
        )
        points.append((x(until), y(point.done), text))
    step = _nice_step(top)
    chart: dict[str, Any] = {
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "left": left,
        "right": right,
        "top": upper,
        "bottom": lower,
        "points": points,
        "polyline": " ".join(f"{px},{py}" for px, py, _ in points),
        "y_ticks": [
            Tick(y(v), localized.integer(v)) for v in range(0, int(top) + 1, step) if v <= top
        ],
        "x_ticks": [_day_tick(x, start + timedelta(days=span * i // 5)) for i in range(6)],
        "expected": None,
        "deadline": None,
        "projection": None,
        "done": None,
    }
    if expected:
        text = t("report.html.expected_line", n=localized.integer(expected))
        chart["expected"] = Marker(left, y(expected), right, y(expected), text)
    if report.deadline is not None and start <= report.deadline <= end:
        text = t("report.html.deadline_line", date=localized.day(report.deadline))
        chart["deadline"] = Marker(x(report.deadline), upper, x(report.deadline), lower, text)
    if report.weekly:
        text = t("report.html.done_point", n=localized.integer(total.approved))
        chart["done"] = Marker(x(today), y(total.approved), x(today), y(total.approved), text)
    projected = total.projected_completion
    if projected is not None and projected > today and expected > total.approved:
        until = min(projected, end)
        reach = total.approved + (expected - total.approved) * (until - today).days / max(
            (projected - today).days, 1
        )
        text = t("report.html.projection_line", date=localized.day(projected))
        chart["projection"] = Marker(x(today), y(total.approved), x(until), y(reach), text)
    return chart
