"""Tesseract (the `vie` model) as an OcrEngine."""

from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np

from hotich.config.settings import Settings
from hotich.errors import EnvironmentCheckError, OcrEngineError
from hotich.ocr import _tesseract
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord

log = logging.getLogger(__name__)


class TesseractEngine:
    name = "tesseract"

    def __init__(
        self, *, lang: str = "vie", timeout_s: float = 180.0, digits_lang: str = "eng"
    ) -> None:
        self.lang = lang
        self.timeout_s = timeout_s
        self.digits_lang = digits_lang

    def version(self) -> str:
        try:
            return _tesseract.version()
        except _tesseract.TesseractNotFound as e:
            raise EnvironmentCheckError("env.tesseract_missing") from e

    def check(self) -> None:
        """Fail early, with install advice, when Tesseract or the language model is missing."""
        self.version()
        installed = set(_tesseract.languages())
        wanted = self.lang.split("+") + [c for c in self.digits_lang.split("+") if c]
        missing = [code for code in dict.fromkeys(wanted) if code not in installed]
        if missing:
            raise EnvironmentCheckError("env.tesseract_lang_missing", lang="+".join(missing))

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        return self._recognize(image, psm=psm, lang=self.lang, whitelist="")

    def recognize_figures(self, image: np.ndarray, *, psm: int, whitelist: str) -> OcrPage:
        """Read figures only (numbers, dates, ID numbers) with the model that reads them best
        (``digits_lang``), restricted to the characters in ``whitelist``."""
        return self._recognize(image, psm=psm, lang=self.digits_lang, whitelist=whitelist)

    def _recognize(self, image: np.ndarray, *, psm: int, lang: str, whitelist: str) -> OcrPage:
        height, width = int(image.shape[0]), int(image.shape[1])
        config = f"lang={lang} psm={psm}" + (f" whitelist={whitelist}" if whitelist else "")
        try:
            data = _tesseract.image_to_data(
                image=image, lang=lang, psm=psm, timeout_s=self.timeout_s, whitelist=whitelist
            )
        except RuntimeError as e:  # pytesseract's timeout: a soft failure
            log.warning("tesseract timed out after %ss", self.timeout_s)
            return OcrPage(
                width=width,
                height=height,
                engine=self.name,
                engine_version=self.version(),
                config=config,
                warnings=(f"timeout: {e}",),
            )
        except _tesseract.TesseractNotFound as e:
            raise EnvironmentCheckError("env.tesseract_missing") from e
        except _tesseract.TesseractFailed as e:
            raise OcrEngineError("ocr.crashed", detail=str(e)[:200]) from e
        return OcrPage(
            width=width,
            height=height,
            lines=tuple(_lines(data)),
            engine=self.name,
            engine_version=self.version(),
            config=config,
        )


def _lines(data: dict[str, list[object]]) -> list[OcrLine]:
    """Group Tesseract's word rows into lines, in Tesseract's reading order."""
    grouped: dict[tuple[int, int, int], list[OcrWord]] = defaultdict(list)
    order: list[tuple[int, int, int]] = []
    for i, text in enumerate(data["text"]):
        word = str(text).strip()
        conf = float(str(data["conf"][i]))
        if not word or conf < 0:
            continue
        key = (
            int(str(data["block_num"][i])),
            int(str(data["par_num"][i])),
            int(str(data["line_num"][i])),
        )
        if key not in grouped:
            order.append(key)
        box = (
            int(str(data["left"][i])),
            int(str(data["top"][i])),
            int(str(data["width"][i])),
            int(str(data["height"][i])),
        )
        grouped[key].append(OcrWord(text=word, bbox=box, confidence=min(conf, 100.0) / 100.0))
    return [OcrLine(words=tuple(grouped[key])) for key in order]


def from_settings(settings: Settings) -> TesseractEngine:
    """The engine factory the executors call in each worker (a picklable module function)."""
    return TesseractEngine(
        lang=settings.ocr_lang,
        timeout_s=settings.ocr_timeout_s,
        digits_lang=settings.ocr_figures_lang,
    )
