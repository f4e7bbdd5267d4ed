"""Run ``hotich`` in this process, through the console script's entry point (``main``), with
its exit code and output captured, and the OCR engine replaced at its seam."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import pytest

from hotich.cli import main
from hotich.config.settings import Settings
from hotich.ocr import tesseract
from hotich.ocr.engine import OcrEngine
from tests.recorded import replay_engine

EngineFactory = Callable[[Settings], OcrEngine]


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    engine_used: bool = False
    """The replacement engine factory was called (so the seam is still where it was)."""


def _counting(factory: EngineFactory, used: list[bool]) -> EngineFactory:
    """``factory``, noting each call in ``used`` (a closure: serial runs only, not picklable)."""

    def counted(settings: Settings) -> OcrEngine:
        used.append(True)
        return factory(settings)

    return counted


def hotich(*args: str, lang: str = "vi", engine: EngineFactory | None = replay_engine) -> Outcome:
    """``hotich ARGS`` with ``HOTICH_LANG=lang``. ``engine`` replaces the Tesseract engine
    factory the commands use (default: recorded output replayed; None: real Tesseract); a
    replaced engine runs in this process, so pass ``--workers 1``."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    used: list[bool] = []
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.setattr(sys, "argv", ["hotich", *args])
        mp.setenv("HOTICH_LANG", lang)
        mp.delenv("HOTICH_DB", raising=False)
        if engine is not None:
            mp.setattr(tesseract, "from_settings", _counting(engine, used))
        try:
            main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else int(e.code is not None)
    return Outcome(code, out.getvalue(), err.getvalue(), bool(used))
