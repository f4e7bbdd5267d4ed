"""Multi-entry table pages: one registration per row, one field per column.

Column headers are matched to fields by their wording (config/labels); words are placed in
cells by the centre of their box; cells of one row make one entry.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from hotich.extract.fields import field_value
from hotich.extract.grid import Grid, ink_share
from hotich.extract.labels import LabelSet, norm_token
from hotich.extract.normalize_extra import refine
from hotich.extract.page_text import is_noise, writing
from hotich.i18n import t
from hotich.schema.entries import Entry, FieldValue, Issue, Provenance
from hotich.schema.normalize.terms import listed_term
from hotich.schema.ocr import OcrPage, OcrWord
from hotich.schema.registers import FIELDS

BLANK_INK = 0.002
"""A row in which nothing was read and whose cells all have less ink than this share of their
pixels is blank. Faded writing can stay under it (pale strokes are lighter than the fixed ink
level), so a row where OCR read writing is never blank."""
FAINT_INK = 0.0005
"""A cell with this share of ink or more, in which OCR read nothing, holds something a person
must look at (faded figures come out at 0.07–0.09 %, a blank cell at 0)."""


Cells = dict[tuple[int, int], list[OcrWord]]


def place_words(page: OcrPage, grid: Grid) -> Cells:
    """The page's words put into the grid's cells, each cell in reading order."""
    cells: dict[tuple[int, int], list[OcrWord]] = defaultdict(list)
    for word in page.words:
        x, y, w, h = word.bbox
        cell = grid.cell_of(x + w / 2, y + h / 2)
        if cell is not None:
            cells[cell].append(word)
    return {cell: reading_order(words) for cell, words in cells.items()}


def reading_order(words: list[OcrWord]) -> list[OcrWord]:
    """Words of one cell in reading order: grouped into text lines by their vertical centre
    (a word joins the line whose centre is within half a word height), each line by x."""
    if not words:
        return []
    height = float(np.median([w.bbox[3] for w in words]))
    lines: list[list[OcrWord]] = []
    centres: list[float] = []
    for word in sorted(words, key=lambda w: w.bbox[1] + w.bbox[3] / 2):
        centre = word.bbox[1] + word.bbox[3] / 2
        if lines and abs(centre - centres[-1]) <= 0.5 * height:
            lines[-1].append(word)
            centres[-1] = float(np.mean([w.bbox[1] + w.bbox[3] / 2 for w in lines[-1]]))
        else:
            lines.append([word])
            centres.append(centre)
    return [w for line in lines for w in sorted(line, key=lambda w: w.bbox[0])]


def _headers(cells: Cells, grid: Grid, row: int) -> list[str]:
    """The text of each cell of ``row``, as a header."""
    return [" ".join(w.text for w in cells.get((row, c), [])) for c in range(len(grid.cols) - 1)]


def _empty(cells: Cells, grid: Grid, header_row: int) -> frozenset[int]:
    """The columns with nothing written under ``header_row`` (the binding between pages)."""
    rows = range(header_row + 1, len(grid.rows) - 1)
    return frozenset(
        c for c in range(len(grid.cols) - 1) if not any(cells.get((r, c)) for r in rows)
    )


def _header(
    cells: dict[tuple[int, int], list[OcrWord]], grid: Grid, labels: LabelSet
) -> tuple[int, dict[int, str]]:
    """The header row and the field of each of its columns (first row naming ≥ 3 fields)."""
    n_rows = len(grid.rows) - 1
    best: tuple[int, dict[int, str]] = (0, {})
    for r in range(min(3, n_rows)):
        headers = _headers(cells, grid, r)
        columns = labels.match_columns(headers, place=False)  # by place: after by content
        if len(columns) >= 3:
            return r, columns
        if len(columns) > len(best[1]):
            best = (r, columns)
    return best


SEX_WORDS = frozenset({"nam", "nu"})
REGISTER_NUMBER = re.compile(r"^\d{1,4}(\s*/\s*\d{2,4})?$")


def _by_values(
    cells: Cells, grid: Grid, labels: LabelSet, header_row: int, columns: dict[int, str]
) -> dict[int, str]:
    """Columns whose header OCR could not read ("Nam hay nữ" in a narrow column read as
    "h ữ"), named by what their cells hold: a column of "Nam" and "Nữ" is the sex; the first
    column, when it holds registration numbers ("6", "07/2013"), is the number."""
    if not columns:
        return columns
    out = dict(columns)
    for c in range(len(grid.cols) - 1):
        if c in out:
            continue
        values = [
            " ".join(w.text for w in cells.get((r, c), []))
            for r in range(header_row + 1, len(grid.rows) - 1)
        ]
        filled = [v for v in values if v.strip()]
        if len(filled) < 2:
            continue
        sex = sum("".join(norm_token(w) for w in v.split()) in SEX_WORDS for v in filled)
        numbers = sum(bool(REGISTER_NUMBER.match(v.strip())) for v in filled)
        kin = sum(_relationship(v) for v in filled)
        fields = FIELDS[labels.register_type]
        if "sex" not in out.values() and sex >= 0.8 * len(filled):
            out[c] = "sex" if "sex" in fields else out.get(c, "")
        elif c == 0 and "register_number" not in out.values() and numbers >= 0.8 * len(filled):
            out[c] = "register_number"
        elif (
            RELATIONSHIP in fields and RELATIONSHIP not in out.values() and kin >= 0.6 * len(filled)
        ):
            out[c] = RELATIONSHIP
    named = {c: name for c, name in out.items() if name}
    return labels.by_place(
        _headers(cells, grid, header_row), named, empty=_empty(cells, grid, header_row)
    )


RELATIONSHIP = "declarant_relationship"


def _relationship(text: str) -> bool:
    """Whether ``text`` is a listed relationship ("Con gái", "Cháu"), as written or repaired."""
    return listed_term(text, "relationship")


def extract_table(
    page: OcrPage,
    grid: Grid,
    clean: np.ndarray,
    labels: LabelSet,
    provenance: Provenance,
    cells: Cells | None = None,
) -> list[Entry]:
    """One entry per non-empty row under the header."""
    cells = place_words(page, grid) if cells is None else cells
    header_row, columns = _header(cells, grid, labels)
    columns = _by_values(cells, grid, labels, header_row, columns)
    if not columns:
        return []
    entries: list[Entry] = []
    for r in range(header_row + 1, len(grid.rows) - 1):
        inked = {c: ink_share(clean, grid.cell_box(r, c)) for c in columns}
        if all(share < BLANK_INK for share in inked.values()) and not _has_writing(
            cells, r, columns
        ):
            continue
        fields: dict[str, FieldValue] = {}
        for c, name in columns.items():
            words = cells.get((r, c), [])
            value = refine(name, field_value(name, words, label_confidence=1.0))
            if not words and inked[c] >= FAINT_INK:
                # Ink in the cell but nothing read: never pass that off as a blank field.
                value = FieldValue(
                    value="",
                    raw="",
                    confidence=0.0,
                    bbox=grid.cell_box(r, c),
                    issues=(Issue(code="ocr.unread", message=t("issue.ocr.unread")),),
                )
            elif not words:
                value = value.model_copy(update={"bbox": grid.cell_box(r, c)})
            fields[name] = value
        entries.append(
            Entry(
                register_type=labels.register_type,
                entry_index=len(entries),
                fields=fields,
                provenance=provenance,
            )
        )
    return entries


def _has_writing(cells: Cells, r: int, columns: dict[int, str]) -> bool:
    """Whether OCR read writing (not only marks) in a cell of row ``r``."""
    return any((words := cells.get((r, c))) and not is_noise(words) for c in columns)


def table_text(page: OcrPage, grid: Grid, cells: Cells | None = None) -> str:
    """The page text row by row, cells left to right (the ground truth's reading order)."""
    cells = place_words(page, grid) if cells is None else cells
    lines = []
    for r in range(len(grid.rows) - 1):
        parts = [
            " ".join(w.text for w in writing(cells.get((r, c), [])))
            for c in range(len(grid.cols) - 1)
        ]
        line = " ".join(p for p in parts if p)
        if line:
            lines.append(line)

    def inside(w: OcrWord) -> bool:
        return grid.cell_of(w.bbox[0] + w.bbox[2] / 2, w.bbox[1] + w.bbox[3] / 2) is not None

    # Text outside the grid (the title above the table) comes first, line by line; marks that
    # are not writing (a signature, a seal) are left out.
    head = [writing([w for w in line.words if not inside(w)]) for line in page.lines]
    kept = [" ".join(w.text for w in words) for words in head if not is_noise(words)]
    return "\n".join(kept + lines)
