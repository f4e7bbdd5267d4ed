"""The recipe: plan the folders, then for each file draw its pages, age them, write them with
their ground truth. Same arguments, same bytes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.samplegen.degrade import DIFFICULTIES, Difficulty, degrade, draw_params
from hotich.samplegen.layout_form import render_form
from hotich.samplegen.layout_spread import render_spread
from hotich.samplegen.layout_table import render_table
from hotich.samplegen.page import RenderedPage
from hotich.samplegen.photo import CAPTURES, Capture, take_photo
from hotich.samplegen.plan import BookPlan, FilePlan, make_plan
from hotich.samplegen.rand import stream
from hotich.samplegen.registers import REGISTERS, RegisterSpec
from hotich.samplegen.styles import BookStyle, choose_style, era_of
from hotich.samplegen.values import SampleEntry
from hotich.samplegen.writer import write_ground_truth, write_pages
from hotich.schema.registers import REGISTER_TYPES

DPI_RANGE = (50, 1200)
INCONSISTENT_SHARE = 0.1
"""Default share of entries given a deliberate inconsistency (``_inconsistent``)."""


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
    registers: dict[str, int]
    """Logical pages per register type."""
    inconsistent: int
    """Entries given a deliberate inconsistency."""
    file_types: dict[str, int]
    """Page files per type (``png``, ``jpg``, ``tif``, ``pdf``)."""
    difficulty: str
    seed: int
    dpi: int
    capture: str = "scan"

    def summary(self) -> str:
        """One line for people, in the current language."""
        return t(
            "samplegen.done",
            pages=self.pages,
            files=len(self.files),
            entries=self.entries,
            out=str(self.out),
        )


def _check(
    out: Path,
    pages: int,
    difficulty: str,
    dpi: int,
    shares: dict[str, float],
    registers: Sequence[str],
    capture: str = "scan",
) -> None:
    if pages < 1:
        raise BadInputError("samplegen.bad_pages", pages=pages)
    if difficulty not in DIFFICULTIES:
        raise BadInputError(
            "samplegen.bad_difficulty", difficulty=difficulty, choices=", ".join(DIFFICULTIES)
        )
    if capture not in CAPTURES:
        raise BadInputError("capture.bad", capture=capture, choices=", ".join(CAPTURES))
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise BadInputError("samplegen.bad_dpi", dpi=dpi, low=DPI_RANGE[0], high=DPI_RANGE[1])
    for name, value in shares.items():
        if not 0.0 <= value <= 1.0:
            raise BadInputError("samplegen.bad_share", name=name, value=value)
    unknown = [r for r in registers if r not in REGISTERS]
    if unknown or not registers:
        raise BadInputError(
            "samplegen.bad_register",
            register=", ".join(unknown),
            choices=", ".join(REGISTER_TYPES),
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInputError("samplegen.out_not_empty", out=str(out))


def _book_content(
    seed: int,
    spec: RegisterSpec,
    book: BookPlan,
    inconsistent_share: float,
    spreads: bool = False,
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
    per_page = style.rows if book.design == "table" else (2 if spreads else 1)
    entries = spec.book_entries(
        stream(seed, "entries", book.folder), c, style, book.pages * per_page, inconsistent_share
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
    spreads: bool = False,
) -> tuple[RenderedPage, list[SampleEntry]]:
    rng = stream(seed, "render", book.folder, page)
    if book.design == "table":
        chunk = entries[(page - 1) * style.rows : page * style.rows]
        return render_table(style, chunk, spec.column_widths, rng, dpi), chunk
    if spreads:  # an open form book scanned two pages at a time: two forms on the image
        chunk = entries[2 * (page - 1) : 2 * page]
        left, right = (render_form(style, e, rng, dpi) for e in chunk)
        return render_spread(left, right, rng, dpi), chunk
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
    capture: Capture = "scan",
) -> list[SampleEntry]:
    """Draw, age and write one page file with its ground truth; returns the entries on it."""
    images, truths, written = [], [], []
    for page in range(file.first_page, file.first_page + file.count):
        spreads = capture == "spread"
        rendered, page_entries = _render(seed, spec, file.book, style, entries, page, dpi, spreads)
        params = draw_params(
            stream(seed, "degrade", difficulty, file.book.folder, page), difficulty
        )
        extra: dict[str, object] = {}
        if capture == "photo":
            rng = stream(seed, "photo", file.book.folder, page)
            image, extra = take_photo(rendered.image, params, rng, dpi)
        else:
            image = degrade(rendered.image, params, dpi)
        images.append(image)
        truths.append(
            {
                "register_type": spec.register_type,
                "design": file.book.design,
                "difficulty": difficulty,
                "entries": [e.ground_truth() for e in page_entries],
                "text": "\n".join(rendered.text),
                **extra,
            }
        )
        written += page_entries
    path = out / file.path
    write_pages(path, images, dpi)
    write_ground_truth(path, truths)
    return written


def generate(
    out: Path,
    *,
    pages: int = 12,
    seed: int = 0,
    difficulty: Literal["clean", "moderate", "hard"] = "clean",
    dpi: int = 300,
    pdf_share: float = 0.2,
    table_share: float = 0.3,
    registers: Sequence[str] | None = None,
    inconsistent_share: float = INCONSISTENT_SHARE,
    capture: Capture = "scan",
) -> GenerationReport:
    """Write ``pages`` synthetic ledger pages with ground truth under ``out``
    (``OUT/<commune>/<book>/<page file>`` and ``P.gt.json`` beside each ``P.ext``).

    ``registers`` are the register types written (default: all three; each book holds one);
    ``inconsistent_share`` is the share of entries given a deliberate inconsistency, named in
    their ``_inconsistent``. ``capture="photo"`` shows each page as a phone photo of it on a
    desk (see :mod:`hotich.samplegen.photo`) instead of a flatbed scan; ``capture="spread"``
    scans a form book two pages at a time (two forms, two entries per image; see
    :mod:`hotich.samplegen.layout_spread`). With
    ``registers=["khai_sinh"]`` the pages are those this generator wrote before it knew other
    registers. ``out`` must be missing or empty. Raises
    :class:`~hotich.errors.BadInputError` on a bad argument.
    """
    out = Path(out)
    chosen = list(dict.fromkeys(REGISTER_TYPES if registers is None else registers))
    shares = {
        "pdf_share": pdf_share,
        "table_share": table_share,
        "inconsistent_share": inconsistent_share,
    }
    _check(out, pages, difficulty, dpi, shares, chosen, capture)
    specs = [REGISTERS[r] for r in REGISTER_TYPES if r in chosen]
    plan = make_plan(
        seed, pages, table_share, pdf_share, [(s.register_type, s.book_prefix) for s in specs]
    )
    files_of: dict[str, list[FilePlan]] = {}
    for f in plan.files:
        files_of.setdefault(f.book.folder, []).append(f)
    entries_written = inconsistent = 0
    for book in plan.books:
        spec = REGISTERS[book.register_type]
        style, entries = _book_content(
            seed, spec, book, inconsistent_share, spreads=capture == "spread"
        )
        for file in files_of.get(book.folder, []):
            written = _write_file(seed, spec, file, style, entries, out, difficulty, dpi, capture)
            entries_written += len(written)
            inconsistent += sum(1 for e in written if e.inconsistent)
    files = tuple(f.path for f in plan.files)
    designs = Counter[str]()
    per_register = Counter[str]()
    for f in plan.files:
        designs[f.book.design] += f.count
        per_register[f.book.register_type] += f.count
    return GenerationReport(
        out=out,
        pages=sum(f.count for f in plan.files),
        files=files,
        ground_truth=tuple(p.rsplit(".", 1)[0] + ".gt.json" for p in files),
        entries=entries_written,
        designs=dict(sorted(designs.items())),
        registers=dict(sorted(per_register.items())),
        inconsistent=inconsistent,
        file_types=dict(sorted(Counter(f.kind for f in plan.files).items())),
        difficulty=difficulty,
        seed=seed,
        dpi=dpi,
        capture=capture,
    )
