"""Engines at the OCR seam for runner tests: replaying text, crashing, timing out, killing
the worker process.

Module-level factories so worker processes can pickle them.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hotich.config.settings import Settings
from hotich.errors import EnvironmentCheckError, OcrEngineError
from hotich.ocr.engine import NullEngine
from hotich.schema.ocr import OcrPage
from tests.ocr_fakes import ocr_page

FORM_TEXT = [
    "SỔ ĐĂNG KÝ KHAI SINH",
    "Số: 7 Quyển số: 01/1998",
    "Họ và tên: LÊ VĂN AN",
    "Ngày, tháng, năm sinh: 02/01/1990 Giới tính: Nam",
]


class FormEngine(NullEngine):
    """Reads every page as the same small form."""

    name = "form-fake"

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        return ocr_page(FORM_TEXT, conf=0.97)


class SlowEngine(FormEngine):
    """Like FormEngine, but takes its time (for killing a run midway)."""

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        time.sleep(0.3)
        return super().recognize(image, psm=psm)


class CrashOnWideEngine(FormEngine):
    """Crashes on pages wider than tall, reads the others."""

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        if image.shape[1] > image.shape[0]:
            raise OcrEngineError("ocr.crashed", detail="fake crash")
        return super().recognize(image, psm=psm)


def form_engine(settings: Settings) -> FormEngine:
    return FormEngine()


def slow_engine(settings: Settings) -> SlowEngine:
    return SlowEngine()


def crash_on_wide_engine(settings: Settings) -> CrashOnWideEngine:
    return CrashOnWideEngine()


class BuggyEngine(FormEngine):
    """Fails with an unexpected error whose message holds personal data."""

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        if image.shape[1] > image.shape[0]:
            raise ValueError(FORM_TEXT[2])
        return super().recognize(image, psm=psm)


def buggy_engine(settings: Settings) -> BuggyEngine:
    return BuggyEngine()


class ExitOnWideEngine(FormEngine):
    """Ends its whole process on pages wider than tall, as if the OS killed it (out of memory):
    a page that kills every worker that reads it. Reads the others."""

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        if image.shape[1] > image.shape[0]:
            os._exit(137)
        return super().recognize(image, psm=psm)


def exit_on_wide_engine(settings: Settings) -> ExitOnWideEngine:
    return ExitOnWideEngine()


@dataclass(frozen=True)
class GatedFormEngine:
    """An engine factory (picklable) that waits until the file ``gate`` exists, then gives a
    FormEngine: a worker builds its engine before it decodes its first page, so a test can
    change the scan folder before any worker has read a page."""

    gate: str
    timeout_s: float = 30.0

    def __call__(self, settings: Settings) -> FormEngine:
        deadline = time.monotonic() + self.timeout_s
        while not Path(self.gate).exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"gate {self.gate} not opened in {self.timeout_s:g} s")
            time.sleep(0.02)
        return FormEngine()


def missing_tesseract_engine(settings: Settings) -> FormEngine:
    """As the Tesseract factory fails on a machine without Tesseract."""
    raise EnvironmentCheckError("env.tesseract_missing")


@dataclass(frozen=True)
class RecordingFormEngine:
    """An engine factory (picklable) that leaves one file in ``folder`` per engine it builds,
    named by the building process: shows how often, and where, engines are loaded."""

    folder: str

    def __call__(self, settings: Settings) -> FormEngine:
        fd, _ = tempfile.mkstemp(prefix=f"engine-{os.getpid()}-", dir=self.folder)
        os.close(fd)
        return FormEngine()
