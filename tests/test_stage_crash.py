"""A build that dies (SIGKILL) or fails at any point never leaves a half package counted as
staged: after a rerun, every approved entry is staged exactly once, in one package that
verifies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from hotich.config.settings import Settings
from hotich.db import add_correction, session_scope
from hotich.db.models import Decision, Package
from hotich.loaders.manifest import MANIFEST, verify_package
from hotich.loaders.stage import StageConflictError, build_packages
from hotich.loaders.stage_files import ORPHANS, TMP_PREFIX
from tests.stage_support import birth, engine_fixture, statuses, store_page  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def _two_books(engine: Engine, scans: Path, size: tuple[int, int] = (620, 877)) -> list[int]:
    ids: list[int] = []
    for book in ("khai-sinh-1998-q01", "khai-sinh-1999-q02"):
        for page_no in (1, 2, 3):
            ids += store_page(engine, scans, page_no, birth(page_no), book=book, size=size)
    return ids


def _assert_staged_once(engine: Engine, out: Path, ids: list[int]) -> Path:
    """Every entry staged, once, in the one package on disk, which verifies."""
    assert {statuses(engine)[i][0] for i in ids} == {"staged"}
    with session_scope(engine) as s:
        staged = list(s.scalars(select(Package).where(Package.status == "staged")))
        count = s.scalar(select(func.count()).where(Decision.action == "stage"))
    assert len(staged) == 1 and count == len(ids)
    assert {statuses(engine)[i][1] for i in ids} == {staged[0].id}
    visible = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert [p.name for p in visible] == [staged[0].name]
    assert verify_package(visible[0]) == []
    manifest = json.loads((visible[0] / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["entry_ids"]) == sorted(ids)
    assert not list(out.glob(f"{TMP_PREFIX}*"))
    return visible[0]


@pytest.mark.parametrize(
    ("point", "nth", "orphan"),
    [
        ("reserved", 1, False),  # the package is recorded, no file yet
        ("file_written", 3, False),  # half-way into the second book
        ("renamed", 1, True),  # the folder is in place, nothing counted yet
        ("committing", 1, True),  # inside the transaction that counts
    ],
)
def test_a_build_killed_at_any_point_is_finished_by_the_next(
    engine: Engine, db_url: str, tmp_path: Path, point: str, nth: int, orphan: bool
) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    ids = _two_books(engine, scans)
    command = [sys.executable, "-m", "tests.stage_with_faults", "--db", db_url, "--out", str(out)]
    killed = subprocess.run(
        [*command, "--kill-at", point, "--nth", str(nth)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert {statuses(engine)[i] for i in ids} == {("approved", None)}  # nothing counted
    left_behind = [p.name for p in out.iterdir()]
    assert bool([n for n in left_behind if not n.startswith(".")]) == orphan
    report = build_packages(engine, out, username="cli:rerun", settings=Settings(db=db_url))
    assert sorted(report.staged) == sorted(ids)
    package = _assert_staged_once(engine, out, ids)
    if orphan:
        (name,) = report.recovered
        assert (out / ORPHANS / name / MANIFEST).is_file()  # moved aside, not deleted
        assert name != package.name
    with session_scope(engine) as s:
        assert set(s.scalars(select(Package.status))) <= {"staged", "abandoned"}
    again = build_packages(engine, out, username="cli:rerun", settings=Settings(db=db_url))
    assert (again.package, again.recovered) == (None, ())


def test_a_failed_commit_removes_the_package(engine: Engine, db_url: str, tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    ids = _two_books(engine, scans)

    def fail_commit(point: str) -> None:
        if point == "committing":
            raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        build_packages(engine, out, username="cli:t", settings=Settings(), hook=fail_commit)
    assert list(out.iterdir()) == []  # no folder, no temporary folder
    assert {statuses(engine)[i] for i in ids} == {("approved", None)}
    with session_scope(engine) as s:
        assert list(s.scalars(select(Package.status))) == ["abandoned"]
    build_packages(engine, out, username="cli:t", settings=Settings())
    _assert_staged_once(engine, out, ids)


def test_the_real_command_killed_while_writing(engine: Engine, db_url: str, tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    ids = _two_books(engine, scans, size=(1240, 1754))  # A4 at 150 dpi: a second of work
    command = [sys.executable, "-m", "hotich", "stage", "build", "--out", str(out), "--db", db_url]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while not (out.is_dir() and list(out.glob(f"{TMP_PREFIX}*/*.zip"))):
            assert process.poll() is None, "the build finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert {statuses(engine)[i][0] for i in ids} == {"approved"}
    code = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120).returncode
    assert code == 0
    _assert_staged_once(engine, out, ids)


def test_an_entry_corrected_during_the_build_discards_the_package(
    engine: Engine, tmp_path: Path
) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    ids = _two_books(engine, scans)

    def correct_meanwhile(point: str) -> None:
        if point == "renamed":  # a reviewer saves a correction while the files were written
            with session_scope(engine, write=True) as s:
                add_correction(s, ids[0], "full_name", "NGUYỄN THỊ HOÀ", user="lan")

    with pytest.raises(StageConflictError) as e:
        build_packages(engine, out, username="cli:t", settings=Settings(), hook=correct_meanwhile)
    assert str(ids[0]) in str(e.value) and e.value.exit_code == 1
    assert list(out.iterdir()) == []
    assert {statuses(engine)[i] for i in ids} == {("approved", None)}
    report = build_packages(engine, out, username="cli:t", settings=Settings())
    assert report.folder is not None
    package = _assert_staged_once(engine, out, ids)
    sheet = load_workbook(package / report.books[0].xlsx)["DL Import"]
    assert sheet["M2"].value == "NGUYỄN THỊ HOÀ"  # nksHoTen: the corrected value
