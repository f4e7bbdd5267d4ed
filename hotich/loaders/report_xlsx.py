"""The progress report as an Excel workbook (openpyxl), for offices that work in Excel.

Three sheets, headers from the catalog in the current language:

1. the report: one row per unit and the total row last, every column of
   :func:`~hotich.loaders.report_format.columns`. Counts are numbers, percentages are fractions
   shown with a percent format (``0.0%``: Excel writes them in the reader's own style), the
   projected completion is a date (``dd/mm/yyyy`` in Vietnamese, ISO in English), the late flag
   is the catalog's word. The header row is frozen and filters are on.
2. the weekly series: week (Monday, a date), pages done that week, cumulative.
3. about the report: its date, the deadline, the weeks the rate is averaged over.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hotich.i18n import current_lang, t
from hotich.loaders.progress import ProgressReport
from hotich.loaders.report_format import PERCENTS, RATES, cells, columns

PERCENT_FORMAT: Final = "0.0%"
RATE_FORMAT: Final = "0.0"
_MIN_WIDTH: Final = 8
_MAX_WIDTH: Final = 40


def _date_format() -> str:
    return "dd/mm/yyyy" if current_lang() == "vi" else "yyyy-mm-dd"


def _value(value: Any, figure: str) -> Any:
    if isinstance(value, bool):
        return t(f"report.late.{str(value).lower()}")
    if figure in PERCENTS and value is not None:
        return value / 100
    return value


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet.freeze_panes = "A2"


def _widths(sheet: Worksheet) -> None:
    for index, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((len(str(c.value)) for c in column[1:] if c.value is not None), default=0)
        title = max((len(word) for word in str(column[0].value or "").split()), default=0)
        width = min(max(longest, title, _MIN_WIDTH) + 2, _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _report_sheet(sheet: Worksheet, report: ProgressReport) -> None:
    keys = columns(report.by)
    sheet.title = t("report.xlsx.sheet_report")
    _header(sheet, [t(f"report.col.{key}") for key in keys])
    for row in report.rows:
        values = [_value(v, k) for v, k in zip(cells(row, report.by), keys, strict=True)]
        sheet.append(values)
        line = sheet.max_row
        for index, key in enumerate(keys, start=1):
            cell = sheet.cell(row=line, column=index)
            if key in PERCENTS:
                cell.number_format = PERCENT_FORMAT
            elif key in RATES:
                cell.number_format = RATE_FORMAT
            elif key == "projected_completion":
                cell.number_format = _date_format()
            if row.total:
                cell.font = Font(bold=True)
    # Filters over the units, not the total row (sorting must leave it last).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{max(sheet.max_row - 1, 1)}"
    _widths(sheet)


def _weekly_sheet(sheet: Worksheet, report: ProgressReport) -> None:
    sheet.title = t("report.xlsx.sheet_weekly")
    _header(sheet, [t("report.html.week"), t("report.html.added"), t("report.html.cumulative")])
    for point in report.weekly:
        sheet.append([point.week, point.added, point.done])
        sheet.cell(row=sheet.max_row, column=1).number_format = _date_format()
    _widths(sheet)


def _about_sheet(sheet: Worksheet, report: ProgressReport) -> None:
    sheet.title = t("report.xlsx.sheet_about")
    rows: list[tuple[str, date | int | str | None]] = [
        (t("report.xlsx.title"), t(f"report.title.{report.by}")),
        (t("report.xlsx.as_of"), report.today),
        (t("report.html.deadline_title"), report.deadline),
        (t("report.xlsx.rate_weeks"), report.rate_weeks),
    ]
    for label, value in rows:
        sheet.append([label, value])
        if isinstance(value, date):
            sheet.cell(row=sheet.max_row, column=2).number_format = _date_format()
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 36


def build_workbook(report: ProgressReport) -> Workbook:
    book = Workbook()
    _report_sheet(book.active, report)  # type: ignore[arg-type]
    _weekly_sheet(book.create_sheet(), report)
    _about_sheet(book.create_sheet(), report)
    return book


def write_xlsx(report: ProgressReport, path: Path) -> None:
    """Write the workbook to ``path`` (replaced if it exists)."""
    build_workbook(report).save(path)
