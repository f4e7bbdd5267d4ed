"""Injected inconsistencies flagged: pages where a large share of entries carry one deliberate
disagreement (a wrong ID digit, a date in words that differs, a death before the birth, a
spouse under age), and how many of those fields hotich puts an issue on.

    python benchmarks/inconsistencies.py [--pages 60] [--share 0.5] [--seed 2027]

Moderate scans of the three registers, both designs, 300 dpi. The figures are
``hotich eval``'s (``inconsistent_flagged``, and the field exact-match of the other fields).
Writes ``benchmarks/results/inconsistencies.json`` and prints a Markdown table.
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

WORKERS = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    settings = Settings()
    info, sources = machine(), code()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hotich-inconsistent-") as tmp:
        root = Path(tmp) / "moderate"
        report = generate(
            root,
            pages=args.pages,
            seed=args.seed,
            difficulty="moderate",
            dpi=300,
            inconsistent_share=args.share,
        )
        summary = evaluate(root, settings=settings, engine_factory=from_settings, workers=WORKERS)
    seconds = round(time.perf_counter() - start, 1)
    groups: dict[str, Any] = summary["groups"]
    rows = []
    for name in ("all", "register:khai_sinh", "register:ket_hon", "register:khai_tu"):
        g = groups.get(name)
        if g is None:
            continue
        flagged = g["inconsistent_flagged"]
        rows.append(
            [
                name.removeprefix("register:"),
                g["pages"],
                ratio(flagged["right"], flagged["total"]),
                ratio(g["fields_right"], g["fields_total"]),
            ]
        )
    header = ["register", "pages", "injected inconsistencies flagged", "field exact-match"]
    path = write_json(
        "inconsistencies.json",
        {
            "machine": info,
            "code": sources,
            "arguments": vars(args),
            "generated": {"pages": report.pages, "entries": report.entries},
            "summary": summary,
            "seconds": seconds,
        },
    )
    print(markdown_table(header, rows))
    print(f"\n{seconds:.0f} s; results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
