"""What both benchmark scripts share: the machine they ran on, Markdown tables, JSON output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
PACKAGE = Path(__file__).resolve().parent.parent / "hotich"


def _lines(command: list[str]) -> list[str]:
    """A command's output lines (stdout, else stderr); none when it is missing or fails."""
    if shutil.which(command[0]) is None:
        return []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines() if done.returncode == 0 else []


def _after(command: list[str], prefix: str) -> str:
    """The rest of the first output line that starts with ``prefix``."""
    return next((ln[len(prefix) :].strip() for ln in _lines(command) if ln.startswith(prefix)), "")


def machine() -> dict[str, Any]:
    """The machine as the results should name it; load average says how busy it was."""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": _after(["lscpu"], "Model name:"),
        "memory_total": (_after(["free", "-h"], "Mem:").split() or [""])[0],
        "tesseract": next(iter(_lines(["tesseract", "--version"])), ""),
        "python": platform.python_version(),
        "loadavg_at_start": os.getloadavg(),
    }


def _sources_digest() -> str:
    """A hash of every hotich source file: which code the figures measure."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def code() -> dict[str, Any]:
    """The commit and the working tree's hotich sources (uncommitted edits count)."""
    git = ["git", "-C", str(PACKAGE.parent)]
    return {
        "git_head": next(iter(_lines([*git, "rev-parse", "--short", "HEAD"])), ""),
        "uncommitted_hotich_files": _lines([*git, "status", "--porcelain", "--", "hotich"]),
        "hotich_sources_sha256": _sources_digest(),
    }


def fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(right: int, total: int) -> str:
    """``0.812 (213/262)``: a share with the counts it comes from."""
    return "–" if total == 0 else f"{right / total:.3f} ({right}/{total})"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    data["machine"]["loadavg_at_end"] = os.getloadavg()
    data["code"]["hotich_sources_sha256_at_end"] = end = _sources_digest()
    data["code"]["changed_during_run"] = end != data["code"]["hotich_sources_sha256"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
