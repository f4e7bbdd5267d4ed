"""The dask executor on a real LocalCluster: every page comes back exactly once, as the serial
executor reads it, also when the workers cannot see the scan folder (``send_images``) and when
a worker process is killed mid-batch."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster

from hotich.config.settings import Settings
from hotich.errors import BadInputError, EnvironmentCheckError
from hotich.i18n import t
from hotich.pipeline.dask_executor import DaskExecutor, task_key
from hotich.pipeline.executor import SerialExecutor, make_executor
from hotich.pipeline.recipe import PageTask
from hotich.schema.page import PageResult
from tests.dask_support import (
    BOOK,
    is_gone,
    kill_worker,
    local_cluster,
    make_scans,
    page_image,
    page_tasks,
    worker_pids,
)
from tests.fake_engines import (
    GatedFormEngine,
    RecordingFormEngine,
    exit_on_wide_engine,
    form_engine,
    missing_tesseract_engine,
    slow_engine,
)

SETTINGS = Settings(db="sqlite://")


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two workers shared by the tests that do not kill any."""
    with local_cluster(2) as shared:
        yield shared


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster, set_as_default=False) as c:
        yield c


def _comparable(result: PageResult) -> dict[str, Any]:
    return result.model_dump(exclude={"seconds"})


def _by_label(results: list[PageResult]) -> dict[str, PageResult]:
    labels = [r.ref.label for r in results]
    assert len(labels) == len(set(labels)), f"a page came back twice: {sorted(labels)}"
    return {r.ref.label: r for r in results}


def _worker_processes() -> set[int]:
    """This process's children that run a spawned worker (not multiprocessing's tracker)."""
    me = str(os.getpid())
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            args = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == me and fields[0] not in {"Z", "X"} and b"spawn_main" in args:
            found.add(int(proc.name))
    return found


def test_every_page_comes_back_once_as_the_serial_executor_reads_it(
    cluster: LocalCluster, client: Client, tmp_path: Path
) -> None:
    tasks = page_tasks(make_scans(tmp_path / "scans", 11), SETTINGS)
    serial = _by_label(list(SerialExecutor(SETTINGS, form_engine).run(tasks)))
    pulled = 0

    def lazily() -> Iterator[PageTask]:
        nonlocal pulled
        for task in tasks:
            pulled += 1
            yield task

    engines = tmp_path / "engines"
    engines.mkdir()
    executor = make_executor(
        SETTINGS,
        RecordingFormEngine(str(engines)),
        2,
        kind="dask",
        scheduler=cluster.scheduler_address,
    )
    streamed: list[PageResult] = []
    for result in executor.run(lazily()):
        assert pulled - len(streamed) <= 4, "more than 2 pages per worker thread in flight"
        streamed.append(result)
    results = _by_label(streamed)
    assert results.keys() == serial.keys() and len(results) == 11
    assert all(r.ok and len(r.entries) == 1 for r in results.values())
    for label, result in results.items():
        assert _comparable(result) == _comparable(serial[label])
    built_in = [p.name.split("-")[1] for p in engines.iterdir()]
    assert built_in and len(built_in) == len(set(built_in))  # one engine per worker process
    limits = client.run(lambda: os.environ.get("OMP_THREAD_LIMIT"))  # read in each worker
    assert set(limits.values()) == {"1"}


def test_own_local_cluster_is_closed_after_the_run_even_when_interrupted(
    tmp_path: Path,
) -> None:
    tasks = page_tasks(make_scans(tmp_path / "scans", 8), SETTINGS)
    before = _worker_processes()
    executor = DaskExecutor(SETTINGS, slow_engine, workers=2, scheduler=None)
    with pytest.raises(KeyboardInterrupt), closing(executor.run(tasks)) as results:
        assert next(results).ok
        during = _worker_processes() - before
        raise KeyboardInterrupt  # as Ctrl-C in the writer's loop
    assert len(during) == 2  # the run had two worker processes of its own
    deadline = time.monotonic() + 10
    while _worker_processes() & during and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _worker_processes() & during, "the run's worker processes are still running"


def test_send_images_when_the_workers_cannot_see_the_folder(
    client: Client, cluster: LocalCluster, tmp_path: Path
) -> None:
    """Every worker waits (GatedFormEngine) until the folder has been moved away, after the
    parent has taken the tasks: a worker that read the shared path would find nothing."""
    scans, moved = tmp_path / "scans", tmp_path / "moved"
    tasks = page_tasks(make_scans(scans, 3), SETTINGS)  # 3 < 2×2 pages in flight: no waiting
    serial = _by_label(list(SerialExecutor(SETTINGS, form_engine).run(tasks)))

    def run(send_images: bool, gate: Path) -> dict[str, PageResult]:
        def then_hide_folder() -> Iterator[PageTask]:
            yield from tasks
            scans.rename(moved)
            gate.touch()

        executor = DaskExecutor(
            SETTINGS,
            GatedFormEngine(str(gate)),
            workers=2,
            scheduler=cluster.scheduler_address,
            send_images=send_images,
        )
        results = _by_label(list(executor.run(then_hide_folder())))
        moved.rename(scans)
        return results

    shared = run(False, tmp_path / "gate-shared")
    assert {r.error_code for r in shared.values()} == {"decode.unreadable"}  # truly unseen

    sent = run(True, tmp_path / "gate-sent")
    assert sent.keys() == serial.keys()
    for label, result in sent.items():
        assert result.ok and result.ref.root == str(scans.resolve())
        assert _comparable(result) == _comparable(serial[label])

    def leftovers(dask_worker: Any) -> list[str]:
        return [p.name for p in Path(dask_worker.local_directory).glob("hotich-page-*")]

    assert all(not left for left in client.run(leftovers).values())  # temp copies removed


def test_send_images_quarantines_an_unreadable_file_in_the_parent(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    scans = make_scans(tmp_path / "scans", 2)
    tasks = page_tasks(scans, SETTINGS)
    (scans / BOOK / "0002.png").unlink()
    executor = DaskExecutor(
        SETTINGS, form_engine, workers=2, scheduler=cluster.scheduler_address, send_images=True
    )
    results = _by_label(list(executor.run(tasks)))
    assert results[f"{BOOK}/0001.png"].ok
    assert results[f"{BOOK}/0002.png"].error_code == "decode.unreadable"
    assert "0002.png" in results[f"{BOOK}/0002.png"].error_message


def test_task_keys_name_the_page(tmp_path: Path) -> None:
    ref = page_tasks(make_scans(tmp_path / "scans", 1), SETTINGS)[0].ref
    assert task_key(ref, "abc", 7) == ("hotich-page-abc", ref.commune, ref.book, 1, 7)


def test_a_missing_program_on_a_worker_stops_the_batch(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    tasks = page_tasks(make_scans(tmp_path / "scans", 2), SETTINGS)
    executor = DaskExecutor(
        SETTINGS, missing_tesseract_engine, workers=2, scheduler=cluster.scheduler_address
    )
    with pytest.raises(EnvironmentCheckError) as caught:
        list(executor.run(tasks))
    assert caught.value.key == "env.tesseract_missing"


def test_unreachable_scheduler_fails_fast_with_a_plain_message(tmp_path: Path) -> None:
    tasks = page_tasks(make_scans(tmp_path / "scans", 1), SETTINGS)
    executor = DaskExecutor(
        SETTINGS, form_engine, workers=1, scheduler="tcp://127.0.0.1:9", connect_timeout=1
    )
    start = time.monotonic()
    with pytest.raises(EnvironmentCheckError) as caught:
        list(executor.run(tasks))
    assert time.monotonic() - start < 5
    assert caught.value.key == "dask.scheduler_unreachable"
    assert "tcp://127.0.0.1:9" in str(caught.value)
    bad = DaskExecutor(SETTINGS, form_engine, workers=1, scheduler="ftp://server:8786")
    with pytest.raises(BadInputError, match="ftp://server:8786"):
        list(bad.run(tasks))


def test_cluster_options_need_the_dask_executor() -> None:
    with pytest.raises(BadInputError):
        make_executor(SETTINGS, form_engine, 2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(BadInputError):
        make_executor(SETTINGS, form_engine, 2, send_images=True)
    assert isinstance(make_executor(SETTINGS, form_engine, 2, kind="dask"), DaskExecutor)


@pytest.fixture(scope="module")
def fragile() -> Iterator[tuple[LocalCluster, Client]]:
    """A cluster of its own for the tests that kill workers; a task fails after 2 deaths."""
    with local_cluster(2, allowed_failures=1) as own, Client(own, set_as_default=False) as c:
        yield own, c


def test_a_worker_killed_mid_batch_loses_no_page(
    fragile: tuple[LocalCluster, Client], tmp_path: Path
) -> None:
    cluster, client = fragile
    tasks = page_tasks(make_scans(tmp_path / "scans", 12), SETTINGS)  # 0.3 s each: ~2 s
    executor = DaskExecutor(SETTINGS, slow_engine, workers=2, scheduler=cluster.scheduler_address)
    results: list[PageResult] = []
    victim: tuple[str, int, list[Any]] | None = None
    for result in executor.run(tasks):
        results.append(result)
        if victim is None:  # after the first result: kill a worker that has pages in hand
            processing = client.processing()
            address = max(processing, key=lambda a: len(processing[a]))
            pid = worker_pids(client)[address]
            kill_worker(pid)
            victim = (address, pid, list(processing[address]))
    assert victim is not None
    address, pid, in_hand = victim
    assert in_hand, "the killed worker had no page in hand"
    assert is_gone(pid)
    done = _by_label(results)
    assert sorted(done) == sorted(t.ref.label for t in tasks)  # each page exactly once
    assert all(r.ok for r in done.values())
    page_nos = {r.ref.page_no: r for r in done.values()}
    assert all(page_nos[key[3]].ok for key in in_hand)  # the victim's pages were redone
    client.wait_for_workers(2, timeout=20)  # the nanny started a new worker process
    assert pid not in worker_pids(client).values()


def test_a_page_that_kills_every_worker_is_quarantined_and_the_batch_goes_on(
    fragile: tuple[LocalCluster, Client], tmp_path: Path
) -> None:
    cluster, client = fragile
    scans = make_scans(tmp_path / "scans", 3)
    page_image(scans / BOOK / "0004.png", 4, size=(700, 500))  # wide: the engine exits
    tasks = page_tasks(scans, SETTINGS)
    executor = DaskExecutor(
        SETTINGS, exit_on_wide_engine, workers=2, scheduler=cluster.scheduler_address
    )
    done = _by_label(list(executor.run(tasks)))
    assert sorted(done) == sorted(t.ref.label for t in tasks)
    poison = done.pop(f"{BOOK}/0004.png")
    assert (poison.ok, poison.error_code) == (False, "worker_killed")
    assert poison.error_message == t("quarantine.worker_killed", file=poison.ref.label, tries=2)
    assert all(r.ok for r in done.values())
    client.wait_for_workers(2, timeout=20)


def test_run_batch_on_a_cluster_stores_every_page_once(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    from hotich.pipeline.runner import run_batch

    scans = make_scans(tmp_path / "scans", 6)
    settings = Settings(db=f"sqlite:///{tmp_path / 'h.db'}")
    first = run_batch(
        scans,
        settings=settings,
        engine_factory=form_engine,
        workers=2,
        executor_kind="dask",
        scheduler=cluster.scheduler_address,
    )
    assert (first.processed, first.entries, first.quarantined) == (6, 6, ())
    again = run_batch(
        scans,
        settings=settings,
        engine_factory=form_engine,
        workers=2,
        executor_kind="dask",
        scheduler=cluster.scheduler_address,
    )
    assert (again.processed, again.skipped) == (0, 6)
