"""Tesseract models compared per field kind: Debian's ``vie`` (the fast integer model), the
Vietnamese script model (``tesseract-ocr-script-viet``, ``-l Vietnamese``) and both together.

    python benchmarks/models.py [--pages 30] [--seed 2026] [--difficulty moderate]

Each model reads the whole pipeline's first reading (``HOTICH_OCR_LANG``); the second reading
of figures (``HOTICH_OCR_FIGURES_LANG``, ``eng``) is the same for all, and is compared on its
own in the last rows (off, ``eng``, ``vie``, ``Vietnamese``). Field exact-match is grouped by
kind of field: names, places, dates and figures, closed lists (sex, ethnicity, nationality),
free wordings. Writes ``benchmarks/results/models.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import code, machine, markdown_table, ratio, write_json

from hotich.config.settings import Settings
from hotich.evaluate.run import evaluate
from hotich.ocr.tesseract import from_settings
from hotich.samplegen import generate
from hotich.samplegen.degrade import Difficulty
from hotich.schema.normalize import FIELD_KINDS

WORKERS = 2
RUNS: tuple[tuple[str, dict[str, str]], ...] = (
    ("vie (default)", {"ocr_lang": "vie"}),
    ("Vietnamese", {"ocr_lang": "Vietnamese"}),
    ("vie+Vietnamese", {"ocr_lang": "vie+Vietnamese"}),
    ("vie, no second reading", {"ocr_lang": "vie", "ocr_figures_lang": ""}),
    ("vie, second reading vie", {"ocr_lang": "vie", "ocr_figures_lang": "vie"}),
    ("vie, second reading Vietnamese", {"ocr_lang": "vie", "ocr_figures_lang": "Vietnamese"}),
)
KINDS = {
    "name": "names",
    "place": "places",
    "date": "dates and figures",
    "year": "dates and figures",
    "register_number": "dates and figures",
    "personal_id": "dates and figures",
    "sex": "closed lists",
    "ethnicity": "closed lists",
    "nationality": "closed lists",
}
FIGURES = {"book_number", "husband_id_document", "wife_id_document", "time_of_death"}


def kind_of(field: str) -> str:
    if field in FIGURES:
        return "dates and figures"
    return KINDS.get(FIELD_KINDS.get(field, ""), "free wordings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--difficulty", default="moderate")
    args = parser.parse_args(argv)
    difficulty: Difficulty = args.difficulty
    settings = Settings()
    info, sources = machine(), code()
    start = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hotich-models-") as tmp:
        root = Path(tmp) / "set"
        generate(root, pages=args.pages, seed=args.seed, difficulty=difficulty, dpi=300)
        for name, overrides in RUNS:
            summary = evaluate(
                root,
                settings=settings.model_copy(update=overrides),
                engine_factory=from_settings,
                workers=WORKERS,
            )
            every = summary["groups"]["all"]
            kinds: dict[str, list[int]] = {}
            for field, tally in every["per_field"].items():
                k = kinds.setdefault(kind_of(field), [0, 0])
                k[0] += tally["right"]
                k[1] += tally["total"]
            results[name] = {
                "settings": overrides,
                "cer": every["cer"],
                "right": every["fields_right"],
                "total": every["fields_total"],
                "kinds": kinds,
                "seconds": summary["seconds"],
            }
            print(f"  {name}: {every['field_accuracy']:.3f}", file=sys.stderr, flush=True)
    seconds = round(time.perf_counter() - start, 1)
    order = sorted({k for r in results.values() for k in r["kinds"]})
    header = ["first reading / second reading", "all fields", *order, "CER", "s"]
    rows = [
        [
            name,
            ratio(r["right"], r["total"]),
            *(ratio(*r["kinds"].get(k, [0, 0])) for k in order),
            f"{r['cer']:.3f}",
            r["seconds"],
        ]
        for name, r in results.items()
    ]
    path = write_json(
        "models.json",
        {
            "machine": info,
            "code": sources,
            "arguments": vars(args),
            "runs": results,
            "seconds": seconds,
        },
    )
    print(markdown_table(header, rows))
    print(f"\n{seconds:.0f} s; results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
