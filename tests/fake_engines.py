"""Engines at the OCR seam for runner tests: replaying text, crashing, timing out.

Module-level factories so worker processes can pickle them.
"""

from __future__ import annotations

import time

import numpy as np

from hotich.config.settings import Settings
from hotich.errors import OcrEngineError
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
