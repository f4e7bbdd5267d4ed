"""Claims: runs on one database never do a page twice, a dead run's pages are redone, SQLite
takes one run at a time, and runs killed at random finish on rerun without losing anything."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, func, select
from test_db_support import (  # noqa: F401  (fixtures)
    BOOK,
    COMMUNE,
    THRESHOLD,
    engine_fixture,
    entry,
    ref,
    result,
)

from hotich.config.settings import Settings
from hotich.db import (
    RunLockedError,
    add_correction,
    claim,
    known_pages,
    open_db,
    run_lease,
    save_result,
    session_scope,
    start_run,
)
from hotich.db.claims import lock_path
from hotich.db.models import Correction, EntryRow, Page, Run
from hotich.errors import ExitCode
from hotich.pipeline.runner import run_batch
from hotich.samplegen import generate
from tests.cli_helpers import hotich
from tests.fake_engines import form_engine
from tests.pg import PgServer

REPO = Path(__file__).resolve().parents[1]
SCAN_BOOK = f"{COMMUNE}/{BOOK}"


def _scans(root: Path, pages: int) -> Path:
    for n in range(1, pages + 1):
        rng = np.random.default_rng(n)
        pixels = np.full((280, 200), 255, np.uint8)
        for _ in range(6):  # a few dark bars, different per page
            y, x = int(rng.integers(10, 260)), int(rng.integers(10, 100))
            pixels[y : y + 6, x : x + int(rng.integers(30, 90))] = 0
        path = root / SCAN_BOOK / f"{n:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(path)
    return root


def _start(scans: Path, url: str, *, workers: int = 1) -> subprocess.Popen[str]:
    """A run with the slow fake engine, in its own process group (so its workers die with it)."""
    command = [sys.executable, "-m", "tests.run_with_fake_engine", str(scans), "--db", url]
    command += ["--workers", str(workers), "--engine", "slow"]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _done(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).where(Page.status == "done")) or 0


# --- claims in one process ----------------------------------------------------------------


def test_claim_takes_what_is_to_do_and_nothing_finished_since(engine: Engine) -> None:
    refs = [ref(1), ref(2, file_sha256="e" * 64), ref(3), ref(4)]  # page 2's file changed
    with session_scope(engine) as s:
        save_result(s, result(1, entry(0)), None, THRESHOLD)
        save_result(s, result(2, entry(0)), None, THRESHOLD)
        seen = known_pages(s)  # what a run sees when it starts; then another run does 2 and 3
        other = start_run(s, "/scans")
        assert claim(s, refs[1:3], other) == refs[1:3]
        failed = result(3, sha256="", ok=False, error_code="decode.truncated")
        save_result(s, failed, other, THRESHOLD)
        save_result(s, result(2, entry(0), page_ref=refs[1]), other, THRESHOLD)
        mine = start_run(s, "/scans")
        assert claim(s, refs, mine, seen=seen) == [refs[3]]  # 1, 2: done; 3: done since
        assert claim(s, refs, mine) == [refs[2]]  # without `seen`: the quarantined is retried
        assert claim(s, [ref(5), ref(6), ref(7)], mine, limit=2) == [ref(5), ref(6)]
        pages = {p.page_no: p for p in s.scalars(select(Page))}
    assert {n: (p.status, p.run_id) for n, p in pages.items() if p.status == "processing"} == {
        3: ("processing", mine),
        4: ("processing", mine),
        5: ("processing", mine),
        6: ("processing", mine),
    }
    assert (pages[7].status, pages[7].attempts) == ("pending", 0)
    assert [pages[n].attempts for n in (1, 2, 3, 4)] == [0, 1, 2, 1]


def test_sqlite_takes_one_run_at_a_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    scans = _scans(tmp_path / "scans", 2)
    engine = open_db(url)
    lock = lock_path(engine)
    assert lock == (tmp_path / "h.db.run.lock").resolve()
    settings = Settings(db=url)
    with run_lease(engine):
        with pytest.raises(RunLockedError) as caught:
            run_batch(scans, settings=settings, engine_factory=form_engine)
        assert caught.value.exit_code == ExitCode.failed
        assert str(tmp_path / "h.db") in str(caught.value) and str(os.getpid()) in str(caught.value)
        with pytest.raises(RunLockedError), run_lease(engine):  # in this process as well
            pass
        fd = _lock_fd(lock)
        pid = os.fork()
        if pid == 0:  # a forked child (a worker process) must not keep the run lock
            os._exit(0 if os.readlink(f"/proc/self/fd/{fd}") == "/dev/null" else 1)
        assert os.waitpid(pid, 0)[1] == 0
    assert run_batch(scans, settings=settings, engine_factory=form_engine).processed == 2
    engine.dispose()


def _lock_fd(lock: Path | None) -> int:
    for fd in os.listdir("/proc/self/fd"):
        if os.path.realpath(f"/proc/self/fd/{fd}") == str(lock):
            return int(fd)
    raise AssertionError("the lock file is not open")


def test_postgresql_claims_leave_a_live_runs_pages_and_take_a_dead_runs(
    pg_server: PgServer,
) -> None:
    engine = open_db(pg_server.reset())
    refs = [ref(n) for n in range(1, 41)]
    with session_scope(engine) as s:
        first, second, third = (start_run(s, "/scans") for _ in range(3))
    with run_lease(engine) as alive:
        alive.hold(first)
        with session_scope(engine) as s:
            assert claim(s, refs[:2], first) == refs[:2]
            assert claim(s, refs[:3], second) == [refs[2]]  # run `second` holds no lease: dead
            assert claim(s, refs[:3], third) == refs[2:3]  # its claim is stale
        # two live runs claiming the same pages at once, a few at a time, share them out
        taken: dict[int, list[int]] = {second: [], third: []}

        def work(run_id: int) -> None:
            for start in range(3, len(refs), 3):
                with session_scope(engine) as s:
                    got = claim(s, refs[start : start + 3], run_id)
                taken[run_id].extend(r.page_no for r in got)

        with run_lease(engine) as lease_2, run_lease(engine) as lease_3:
            lease_2.hold(second)
            lease_3.hold(third)
            threads = [threading.Thread(target=work, args=(n,)) for n in (second, third)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        assert not set(taken[second]) & set(taken[third])
        assert sorted(taken[second] + taken[third]) == list(range(4, 41))
    with session_scope(engine) as s:  # all gone, with nothing stored: every page is free
        assert claim(s, refs, start_run(s, "/scans")) == refs
    engine.dispose()


# --- runs as processes ----------------------------------------------------------------------


def test_two_runs_on_postgresql_split_the_pages(pg_server: PgServer, tmp_path: Path) -> None:
    pages = 24
    url = pg_server.reset()
    scans = _scans(tmp_path / "scans", pages)
    runs = [_start(scans, url), _start(scans, url)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    processed = [r["processed"] for r in reports]
    assert sum(processed) == pages and min(processed) > 0, reports
    for r in reports:
        assert r["processed"] + r["skipped"] + r["elsewhere"] == pages
    engine = open_db(url)
    with session_scope(engine) as s:
        by_run = dict(s.execute(select(Page.run_id, func.count()).group_by(Page.run_id)).all())
        attempts = set(s.scalars(select(Page.attempts)))
        statuses = set(s.scalars(select(Page.status)))
        entries = s.scalar(select(func.count()).select_from(EntryRow))
    engine.dispose()
    assert by_run == {r["run_id"]: r["processed"] for r in reports}
    assert attempts == {1} and statuses == {"done"} and entries == pages


@pytest.mark.parametrize("seed", [2026])
def test_runs_killed_at_random_finish_with_every_page_once(
    db_url: str, tmp_path: Path, seed: int
) -> None:
    """SIGKILL a run (and its workers) at seven random points, five of them once it has stored
    a page more, rerunning each time, while a person corrects and approves an entry. In the end
    every page is stored once, and the person's work is all there."""
    pages = 48
    scans = _scans(tmp_path / "scans", pages)
    engine = open_db(db_url)
    rng = random.Random(seed)
    plan = ["starting"] * 2 + ["working"] * 5
    rng.shuffle(plan)
    done_at_kill: list[int] = []
    human: int | None = None
    for when in plan:
        before = _done(engine)
        run = _start(scans, db_url, workers=2)
        if when == "starting":  # anywhere from start-up to its first pages
            time.sleep(rng.uniform(0.1, 1.2))
        else:
            deadline = time.monotonic() + 60
            while _done(engine) <= before and time.monotonic() < deadline:
                time.sleep(0.05)
            if _done(engine) <= before:
                os.killpg(run.pid, signal.SIGKILL)
                pytest.fail(f"the run stored nothing: {run.communicate()[1]}")
            if human is None:
                human = _review_first_page(engine)
            time.sleep(rng.uniform(0.0, 0.5))
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        done_at_kill.append(_done(engine))
    assert human is not None
    assert done_at_kill[-1] < pages, f"a kill came after the end: {done_at_kill}"

    final = _start(scans, db_url, workers=2)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert json.loads(out)["processed"] == pages - done_at_kill[-1]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Page)) == pages
        assert set(s.scalars(select(Page.status))) == {"done"}
        assert set(s.scalars(select(Page.generation))) == {0}  # stored once
        assert max(s.scalars(select(Page.attempts))) > 1  # pages in flight at a kill: redone
        rows = list(s.scalars(select(EntryRow)))
        assert len(rows) == pages and len({(e.page_id, e.entry_index) for e in rows}) == pages
        assert all(e.superseded_at is None for e in rows)
        reviewed = s.get_one(EntryRow, human)
        assert (reviewed.status, reviewed.approved_by) == ("approved", "minh")
        (correction,) = s.scalars(select(Correction))
        assert (correction.entry_id, correction.new_value, correction.username) == (
            human,
            "LÊ VĂN ANH",
            "lan",
        )
    engine.dispose()


def _review_first_page(engine: Engine) -> int:
    """What a person does in the review app: correct a field, approve the entry."""
    with session_scope(engine, write=True) as s:
        row = s.scalars(
            select(EntryRow)
            .join(Page)
            .where(Page.status == "done", EntryRow.superseded_at.is_(None))
            .order_by(Page.page_no)
        ).first()
        assert row is not None
        add_correction(s, row.id, "full_name", "LÊ VĂN ANH", user="lan")
        row.status, row.approved_by = "approved", "minh"
        return row.id


# --- the real command -----------------------------------------------------------------------


def test_hotich_run_on_a_busy_sqlite_database_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    scans = _scans(tmp_path / "scans", 1)
    engine = open_db(url)
    args = ("run", str(scans), "--db", url, "--workers", "1")
    with run_lease(engine):
        busy = hotich(*args, lang="en", engine=form_engine)
    engine.dispose()
    assert busy.code == ExitCode.failed
    assert "Another hotich run" in busy.err and str(tmp_path / "h.db") in busy.err
    done = hotich(*args, "--quiet", engine=form_engine)
    assert done.code == ExitCode.ok, done.err


@pytest.mark.tesseract
def test_two_hotich_runs_on_postgresql_split_the_pages(pg_server: PgServer, tmp_path: Path) -> None:
    """The real command, Tesseract and all, twice at once on one PostgreSQL database."""
    url = pg_server.reset()
    scans = tmp_path / "scans"
    generate(scans, pages=6, seed=5, dpi=150, pdf_share=0.0)
    command = [sys.executable, "-m", "hotich", "run", str(scans), "--db", url]
    runs = [
        subprocess.Popen(
            [*command, "--workers", "1", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    engine = open_db(url)
    with session_scope(engine) as s:
        counts = [r.counts for r in s.scalars(select(Run).order_by(Run.id))]
        pages = s.scalar(select(func.count()).select_from(Page))
        attempts = set(s.scalars(select(Page.attempts)))
    engine.dispose()
    processed = [c["processed"] for c in counts]
    assert sum(processed) == pages == 6 and min(processed) > 0 and attempts == {1}, counts
