"""The recipe: plan the folders, then for each file draw its pages, age them, write them with
their ground truth. Same arguments, same bytes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.samplegen.degrade import DIFFICULTIES, Difficulty, degrade, draw_params
from hotich.samplegen.layout_form import render_form
from hotich.samplegen.layout_table import render_table
from hotich.samplegen.page import RenderedPage
from hotich.samplegen.plan import BookPlan, FilePlan, make_plan
from hotich.samplegen.rand import stream
from hotich.samplegen.registers import REGISTERS, RegisterSpec
from hotich.samplegen.styles import BookStyle, choose_style, era_of
from hotich.samplegen.values import SampleEntry
from hotich.samplegen.writer import write_ground_truth, write_pages
from hotich.schema.registers import RegisterType

DPI_RANGE = (50, 1200)
REGISTER: RegisterType = "khai_sinh"
"""The register written; another one needs its module and an entry in ``REGISTERS``."""


class GenerationReport(BaseModel):
    """What :func:`generate` wrote. Paths are relative to ``out``, with forward slashes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    out: Path
    pages: int
    """Logical pages (a two-page PDF counts two; a table spread counts one)."""
    files: tuple[str, ...]
    """Page files written (``20227-dai-thanh/khai-sinh-1998-q01/0001.png``)."""
    ground_truth: tuple[str, ...]
    """The ``.gt.json`` file beside each page file."""
    entries: int
    designs: dict[str, int]
    """Logical pages per page design (``form``, ``table``)."""
    file_types: dict[str, int]
    """Page files per type (``png``, ``jpg``, ``tif``, ``pdf``)."""
    difficulty: str
    seed: int
    dpi: int

    def summary(self) -> str:
        """One line for people, in the current language."""
        return t(
            "samplegen.done",
            pages=self.pages,
            files=len(self.files),
            entries=self.entries,
            out=str(self.out),
        )


def _check(out: Path, pages: int, difficulty: str, dpi: int, shares: dict[str, float]) -> None:
    if pages < 1:
        raise BadInputError("samplegen.bad_pages", pages=pages)
    if difficulty not in DIFFICULTIES:
        raise BadInputError(
            "samplegen.bad_difficulty", difficulty=difficulty, choices=", ".join(DIFFICULTIES)
        )
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise BadInputError("samplegen.bad_dpi", dpi=dpi, low=DPI_RANGE[0], high=DPI_RANGE[1])
    for name, value in shares.items():
        if not 0.0 <= value <= 1.0:
            raise BadInputError("samplegen.bad_share", name=name, value=value)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInputError("samplegen.out_not_empty", out=str(out))


def _book_content(
    seed: int, spec: RegisterSpec, book: BookPlan
) -> tuple[BookStyle, list[SampleEntry]]:
    rng = stream(seed, "style", book.folder)
    c = book.commune
    era = era_of(book.year)
    seal = f"ỦY BAN NHÂN DÂN XÃ {c.name.upper()} - H. {c.district.upper()}"
    style = choose_style(
        rng,
        spec.register_type,
        book.design,
        book.year,
        book.book_no,
        spec.form_lines(rng, era),
        spec.table_columns(rng, era),
        seal,
    )
    per_page = style.rows if book.design == "table" else 1
    entries = spec.book_entries(
        stream(seed, "entries", book.folder), c, style, book.pages * per_page
    )
    return style, entries


def _render(
    seed: int,
    spec: RegisterSpec,
    book: BookPlan,
    style: BookStyle,
    entries: list[SampleEntry],
    page: int,
    dpi: int,
) -> tuple[RenderedPage, list[SampleEntry]]:
    rng = stream(seed, "render", book.folder, page)
    if book.design == "table":
        chunk = entries[(page - 1) * style.rows : page * style.rows]
        return render_table(style, chunk, spec.column_widths, rng, dpi), chunk
    chunk = entries[page - 1 : page]
    return render_form(style, chunk[0], rng, dpi), chunk


def _write_file(
    seed: int,
    spec: RegisterSpec,
    file: FilePlan,
    style: BookStyle,
    entries: list[SampleEntry],
    out: Path,
    difficulty: Difficulty,
    dpi: int,
) -> int:
    images, truths, count = [], [], 0
    for page in range(file.first_page, file.first_page + file.count):
        rendered, page_entries = _render(seed, spec, file.book, style, entries, page, dpi)
        params = draw_params(
            stream(seed, "degrade", difficulty, file.book.folder, page), difficulty
        )
        images.append(degrade(rendered.image, params, dpi))
        truths.append(
            {
                "register_type": spec.register_type,
                "design": file.book.design,
                "difficulty": difficulty,
                "entries": [e.ground_truth() for e in page_entries],
                "text": "\n".join(rendered.text),
            }
        )
        count += len(page_entries)
    path = out / file.path
    write_pages(path, images, dpi)
    write_ground_truth(path, truths)
    return count


def generate(
    out: Path,
    *,
    pages: int = 12,
    seed: int = 0,
    difficulty: Literal["clean", "moderate", "hard"] = "clean",
    dpi: int = 300,
    pdf_share: float = 0.2,
    table_share: float = 0.3,
) -> GenerationReport:
    """Write ``pages`` synthetic ledger pages with ground truth under ``out``
    (``OUT/<commune>/<book>/<page file>`` and ``P.gt.json`` beside each ``P.ext``).

    ``out`` must be missing or empty. Raises :class:`~hotich.errors.BadInputError` on a bad
    argument.
    """
    out = Path(out)
    _check(out, pages, difficulty, dpi, {"pdf_share": pdf_share, "table_share": table_share})
    spec = REGISTERS[REGISTER]
    plan = make_plan(seed, pages, table_share, pdf_share, spec.register_type, spec.book_prefix)
    entries_written = 0
    for book in plan.books:
        style, entries = _book_content(seed, spec, book)
        for file in (f for f in plan.files if f.book == book):
            entries_written += _write_file(seed, spec, file, style, entries, out, difficulty, dpi)
    files = tuple(f.path for f in plan.files)
    designs = Counter[str]()
    for f in plan.files:
        designs[f.book.design] += f.count
    return GenerationReport(
        out=out,
        pages=sum(f.count for f in plan.files),
        files=files,
        ground_truth=tuple(p.rsplit(".", 1)[0] + ".gt.json" for p in files),
        entries=entries_written,
        designs=dict(sorted(designs.items())),
        file_types=dict(sorted(Counter(f.kind for f in plan.files).items())),
        difficulty=difficulty,
        seed=seed,
        dpi=dpi,
    )
