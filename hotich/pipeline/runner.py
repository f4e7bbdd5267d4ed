"""``hotich run``: every new or changed page under a scan folder, into the database.

Library first: ``run_batch`` returns a BatchReport; the CLI only prints it. Workers return
results; this process is the one writer, one transaction per page, so a crash loses at most the
pages in flight and a rerun finishes the job without duplicates.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from hotich.config.settings import Settings
from hotich.db import store
from hotich.db.migrate import upgrade
from hotich.db.session import make_engine, session_scope
from hotich.errors import ExitCode
from hotich.pipeline.discover import discover
from hotich.pipeline.executor import EngineFactory, make_executor
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.progress import NullProgress, Progress
from hotich.pipeline.recipe import PageTask
from hotich.schema.page import PageRef

log = logging.getLogger(__name__)


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


def run_batch(
    root: Path,
    *,
    settings: Settings,
    engine_factory: EngineFactory,
    workers: int = 1,
    progress: Progress | None = None,
    preprocess: PreprocessConfig | None = None,
) -> BatchReport:
    progress = progress or NullProgress()
    start = time.perf_counter()
    root = root.resolve()
    engine_factory(settings).check()  # fail before any work if Tesseract or `vie` is missing
    upgrade(settings.db)
    engine = make_engine(settings.db)
    found = discover(root, settings=settings)
    with session_scope(engine) as session:
        run_id = store.start_run(session, str(root))
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
    with session_scope(engine) as session:
        store.mark_processing(session, [task.ref for task in tasks], run_id)

    processed = unchanged = entries = review = empty = 0
    progress.start(len(tasks))
    executor = make_executor(settings, engine_factory, workers, preprocess=preprocess)
    try:
        for result in executor.run(tasks):
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
    )
    with session_scope(engine) as session:
        store.finish_run(session, run_id, report.counts(), int(report.exit_code))
    engine.dispose()
    return report
