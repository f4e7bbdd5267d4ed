"""The register types the generator can write, each described by its own module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hotich.samplegen import khai_sinh
from hotich.samplegen.places import Commune
from hotich.samplegen.styles import BookStyle, Era
from hotich.samplegen.values import SampleEntry
from hotich.schema.registers import RegisterType


@dataclass(frozen=True)
class RegisterSpec:
    """What the generator needs to know about one register type."""

    register_type: RegisterType
    book_prefix: str
    """Book folders start with it: ``khai-sinh-1998-q01``."""
    form_lines: Callable[[np.random.Generator, Era], tuple[tuple[str, ...], ...]]
    table_columns: Callable[[np.random.Generator, Era], tuple[tuple[str, ...], tuple[str, ...]]]
    book_entries: Callable[[np.random.Generator, Commune, BookStyle, int], list[SampleEntry]]
    column_widths: dict[str, float]
    """Relative widths of the table columns."""


REGISTERS: dict[RegisterType, RegisterSpec] = {
    "khai_sinh": RegisterSpec(
        register_type="khai_sinh",
        book_prefix=khai_sinh.BOOK_PREFIX,
        form_lines=khai_sinh.form_lines,
        table_columns=khai_sinh.table_columns,
        book_entries=khai_sinh.book_entries,
        column_widths=khai_sinh.COLUMN_WIDTH,
    ),
}
