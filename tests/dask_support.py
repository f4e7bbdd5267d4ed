"""Helpers for tests on a real dask.distributed LocalCluster (also for end-to-end runs).

    with local_cluster(2) as cluster:            # loopback only, no dashboard, 1 thread/worker
        run_batch(scans, ..., executor="dask", scheduler=cluster.scheduler_address)

Worker processes import the engine factories from ``tests.fake_engines`` (module-level, so
they pickle by name).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
import numpy as np
from distributed import Client, LocalCluster
from PIL import Image

from hotich.config.settings import Settings
from hotich.pipeline.discover import discover
from hotich.pipeline.recipe import PageTask

BOOK = "20227-dai-thanh/khai-sinh-1998-q01"


@contextmanager
def local_cluster(
    workers: int = 2, *, allowed_failures: int | None = None
) -> Iterator[LocalCluster]:
    """A LocalCluster of ``workers`` processes with one thread each, on 127.0.0.1 only.

    ``allowed_failures``: how many dying workers a task may outlive before it fails with
    KilledWorker (dask's default is 3); read by the scheduler when it starts.
    """
    config = (
        {}
        if allowed_failures is None
        else {"distributed.scheduler.allowed-failures": allowed_failures}
    )
    with (
        dask.config.set(config),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
    ):
        yield cluster


def worker_pids(client: Client) -> dict[str, int]:
    """Worker address → the PID of its process."""
    pids: dict[str, int] = client.run(os.getpid)
    return pids


def kill_worker(pid: int) -> None:
    """SIGKILL: the process ends at once, as when the OS kills it for lack of memory."""
    os.kill(pid, signal.SIGKILL)


def is_gone(pid: int) -> bool:
    """The process has ended (a zombie not yet reaped by its nanny counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in {"Z", "X"}


def page_image(path: Path, seed: int, size: tuple[int, int] = (400, 560)) -> None:
    """A blank page with a few dark bars, different for each seed (as in test_runner)."""
    rng = np.random.default_rng(seed)
    pixels = np.full((size[1], size[0]), 255, np.uint8)
    for _ in range(12):
        y, x = int(rng.integers(20, size[1] - 30)), int(rng.integers(20, size[0] // 2))
        pixels[y : y + 8, x : x + int(rng.integers(60, size[0] // 2))] = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


def make_scans(root: Path, pages: int, *, first: int = 1) -> Path:
    """A scan folder with ``pages`` page images in one book."""
    for n in range(first, first + pages):
        page_image(root / BOOK / f"{n:04d}.png", n)
    return root


def page_tasks(root: Path, settings: Settings) -> list[PageTask]:
    """One task per page found under ``root``, as the runner builds them for a first run."""
    found = discover(root.resolve(), settings=settings)
    if found.problems:
        raise RuntimeError(f"unexpected problems in the test folder: {found.problems}")
    return [PageTask(ref=ref) for ref in found.refs]
