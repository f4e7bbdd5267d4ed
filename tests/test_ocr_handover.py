"""How a page reaches Tesseract: a file with the page's exact pixels and no resolution, so that
Tesseract reads it as it reads the PNG pytesseract would write (which costs far more time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image

from hotich.config.settings import Settings
from hotich.ocr import _tesseract
from hotich.pipeline.discover import discover
from hotich.pipeline.preprocess import PreprocessConfig, prepare
from hotich.scanners import decode_page

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "scans"


@pytest.mark.parametrize("shape", [(40, 30), (40, 30, 3)])
def test_handover_file_has_the_pixels_and_no_resolution(
    shape: tuple[int, ...], tmp_path: Path
) -> None:
    pixels = np.random.default_rng(3).integers(0, 256, shape).astype(np.uint8)
    path = _tesseract.write_handover(pixels, str(tmp_path))
    with Image.open(path) as im:
        assert np.array_equal(np.asarray(im), pixels)
        assert "dpi" not in im.info  # Tesseract then estimates it, as for pytesseract's PNG


@pytest.mark.tesseract
@pytest.mark.parametrize(("source", "psm"), [("khai-sinh-2021-q01/0002.png", 6)])
def test_tesseract_reads_the_handover_as_it_reads_a_png(source: str, psm: int) -> None:
    settings = Settings()
    ref = next(r for r in discover(SAMPLES, settings=settings).refs if r.source.endswith(source))
    clean, _, _ = prepare(decode_page(ref, settings=settings).image, PreprocessConfig())
    ours = _tesseract.image_to_data(image=clean, lang="vie", psm=psm, timeout_s=120)
    config = f"--psm {psm} -c preserve_interword_spaces=0"
    png = pytesseract.image_to_data(
        Image.fromarray(clean), lang="vie", config=config, output_type=pytesseract.Output.DICT
    )
    assert ours == png
    assert len([w for w in ours["text"] if str(w).strip()]) > 50
