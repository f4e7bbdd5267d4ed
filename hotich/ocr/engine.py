"""The OCR engine interface, and engines for tests (null, crashing, timing out)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from hotich.errors import OcrEngineError
from hotich.schema.ocr import OcrPage


@runtime_checkable
class OcrEngine(Protocol):
    """Reads an image (grayscale or RGB uint8) into words and lines with boxes."""

    name: str

    def version(self) -> str: ...

    def check(self) -> None:
        """Raise EnvironmentCheckError, with install advice, if the engine cannot run."""

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage: ...


@runtime_checkable
class FiguresReader(Protocol):
    """An engine that can also read figures alone (digits and separators), for the second
    reading of numbers, dates and ID numbers (:mod:`hotich.extract.reread`)."""

    def recognize_figures(self, image: np.ndarray, *, psm: int, whitelist: str) -> OcrPage: ...


class NullEngine:
    """Reads nothing: for tests of everything around OCR."""

    name = "null"

    def version(self) -> str:
        return "0"

    def check(self) -> None:
        pass

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        return OcrPage(width=int(image.shape[1]), height=int(image.shape[0]), engine=self.name)


class CrashingEngine(NullEngine):
    """Fails the way a broken engine install does."""

    name = "crashing"

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        raise OcrEngineError("ocr.crashed", detail="test engine")
