"""Per-page work on a dask.distributed cluster: the same ``process_page``, results streamed back.

    executor = DaskExecutor(settings, engine_factory, workers=4, scheduler=None,
                            send_images=False, preprocess=None)
    for result in executor.run(tasks):   # as pages finish; the caller is the one writer
        ...

Without a scheduler address, a ``LocalCluster`` of ``workers`` processes (one thread each,
loopback only, no dashboard) lives for one ``run`` and is closed after it, also on an error or
Ctrl-C. With an address (``tcp://host:8786``) the run connects to that cluster; its workers
should be started with one thread each (``dask worker ADDR --nthreads 1 --nworkers N``), since
one Tesseract uses one core.

Each worker process builds one PageContext (one OCR engine) on its first page of a run and
keeps it. At most two pages per worker thread are in flight, so memory stays flat however long
the batch: a new page is submitted each time a result comes back.

Pages are read by the workers from ``ref.root``, a path they all see; with ``send_images`` the
parent reads each page file and sends its bytes, and the worker decodes a private temporary copy
with the same relative path (a multi-page PDF or TIFF is then sent once per page).

A worker that dies mid-page loses nothing: the scheduler gives its pages to another worker. A
page that was running on more than ``distributed.scheduler.allowed-failures`` (default 3)
workers as they died comes back quarantined (``worker_killed``) and the batch goes on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from dask.typing import Key
from distributed import Client, Future, KilledWorker, LocalCluster, as_completed, get_worker
from distributed.comm.core import connect

from hotich.config.settings import Settings
from hotich.errors import BadInputError, EnvironmentCheckError, PageError
from hotich.i18n import t
from hotich.pipeline.executor import EngineFactory
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.recipe import PageContext, PageTask, process_page
from hotich.scanners.files import check_regular_file, unreadable
from hotich.schema.page import PageRef, PageResult

log = logging.getLogger(__name__)

PAGES_PER_THREAD: Final = 2
"""Pages in flight per worker thread: one running, one waiting, so no worker idles."""
WORKER_KILLED: Final = "worker_killed"
"""Error code of a page whose workers kept dying (catalog key ``quarantine.worker_killed``)."""

TaskKey = tuple[str, str, str, int, int]


@dataclass(frozen=True)
class _RunConfig:
    """What every worker needs to build its PageContext; ``token`` names the run."""

    token: str
    settings: Settings
    engine_factory: EngineFactory
    preprocess: PreprocessConfig


@dataclass(frozen=True)
class _Job:
    config: _RunConfig
    task: PageTask
    image: bytes | None = None
    """The page file's bytes (``send_images``), or None to read ``ref.root / ref.source``."""


# ---- in the worker process ------------------------------------------------------------------

_context_lock = threading.Lock()
_context: tuple[str, PageContext] | None = None


def _worker_context(config: _RunConfig) -> PageContext:
    """This worker's PageContext for the run ``config.token``, built on its first page."""
    global _context
    with _context_lock:
        if _context is None or _context[0] != config.token:
            _context = None  # let the previous run's engine go before loading the next
            os.environ["OMP_THREAD_LIMIT"] = "1"  # one Tesseract thread per worker thread
            engine = config.engine_factory(config.settings)
            ctx = PageContext(settings=config.settings, engine=engine, preprocess=config.preprocess)
            _context = (config.token, ctx)
        return _context[1]


def _scratch_dir() -> str | None:
    """The worker's own local directory (dask clears it if the worker dies), else the temp dir."""
    try:
        return str(get_worker().local_directory)
    except ValueError:  # not inside a dask worker
        return None


def _process_copy(task: PageTask, image: bytes, ctx: PageContext) -> PageResult:
    """Decode a private copy of the page file; the result names the original place."""
    ref = task.ref
    parts = PurePosixPath(ref.source).parts
    if not parts or PurePosixPath(ref.source).is_absolute() or ".." in parts:
        raise ValueError(f"{ref.label}: a page source must be a relative path inside its folder")
    with tempfile.TemporaryDirectory(prefix="hotich-page-", dir=_scratch_dir()) as tmp:
        path = Path(tmp, *parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)
        copy = PageTask(ref=ref.model_copy(update={"root": tmp}), known_sha256=task.known_sha256)
        result = process_page(copy, ctx)
    return result.model_copy(update={"ref": ref})


def run_job(job: _Job) -> PageResult:
    """The task a worker runs for one page."""
    ctx = _worker_context(job.config)
    if job.image is None:
        return process_page(job.task, ctx)
    return _process_copy(job.task, job.image, ctx)


# ---- in the parent --------------------------------------------------------------------------


def task_key(ref: PageRef, token: str, seq: int) -> TaskKey:
    """The dask key of a page: its run, its identity (so a log or a retry names the page) and
    its place in the run (so two tasks never share a key, which would make them one)."""
    return (f"hotich-page-{token}", ref.commune, ref.book, ref.page_no, seq)


def worker_killed_result(ref: PageRef, tries: int) -> PageResult:
    return PageResult(
        ref=ref,
        ok=False,
        error_code=WORKER_KILLED,
        error_message=t(f"quarantine.{WORKER_KILLED}", file=ref.label, tries=tries),
    )


def _read_page_file(ref: PageRef) -> bytes:
    """The bytes of the page's file; PageError ``decode.unreadable`` if it cannot be read."""
    path = Path(ref.root) / ref.source
    check_regular_file(path, ref.label)
    try:
        return path.read_bytes()
    except OSError as error:
        raise unreadable(ref.label, error) from error


async def _probe(address: str, timeout: float) -> None:
    comm = await connect(address, timeout=timeout)
    await comm.close()


def check_scheduler(address: str, timeout: float) -> None:
    """Fail fast, with a plain message, if the scheduler at ``address`` cannot be reached.

    A probe rather than a failed ``Client(...)``, which would leave a half-open client behind.
    """
    try:
        asyncio.run(_probe(address, timeout))
    except ValueError as error:
        raise BadInputError("dask.scheduler_bad_address", address=address) from error
    except OSError as error:
        raise EnvironmentCheckError(
            "dask.scheduler_unreachable", address=address, seconds=f"{timeout:g}"
        ) from error


def _total_threads(client: Client) -> int:
    return sum(client.nthreads().values())


class DaskExecutor:
    """Runs ``process_page`` on a dask.distributed cluster and yields results as they finish."""

    def __init__(
        self,
        settings: Settings,
        engine_factory: EngineFactory,
        *,
        workers: int,
        scheduler: str | None = None,
        send_images: bool = False,
        preprocess: PreprocessConfig | None = None,
        connect_timeout: float = 10.0,
    ) -> None:
        self.settings = settings
        self.engine_factory = engine_factory
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self.send_images = send_images
        self.preprocess = preprocess or PreprocessConfig()
        self.connect_timeout = connect_timeout

    @contextmanager
    def client(self) -> Iterator[Client]:
        """A client of the run's cluster: the given scheduler, or a LocalCluster of our own."""
        if self.scheduler is not None:
            check_scheduler(self.scheduler, self.connect_timeout)
            with Client(
                self.scheduler, timeout=self.connect_timeout, set_as_default=False
            ) as client:
                yield client
            return
        with (
            LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # the scheduler's health endpoint on a free loopback port, not :8787
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            yield client

    def run(self, tasks: Iterable[PageTask]) -> Generator[PageResult, None, None]:
        """Results as pages finish. Closing the generator early (``contextlib.closing``)
        cancels the pages in flight and closes the client and any LocalCluster at once."""
        with self.client() as client:
            yield from self.stream(client, tasks)

    def stream(
        self, client: Client, tasks: Iterable[PageTask]
    ) -> Generator[PageResult, None, None]:
        """Results of ``tasks`` computed through ``client``, at most 2× its threads in flight."""
        config = _RunConfig(
            token=uuid.uuid4().hex[:12],
            settings=self.settings,
            engine_factory=self.engine_factory,
            preprocess=self.preprocess,
        )
        todo = iter(tasks)
        pending: dict[Key, tuple[Future[PageResult], PageRef]] = {}
        finished = as_completed(loop=client.loop)
        window = self._window(client)
        submitted = done = 0
        log.info("dask run %s: %d pages in flight at most", config.token, window)
        if not _total_threads(client):
            log.warning("the dask cluster has no worker yet: pages wait until one joins")
        try:
            while True:
                while len(pending) < window and (task := next(todo, None)) is not None:
                    job = self._job(task, config)
                    if isinstance(job, PageResult):  # send_images: the file cannot be read
                        yield job
                        continue
                    key = task_key(task.ref, config.token, submitted)
                    submitted += 1
                    future: Future[PageResult] = client.submit(run_job, job, key=key, pure=False)
                    pending[key] = (future, task.ref)
                    finished.add(future)
                if not pending:
                    return
                future = next(finished)
                _, ref = pending.pop(future.key)
                yield self._collect(future, ref)
                done += 1
                if done % window == 0:  # workers may have joined or left
                    window = self._window(client)
        finally:
            if pending:
                client.cancel([future for future, _ in pending.values()])

    def _window(self, client: Client) -> int:
        threads = _total_threads(client) or self.workers
        return PAGES_PER_THREAD * max(1, threads)

    def _job(self, task: PageTask, config: _RunConfig) -> _Job | PageResult:
        if not self.send_images:
            return _Job(config=config, task=task)
        ref = task.ref
        try:
            image = _read_page_file(ref)
        except PageError as error:
            log.info("%s: quarantined (%s)", ref.label, error.code)
            return PageResult(ref=ref, ok=False, error_code=error.code, error_message=str(error))
        return _Job(config=config, task=task, image=image)

    @staticmethod
    def _collect(future: Future[PageResult], ref: PageRef) -> PageResult:
        try:
            result = future.result()
        except KilledWorker as error:
            log.warning("%s: quarantined (workers died while reading it)", ref.label)
            return worker_killed_result(ref, error.allowed_failures + 1)
        if not isinstance(result, PageResult):
            raise TypeError(f"a dask worker returned {type(result).__name__}, not a PageResult")
        return result
