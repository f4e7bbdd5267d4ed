"""Where one page's time goes: every stage of the recipe timed on speed.py's page set.

    python benchmarks/stages.py [--pages 20] [--dpi 300] [--seed 2026] [--scans DIR]

``run_batch`` runs with one worker (in this process, as ``hotich run --workers 1`` does), into
a fresh SQLite database, with a timer wrapped around each stage function where the recipe and
the preprocessing chain look it up. Nothing else changes: the figures measure the recipe as it
is. The OCR call is split into the Tesseract program itself (the ``tesseract`` process, or the
in-process engine) and the rest of the call (handing the image over, reading the result back).
Besides, ``tesseract IMG - -l vie`` runs on the raw page files as speed.py does. Writes
``benchmarks/results/stages.json``.
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytesseract.pytesseract as binding  # to time the Tesseract program apart from the call
from _common import code, fmt, machine, markdown_table, write_json
from speed import cpu_seconds, make_set, page_images

import hotich.db.store as store
import hotich.pipeline.executor as executor
import hotich.pipeline.preprocess as preprocess
import hotich.pipeline.recipe as recipe
from hotich.config.settings import Settings
from hotich.ocr import _tesseract
from hotich.ocr.tesseract import from_settings
from hotich.pipeline.runner import run_batch

# (module, attribute, stage name): each is looked up by the recipe at call time. BEFORE_OCR
# are the stages before the OCR call, AFTER_OCR those after it (the table's order).
BEFORE_OCR: tuple[tuple[Any, str, str], ...] = (
    (recipe, "decode_page", "decode"),
    (preprocess, "to_gray", "pre: gray"),
    (preprocess, "correct_perspective", "pre: perspective"),
    (preprocess, "estimate_orientation", "pre: orient (estimate)"),
    (preprocess, "turn", "pre: orient (turn)"),
    (preprocess, "whiten_border", "pre: border"),
    (preprocess, "estimate_skew", "pre: deskew (estimate)"),
    (preprocess, "rotate", "pre: deskew (rotate)"),
    (preprocess, "flatten_background", "pre: flatten"),
    (preprocess, "stretch_contrast", "pre: stretch contrast"),
    (preprocess, "remove_dotted_lines", "pre: remove dots"),
    (preprocess, "denoise", "pre: denoise"),
)
AFTER_OCR: tuple[tuple[Any, str, str], ...] = (
    (recipe, "find_grid", "layout: find grid"),
    (recipe, "erase_grid", "layout: erase grid"),
    (recipe, "detect_register", "extract: detect register"),
    (recipe, "place_words", "extract: place words"),
    (recipe, "table_text", "extract: table text"),
    (recipe, "extract_table", "extract: table"),
    (recipe, "extract_form", "extract: form"),
    (recipe, "reread_entries", "extract: second reading of figures and times"),
    (recipe, "check_fields", "extract: entry checks"),
    (recipe, "readable_text", "extract: page text"),
    (recipe, "respell_printed", "extract: printed wordings"),
    (store, "save_result", "db: save result"),
)
STAGES = BEFORE_OCR + AFTER_OCR
OCR_CALL = "ocr: whole call"
OCR_PROGRAM = "ocr: tesseract itself"
PAGE = "page (process_page)"
CLAIMS = "db: claims and bookkeeping"
CPU = "run_batch, CPU time (with its tesseract processes)"


def program_calls() -> list[tuple[Any, str]]:
    """Where the OCR binding runs Tesseract itself: pytesseract's subprocess call."""
    return [(binding, "run_tesseract")]


@contextmanager
def timed(totals: dict[str, float], counts: dict[str, int]) -> Iterator[None]:
    """Wrap every stage function with a timer for the duration of the block."""
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, name: str) -> None:
        original = getattr(owner, attr)

        @functools.wraps(original)
        def timer(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - start
                counts[name] += 1

        saved.append((owner, attr, original))
        setattr(owner, attr, timer)

    for owner, attr, name in STAGES:
        wrap(owner, attr, name)
    wrap(_tesseract, "image_to_data", OCR_CALL)
    for owner, attr in program_calls():
        wrap(owner, attr, OCR_PROGRAM)
    wrap(executor, "process_page", PAGE)
    try:
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def profile(root: Path, db: Path) -> tuple[dict[str, Any], float, int]:
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    settings = Settings(db=f"sqlite:///{db}")
    start, cpu = time.perf_counter(), cpu_seconds()
    with timed(totals, counts):
        report = run_batch(root, settings=settings, engine_factory=from_settings, workers=1)
    seconds = time.perf_counter() - start
    totals[CPU] = cpu_seconds() - cpu
    counts[CPU] = 1
    return (
        {name: {"seconds": round(totals[name], 3), "calls": counts[name]} for name in totals},
        seconds,
        report.processed,
    )


def _tesseract_seconds(paths: list[Path]) -> tuple[float, float]:
    """Wall clock and CPU seconds of ``tesseract IMG - -l vie`` over ``paths``, serially."""
    start, cpu = time.perf_counter(), cpu_seconds()
    for path in paths:
        subprocess.run(
            ["tesseract", str(path), "-", "-l", "vie"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    return time.perf_counter() - start, cpu_seconds() - cpu


def rows_of(stages: dict[str, Any], seconds: float, pages: int) -> list[list[object]]:
    """Markdown rows: stage, calls, seconds, ms per page, share of the run."""
    order = [name for _, _, name in BEFORE_OCR] + [OCR_PROGRAM, OCR_CALL]
    order += [name for _, _, name in AFTER_OCR]
    rows: list[list[object]] = []
    for name in order:
        if name not in stages:
            continue
        s = stages[name]["seconds"]
        rows.append([name, stages[name]["calls"], s, fmt(1000 * s / pages, 0), fmt(s / seconds)])
    pre = sum(v["seconds"] for k, v in stages.items() if k.startswith("pre: "))
    page = stages.get(PAGE, {}).get("seconds", 0.0)
    rows.append(["preprocessing, all stages", "", round(pre, 3), fmt(1000 * pre / pages, 0)])
    rows[-1].append(fmt(pre / seconds))
    rows.append([PAGE, stages.get(PAGE, {}).get("calls", 0), round(page, 3)])
    rows[-1] += [fmt(1000 * page / pages, 0), fmt(page / seconds)]
    rest = seconds - page - stages.get("db: save result", {}).get("seconds", 0.0)
    rows.append([CLAIMS + " (the rest of run_batch)", "", round(rest, 3)])
    rows[-1] += [fmt(1000 * rest / pages, 0), fmt(rest / seconds)]
    rows.append(["run_batch, 1 worker", "", round(seconds, 3), fmt(1000 * seconds / pages, 0), ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scans", type=Path, help="reuse this page set (made if missing)")
    args = parser.parse_args(argv)
    info, sources = machine(), code()
    with tempfile.TemporaryDirectory(prefix="hotich-stages-") as tmp:
        work = Path(tmp)
        root = args.scans or work / "scans"
        if not root.exists():
            make_set(root, args.pages, args.seed, args.dpi)
        stages, seconds, pages = profile(root, work / "stages.db")
        images, _ = page_images(root, work / "images", Settings().pdf_dpi)
        raw, raw_cpu = _tesseract_seconds(images)
    pre = sum(v["seconds"] for k, v in stages.items() if k.startswith("pre: "))
    page = stages[PAGE]["seconds"]
    path = write_json(
        "stages.json",
        {
            "machine": info,
            "code": sources,
            "arguments": {k: str(v) for k, v in vars(args).items()},
            "pages": pages,
            "run_batch_seconds": round(seconds, 3),
            "stages": stages,
            "preprocessing_share_of_page": round(pre / page, 4),
            "tesseract_alone_raw_files_seconds": round(raw, 3),
            "tesseract_alone_raw_files_cpu_seconds": round(raw_cpu, 3),
            "pipeline_over_tesseract_alone": round(seconds / raw, 3),
            "pipeline_over_tesseract_alone_cpu": round(stages[CPU]["seconds"] / raw_cpu, 3),
        },
    )
    print(
        markdown_table(
            ["stage", "calls", "seconds", "ms/page", "share of run"],
            rows_of(stages, seconds, pages),
        )
    )
    print(
        f"\npreprocessing: {100 * pre / page:.1f} % of process_page time; "
        f"tesseract IMG - -l vie on the raw files: {raw:.2f} s; "
        f"run_batch / tesseract alone = {seconds / raw:.2f}; in CPU time "
        f"{stages[CPU]['seconds']:.2f} s / {raw_cpu:.2f} s = {stages[CPU]['seconds'] / raw_cpu:.2f}"
        f"\nresults in {path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
