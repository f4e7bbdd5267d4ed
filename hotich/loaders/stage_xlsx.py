"""Write one book's import workbook: the ``DL Import`` sheet (a header row as the template writes
it, one row per registration) and the ``Ghi chu`` sheet of code lists.

Every text is written as text (a value that starts with ``=`` stays a value, never a formula;
an ID keeps its leading zeros), with the text number format ``@`` the template gives its
columns. ``STT`` and ``trangSo`` are numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hotich.loaders.stage_rules import CellValue
from hotich.loaders.stage_spec import RegisterSpec

TEXT_FORMAT: Final = "@"
ROW_NUMBER: Final = "STT"
_HEADER_FONT: Final = Font(bold=True)
_HEADER_ALIGN: Final = Alignment(wrap_text=True, vertical="top")


def write_workbook(path: Path, spec: RegisterSpec, rows: Sequence[dict[str, CellValue]]) -> None:
    """Write ``rows`` (column name → value; missing columns stay empty) to ``path``.

    ``STT`` is the row's position (1, 2, …)."""
    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has a sheet
        raise RuntimeError("openpyxl gave a workbook without a sheet")
    sheet.title = spec.sheet
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.data_type = "s"
        cell.font = _HEADER_FONT
        cell.alignment = _HEADER_ALIGN
        if column.name != ROW_NUMBER:
            cell.number_format = TEXT_FORMAT
        first_line = column.header.split("\n", 1)[0]
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(first_line) + 3)
    for row_no, values in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            value: CellValue | None = (
                row_no - 1 if column.name == ROW_NUMBER else values.get(column.name)
            )
            if value is None or value == "":
                continue
            cell = sheet.cell(row=row_no, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                cell.number_format = TEXT_FORMAT
    notes = book.create_sheet(spec.ghi_chu_sheet)
    for item in spec.ghi_chu:
        cell = notes[item.cell]
        cell.value = item.value
        if isinstance(item.value, str):
            cell.data_type = "s"
        if item.bold:
            cell.font = _HEADER_FONT
    for letter, width in spec.ghi_chu_widths:
        notes.column_dimensions[letter].width = width
    book.save(path)
