"""The batch runner: resumable, never loses or duplicates a page, quarantines bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from hotich.config.settings import Settings
from hotich.db.models import EntryRow, Page, QuarantinedFile
from hotich.db.session import make_engine, session_scope
from hotich.errors import ExitCode
from hotich.pipeline.runner import run_batch
from tests.fake_engines import buggy_engine, crash_on_wide_engine, form_engine

BOOK = "20227-dai-thanh/khai-sinh-1998-q01"


def _page_image(path: Path, seed: int, size: tuple[int, int] = (400, 560)) -> None:
    rng = np.random.default_rng(seed)
    pixels = np.full((size[1], size[0]), 255, np.uint8)
    for _ in range(12):  # a few dark bars, different per seed
        y, x = int(rng.integers(20, size[1] - 30)), int(rng.integers(20, size[0] // 2))
        pixels[y : y + 8, x : x + int(rng.integers(60, size[0] // 2))] = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    root = tmp_path / "scans"
    for n in range(1, 7):
        _page_image(root / BOOK / f"{n:04d}.png", n)
    return root


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(db=db_url)


def _counts(settings: Settings) -> tuple[int, int, int]:
    engine = make_engine(settings.db)
    with session_scope(engine) as s:
        pages = s.scalar(select(func.count()).select_from(Page)) or 0
        done = s.scalar(select(func.count()).where(Page.status == "done")) or 0
        entries = s.scalar(select(func.count()).select_from(EntryRow)) or 0
    engine.dispose()
    return pages, done, entries


def test_first_run_stores_every_page_second_run_nothing(scans: Path, settings: Settings) -> None:
    first = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert (first.pages_found, first.processed, first.skipped) == (6, 6, 0)
    assert first.entries == 6 and first.exit_code == ExitCode.ok
    assert _counts(settings) == (6, 6, 6)
    second = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert (second.processed, second.skipped, second.entries) == (0, 6, 0)
    assert _counts(settings) == (6, 6, 6)


def test_changed_page_is_redone_and_resaved_page_is_not(scans: Path, settings: Settings) -> None:
    run_batch(scans, settings=settings, engine_factory=form_engine)
    _page_image(scans / BOOK / "0002.png", 99)  # new content
    same = Image.open(scans / BOOK / "0003.png")
    same.save(scans / BOOK / "0003.png", compress_level=1)  # same pixels, other bytes
    report = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert (report.processed, report.unchanged, report.skipped) == (1, 1, 4)
    assert _counts(settings) == (6, 6, 6)


def test_pages_in_flight_at_a_crash_are_redone(scans: Path, settings: Settings) -> None:
    run_batch(scans, settings=settings, engine_factory=form_engine)
    engine = make_engine(settings.db)
    with session_scope(engine) as s:  # as if the process died mid-page
        for page in s.scalars(select(Page).where(Page.page_no.in_([2, 5]))):
            page.status = "processing"
        s.commit()
    engine.dispose()
    report = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert (report.processed, report.skipped) == (2, 4)
    assert _counts(settings) == (6, 6, 6)


def test_parallel_workers_store_the_same(scans: Path, settings: Settings) -> None:
    report = run_batch(scans, settings=settings, engine_factory=form_engine, workers=2)
    assert report.processed == 6
    assert _counts(settings) == (6, 6, 6)


def test_engine_crash_quarantines_that_page_only(scans: Path, settings: Settings) -> None:
    _page_image(scans / BOOK / "0007.png", 7, size=(700, 500))  # wide: the fake engine fails
    report = run_batch(scans, settings=settings, engine_factory=crash_on_wide_engine)
    assert report.processed == 6
    assert [(q.source, q.code) for q in report.quarantined] == [(f"{BOOK}/0007.png", "ocr.crashed")]
    assert "0007.png" in report.quarantined[0].message
    assert report.exit_code == ExitCode.quarantined


def test_fixed_file_leaves_quarantine(scans: Path, settings: Settings) -> None:
    bad = scans / BOOK / "0009.pdf"
    bad.write_bytes(b"")
    first = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert [q.code for q in first.quarantined] == ["pdf.empty"]
    bad.unlink()
    _page_image(scans / BOOK / "0009.png", 9)
    second = run_batch(scans, settings=settings, engine_factory=form_engine)
    assert second.quarantined == () and second.processed == 1
    engine = make_engine(settings.db)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(QuarantinedFile)) == 0
    engine.dispose()


def test_unexpected_error_quarantines_the_page_and_logs_no_personal_data(
    scans: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    _page_image(scans / BOOK / "0007.png", 7, size=(700, 500))
    report = run_batch(scans, settings=settings, engine_factory=buggy_engine)
    assert report.processed == 6
    assert [q.code for q in report.quarantined] == ["internal"]
    assert "0007.png" in caplog.text and "ValueError" in caplog.text
    assert "LÊ VĂN AN" not in caplog.text
