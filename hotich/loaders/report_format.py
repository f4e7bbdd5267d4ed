"""Progress reports as a terminal table, JSON or CSV (HTML: :mod:`.report_html`; XLSX:
:mod:`.report_xlsx`); headers and labels from the message catalog (``report.*`` in
``hotich/i18n/{vi,en}/report.toml``).

* **table**, for people at a terminal: numbers in the language's style (``1.234``, ``44,5 %``,
  ``31/12/2024`` in Vietnamese), the main figures only (:data:`TABLE_FIGURES`), headers wrapped
  on two lines to keep columns narrow, and notes under it: the report's date, how the rate is
  counted, the deadline. ``≥`` marks expected pages that include scanned books missing from the
  inventory (a floor); ``!`` marks a projected date after the deadline (or none while pages
  remain).
* **json**: an array of every field of :class:`~hotich.loaders.progress.ProgressRow` (dates
  ISO 8601, percentages unrounded, ``null`` for an unknown figure).
* **csv**: every column of :func:`columns`; plain integers, percentages and rates with one
  decimal, dates ISO 8601, ``true``/``false`` for the late flag, empty for an unknown figure.
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import Final, Literal, TextIO

from hotich.i18n import t
from hotich.loaders import localized
from hotich.loaders.progress import RATE_WEEKS, ProgressReport, ProgressRow, Unit

Format = Literal["table", "json", "csv", "html", "xlsx"]
FORMATS: Final[tuple[Format, ...]] = ("table", "json", "csv", "html", "xlsx")
FIGURES: Final = (
    "books",
    "books_uninventoried",
    "expected_pages",
    "pages",
    "processed",
    "needs_review",
    "approved",
    "staged",
    "quarantined",
    "percent_done",
    "entries",
    "entries_done",
    "expected_entries",
    "entries_percent",
    "change_7d",
    "pages_per_week",
    "projected_completion",
    "late",
)
TABLE_FIGURES: Final = (
    "books",
    "expected_pages",
    "pages",
    "needs_review",
    "approved",
    "staged",
    "quarantined",
    "percent_done",
    "entries_percent",
    "change_7d",
    "pages_per_week",
    "projected_completion",
)
PERCENTS: Final = ("percent_done", "entries_percent")
RATES: Final = ("pages_per_week",)
_LABELS: Final[dict[Unit, tuple[str, ...]]] = {
    "commune": ("commune", "name"),
    "district": ("province", "district"),
    "province": ("province",),
}

Value = str | int | float | bool | date | None


def label_columns(by: Unit) -> tuple[str, ...]:
    return _LABELS[by]


def columns(by: Unit) -> tuple[str, ...]:
    """The column keys of a report by ``by``: the unit's labels, then the figures."""
    return (*_LABELS[by], *FIGURES)


def labels(row: ProgressRow, by: Unit) -> list[str | None]:
    """The row's label cells: "Total" on the total row, "(unknown)" for a district or province
    the inventory has not named yet, None for a commune without a name."""
    out: list[str | None] = []
    for i, column in enumerate(_LABELS[by]):
        if row.total:
            out.append(t("report.total") if i == 0 else "")
            continue
        value = row.key if column == "commune" else getattr(row, column)
        out.append(t("report.unknown") if value is None and column != "name" else value)
    return out


def cells(row: ProgressRow, by: Unit) -> list[Value]:
    """A row's values in :func:`columns` order: labels as text, figures as they are."""
    return [*labels(row, by), *(getattr(row, figure) for figure in FIGURES)]


def csv_value(value: Value, figure: str) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and figure in (*PERCENTS, *RATES):
        return localized.rounded(value, 1)
    return value


def display(row: ProgressRow, figure: str) -> str:
    """One figure as people read it, in the current language (see the module docstring)."""
    value = getattr(row, figure)
    if figure == "projected_completion":
        text = t("report.none") if value is None else localized.day(value)
        return f"{text} !" if row.late else text
    if figure == "late":
        return t("report.none") if value is None else t(f"report.late.{str(value).lower()}")
    if value is None:
        return t("report.none")
    if figure in PERCENTS:
        return localized.percent(value)
    if figure in RATES:
        return localized.decimal(value, 1)
    text = localized.integer(value)
    return f"≥{text}" if figure == "expected_pages" and row.books_uninventoried else text


def _header_cell(label: str, width: int) -> tuple[int, list[str]]:
    """The narrowest width (at least ``width``) that fits ``label`` on two lines, and them."""
    longest = max((len(word) for word in label.split()), default=0)
    for candidate in range(max(width, longest), len(label) + 1):
        lines = textwrap.wrap(label, candidate)
        if len(lines) <= 2:
            return candidate, [""] * (2 - len(lines)) + lines
    return max(width, len(label)), ["", label]


def format_table(
    rows: Sequence[ProgressRow],
    by: Unit,
    *,
    today: date | None = None,
    deadline: date | None = None,
) -> str:
    """An aligned plain-text table (text left, numbers right), with a title, a rule above the
    total row and notes under it (the report's date, when ``today`` is given)."""
    keys = (*_LABELS[by], *TABLE_FIGURES)
    body = [
        [t("report.none") if v is None else v for v in labels(row, by)]
        + [display(row, figure) for figure in TABLE_FIGURES]
        for row in rows
    ]
    widths, headers = [], []
    for i, key in enumerate(keys):
        width, lines = _header_cell(t(f"report.col.{key}"), max(len(b[i]) for b in body))
        widths.append(width)
        headers.append(lines)
    numeric = [key in TABLE_FIGURES for key in keys]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = line(["-" * w for w in widths])
    out = [t(f"report.title.{by}"), ""]
    out += [line([h[0] for h in headers]), line([h[1] for h in headers]), rule]
    for row, values in zip(rows, body, strict=True):
        if row.total:
            out.append(rule)
        out.append(line(values))
    out.append("")
    out += _notes(rows, today, deadline)
    return "\n".join(out).rstrip("\n") + "\n"


def _notes(rows: Sequence[ProgressRow], today: date | None, deadline: date | None) -> list[str]:
    notes = []
    if today is not None:
        notes.append(t("report.note.as_of", today=localized.day(today), weeks=RATE_WEEKS))
    if deadline is not None:
        notes.append(t("report.note.deadline", deadline=localized.day(deadline)))
    elif today is not None:
        notes.append(t("report.note.no_deadline"))
    if any(row.books_uninventoried for row in rows):
        notes.append(t("report.note.floor"))
    return notes


def format_json(rows: Sequence[ProgressRow]) -> str:
    """A JSON array of the rows (every field of :class:`ProgressRow`; dates ISO)."""
    data = [row.model_dump(mode="json") for row in rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_csv(rows: Sequence[ProgressRow], by: Unit, out: TextIO, *, labels: bool = True) -> None:
    """CSV with a header row: column titles from the catalog (``labels=False``: the stable
    column keys, for scripts). ``out``: UTF-8 text opened with ``newline=""``."""
    # A byte order mark first, so Excel on Windows reads the Vietnamese as UTF-8.
    out.write("\ufeff")
    keys = columns(by)
    writer = csv.writer(out)
    writer.writerow([t(f"report.col.{key}") for key in keys] if labels else keys)
    for row in rows:
        writer.writerow([csv_value(v, k) for v, k in zip(cells(row, by), keys, strict=True)])


def render(report: ProgressReport, fmt: Format, out: TextIO) -> None:
    """Write the report in a text format (table, json, csv, html) to ``out``."""
    if fmt == "table":
        out.write(
            format_table(report.rows, report.by, today=report.today, deadline=report.deadline)
        )
    elif fmt == "json":
        out.write(format_json(report.rows))
    elif fmt == "csv":
        format_csv(report.rows, report.by, out)
    elif fmt == "html":
        from hotich.loaders.report_html import format_html

        out.write(format_html(report))
    else:
        raise ValueError(f"{fmt!r} is not a text format; one of table, json, csv, html")
