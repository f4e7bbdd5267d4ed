"""Throughput of the full pipeline against Tesseract alone, and the memory of ``hotich run``.

    python benchmarks/speed.py [--pages 20] [--dpi 300] [--seed 2026] [--scans DIR]

One fixed set: half clean, half moderate pages (PNG, JPEG, TIFF and PDF as the generator
mixes them). Measures, by wall clock: ``run_batch`` into a fresh SQLite database with 1 and
2 workers; ``tesseract IMG - -l vie`` run serially on the same page images (PDF pages rendered
first with pdftoppm at the pipeline's resolution, not timed in); and ``python -m hotich run
--workers 2 --quiet`` as a subprocess under ``/usr/bin/time -v`` for peak memory, with the
process tree's summed RSS/PSS sampled beside it. Writes ``benchmarks/results/speed.json``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Literal

from _common import code, fmt, machine, markdown_table, write_json

from hotich.config.settings import Settings
from hotich.ocr.tesseract import from_settings
from hotich.pipeline.discover import discover
from hotich.pipeline.runner import run_batch
from hotich.samplegen import generate

TIME = Path("/usr/bin/time")
Difficulty = Literal["clean", "moderate", "hard"]


def make_set(root: Path, pages: int, seed: int, dpi: int) -> int:
    """``pages`` pages under ``root``: the first half clean, the rest moderate. Returns the
    number of pages the pipeline finds there."""
    halves: dict[Difficulty, int] = {"clean": pages // 2, "moderate": pages - pages // 2}
    for offset, (difficulty, count) in enumerate(halves.items()):
        part = root.parent / f"{root.name}-{difficulty}"
        generate(part, pages=count, seed=seed + offset, difficulty=difficulty, dpi=dpi)
        for book in part.glob("*/*"):
            target = root / book.relative_to(part)
            if target.exists():
                raise SystemExit(f"seeds {seed} and {seed + 1} share the book {target.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            book.rename(target)
        shutil.rmtree(part)
    return len(discover(root, settings=Settings()).refs)


def page_images(root: Path, out: Path, dpi: int) -> tuple[list[Path], float]:
    """Every page file as Tesseract can read it (PDFs rendered to PNG), and the render time."""
    out.mkdir()
    images: list[Path] = []
    rendering = 0.0
    for path in sorted(
        p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".gt.json")
    ):
        if path.suffix.lower() != ".pdf":
            images.append(path)
            continue
        start = time.perf_counter()
        prefix = out / path.relative_to(root).as_posix().replace("/", "_")
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", path, prefix], check=True)
        rendering += time.perf_counter() - start
        images += sorted(out.glob(prefix.name + "*.png"))
    return images, rendering


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of every child it has waited for (pool
    workers, tesseract processes): on a shared machine it moves far less with the load than
    the wall clock does."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    print(f"  {row}", file=sys.stderr, flush=True)
    return row


def pipeline(root: Path, db: Path, workers: int) -> dict[str, Any]:
    settings = Settings(db=f"sqlite:///{db}")
    start, cpu = time.perf_counter(), cpu_seconds()
    report = run_batch(root, settings=settings, engine_factory=from_settings, workers=workers)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    return _shown(
        {
            "what": f"hotich run_batch, {workers} worker{'s' * (workers > 1)}",
            "pages": report.processed,
            "quarantined": len(report.quarantined),
            "entries": report.entries,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "pages_per_minute": report.processed * 60 / seconds,
        }
    )


def tesseract_alone(images: list[Path], pages: int, *, omp_one: bool) -> dict[str, Any]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"} if omp_one else None
    start, cpu = time.perf_counter(), cpu_seconds()
    for image in images:
        subprocess.run(
            ["tesseract", image, "-", "-l", "vie"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    return _shown(
        {
            "what": "tesseract IMG - -l vie, serial" + (", OMP_THREAD_LIMIT=1" if omp_one else ""),
            "pages": pages,
            "files": len(images),
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "pages_per_minute": pages * 60 / seconds,
        }
    )


def _tree_memory(top: int) -> tuple[int, int, int]:
    """(processes, summed RSS kB, summed PSS kB) of ``top``'s descendants, from /proc."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(stat.parent.name)] = int(fields[1])
    tree, grew = {top}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    rss = pss = 0
    for pid in tree - {top}:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(m.group(1)) if (m := re.search(r"^Rss:\s+(\d+)", text, re.M)) else 0
        pss += int(m.group(1)) if (m := re.search(r"^Pss:\s+(\d+)", text, re.M)) else 0
    return len(tree) - 1, rss, pss


def peak_memory(root: Path, db: Path, workers: int) -> dict[str, Any]:
    """``hotich run`` as a subprocess under /usr/bin/time -v, its process tree sampled."""
    command = [sys.executable, "-m", "hotich", "run", str(root), "--db", f"sqlite:///{db}"]
    command += ["--workers", str(workers), "--quiet"]
    timed = TIME.exists()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(TIME), "-v", *command] if timed else command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = {"processes": 0, "rss_kb": 0, "pss_kb": 0}

    def sample() -> None:
        while proc.poll() is None:
            n, rss, pss = _tree_memory(proc.pid)
            peak.update(
                processes=max(peak["processes"], n),
                rss_kb=max(peak["rss_kb"], rss),
                pss_kb=max(peak["pss_kb"], pss),
            )
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = proc.communicate()
    sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 3):  # 3: some page quarantined
        raise SystemExit(f"hotich run failed ({proc.returncode}):\n{stderr[-2000:]}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return {
        "command": " ".join(command),
        "exit_code": proc.returncode,
        "seconds": round(seconds, 2),
        "max_rss_kb_time_v": int(found.group(1)) if found else None,
        "max_rss_note": (
            "GNU time's maxrss is that of the largest single process among hotich run and the "
            "descendants it waited for (workers, tesseract calls), not a sum over processes"
        ),
        "sampled_every_s": 0.1,
        "peak_processes": peak["processes"],
        "peak_tree_rss_kb": peak["rss_kb"],
        "peak_tree_pss_kb": peak["pss_kb"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--scans", type=Path, help="measure this page set (made here first if missing)"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    info, sources = machine(), code()
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="hotich-speed-") as tmp:
        work = Path(tmp)
        root = args.scans or work / "scans"
        if root.exists():
            pages = len(discover(root, settings=settings).refs)
        else:
            pages = make_set(root, args.pages, args.seed, args.dpi)
        images, rendering = page_images(root, work / "images", settings.pdf_dpi)
        print(f"{pages} pages in {len(images)} images", file=sys.stderr, flush=True)
        rows = [pipeline(root, work / f"w{n}.db", n) for n in (1, 2)]
        rows += [tesseract_alone(images, pages, omp_one=one) for one in (False, True)]
        memory = peak_memory(root, work / "sub.db", 2)
    seconds = time.perf_counter() - start
    largest = memory["max_rss_kb_time_v"]
    path = write_json(
        "speed.json",
        {
            "machine": info,
            "code": sources,
            "arguments": {k: str(v) for k, v in vars(args).items()},
            "pages": pages,
            "images": len(images),
            "pdf_rendering_seconds": round(rendering, 2),
            "throughput": rows,
            "memory": memory,
            "seconds_total": round(seconds, 1),
        },
    )
    print(
        markdown_table(
            ["what", "pages", "seconds", "CPU seconds", "pages/min"],
            [
                [
                    r["what"],
                    r["pages"],
                    r["seconds"],
                    r["cpu_seconds"],
                    fmt(r["pages_per_minute"], 2),
                ]
                for r in rows
            ],
        )
    )
    print()
    print(
        markdown_table(
            ["hotich run --workers 2 (subprocess)", "value"],
            [
                ["wall clock, s", memory["seconds"]],
                [
                    "max RSS, /usr/bin/time -v (largest single process), MiB",
                    fmt(None if largest is None else largest / 1024, 1),
                ],
                [
                    "peak summed RSS of the process tree (sampled), MiB",
                    fmt(memory["peak_tree_rss_kb"] / 1024, 1),
                ],
                [
                    "peak summed PSS of the process tree (sampled), MiB",
                    fmt(memory["peak_tree_pss_kb"] / 1024, 1),
                ],
                ["most processes seen at once", memory["peak_processes"]],
            ],
        )
    )
    print(f"\nspeed benchmark in {seconds:.0f} s; results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
