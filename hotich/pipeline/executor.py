"""Where per-page work runs: in this process (tests, one worker), in a pool of processes, or
on a dask.distributed cluster (``hotich.pipeline.dask_executor``).

All yield results as they finish; only the caller (the one writer) stores them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Literal, Protocol

from hotich.config.settings import Settings
from hotich.errors import BadInputError
from hotich.ocr.engine import OcrEngine
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.recipe import PageContext, PageTask, process_page
from hotich.schema.page import PageResult

EngineFactory = Callable[[Settings], OcrEngine]


class Executor(Protocol):
    def run(self, tasks: Iterable[PageTask]) -> Iterator[PageResult]: ...


class SerialExecutor:
    """Runs pages one after another in this process."""

    def __init__(
        self,
        settings: Settings,
        engine_factory: EngineFactory,
        preprocess: PreprocessConfig | None = None,
    ) -> None:
        self.ctx = PageContext(
            settings=settings,
            engine=engine_factory(settings),
            preprocess=preprocess or PreprocessConfig(),
        )

    def run(self, tasks: Iterable[PageTask]) -> Iterator[PageResult]:
        for task in tasks:
            yield process_page(task, self.ctx)


_worker_ctx: PageContext | None = None


def _init_worker(
    settings: Settings, engine_factory: EngineFactory, preprocess: PreprocessConfig
) -> None:
    global _worker_ctx
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one Tesseract thread per worker process
    _worker_ctx = PageContext(
        settings=settings, engine=engine_factory(settings), preprocess=preprocess
    )


def _work(task: PageTask) -> PageResult:
    if _worker_ctx is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker context not initialised")
    return process_page(task, _worker_ctx)


class ProcessExecutor:
    """A pool of worker processes, one OCR engine each; at most 2×workers pages in flight,
    so memory stays flat however many pages the batch has."""

    def __init__(
        self,
        settings: Settings,
        engine_factory: EngineFactory,
        workers: int,
        preprocess: PreprocessConfig | None = None,
    ) -> None:
        self.settings = settings
        self.engine_factory = engine_factory
        self.workers = max(1, workers)
        self.preprocess = preprocess or PreprocessConfig()

    def run(self, tasks: Iterable[PageTask]) -> Iterator[PageResult]:
        pending: set[Future[PageResult]] = set()
        todo = iter(tasks)
        with ProcessPoolExecutor(
            max_workers=self.workers,
            initializer=_init_worker,
            initargs=(self.settings, self.engine_factory, self.preprocess),
        ) as pool:
            for task in todo:
                pending.add(pool.submit(_work, task))
                if len(pending) >= 2 * self.workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()


def make_executor(
    settings: Settings,
    engine_factory: EngineFactory,
    workers: int,
    preprocess: PreprocessConfig | None = None,
    *,
    kind: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    send_images: bool = False,
) -> Executor:
    """The executor for a run: ``kind="dask"`` runs on the cluster at ``scheduler`` (a
    LocalCluster of ``workers`` processes if None), sending page bytes if ``send_images``."""
    if kind == "dask":
        from hotich.pipeline.dask_executor import DaskExecutor  # dask loads only when asked for

        return DaskExecutor(
            settings,
            engine_factory,
            workers=workers,
            scheduler=scheduler,
            send_images=send_images,
            preprocess=preprocess,
        )
    if scheduler is not None or send_images:
        raise BadInputError("dask.needs_dask_executor")
    if workers <= 1:
        return SerialExecutor(settings, engine_factory, preprocess)
    return ProcessExecutor(settings, engine_factory, workers, preprocess)
