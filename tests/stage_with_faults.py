"""``hotich stage build`` that kills its own process (SIGKILL: no cleanup, no ``finally``) at a
named point of the build, for the crash tests::

    python -m tests.stage_with_faults --db URL --out DIR --kill-at POINT [--nth N]

POINT is one of the build's hook points (``reserved``, ``file_written``, ``renamed``,
``committing``); with ``--nth N`` the N-th time that point is reached. Run from the repository
root. Exits 0 if the build finished without reaching the point.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from hotich.config.settings import Settings
from hotich.db import open_db
from hotich.loaders.stage import build_packages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stage_with_faults")
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--kill-at", required=True)
    parser.add_argument("--nth", type=int, default=1)
    args = parser.parse_args(argv)
    seen = 0

    def hook(point: str) -> None:
        nonlocal seen
        if point == args.kill_at:
            seen += 1
            if seen == args.nth:
                os.kill(os.getpid(), signal.SIGKILL)

    engine = open_db(args.db)
    build_packages(engine, args.out, username="cli:crash", settings=Settings(db=args.db), hook=hook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
