"""Progress rows as a terminal table, JSON or CSV; headers and labels from the message catalog
(``report.*`` in ``hotich/i18n/{vi,en}/report.toml``).

Numbers are plain integers, percentages have one decimal, dates are ISO 8601, and a figure not
known yet (expected pages before the inventory is loaded) is a dash in the table and empty in
CSV (``null`` in JSON).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from typing import Final, Literal, TextIO

from hotich.i18n import t
from hotich.loaders.progress import COUNTS, ProgressRow, Unit

Format = Literal["table", "json", "csv"]
FORMATS: Final[tuple[Format, ...]] = ("table", "json", "csv")
FIGURES: Final = (*COUNTS, "expected_pages", "percent_done", "change_7d", "projected_completion")
_LABELS: Final[dict[Unit, tuple[str, ...]]] = {
    "commune": ("commune", "name"),
    "district": ("province", "district"),
    "province": ("province",),
}


def columns(by: Unit) -> tuple[str, ...]:
    """The column keys of a report by ``by``: the unit's labels, then the figures."""
    return (*_LABELS[by], *FIGURES)


def _label(row: ProgressRow, column: str) -> str | None:
    if column == "commune":
        return row.key
    value = getattr(row, column)
    return None if value is None else str(value)


def cells(row: ProgressRow, by: Unit) -> list[str | int | float | None]:
    """A row's values in :func:`columns` order (labels as text, figures as numbers)."""
    labels = _LABELS[by]
    out: list[str | int | float | None] = []
    for i, column in enumerate(labels):
        if row.total:
            out.append(t("report.total") if i == 0 else "")
        else:
            value = _label(row, column)
            out.append(t("report.unknown") if value is None and column != "name" else value)
    for figure in FIGURES:
        raw = getattr(row, figure)
        if isinstance(raw, date):
            out.append(raw.isoformat())
        elif figure == "percent_done" and raw is not None:
            out.append(round(float(raw), 1))
        else:
            out.append(raw)
    return out


def _text(value: str | int | float | None, figure: str) -> str:
    if value is None:
        return t("report.none")
    if figure == "percent_done" and isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


def format_table(rows: Sequence[ProgressRow], by: Unit) -> str:
    """An aligned plain-text table (text left, numbers right), with a title and a rule above
    the total row."""
    keys = columns(by)
    header = [t(f"report.col.{key}") for key in keys]
    body = [[_text(v, key) for v, key in zip(cells(r, by), keys, strict=True)] for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(keys))]
    numeric = [key in FIGURES for key in keys]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [t(f"report.title.{by}"), "", line(header), line(["-" * w for w in widths])]
    for row, values in zip(rows, body, strict=True):
        if row.total:
            out.append(line(["-" * w for w in widths]))
        out.append(line(values))
    return "\n".join(out) + "\n"


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
        writer.writerow(["" if v is None else v for v in cells(row, by)])


def render(rows: Sequence[ProgressRow], by: Unit, fmt: Format, out: TextIO) -> None:
    """Write the report in ``fmt`` to ``out`` (what ``hotich report`` calls)."""
    if fmt == "table":
        out.write(format_table(rows, by))
    elif fmt == "json":
        out.write(format_json(rows))
    elif fmt == "csv":
        format_csv(rows, by, out)
    else:
        raise ValueError(f"unknown report format {fmt!r}; one of {FORMATS}")
