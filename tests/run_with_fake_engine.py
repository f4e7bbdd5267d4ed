"""``hotich run`` with a fake OCR engine, for tests that start runs as processes (two at once,
killed at random) without Tesseract::

    python -m tests.run_with_fake_engine SCANS --db URL [--workers N] [--engine slow|form]

Run from the repository root. Prints the run's report as one JSON line and exits as
``hotich run`` does (0, or 3 with quarantined pages; a HotichError prints its message and
exits with its code).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hotich.config.settings import Settings
from hotich.errors import HotichError
from hotich.i18n import t
from hotich.pipeline.executor import EngineFactory
from hotich.pipeline.runner import run_batch
from tests.fake_engines import form_engine, slow_engine

ENGINES: dict[str, EngineFactory] = {"slow": slow_engine, "form": form_engine}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_with_fake_engine")
    parser.add_argument("scans", type=Path)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engine", choices=sorted(ENGINES), default="slow")
    args = parser.parse_args(argv)
    try:
        report = run_batch(
            args.scans,
            settings=Settings(db=args.db),
            engine_factory=ENGINES[args.engine],
            workers=args.workers,
        )
    except HotichError as e:
        print(t("cli.error", message=str(e)), file=sys.stderr)
        return int(e.exit_code)
    print(report.model_dump_json(), flush=True)
    return int(report.exit_code)


if __name__ == "__main__":
    sys.exit(main())
