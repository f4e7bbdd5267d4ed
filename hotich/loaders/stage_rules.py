"""One entry → one row of the import workbook, checked against the import's rules.

:func:`make_row` fills each column as its register's spec says (:mod:`stage_spec`) from the
entry's current fields (people's corrections applied), and lists what would make the Ministry's
import refuse the row: a required column left empty, a date that is not one, a personal ID that
is not 12 (or 9) digits, a value outside its code list, text Excel cannot hold. A row with a
problem is not staged. Problems name the column and the field, never the value (no personal
data in logs or messages).

Value forms written: dates ``dd.mm.yyyy`` (partial ``mm.yyyy``, ``yyyy``), ID numbers and codes
as text, ``so`` as ``NN/YYYY``, ``STT`` and ``trangSo`` as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Final

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hotich.loaders.stage_spec import Column, RegisterSpec

CellValue = str | int
EXCEL_MAX_TEXT: Final = 32_767

_ISO: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_NUMBER: Final = re.compile(r"^0*(\d{1,6})$")
_NUMBER_OF_YEAR: Final = re.compile(r"^0*(\d{1,6})/(\d{4})$")
_ID: Final = re.compile(r"^(?:\d{9}|\d{12})$")

PROBLEMS: Final = (
    "required",
    "date",
    "date_partial",
    "date_future",
    "register_number",
    "personal_id",
    "code_list",
    "bad_characters",
    "too_long",
)
"""Problem codes; each has a message ``stage.problem.<code>`` in the catalog."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row cannot be imported: which column (and the fields that fill it), and a code."""

    column: str
    code: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    """An entry as a workbook row (only the columns it fills), and what is wrong with it."""

    values: dict[str, CellValue]
    problems: tuple[Problem, ...]
    number: str = ""
    """The register number alone (digits, no leading zeros), for the PDF's name."""
    registration_date: str = ""
    """The registration date, ISO, for the PDF's name."""


@dataclass(slots=True)
class _Builder:
    values: dict[str, CellValue] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, column: Column, code: str) -> None:
        self.problems.append(Problem(column.name, code, column.fields))


def import_date(iso: str, *, today: date | None = None) -> tuple[str, bool] | None:
    """An ISO date (``1985-03-15``, ``1985-03``, ``1985``) as the import writes it
    (``15.03.1985``, ``03.1985``, ``1985``) and whether it is complete; None when ``iso`` is not
    a real date or lies after ``today``."""
    m = _ISO.match(iso.strip())
    if not m:
        return None
    year, month, day = int(m[1]), m[2], m[3]
    today = today or datetime.now(UTC).date()
    try:
        if day is not None and month is not None:
            when = date(year, int(month), int(day))
            return (f"{when:%d.%m.%Y}", True) if when <= today else None
        if month is not None:
            if not 1 <= int(month) <= 12 or (year, int(month)) > (today.year, today.month):
                return None
            return f"{int(month):02d}.{year:04d}", False
    except ValueError:
        return None
    return (f"{year:04d}", False) if 1 <= year <= today.year else None


def _first(fields: Mapping[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        value = fields.get(name, "").strip()
        if value:
            return value
    return ""


def _text(b: _Builder, column: Column, value: str) -> None:
    if ILLEGAL_CHARACTERS_RE.search(value):
        b.fail(column, "bad_characters")
    elif len(value) > EXCEL_MAX_TEXT:
        b.fail(column, "too_long")
    else:
        b.values[column.name] = value


def _date(b: _Builder, column: Column, value: str, today: date | None) -> None:
    converted = import_date(value, today=today)
    if converted is None:
        b.fail(column, "date" if import_date(value, today=date.max) is None else "date_future")
    elif column.full and not converted[1]:
        b.fail(column, "date_partial")
    else:
        b.values[column.name] = converted[0]


def _register_number(
    b: _Builder, column: Column, value: str, year: int | None
) -> tuple[str, str] | None:
    """Fill ``so``; (number alone, ``so``) or None on a problem."""
    text = value.replace(" ", "")
    with_year = _NUMBER_OF_YEAR.match(text)
    if with_year:
        b.values[column.name] = text
        return with_year[1], text
    alone = _NUMBER.match(text)
    if not alone:
        b.fail(column, "register_number")
        return None
    so = f"{int(alone[1]):02d}/{'' if year is None else f'{year:04d}'}"
    b.values[column.name] = so
    return alone[1], so


def make_row(
    spec: RegisterSpec,
    fields: Mapping[str, str],
    *,
    page_no: int,
    book_year: int | None,
    today: date | None = None,
) -> Row:
    """The workbook row of one entry whose current field values are ``fields``.

    ``book_year`` gives ``so`` its year when the entry has no registration date. ``STT`` is left
    for the writer (it numbers the rows of one workbook).
    """
    b = _Builder()
    registration = fields.get("registration_date", "").strip()
    reg_year = int(registration[:4]) if _ISO.match(registration) else None
    number = ""
    for column in spec.columns:
        value = _first(fields, column.fields)
        match column.kind:
            case None | "row_number":
                continue
            case "page_number":
                b.values[column.name] = page_no
            case "constant":
                b.values[column.name] = column.value
            case "text" if value:
                _text(b, column, value)
            case "date" if value:
                _date(b, column, value, today)
            case "personal_id" if value:
                if _ID.match(value.replace(" ", "")):
                    b.values[column.name] = value.replace(" ", "")
                else:
                    b.fail(column, "personal_id")
            case "code" if value:
                code = column.codes.code_for(value) if column.codes else None
                if code is None:
                    b.fail(column, "code_list")
                else:
                    b.values[column.name] = code
            case "register_number" if value:
                got = _register_number(b, column, value, reg_year or book_year)
                number = got[0] if got else ""
    failed = {p.column for p in b.problems}
    for column in spec.columns:
        written = b.values.get(column.name)
        if column.codes and written not in (None, "") and str(written) not in column.codes.allowed:
            b.fail(column, "code_list")
        elif column.name in spec.required and written in (None, "") and column.name not in failed:
            b.fail(column, "required")
    return Row(
        values=b.values,
        problems=tuple(b.problems),
        number=number,
        registration_date=registration if reg_year is not None else "",
    )
