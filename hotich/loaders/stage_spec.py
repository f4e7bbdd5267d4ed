"""The Ministry's import workbook per register type, as data (``hotich/config/import158/``).

One TOML file per register says which columns the workbook has (a CSV list, in order, with each
header as the template writes it), how each column is filled from an entry's fields, which
columns are required, and which hold codes of a list (``codes.toml``); a CSV per register holds
the cells of the workbook's ``Ghi chu`` sheet. A new template version is a change of these
files, not of the code. (Sources: shared/domain/README.md §1.4 and §7.)
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, cast

from hotich.schema.registers import REGISTER_TYPES

ColumnKind = Literal[
    "text",
    "date",
    "register_number",
    "personal_id",
    "code",
    "constant",
    "row_number",
    "page_number",
]
KINDS: Final = frozenset(
    (
        "text",
        "date",
        "register_number",
        "personal_id",
        "code",
        "constant",
        "row_number",
        "page_number",
    )
)
_DATA: Final = ("hotich.config", "import158")


@dataclass(frozen=True, slots=True)
class CodeList:
    """A code list: codes in order, each with its label."""

    name: str
    title: str
    codes: tuple[tuple[str, str], ...]

    def code_for(self, value: str) -> str | None:
        """The code of ``value``: the value itself when it is a code, else the code whose label
        it is (case-insensitive); None when neither."""
        text = value.strip()
        for code, label in self.codes:
            if text == code or text.casefold() == label.casefold():
                return code
        return None

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.codes)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the workbook and how it is filled (see ``khai_sinh.toml``)."""

    name: str
    header: str
    """The header cell as the template writes it (trailing spaces, codes on a second line)."""
    kind: ColumnKind | None = None
    """None: a column hotich does not fill (it stays empty)."""
    fields: tuple[str, ...] = ()
    full: bool = False
    value: str = ""
    codes: CodeList | None = None


@dataclass(frozen=True, slots=True)
class GhiChuCell:
    cell: str
    value: str | int
    bold: bool


@dataclass(frozen=True, slots=True)
class RegisterSpec:
    """The import workbook of one register type."""

    register_type: str
    code: str
    """KS, KH or KT: the register's letters in file names."""
    sheet: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    ghi_chu_sheet: str
    ghi_chu: tuple[GhiChuCell, ...]
    ghi_chu_widths: tuple[tuple[str, float], ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _read(name: str) -> str:
    return resources.files(_DATA[0]).joinpath(_DATA[1], name).read_text(encoding="utf-8")


@cache
def code_lists() -> dict[str, CodeList]:
    """Every code list of ``codes.toml``, by name."""
    data = tomllib.loads(_read("codes.toml"))
    return {
        name: CodeList(
            name=name,
            title=str(item["title"]),
            codes=tuple((str(code), str(label)) for code, label in item["codes"].items()),
        )
        for name, item in data.items()
    }


def _columns(data: dict[str, Any]) -> tuple[Column, ...]:
    lists = code_lists()
    how: dict[str, dict[str, Any]] = data.get("columns", {})
    coded: dict[str, str] = data.get("code_lists", {})
    rows = list(csv.DictReader(io.StringIO(_read(str(data["columns_file"])), newline="")))
    names = [row["column"] for row in rows]
    unknown = sorted((set(how) | set(coded)) - set(names))
    if unknown:
        raise ValueError(f"{data['columns_file']}: no such columns {unknown}")
    out: list[Column] = []
    for row in rows:
        name = row["column"]
        spec = how.get(name, {})
        kind = spec.get("kind")
        if kind is not None and kind not in KINDS:
            raise ValueError(f"column {name}: unknown kind {kind!r}")
        list_name = coded.get(name)
        if kind == "code" and list_name is None:
            raise ValueError(f"column {name}: kind 'code' needs a list in [code_lists]")
        out.append(
            Column(
                name=name,
                header=row.get("header_as_written") or name,
                kind=cast(ColumnKind | None, kind),
                fields=tuple(spec.get("fields", ())),
                full=bool(spec.get("full", False)),
                value=str(spec.get("value", "")),
                codes=None if list_name is None else lists[list_name],
            )
        )
    return tuple(out)


def _ghi_chu(name: str) -> tuple[GhiChuCell, ...]:
    rows = csv.DictReader(io.StringIO(_read(name), newline=""))
    return tuple(
        GhiChuCell(
            cell=row["cell"],
            value=int(row["value"]) if row["value"].isdigit() else row["value"],
            bold=row["bold"] == "yes",
        )
        for row in rows
    )


@cache
def register_spec(register_type: str) -> RegisterSpec:
    """The import workbook of ``register_type`` (``khai_sinh``, ``ket_hon``, ``khai_tu``)."""
    if register_type not in REGISTER_TYPES:
        raise KeyError(register_type)
    data = tomllib.loads(_read(f"{register_type}.toml"))
    columns = _columns(data)
    names = {c.name for c in columns}
    required = tuple(data.get("required", ()))
    missing = sorted(set(required) - names)
    if missing:
        raise ValueError(f"{register_type}.toml: required columns not in the list: {missing}")
    return RegisterSpec(
        register_type=register_type,
        code=str(data["code"]),
        sheet=str(data["sheet"]),
        columns=columns,
        required=required,
        ghi_chu_sheet=str(data["ghi_chu_sheet"]),
        ghi_chu=_ghi_chu(str(data["ghi_chu_file"])),
        ghi_chu_widths=tuple(
            (col, float(width)) for col, width in data.get("ghi_chu_widths", {}).items()
        ),
    )
