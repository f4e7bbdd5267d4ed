"""Append audit rows from a process of its own, for the concurrency test in test_audit.py:

    python -m tests.audit_appender URL N NAME GO_FILE

prints ``ready``, waits until GO_FILE exists (so that two appenders start together), then
appends N rows, one transaction each, as account NAME."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hotich.db.session import make_engine, session_scope
from hotich.review import audit


def main(url: str, n: int, name: str, go: Path) -> None:
    engine = make_engine(url)
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to go")
        time.sleep(0.005)
    for i in range(n):
        with session_scope(engine, write=True) as s:
            audit.record(s, "view_page", username=name, object_type="page", object_id=i)
        # Let the other appender take the write lock between two of ours: on a loaded machine
        # one process could otherwise finish all its rows before the other starts, and the
        # test would not exercise concurrent appends at all.
        time.sleep(0.01)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
