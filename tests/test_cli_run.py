"""`hotich run` end to end with real Tesseract (vie) on generated pages: every entry stored,
a second run adds nothing, a run killed with SIGKILL finishes on rerun without duplicates,
and bad files are quarantined by name while the batch goes on."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from hotich.samplegen import generate
from tests.badfiles import make_bad_book

pytestmark = pytest.mark.tesseract

PAGES = 30


def _hotich(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotich", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=900,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


def _truth_entries(root: Path) -> int:
    total = 0
    for gt in root.rglob("*.gt.json"):
        data = json.loads(gt.read_text(encoding="utf-8"))
        pages = data.get("pages", [data])
        total += sum(len(p["entries"]) for p in pages)
    return total


def _truth_pages(root: Path) -> int:
    total = 0
    for gt in root.rglob("*.gt.json"):
        data = json.loads(gt.read_text(encoding="utf-8"))
        total += len(data.get("pages", [data]))
    return total


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scans")
    generate(root, pages=PAGES, seed=11, difficulty="moderate", dpi=150)
    return root


def test_run_stores_every_entry_and_a_second_run_adds_nothing(scans: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first = _hotich("run", str(scans), "--db", f"sqlite:///{db}", "--workers", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    pages = _truth_pages(scans)
    assert pages >= PAGES
    with _db(db) as con:
        assert con.execute("select count(*) from pages where status='done'").fetchone()[0] == pages
        stored = con.execute("select count(*) from entries").fetchone()[0]
    assert stored == _truth_entries(scans)
    assert f"{pages}" in first.stdout

    second = _hotich("run", str(scans), "--db", f"sqlite:///{db}", "--quiet")
    assert second.returncode == 0, second.stdout + second.stderr
    with _db(db) as con:
        assert con.execute("select count(*) from pages").fetchone()[0] == pages
        assert con.execute("select count(*) from entries").fetchone()[0] == stored
        counts = json.loads(con.execute("select counts from runs order by id desc").fetchone()[0])
    assert counts["processed"] == 0 and counts["skipped"] == pages


def test_killed_run_finishes_on_rerun_with_every_page_once(scans: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    url = f"sqlite:///{db}"
    for kill in range(2):  # kill twice at different points, then let it finish
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hotich",
                "run",
                str(scans),
                "--db",
                url,
                "--workers",
                "2",
                "--quiet",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        target = 3 + 8 * kill
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if db.exists():
                try:
                    with _db(db) as con:
                        done = con.execute(
                            "select count(*) from pages where status='done'"
                        ).fetchone()[0]
                except sqlite3.OperationalError:
                    continue
                if done >= target:
                    break
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its worker processes, mid-batch
        proc.wait()
    with _db(db) as con:
        done_before = con.execute("select count(*) from pages where status='done'").fetchone()[0]
    pages = _truth_pages(scans)
    assert 0 < done_before < pages, "the kill should land mid-batch"

    final = _hotich("run", str(scans), "--db", url, "--quiet")
    assert final.returncode == 0, final.stdout + final.stderr
    with _db(db) as con:
        assert con.execute("select count(*) from pages").fetchone()[0] == pages
        assert con.execute("select count(*) from pages where status != 'done'").fetchone()[0] == 0
        dupes = con.execute(
            "select count(*) from (select page_id, entry_index from entries "
            "group by page_id, entry_index having count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0
        assert con.execute("select count(*) from entries").fetchone()[0] == _truth_entries(scans)


def test_bad_files_quarantined_by_name_and_nothing_stored_is_lost(
    scans: Path, tmp_path: Path
) -> None:
    root = tmp_path / "scans"
    book = next(p for p in scans.glob("*/*") if p.is_dir())
    good = root / book.relative_to(scans)
    shutil.copytree(book, good)
    db = tmp_path / "h.db"
    first = _hotich("run", str(root), "--db", f"sqlite:///{db}", "--quiet")
    assert first.returncode == 0, first.stderr
    with _db(db) as con:
        before = con.execute("select count(*), sum(length(text)) from pages").fetchone()
        entries_before = con.execute("select count(*) from entries").fetchone()[0]

    expected = make_bad_book(good)
    Image.new("RGB", (400, 560), "white").save(root / "stray.png")
    (good / "ghi-chu.txt").write_text("not a page", encoding="utf-8")
    second = _hotich(
        "run", str(root), "--db", f"sqlite:///{db}", "--quiet", env={"HOTICH_LANG": "en"}
    )
    assert second.returncode == 3, second.stdout + second.stderr
    for name in expected:
        line = next((ln for ln in second.stdout.splitlines() if name in ln), None)
        assert line is not None, f"{name} not named in the summary:\n{second.stdout}"
    assert "stray.png" in second.stdout and "ghi-chu.txt" in second.stdout
    with _db(db) as con:
        codes = dict(
            con.execute(
                "select source, error_code from pages where status='quarantined'"
            ).fetchall()
        )
        files = {r[0]: r[1] for r in con.execute("select path, code from quarantine")}
        after = con.execute(
            "select count(*), sum(length(text)) from pages where status='done'"
        ).fetchone()
        assert con.execute("select count(*) from entries").fetchone()[0] == entries_before
    assert after == before  # nothing already stored was lost
    found = {Path(k).name: v for k, v in {**codes, **files}.items()}
    for name, code in expected.items():
        assert found.get(name) == code, (name, found)
    assert found.get("stray.png") == "layout.misplaced"
