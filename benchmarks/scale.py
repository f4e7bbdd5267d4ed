"""From one commune PC to a whole province: memory against batch size, database write
throughput, a dask LocalCluster, ocrmypdf, and a projection to 1,000,000 pages.

    python benchmarks/scale.py [--small 100] [--big 1000] [--dpi 72] [--db-pages 300]
                               [--only memory,db,dask,ocrmypdf] [--scans DIR]

* memory: ``python -m hotich run SCANS --workers 2 --quiet`` on ``--small`` and ``--big`` clean
  pages generated at ``--dpi`` (small pages, so 1,000 real-OCR pages fit in minutes), measured
  with speed.py's ``peak_memory`` (GNU time's max RSS, summed RSS/PSS of the tree every 0.1 s),
  plus a 1 s timeline of the tree's summed PSS to see whether it grows during the run.
* db: ``hotich.db.store.save_result`` of one real page result (the page with most entries among
  the first pages of speed.py's set, read by the pipeline) under ``--db-pages`` distinct refs,
  one ``session_scope`` and transaction per page as the runner does, on SQLite and on the
  throwaway PostgreSQL server of ``tests/pg.py`` (fsync=off, synchronous_commit=off).
* dask: ``run_batch`` on speed.py's 20-page set with 2 local workers, then with
  ``executor_kind="dask"`` and 2 workers (a LocalCluster, its start-up included).
* ocrmypdf: ``ocrmypdf --deskew --clean -l vie IN.pdf OUT.pdf``, serially, on one single-page
  PDF per page of that set (Pillow, 300 dpi; every frame of a multi-page TIFF, every page of a
  PDF rendered by pdftoppm), so the pages counted are the pages OCRed.

Parts given with ``--only`` are merged into an existing ``benchmarks/results/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import RESULTS, code, fmt, machine, markdown_table, write_json
from speed import _tree_memory, make_set, page_images, peak_memory, pipeline

from hotich.config.settings import Settings
from hotich.db import store
from hotich.db.migrate import upgrade
from hotich.db.session import make_engine, session_scope
from hotich.ocr.tesseract import from_settings
from hotich.pipeline.discover import discover
from hotich.pipeline.recipe import PageContext, PageTask, process_page
from hotich.pipeline.runner import run_batch
from hotich.samplegen import generate
from hotich.schema.page import PageResult

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("memory", "db", "dask", "ocrmypdf")
PAGES_GOAL = 1_000_000


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# --- memory ---------------------------------------------------------------------------------


def clean_set(scans: Path, pages: int, dpi: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """``pages`` clean pages at ``dpi`` under ``scans/p<pages>`` (kept when already there,
    with the generation time recorded beside it)."""
    root = scans / f"p{pages}"
    meta = scans / f"p{pages}.gen.json"
    if root.is_dir() and meta.is_file():
        info = json.loads(meta.read_text())
        if (info["pages"], info["dpi"], info["seed"]) == (pages, dpi, seed):
            return root, {**info, "reused": True}
        shutil.rmtree(root)
    start = time.perf_counter()
    generate(root, pages=pages, seed=seed, difficulty="clean", dpi=dpi)
    info = {"pages": pages, "dpi": dpi, "seed": seed, "difficulty": "clean"}
    info["seconds"] = round(time.perf_counter() - start, 2)
    meta.write_text(json.dumps(info))
    return root, {**info, "reused": False}


def memory_run(root: Path, db: Path) -> dict[str, Any]:
    """speed.py's ``peak_memory`` with 2 workers, and the tree's summed PSS every second."""
    timeline: list[tuple[float, int, int]] = []
    done = threading.Event()
    start = time.perf_counter()

    def sample() -> None:  # our own descendants: /usr/bin/time, hotich run, workers, tesseract
        while not done.wait(1.0):
            _, rss, pss = _tree_memory(os.getpid())
            timeline.append((round(time.perf_counter() - start, 1), rss, pss))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        memory = peak_memory(root, db, 2)
    finally:
        done.set()
        sampler.join()
    pages = len(discover(root, settings=Settings()).refs)
    busy = [p for _, _, p in timeline if p > 0]
    quarter = max(1, len(busy) // 4)
    memory.update(
        pages=pages,
        pages_per_minute=pages * 60 / memory["seconds"],
        pss_timeline_1s=[{"t": t, "rss_kb": r, "pss_kb": p} for t, r, p in timeline],
        max_pss_kb_first_quarter=max(busy[:quarter], default=None),
        max_pss_kb_last_quarter=max(busy[-quarter:], default=None),
    )
    log(f"  {pages} pages: {memory['seconds']} s, peak PSS {memory['peak_tree_pss_kb']} kB")
    return memory


def part_memory(args: argparse.Namespace, scans: Path, work: Path) -> dict[str, Any]:
    """Both sets generated, each by one ``generate`` call: every page a different page."""
    out: dict[str, Any] = {"dpi": args.dpi, "difficulty": "clean", "workers": 2, "runs": []}
    for size in (args.small, args.big):
        root, gen = clean_set(scans, size, args.dpi, args.seed)
        log(f"memory: {size} pages ready ({gen})")
        out["runs"].append({"generation": gen, **memory_run(root, work / f"mem-{size}.db")})
    return out


# --- db -------------------------------------------------------------------------------------


def sample_result(root: Path, tries: int = 6) -> PageResult:
    """The page with most entries among the first ``tries`` pages of ``root``, as read."""
    settings = Settings()
    ctx = PageContext(settings=settings, engine=from_settings(settings))
    refs = discover(root, settings=settings).refs[:tries]
    results = [process_page(PageTask(ref=ref), ctx) for ref in refs]
    return max((r for r in results if r.ok), key=lambda r: len(r.entries))


def save_loop(url: str, result: PageResult, pages: int) -> dict[str, Any]:
    settings = Settings(db=url)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            run_id = store.start_run(session, result.ref.root)
        variants = []
        for i in range(pages):
            sha = f"{i:064x}"
            ref = result.ref.model_copy(
                update={"book": "khai-sinh-2099-q01", "page_no": i + 1, "file_sha256": sha}
            )
            variants.append(result.model_copy(update={"ref": ref, "sha256": sha}))
        start = time.perf_counter()
        for variant in variants:
            with session_scope(engine) as session:
                store.save_result(session, variant, run_id, settings.review_threshold)
        seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    entries = len(result.entries) * pages
    return {
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "pages": pages,
        "entries": entries,
        "seconds": round(seconds, 3),
        "pages_per_second": pages / seconds,
        "entries_per_second": entries / seconds,
        "ms_per_page": 1000 * seconds / pages,
    }


def part_db(args: argparse.Namespace, speed_root: Path, work: Path) -> dict[str, Any]:
    result = sample_result(speed_root)
    fields = sum(len(e.fields) for e in result.entries)
    log(f"db: sample page {result.ref.label}: {len(result.entries)} entries, {fields} fields")
    rows = [save_loop(f"sqlite:///{work / 'write.db'}", result, args.db_pages)]
    log(f"  {rows[-1]}")
    sys.path.insert(0, str(ROOT))
    try:
        from tests.pg import PgUnavailable, start_server
    except ImportError as e:  # psycopg missing
        rows.append({"backend": "postgresql", "error": str(e)})
    else:
        try:
            server = start_server()
        except PgUnavailable as e:
            rows.append({"backend": "postgresql", "error": str(e)})
        else:
            try:
                rows.append(
                    save_loop(server.reset(), result, args.db_pages)
                )  # hotich_test, created at start
                rows[-1]["server_settings"] = "tests/pg.py: fsync=off, synchronous_commit=off"
                log(f"  {rows[-1]}")
            finally:
                server.stop()
    return {
        "sample_page": result.ref.label,
        "sample_design": result.design,
        "entries_per_page": len(result.entries),
        "fields_per_page": fields,
        "text_chars": len(result.text),
        "rows": rows,
    }


# --- dask -----------------------------------------------------------------------------------


def part_dask(speed_root: Path, work: Path) -> dict[str, Any]:
    rows = [pipeline(speed_root, work / "local2.db", 2)]
    settings = Settings(db=f"sqlite:///{work / 'dask2.db'}")
    start = time.perf_counter()
    report = run_batch(
        speed_root, settings=settings, engine_factory=from_settings, workers=2, executor_kind="dask"
    )
    seconds = time.perf_counter() - start
    rows.append(
        {
            "what": "hotich run_batch, dask LocalCluster, 2 workers (cluster start-up included)",
            "pages": report.processed,
            "quarantined": len(report.quarantined),
            "entries": report.entries,
            "seconds": round(seconds, 2),
            "pages_per_minute": report.processed * 60 / seconds,
        }
    )
    log(f"  {rows[-1]}")
    return {"rows": rows}


# --- ocrmypdf -------------------------------------------------------------------------------


def part_ocrmypdf(speed_root: Path, pages: int, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "command": "ocrmypdf --deskew --clean -l vie IN.pdf OUT.pdf",
        "ocrmypdf": shutil.which("ocrmypdf"),
        "unpaper": shutil.which("unpaper"),
    }
    if out["ocrmypdf"] is None:
        out["error"] = "ocrmypdf not on PATH (apt-get install -y ocrmypdf)"
        return out
    version = subprocess.run(["ocrmypdf", "--version"], capture_output=True, text=True)
    out["version"] = version.stdout.strip()
    from PIL import Image, ImageSequence

    images, _ = page_images(speed_root, work / "ocrmypdf-images", Settings().pdf_dpi)
    pdfs: list[Path] = []
    (work / "ocrmypdf-in").mkdir()
    for image in images:
        with Image.open(image) as im:
            for frame in ImageSequence.Iterator(im):  # each page of a multi-page TIFF
                pdf = work / "ocrmypdf-in" / f"{len(pdfs):03d}.pdf"
                frame.convert("L" if frame.mode in ("1", "L", "I;16") else "RGB").save(
                    pdf, "PDF", resolution=300.0
                )
                pdfs.append(pdf)
    if len(pdfs) != pages:
        raise SystemExit(f"ocrmypdf: {len(pdfs)} single-page PDFs for {pages} pages")
    (work / "ocrmypdf-out").mkdir()
    failures: list[dict[str, Any]] = []
    start = time.perf_counter()
    for pdf in pdfs:
        done = subprocess.run(
            ["ocrmypdf", "--deskew", "--clean", "-l", "vie", pdf, work / "ocrmypdf-out" / pdf.name],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            failures.append(
                {"file": pdf.name, "code": done.returncode, "stderr": done.stderr[-800:]}
            )
    seconds = time.perf_counter() - start
    out.update(
        pages=pages,
        pdfs=len(pdfs),
        failed=len(failures),
        failures=failures[:3],
        seconds=round(seconds, 2),
        pages_per_minute=pages * 60 / seconds,
        note="serial, one ocrmypdf process per single-page PDF (ocrmypdf's default --jobs)",
    )
    log(f"  ocrmypdf: {out['seconds']} s, {len(failures)} failed")
    return out


# --- projection -----------------------------------------------------------------------------


def projection(data: dict[str, Any]) -> dict[str, Any]:
    """Worker cores and 2-core machines for 1,000,000 pages, from the 2-worker figure on the
    300-dpi set (this run's, else speed.json's), scaling linearly from 1→2 workers."""
    speed_path = RESULTS / "speed.json"
    speed = json.loads(speed_path.read_text()) if speed_path.exists() else {}
    by_workers = {
        int(r["what"].split(", ")[1].split()[0]): r["pages_per_minute"]
        for r in speed.get("throughput", [])
        if r["what"].startswith("hotich run_batch")
    }
    local2 = next(
        (r["pages_per_minute"] for r in data.get("dask", {}).get("rows", [])[:1]), by_workers.get(2)
    )
    if local2 is None:
        return {}
    per_worker = local2 / 2
    out: dict[str, Any] = {
        "pages": PAGES_GOAL,
        "pages_per_minute_2_workers": local2,
        "pages_per_minute_per_worker": per_worker,
        "speed_json_1_worker": by_workers.get(1),
        "speed_json_2_workers": by_workers.get(2),
        "scaling_1_to_2": (
            by_workers[2] / by_workers[1] if 1 in by_workers and 2 in by_workers else None
        ),
        "assumption": (
            "pages/min grows linearly with worker cores at the measured per-worker rate of the "
            "2-worker run (which already includes the 1→2 loss); 300-dpi half clean, half "
            "moderate pages; one database writer keeps up (see the db figures)"
        ),
        "windows": [],
    }
    for name, minutes in (("7 × 24 h", 7 * 24 * 60), ("5 days × 8 h", 5 * 8 * 60)):
        needed = PAGES_GOAL / minutes
        cores = math.ceil(needed / per_worker)
        out["windows"].append(
            {
                "window": name,
                "minutes": minutes,
                "pages_per_minute_needed": needed,
                "worker_cores": cores,
                "machines_2_cores": math.ceil(cores / 2),
            }
        )
    return out


# --- report ---------------------------------------------------------------------------------


def mib(kb: int | None) -> str:
    return fmt(None if kb is None else kb / 1024, 1)


def print_tables(data: dict[str, Any]) -> None:
    if runs := data.get("memory", {}).get("runs"):
        print(
            markdown_table(
                ["hotich run --workers 2", *[f"{r['pages']} pages" for r in runs]],
                [
                    ["generation, s", *[r["generation"]["seconds"] for r in runs]],
                    ["wall clock, s", *[r["seconds"] for r in runs]],
                    ["pages/min", *[fmt(r["pages_per_minute"], 1) for r in runs]],
                    [
                        "max RSS, GNU time (largest process), MiB",
                        *[mib(r["max_rss_kb_time_v"]) for r in runs],
                    ],
                    [
                        "peak summed RSS of the tree, MiB",
                        *[mib(r["peak_tree_rss_kb"]) for r in runs],
                    ],
                    [
                        "peak summed PSS of the tree, MiB",
                        *[mib(r["peak_tree_pss_kb"]) for r in runs],
                    ],
                    [
                        "max PSS, first quarter of the run (1 s samples), MiB",
                        *[mib(r["max_pss_kb_first_quarter"]) for r in runs],
                    ],
                    [
                        "max PSS, last quarter of the run (1 s samples), MiB",
                        *[mib(r["max_pss_kb_last_quarter"]) for r in runs],
                    ],
                    ["most processes at once", *[r["peak_processes"] for r in runs]],
                ],
            )
        )
        print()
    if db := data.get("db"):
        print(
            markdown_table(
                ["backend", "pages", "entries", "seconds", "pages/s", "entries/s", "ms/page"],
                [
                    [
                        r["backend"],
                        r.get("pages", "–"),
                        r.get("entries", "–"),
                        r.get("seconds", "–"),
                        fmt(r.get("pages_per_second"), 1),
                        fmt(r.get("entries_per_second"), 1),
                        fmt(r.get("ms_per_page"), 2),
                    ]
                    for r in db["rows"]
                ],
            )
        )
        print()
    if dk := data.get("dask"):
        print(
            markdown_table(
                ["what", "pages", "seconds", "pages/min"],
                [
                    [r["what"], r["pages"], r["seconds"], fmt(r["pages_per_minute"], 2)]
                    for r in dk["rows"]
                ],
            )
        )
        print()
    if om := data.get("ocrmypdf"):
        print(json.dumps({k: v for k, v in om.items() if k != "failures"}, indent=1))
        print()
    if pj := data.get("projection"):
        print(
            markdown_table(
                ["window", "pages/min needed", "worker cores", "2-core machines"],
                [
                    [
                        w["window"],
                        fmt(w["pages_per_minute_needed"], 1),
                        w["worker_cores"],
                        w["machines_2_cores"],
                    ]
                    for w in pj["windows"]
                ],
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--big", type=int, default=1000)
    parser.add_argument("--dpi", type=int, default=72)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--speed-pages", type=int, default=20)
    parser.add_argument("--speed-seed", type=int, default=2026)
    parser.add_argument("--db-pages", type=int, default=300)
    parser.add_argument("--only", default=",".join(PARTS))
    parser.add_argument("--scans", type=Path, help="keep the generated clean sets here")
    args = parser.parse_args(argv)
    parts = [p for p in args.only.split(",") if p]
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}")
    start = time.perf_counter()
    path = RESULTS / "scale.json"
    data: dict[str, Any] = (
        json.loads(path.read_text()) if path.exists() and set(parts) != set(PARTS) else {}
    )
    data.setdefault("parts_runs", {})
    info, sources = machine(), code()
    with tempfile.TemporaryDirectory(prefix="hotich-scale-") as tmp:
        work = Path(tmp)
        scans = args.scans or work / "scans"
        scans.mkdir(parents=True, exist_ok=True)
        speed_root = work / "speed"
        if {"db", "dask", "ocrmypdf"} & set(parts):
            speed_pages = make_set(speed_root, args.speed_pages, args.speed_seed, 300)
        for part in parts:
            t0 = time.perf_counter()
            pinfo: dict[str, Any] = {
                "machine": machine(),
                "code": code(),
                "arguments": vars(args) | {"scans": str(args.scans)},
            }
            log(f"== {part}")
            if part == "memory":
                data["memory"] = part_memory(args, scans, work)
            elif part == "db":
                data["db"] = part_db(args, speed_root, work)
            elif part == "dask":
                data["dask"] = part_dask(speed_root, work)
            else:
                data["ocrmypdf"] = part_ocrmypdf(speed_root, speed_pages, work)
            pinfo["machine"]["loadavg_at_end"] = os.getloadavg()
            pinfo["seconds"] = round(time.perf_counter() - t0, 1)
            data["parts_runs"][part] = pinfo
    data["projection"] = projection(data)
    data["machine"], data["code"] = info, sources
    data["seconds_total_last_invocation"] = round(time.perf_counter() - start, 1)
    written = write_json("scale.json", data)
    print_tables(data)
    print(f"\nscale benchmark in {time.perf_counter() - start:.0f} s; results in {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
