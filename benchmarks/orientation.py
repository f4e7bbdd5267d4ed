"""Page orientation on generated pages: every page turned by 0, 90, 180 and 270°, and whether
:func:`hotich.pipeline.orient.estimate_orientation` turns it upright.

    python benchmarks/orientation.py [--pages 30] [--dpi 300] [--seed 2026]

Sets: clean, moderate and hard scans (forms and table spreads of the three registers). Writes
``benchmarks/results/orientation.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import code, machine, markdown_table, ratio, write_json

from hotich.config.settings import Settings
from hotich.pipeline.discover import discover
from hotich.pipeline.orient import estimate_orientation
from hotich.pipeline.preprocess import to_gray
from hotich.samplegen import generate
from hotich.samplegen.degrade import Difficulty
from hotich.scanners import decode_page

SETS: tuple[Difficulty, ...] = ("clean", "moderate", "hard")


def _measure(root: Path, settings: Settings) -> dict[str, Any]:
    right: dict[int, int] = {q: 0 for q in range(4)}
    total = 0
    wrong: list[str] = []
    for ref in discover(root, settings=settings).refs:
        page = to_gray(decode_page(ref, settings=settings).image)
        total += 1
        for q in range(4):
            turned = np.ascontiguousarray(np.rot90(page, q))  # counter-clockwise
            answer = estimate_orientation(turned)
            if answer == (360 - 90 * q) % 360:
                right[q] += 1
            else:
                wrong.append(f"{ref.label} turned {90 * q}°: answered {answer}°")
    return {"pages": total, "right": right, "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    settings = Settings()
    info, sources = machine(), code()
    start = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hotich-orient-") as tmp:
        for difficulty in SETS:
            root = Path(tmp) / difficulty
            generate(root, pages=args.pages, seed=args.seed, difficulty=difficulty, dpi=args.dpi)
            results[difficulty] = _measure(root, settings)
    seconds = round(time.perf_counter() - start, 1)
    rows = [
        [name, r["pages"], *(ratio(r["right"][q], r["pages"]) for q in range(4))]
        for name, r in results.items()
    ]
    header = ["set", "pages", "upright", "turned 90°", "turned 180°", "turned 270°"]
    path = write_json(
        "orientation.json",
        {
            "machine": info,
            "code": sources,
            "arguments": vars(args),
            "sets": results,
            "seconds": seconds,
        },
    )
    print(markdown_table(header, rows))
    for r in results.values():
        for line in r["wrong"]:
            print(f"- {line}")
    print(f"\n{seconds:.0f} s; results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
