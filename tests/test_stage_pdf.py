"""A registration's PDF: the colour page from its scan file, about 100 kB per A4 page."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from hotich.config.settings import Settings
from hotich.db.models import Page
from hotich.loaders.stage_pdf import PageImage, ScanProblem, load_page_image, page_pdf

A4_POINTS = (595.3, 841.9)


def _scan(size: tuple[int, int], seed: int = 1) -> np.ndarray:
    """A yellowed page with grain and blue handwriting-like strokes (JPEG does not shrink it
    to nothing, as a real scan)."""
    rng = np.random.default_rng(seed)
    w, h = size
    paper = np.empty((h, w, 3), np.int16)
    paper[...] = (235, 225, 200)
    paper += rng.normal(0, 6, (h, w, 1)).astype(np.int16)
    page = paper.clip(0, 255).astype(np.uint8)
    for _ in range(w // 6):
        y, x = int(rng.integers(50, h - 50)), int(rng.integers(50, w - w // 4))
        page[y : y + h // 170, x : x + int(rng.integers(w // 50, w // 5))] = (40, 40, 120)
    return page


def _pdf_page(data: bytes) -> tuple[float, float, str, int]:
    reader = PdfReader(io.BytesIO(data))
    (page,) = reader.pages
    (image,) = page.images
    return (
        float(page.mediabox.width),
        float(page.mediabox.height),
        image.image.mode,
        image.image.width,
    )


@pytest.mark.parametrize("dpi", [300.0, None])
def test_an_a4_page_is_about_100_kb_in_colour(dpi: float | None) -> None:
    data = page_pdf(PageImage(_scan((2480, 3508)), dpi))
    assert 80_000 <= len(data) <= 102_000
    width, height, mode, pixels = _pdf_page(data)
    assert width == pytest.approx(A4_POINTS[0], abs=2) and height == pytest.approx(
        A4_POINTS[1], abs=2
    )
    assert mode == "RGB"
    assert pixels == 1240  # brought down to 150 dpi


def test_an_a3_page_gets_twice_the_budget() -> None:
    data = page_pdf(PageImage(_scan((2339, 3307), seed=2), 200.0))
    assert 160_000 <= len(data) <= 204_000
    width, height, _, _ = _pdf_page(data)
    assert (width, height) == (pytest.approx(842, abs=2), pytest.approx(1191, abs=2))


def test_a_blank_page_stays_small_and_sharp() -> None:
    data = page_pdf(PageImage(np.full((3508, 2480, 3), 255, np.uint8), 300.0))
    assert len(data) < 40_000


def _page(
    tmp_path: Path,
    image: Image.Image,
    name: str = "0001.png",
    *,
    more: tuple[Image.Image, ...] = (),
    index: int = 0,
    rotation: float = 0.0,
) -> Page:
    """A page row (not stored) whose scan file ``name`` holds ``image`` (and ``more`` frames)."""
    path = tmp_path / "c" / "b" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, save_all=bool(more), append_images=list(more))
    kind = {".tif": "tiff", ".pdf": "pdf"}.get(path.suffix, "image")
    return Page(
        page_no=1,
        root=str(tmp_path),
        source=f"c/b/{name}",
        source_index=index,
        kind=kind,
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        rotation_deg=rotation,
        width=image.width,
        height=image.height,
    )


def test_the_page_comes_from_the_scan_turned_in_colour(tmp_path: Path) -> None:
    red = Image.new("RGB", (300, 200), (200, 30, 30))
    page = _page(tmp_path, red, rotation=90.0)
    image = load_page_image(page, "c", "b", settings=Settings())
    assert image.pixels.shape == (300, 200, 3)  # turned a quarter
    assert tuple(image.pixels[150, 100]) == (200, 30, 30)


def test_a_page_inside_a_multi_page_tiff(tmp_path: Path) -> None:
    first, second = (
        Image.new("RGB", (300, 400), (0, 0, 200)),
        Image.new("RGB", (300, 400), (0, 160, 0)),
    )
    page = _page(tmp_path, first, "scan.tif", more=(second,), index=1)
    image = load_page_image(page, "c", "b", settings=Settings())
    assert tuple(image.pixels[10, 10]) == (0, 160, 0)


def test_a_page_inside_a_scanned_pdf(tmp_path: Path) -> None:
    first = Image.new("RGB", (600, 800), (0, 0, 200))
    second = Image.new("RGB", (600, 800), (0, 160, 0))
    page = _page(tmp_path, first, "scan.pdf", more=(second,), index=1)
    image = load_page_image(page, "c", "b", settings=Settings(pdf_dpi=100))
    height, width = image.pixels.shape[:2]  # Pillow wrote 600 x 800 px at 72 dpi: 8.3 x 11.1 in
    assert image.dpi == 100 and (height, width) == (
        pytest.approx(1111, abs=2),
        pytest.approx(833, abs=2),
    )
    red, green, blue = (int(v) for v in image.pixels[500, 400])
    assert green > 120 and red < 40 and blue < 40


def test_a_missing_or_changed_scan_is_refused(tmp_path: Path) -> None:
    page = _page(tmp_path, Image.new("RGB", (300, 400), "white"))
    hashes: dict[Path, str] = {}
    load_page_image(page, "c", "b", settings=Settings(), hashes=hashes)
    assert list(hashes.values()) == [page.file_sha256]
    Image.new("RGB", (300, 400), "black").save(tmp_path / page.source)
    with pytest.raises(ScanProblem) as e:
        load_page_image(page, "c", "b", settings=Settings())
    assert e.value.code == "scan_changed"
    (tmp_path / page.source).unlink()
    with pytest.raises(ScanProblem) as e:
        load_page_image(page, "c", "b", settings=Settings())
    assert e.value.code == "scan_missing"
