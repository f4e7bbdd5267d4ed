"""Record real Tesseract output for the replayed tests (tests/test_recorded.py).

Run by hand, from the repository root, when decoding, preprocessing, layout finding or the
engine changes (tests/test_recorded.py then fails with "no recorded OCR for image …"):

    .venv/bin/python -m tests.record_ocr

It needs Tesseract with the ``vie`` model. For each page of ``tests.recorded.CATALOGUE`` it runs
the real recipe (``process_page``) with a RecordingEngine around TesseractEngine and rewrites
``tests/data/recorded/<name>/`` (page.json, truth.gt.json, ocr-<key>.json). The generated
moderate page is made in a temporary folder with ``tests.recorded.GENERATED`` and only its OCR
output and ground truth are kept (its image is several MB).

It prints each page's CER and field accuracy, and the fields read wrong: when these move,
review the floors in tests/test_recorded.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage, gt_path, load_truth
from hotich.evaluate.metrics import Scores, field_matches
from hotich.evaluate.run import score_page
from hotich.ocr.tesseract import TesseractEngine
from hotich.pipeline.recipe import PageContext, PageTask, process_page
from hotich.samplegen import generate
from hotich.scanners import scan_folder
from hotich.schema.page import PageRef, PageResult
from tests.recorded import (
    CATALOGUE,
    GENERATED,
    RECORDED,
    SAMPLES,
    RecordedPage,
    RecordingEngine,
    page_ref,
)


def page_figures(truth: TruthPage, result: PageResult) -> dict[str, Any]:
    """CER and field accuracy of one page, scored as ``hotich eval`` scores it."""
    scores = Scores()
    score_page(scores, truth, result)
    group = scores.summary()["groups"]["all"]
    return {k: group[k] for k in ("cer", "field_accuracy", "fields_right", "fields_total")}


def _generated_ref(folder: Path) -> PageRef:
    generate(folder, **GENERATED)
    for page_file in scan_folder(folder).pages:
        truth = json.loads(gt_path(page_file.path).read_text(encoding="utf-8"))
        if page_file.kind == "image" and truth.get("design") == "form":
            return page_ref(folder, page_file.source)
    raise SystemExit(f"no single-image form page in the generated set {GENERATED}")


def _record(page: RecordedPage, ref: PageRef, engine_note: str, ctx: PageContext) -> None:
    folder = RECORDED / page.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    truth = load_truth(ref)
    if truth is None:
        raise SystemExit(f"{ref.label} has no ground truth")
    engine = ctx.engine
    if not isinstance(engine, RecordingEngine):
        raise TypeError("the context's engine must be a RecordingEngine")
    engine.folder = folder
    engine.calls.clear()
    result = process_page(PageTask(ref=ref), ctx)
    if not result.ok:
        raise SystemExit(f"{ref.label}: {result.error_code} {result.error_message}")
    figures = page_figures(truth, result)
    origin = "samples/scans" if page.source else f"hotich.samplegen.generate(**{GENERATED})"
    meta = {
        "about": page.about,
        "origin": origin,
        "source": ref.source,
        "image_committed": bool(page.source),
        "engine": engine_note,
        "calls": list(engine.calls),
        "recorded": {
            "register_type": result.register_type,
            "design": result.design,
            "entries": len(result.entries),
            **figures,
        },
    }
    (folder / "page.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "truth.gt.json").write_text(truth.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(f"{page.name:15} {ref.source}: {json.dumps(meta['recorded'])}")
    read = [e.values() for e in result.entries]
    for i, entry in enumerate(truth.entries):
        got = read[i] if i < len(read) else {}
        for name, value in entry.items():
            if not name.startswith("_") and not field_matches(str(value), got.get(name)):
                print(f"    entry {i} {name}: want {value!r}, read {got.get(name)!r}")


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as in the workers
    settings = Settings()
    tesseract = TesseractEngine(lang=settings.ocr_lang, timeout_s=settings.ocr_timeout_s)
    tesseract.check()
    langs = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    note = f"{langs[0] if langs else 'tesseract'} lang={settings.ocr_lang}"
    ctx = PageContext(settings=settings, engine=RecordingEngine(tesseract))
    with tempfile.TemporaryDirectory() as tmp:
        for page in CATALOGUE:
            ref = page_ref(SAMPLES, page.source) if page.source else _generated_ref(Path(tmp))
            _record(page, ref, note, ctx)
    print(f"wrote {RECORDED}", file=sys.stderr)


if __name__ == "__main__":
    main()
