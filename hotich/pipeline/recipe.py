"""One readable recipe per page: decode → clean → find layout → OCR → extract.

``process_page`` runs in a worker process and returns an immutable PageResult; it never touches
the database. A PageError (bad file, unreadable page) becomes a quarantined result; a missing
program (EnvironmentCheckError) stops the batch.
"""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from hotich.config.settings import Settings
from hotich.errors import EnvironmentCheckError, OcrEngineError, PageError
from hotich.extract.cell_reread import reread_cells
from hotich.extract.detect import detect_register
from hotich.extract.fields import check_fields
from hotich.extract.form import extract_form, flag_unread_blanks
from hotich.extract.grid import Grid, erase_grid, find_grid
from hotich.extract.labels import load_labels
from hotich.extract.numbers import number_sequence
from hotich.extract.page_text import (
    readable_text,
    respell_printed,
    with_rereadings,
    with_values,
)
from hotich.extract.reread import Region, form_region, reread_entries
from hotich.extract.table import Cells, extract_table, place_words, table_text
from hotich.i18n import t
from hotich.ocr.engine import FiguresReader, OcrEngine
from hotich.pipeline.preprocess import PreprocessConfig, prepare
from hotich.pipeline.spread import Part, split_spread
from hotich.scanners import decode_page
from hotich.schema.entries import Entry, FieldValue, Provenance
from hotich.schema.ocr import BBox
from hotich.schema.page import PageRef, PageResult

log = logging.getLogger(__name__)

FORM_PSM = 6
TABLE_PSM = 11  # sparse text: cells are read wherever they are
SPREAD_SKEW_DEG = 3.0
"""The most each page of a spread is turned again, after the whole was deskewed."""


@dataclass(frozen=True)
class PageTask:
    """What a worker needs for one page: where it is and what is stored for it already."""

    ref: PageRef
    known_sha256: str = ""


@dataclass
class PageContext:
    """Per-worker state: settings and the OCR engine (loaded once per process)."""

    settings: Settings
    engine: OcrEngine
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)


def process_page(task: PageTask, ctx: PageContext) -> PageResult:
    start = time.perf_counter()
    ref = task.ref
    try:
        decoded = decode_page(ref, settings=ctx.settings)
        if task.known_sha256 and decoded.sha256 == task.known_sha256:
            return PageResult(ref=ref, sha256=decoded.sha256, unchanged=True)
        result = _read_page(ref, decoded.image, decoded.sha256, ctx)
    except PageError as e:
        log.info("%s: quarantined (%s)", ref.label, e.code)
        result = PageResult(ref=ref, ok=False, error_code=e.code, error_message=str(e))
    except OcrEngineError as e:
        log.warning("%s: OCR engine failed", ref.label)
        result = PageResult(
            ref=ref,
            ok=False,
            error_code="ocr.crashed",
            error_message=t(
                "quarantine.ocr.crashed", file=ref.label, detail=e.params.get("detail", "")
            ),
        )
    except EnvironmentCheckError:
        raise
    except Exception as e:  # a bug must not stop a clerk's batch: quarantine and go on
        # The frames and the type only: an exception's message may quote personal data.
        frames = "".join(traceback.format_tb(e.__traceback__))
        log.error("%s: internal error %s\n%s", ref.label, type(e).__name__, frames)
        result = PageResult(
            ref=ref,
            ok=False,
            error_code="internal",
            error_message=t("quarantine.internal", file=ref.label, detail=type(e).__name__),
        )
    return result.model_copy(update={"seconds": round(time.perf_counter() - start, 3)})


def _read_page(ref: PageRef, image: np.ndarray, sha256: str, ctx: PageContext) -> PageResult:
    clean, geometry, stages = prepare(image, ctx.preprocess)
    grid = find_grid(clean)
    engine = ctx.engine
    read_image = erase_grid(clean, grid) if grid is not None else clean
    parts = [Part(image=clean)]
    if grid is None and ctx.preprocess.split_spread:  # a table's rows run across the spread
        parts = split_spread(clean, max_skew_deg=SPREAD_SKEW_DEG)
        if len(parts) > 1:
            stages = (*stages, "spread(" + ",".join(f"{p.skew_deg:+.2f}" for p in parts) + ")")
    if grid is not None:
        ocr = engine.recognize(read_image, psm=TABLE_PSM)
        cells: Cells = place_words(ocr, grid)  # once: the text and the entries share it
        if ctx.settings.ocr_reread_cells:
            cells = reread_cells(cells, grid, read_image, engine)
        texts = [table_text(ocr, grid, cells)]
        ocrs = [ocr]
    else:
        ocrs = [engine.recognize(part.image, psm=FORM_PSM) for part in parts]
        texts = [readable_text(o) for o in ocrs]
    text = "\n".join(texts)
    register = ref.register_hint or detect_register(text)
    provenance = Provenance(
        engine=ocrs[0].engine,
        engine_version=ocrs[0].engine_version,
        config=ocrs[0].config,
        stages=stages,
        design="table" if grid is not None else "form",
    )
    entries: list[Entry] = []
    if register is not None:
        labels = load_labels(register)
        # the engine that reads figures a second time, when it can and the settings want it
        reader = engine if isinstance(engine, FiguresReader) else None
        reader = reader if ctx.settings.ocr_figures_lang else None
        if grid is not None:
            entries = extract_table(ocrs[0], grid, clean, labels, provenance, cells)
            if reader is not None:
                first = entries
                entries = reread_entries(entries, read_image, reader, _cell_region(grid))
                text = with_rereadings(text, first, entries)
        else:
            read: list[str] = []
            for part, part_ocr, part_text in zip(parts, ocrs, texts, strict=True):
                found = flag_unread_blanks(extract_form(part_ocr, labels, provenance), part.image)
                if reader is not None:
                    first = found
                    region = form_region(part.image.shape)
                    found = reread_entries(found, part.image, reader, region)
                    part_text = with_rereadings(part_text, first, found)
                entries += [_on_page(e, part, len(entries) + k) for k, e in enumerate(found)]
                read.append(part_text)
            text = "\n".join(read)
        text = respell_printed(text, labels.wordings)
        style = ctx.settings.name_tone_style
        entries = [
            check_fields(e, commune=ref.commune, book=ref.book, tone_style=style) for e in entries
        ]
        if grid is not None:
            entries = number_sequence(entries)
        text = with_values(text, entries)
    return PageResult(
        ref=ref,
        sha256=sha256,
        register_type=register,
        design="table" if grid is not None else "form",
        entries=tuple(entries),
        text=text,
        geometry=geometry,
        stages=stages,
    )


def _on_page(entry: Entry, part: Part, index: int) -> Entry:
    """An entry read on a part of the page, with its boxes on the stored page and its index
    among the page's entries."""
    if part.x0 == 0 and part.matrix is None and entry.entry_index == index:
        return entry
    fields = {
        name: f.model_copy(update={"bbox": part.to_page(f.bbox)})
        for name, f in entry.fields.items()
    }
    return entry.model_copy(update={"fields": fields, "entry_index": index})


def _cell_region(grid: Grid) -> Region:
    """Where a table field's figures are: the cell holding its box, inside the rules."""

    def region(field: FieldValue) -> BBox | None:
        x, y, w, h = field.bbox
        cell = grid.cell_of(x + w / 2, y + h / 2)
        if w <= 0 or cell is None:
            return None
        cx, cy, cw, ch = grid.cell_box(*cell)
        inset = 4
        return (cx + inset, cy + inset, max(1, cw - 2 * inset), max(1, ch - 2 * inset))

    return region
