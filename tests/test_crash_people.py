"""People's work survives crashes: after a first run, clerks correct fields and supervisors
reopen, approve and reject entries; then part of the book is rescanned, and the run over the
rescanned folder is killed with SIGKILL at random points before one finishes it. Every page
ends stored once, with one set of current entries, and every correction and decision is still
there, attached to the entry it was made on."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, func, select

from hotich.config.settings import Settings
from hotich.db import Correction, Decision, EntryRow, Page, add_correction, open_db, session_scope
from hotich.db.decisions import decide
from hotich.pipeline.runner import run_batch
from tests.fake_engines import form_engine

REPO = Path(__file__).resolve().parents[1]
BOOK = "10101-an-binh/khai-sinh-1998-q01"
PAGES = 40
RESCANNED = range(1, 31)
"""Pages 1-30 are scanned again (new pixels); 31-40 stay as they were."""
WORKED = (2, 5, 9, 14, 21, 27, 33, 38)
"""Pages whose entry people work on: six of them rescanned, two not."""


def _page(n: int, bars: int) -> np.ndarray:
    rng = np.random.default_rng(n)
    pixels = np.full((280, 200), 255, np.uint8)
    for _ in range(bars):  # dark bars, different per page; one more bar after a rescan
        y, x = int(rng.integers(10, 260)), int(rng.integers(10, 100))
        pixels[y : y + 6, x : x + int(rng.integers(30, 90))] = 0
    return pixels


def _scan(root: Path, pages: range | tuple[int, ...], bars: int) -> None:
    for n in pages:
        path = root / BOOK / f"{n:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(_page(n, bars)).save(path)


def _start(scans: Path, url: str) -> subprocess.Popen[str]:
    """A run with the slow fake engine and 2 workers, in its own process group (so a kill takes
    its workers too)."""
    command = [sys.executable, "-m", "tests.run_with_fake_engine", str(scans), "--db", url]
    command += ["--workers", "2", "--engine", "slow"]
    return subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _rescans_stored(engine: Engine) -> int:
    with session_scope(engine) as s:
        query = select(func.count()).where(Page.status == "done", Page.generation == 1)
        return s.scalar(query) or 0


def _people_work(engine: Engine) -> dict[int, str]:
    """What clerks and supervisors do in the review app on the pages ``WORKED``: correct
    fields everywhere; on some entries reopen and approve, on others reject. Returns each
    worked entry's id and its page number."""
    worked: dict[int, str] = {}
    with session_scope(engine, write=True) as s:
        rows = s.execute(
            select(EntryRow, Page.page_no)
            .join(Page)
            .where(Page.page_no.in_(WORKED), EntryRow.superseded_at.is_(None))
            .order_by(Page.page_no)
        ).all()
        assert [n for _, n in rows] == list(WORKED)
        for k, (row, page_no) in enumerate(rows):
            add_correction(s, row.id, "full_name", f"LÊ VĂN AN {k}", user="lan")
            if k % 2 == 0:
                add_correction(s, row.id, "sex", "Nữ", user="lan", reason="đọc lại sổ")
            if k % 3 == 2:
                decide(s, row, "reject", "minh", reason="trang mờ, cần quét lại")
            else:
                decide(s, row, "reopen", "minh", reason="kiểm tra lại")
                decide(s, row, "approve", "minh")
            worked[row.id] = str(page_no)
    return worked


def _snapshot(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as s:
        corrections = {
            c.id: (c.entry_id, c.field, c.old_value, c.new_value, c.username, c.reason)
            for c in s.scalars(select(Correction))
        }
        decisions = {
            d.id: (d.entry_id, d.action, d.old_status, d.new_status, d.username, d.reason)
            for d in s.scalars(select(Decision))
        }
        statuses = {
            e.id: (e.status, e.approved_by, e.generation)
            for e in s.scalars(select(EntryRow).where(EntryRow.id.in_(_worked_ids(corrections))))
        }
    return {"corrections": corrections, "decisions": decisions, "statuses": statuses}


def _worked_ids(corrections: dict[int, tuple[Any, ...]]) -> set[int]:
    return {entry_id for entry_id, *_ in corrections.values()}


@pytest.mark.parametrize("seed", [7])
def test_rescan_killed_at_random_keeps_every_correction_and_decision(
    db_url: str, tmp_path: Path, seed: int
) -> None:
    scans = tmp_path / "scans"
    _scan(scans, range(1, PAGES + 1), bars=6)
    first = run_batch(scans, settings=Settings(db=db_url), engine_factory=form_engine, workers=1)
    assert first.processed == PAGES
    engine = open_db(db_url)
    worked = _people_work(engine)
    before = _snapshot(engine)
    assert len(before["corrections"]) == len(WORKED) + len(WORKED[::2])
    assert len(before["decisions"]) > len(WORKED)

    _scan(scans, RESCANNED, bars=7)  # the rescan: new files, new pixels
    rng = random.Random(seed)
    plan = ["starting"] * 2 + ["working"] * 4
    rng.shuffle(plan)
    stored_at_kill: list[int] = []
    for when in plan:
        stored = _rescans_stored(engine)
        run = _start(scans, db_url)
        if when == "starting":  # anywhere from start-up to its first pages
            time.sleep(rng.uniform(0.1, 1.5))
        else:  # once it has stored one more rescanned page, a little later
            deadline = time.monotonic() + 60
            while _rescans_stored(engine) <= stored and time.monotonic() < deadline:
                time.sleep(0.05)
            if _rescans_stored(engine) <= stored:
                os.killpg(run.pid, signal.SIGKILL)
                pytest.fail(f"the run stored nothing: {run.communicate()[1]}")
            time.sleep(rng.uniform(0.0, 0.4))
        os.killpg(run.pid, signal.SIGKILL)  # the run and its worker processes
        run.communicate()
        stored_at_kill.append(_rescans_stored(engine))
    assert 0 < stored_at_kill[-1] < len(RESCANNED), f"kills not mid-batch: {stored_at_kill}"

    final = _start(scans, db_url)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert json.loads(out)["processed"] == len(RESCANNED) - stored_at_kill[-1]

    after = _snapshot(engine)
    assert after["corrections"] == before["corrections"]  # every correction, as it was made
    assert after["decisions"] == before["decisions"]  # every decision, on the same entry
    assert after["statuses"] == before["statuses"]  # approved by minh, rejected: as decided
    with session_scope(engine) as s:
        pages = {p.page_no: p for p in s.scalars(select(Page))}
        assert sorted(pages) == list(range(1, PAGES + 1))
        assert {p.status for p in pages.values()} == {"done"}
        assert {n: p.generation for n, p in pages.items()} == {  # each rescan stored once
            n: int(n in RESCANNED) for n in pages
        }
        entries = list(s.scalars(select(EntryRow)))
    current = [e for e in entries if e.superseded_at is None]
    assert sorted((e.page_id, e.entry_index) for e in current) == sorted(
        (p.id, 0) for p in pages.values()
    )  # one current entry per page, none twice
    by_id = {e.id: e for e in entries}
    page_of = {p.id: n for n, p in pages.items()}
    for entry_id, page_no in worked.items():
        entry = by_id[entry_id]  # still there, on its page, with its corrections
        assert page_of[entry.page_id] == int(page_no)
        rescanned = int(page_no) in RESCANNED
        assert (entry.superseded_at is not None) == rescanned, page_no
        if rescanned:
            newer = [e for e in current if e.page_id == entry.page_id]
            assert [e.generation for e in newer] == [1]
            assert newer[0].status == "approved" and newer[0].approved_by == "auto"
    # Besides the current entries, only those people worked on are kept (superseded): the
    # machine's untouched readings of a rescanned page are gone.
    kept = sum(int(n) in RESCANNED for n in worked.values())
    assert len(entries) == PAGES + kept and kept == 6
    engine.dispose()
