"""``hotich run``: every new or changed page under a scan folder, into the database.

Library first: ``run_batch`` returns a BatchReport; the CLI only prints it. Workers return
results; this process is the one writer, one transaction per page, so a crash loses at most the
pages in flight and a rerun finishes the job without duplicates.

Pages are claimed a few at a time, just before the executor takes them (:class:`ClaimingFeed`,
:mod:`hotich.db.claims`): several runs on one PostgreSQL database share the pages out, and a
page a dead run had claimed is redone. On SQLite, one run at a time per database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from hotich.config.settings import Settings
from hotich.db import store
from hotich.db.claims import RunLease, run_lease
from hotich.db.migrate import upgrade
from hotich.db.session import make_engine, session_scope
from hotich.errors import ExitCode
from hotich.pipeline.discover import discover
from hotich.pipeline.executor import EngineFactory, Executor, make_executor
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.progress import NullProgress, Progress
from hotich.pipeline.recipe import PageTask
from hotich.schema.page import PageRef

log = logging.getLogger(__name__)

CLAIM_AHEAD = 2
"""Pages claimed at a time, per worker: enough to keep the workers busy, few enough that
another run finds work and a crash leaves little to redo."""


class QuarantinedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    code: str
    message: str


class BatchReport(BaseModel):
    """What a run did, for the summary and for callers."""

    model_config = ConfigDict(frozen=True)

    run_id: int
    pages_found: int
    processed: int
    skipped: int
    unchanged: int
    quarantined: tuple[QuarantinedItem, ...]
    ignored: tuple[str, ...]
    entries: int
    entries_needing_review: int
    pages_without_entries: int
    seconds: float
    elsewhere: int = 0
    """Pages this run left to another run that was doing them at the same time."""

    @property
    def pages_per_minute(self) -> float:
        return self.processed * 60.0 / self.seconds if self.seconds > 0 else 0.0

    def counts(self) -> dict[str, int]:
        """The figures recorded with the run in the database."""
        return {
            "pages_found": self.pages_found,
            "processed": self.processed,
            "skipped": self.skipped + self.unchanged,
            "quarantined": len(self.quarantined),
            "ignored": len(self.ignored),
            "elsewhere": self.elsewhere,
            "entries": self.entries,
            "entries_needing_review": self.entries_needing_review,
            "milliseconds": int(self.seconds * 1000),
        }

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.quarantined if self.quarantined else ExitCode.ok


def _is_done(ref: PageRef, known: store.KnownPage | None) -> bool:
    """Stored already from this very file: skip without decoding."""
    return (
        known is not None
        and known.status == "done"
        and known.file_sha256 == ref.file_sha256
        and known.source == ref.source
        and known.index == ref.index
    )


class ClaimingFeed:
    """The executor's tasks: each window of ``batch`` tasks is claimed when the executor asks
    for its first task, and only the pages claimed are given out. ``elsewhere`` counts the
    others (finished or being done by another run meanwhile)."""

    def __init__(
        self,
        engine: Engine,
        run_id: int,
        tasks: list[PageTask],
        seen: Mapping[store.PageKey, store.KnownPage],
        batch: int,
    ) -> None:
        self.engine, self.run_id, self.tasks, self.seen = engine, run_id, tasks, seen
        self.batch = max(1, batch)
        self.elsewhere = 0

    def __iter__(self) -> Iterator[PageTask]:
        for start in range(0, len(self.tasks), self.batch):
            window = self.tasks[start : start + self.batch]
            with session_scope(self.engine) as session:
                refs = [task.ref for task in window]
                claimed = set(store.claim(session, refs, self.run_id, seen=self.seen))
            self.elsewhere += len(window) - len(claimed)
            yield from (task for task in window if task.ref in claimed)


def run_batch(
    root: Path,
    *,
    settings: Settings,
    engine_factory: EngineFactory,
    workers: int = 1,
    progress: Progress | None = None,
    preprocess: PreprocessConfig | None = None,
    executor_kind: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    send_images: bool = False,
) -> BatchReport:
    start = time.perf_counter()
    root = root.resolve()
    if scheduler is None:  # a remote cluster's workers check their own Tesseract on first page
        engine_factory(settings).check()  # fail before any work if Tesseract or `vie` is missing
    executor = make_executor(
        settings,
        engine_factory,
        workers,
        preprocess=preprocess,
        kind=executor_kind,
        scheduler=scheduler,
        send_images=send_images,
    )
    if scheduler is not None:
        from hotich.pipeline.dask_executor import check_scheduler  # dask loads only when used

        check_scheduler(scheduler, timeout=10.0)  # unreachable: a plain error before db work
    engine = make_engine(settings.db)
    try:
        upgrade(engine)
        with run_lease(engine) as lease:  # SQLite: stops here if another run has the database
            batch = CLAIM_AHEAD * max(1, workers)
            report = _run(root, engine, lease, executor, batch, settings, progress, start)
    finally:
        engine.dispose()
    return report


def _run(
    root: Path,
    engine: Engine,
    lease: RunLease,
    executor: Executor,
    batch: int,
    settings: Settings,
    progress: Progress | None,
    start: float,
) -> BatchReport:
    progress = progress or NullProgress()
    found = discover(root, settings=settings)
    with session_scope(engine) as session:
        run_id = store.start_run(session, str(root))
    lease.hold(run_id)  # PostgreSQL: alive for the others until the run ends, however it ends
    with session_scope(engine) as session:
        known = store.known_pages(session, str(root))
    quarantined: list[QuarantinedItem] = []
    with session_scope(engine) as session:
        store.clear_resolved_files(session, str(root), {p.source for p in found.problems})
    for problem in found.problems:
        with session_scope(engine) as session:
            store.save_quarantined_file(
                session, str(root), problem.source, problem.code, problem.message, run_id
            )
        quarantined.append(
            QuarantinedItem(source=problem.source, code=problem.code, message=problem.message)
        )
    tasks: list[PageTask] = []
    skipped = 0
    for ref in found.refs:
        prior = known.get(store.PageKey(ref.commune, ref.book, ref.page_no))
        if _is_done(ref, prior):
            skipped += 1
            continue
        sha = prior.sha256 if prior is not None and prior.status == "done" else ""
        tasks.append(PageTask(ref=ref, known_sha256=sha))
    feed = ClaimingFeed(engine, run_id, tasks, known, batch)

    processed = unchanged = entries = review = empty = 0
    progress.start(len(tasks))
    try:
        for result in executor.run(feed):
            with session_scope(engine) as session:
                store.save_result(session, result, run_id, settings.review_threshold)
            progress.advance(result.ref.label)
            if result.unchanged:
                unchanged += 1
            elif not result.ok:
                quarantined.append(
                    QuarantinedItem(
                        source=result.ref.label,
                        code=result.error_code,
                        message=result.error_message,
                    )
                )
            else:
                processed += 1
                entries += len(result.entries)
                review += sum(
                    e.status(settings.review_threshold) == "needs_review" for e in result.entries
                )
                empty += int(not result.entries)
    finally:
        progress.close()
    seconds = round(time.perf_counter() - start, 2)
    report = BatchReport(
        run_id=run_id,
        pages_found=len(found.refs),
        processed=processed,
        skipped=skipped,
        unchanged=unchanged,
        quarantined=tuple(quarantined),
        ignored=tuple(found.ignored),
        entries=entries,
        entries_needing_review=review,
        pages_without_entries=empty,
        seconds=seconds,
        elsewhere=feed.elsewhere,
    )
    with session_scope(engine) as session:
        store.finish_run(session, run_id, report.counts(), int(report.exit_code))
    return report
