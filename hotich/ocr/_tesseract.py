"""The only module that imports pytesseract. Keyword-only calls, raw results out."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from typing import Any

import numpy as np
import pytesseract
from PIL import Image

TesseractNotFound = pytesseract.TesseractNotFoundError
TesseractFailed = pytesseract.TesseractError


@cache
def version() -> str:
    return str(pytesseract.get_tesseract_version())


@cache
def languages() -> tuple[str, ...]:
    return tuple(pytesseract.get_languages(config=""))


def write_handover(image: np.ndarray, folder: str) -> str:
    """The page as the file Tesseract reads: an uncompressed PNM in ``folder``; its path.

    pytesseract would write a PNG, whose compression costs up to half of Tesseract's own time
    on a noisy 300-dpi page. PNM, like that PNG, states no resolution, so Tesseract estimates
    it from the text as before (a BMP would say 96 dpi and change what Tesseract reads).
    """
    path = os.path.join(folder, "page.pnm")
    Image.fromarray(image).save(path, format="PPM")
    return path


def image_to_data(
    *, image: np.ndarray, lang: str, psm: int, timeout_s: float, whitelist: str = ""
) -> dict[str, list[Any]]:
    """Tesseract's TSV output as a dict of columns. Raises RuntimeError on timeout."""
    # One Tesseract thread per worker process: workers must not fight over cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    config = f"--psm {psm} -c preserve_interword_spaces=0"
    if whitelist:
        config += f" -c tessedit_char_whitelist={whitelist}"
    with tempfile.TemporaryDirectory(prefix="hotich-ocr-") as folder:
        result: dict[str, list[Any]] = pytesseract.image_to_data(
            write_handover(image, folder),
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=timeout_s,
        )
    return result
