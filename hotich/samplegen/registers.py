"""The register types the generator can write, each described by its own module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hotich.samplegen import ket_hon, khai_sinh, khai_tu
from hotich.samplegen.places import Commune
from hotich.samplegen.styles import BookStyle, Era
from hotich.samplegen.values import SampleEntry
from hotich.schema.registers import RegisterType

BookEntries = Callable[[np.random.Generator, Commune, BookStyle, int, float], list[SampleEntry]]
"""(rng, commune, style, count, share of entries made inconsistent) → the book's entries."""


@dataclass(frozen=True)
class RegisterSpec:
    """What the generator needs to know about one register type."""

    register_type: RegisterType
    book_prefix: str
    """Book folders start with it: ``khai-sinh-1998-q01``."""
    form_lines: Callable[[np.random.Generator, Era], tuple[tuple[str, ...], ...]]
    table_columns: Callable[[np.random.Generator, Era], tuple[tuple[str, ...], tuple[str, ...]]]
    book_entries: BookEntries
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
    "ket_hon": RegisterSpec(
        register_type="ket_hon",
        book_prefix=ket_hon.BOOK_PREFIX,
        form_lines=ket_hon.form_lines,
        table_columns=ket_hon.table_columns,
        book_entries=ket_hon.book_entries,
        column_widths=ket_hon.COLUMN_WIDTH,
    ),
    "khai_tu": RegisterSpec(
        register_type="khai_tu",
        book_prefix=khai_tu.BOOK_PREFIX,
        form_lines=khai_tu.form_lines,
        table_columns=khai_tu.table_columns,
        book_entries=khai_tu.book_entries,
        column_widths=khai_tu.COLUMN_WIDTH,
    ),
}
