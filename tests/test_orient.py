"""Page orientation and deskew on generated ledger pages: a page scanned sideways or upside down
is turned upright, an upright page is left alone, a known skew is measured to 0.2°, and the
stored page a person reviews is turned exactly as the OCR saw it."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hotich.config.settings import Settings
from hotich.pipeline.discover import discover
from hotich.pipeline.orient import estimate_orientation
from hotich.pipeline.preprocess import (
    PreprocessConfig,
    estimate_skew,
    prepare,
    rotate,
    to_gray,
    turn,
)
from hotich.pipeline.stored import stored_image
from hotich.samplegen import generate
from hotich.samplegen.degrade import Difficulty, degrade, draw_params
from hotich.scanners import decode_page

FONT = resources.files("hotich.samplegen").joinpath("fonts/NotoSerif-Regular.ttf")
DPI = 150
SKEWS = (-14.3, -7.7, -2.1, 0.4, 3.3, 9.9, 14.6)


def _generated(out: Path, difficulty: Difficulty) -> list[np.ndarray]:
    """The pages (gray) of six generated pages: the three registers, forms and table spreads."""
    settings = Settings()
    generate(out, pages=6, seed=5, difficulty=difficulty, dpi=DPI, pdf_share=0.0)
    refs = discover(out, settings=settings).refs
    return [to_gray(decode_page(ref, settings=settings).image) for ref in refs]


@pytest.fixture(scope="module")
def hard_pages(tmp_path_factory: pytest.TempPathFactory) -> list[np.ndarray]:
    """Skewed 2–6°, yellowed, stained, faded, blurred, dark torn borders."""
    return _generated(tmp_path_factory.mktemp("hard") / "scans", "hard")


@pytest.fixture(scope="module")
def clean_page(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """A straight form page (A4 portrait; the table spreads are landscape)."""
    pages = _generated(tmp_path_factory.mktemp("clean") / "scans", "clean")
    return next(page for page in pages if page.shape[0] > page.shape[1])


def test_the_generated_pages_are_forms_and_table_spreads(hard_pages: list[np.ndarray]) -> None:
    shapes = {"portrait" if p.shape[0] > p.shape[1] else "landscape" for p in hard_pages}
    assert shapes == {"portrait", "landscape"}  # what the tests below claim to cover


def test_upright_pages_are_left_alone(hard_pages: list[np.ndarray]) -> None:
    assert [estimate_orientation(page) for page in hard_pages] == [0] * len(hard_pages)


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_a_turned_page_is_turned_upright(hard_pages: list[np.ndarray], quarters: int) -> None:
    for page in hard_pages:
        turned = np.ascontiguousarray(np.rot90(page, quarters))  # counter-clockwise
        answer = estimate_orientation(turned)
        assert answer == (360 - 90 * quarters) % 360
        assert np.array_equal(np.rot90(turned, answer // 90), page)


def test_quarter_turns_are_numpys() -> None:
    """The answer is in ``rotate``'s convention, counter-clockwise: ``turn(x, 90)`` is exactly
    ``np.rot90(x)``, and ``rotate(x, 90)`` is too, to a pixel (it turns about the image's
    centre, numpy about its middle pixel, and it resamples)."""
    image = np.random.default_rng(0).integers(0, 255, (7, 11)).astype(np.uint8)
    for deg in (90, 180, 270, -90):
        assert np.array_equal(turn(image, deg), np.rot90(image, deg // 90))
        turned = rotate(image, deg)
        assert turned.shape == np.rot90(image, deg // 90).shape
        shifted = {
            (dy, dx)
            for dy in (0, 1)
            for dx in (0, 1)
            if np.array_equal(
                turned[dy:, dx:],
                np.rot90(image, deg // 90)[: turned.shape[0] - dy, : turned.shape[1] - dx],
            )
        }
        assert shifted


def _text_page(lines: list[str], *, x: int = 80, pitch: int = 50) -> np.ndarray:
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 22)
    for i, line in enumerate(lines):
        draw.text((x, 80 + i * pitch), line, font=font, fill=0)
    return np.asarray(img)


def test_a_narrow_column_of_labels_is_not_taken_for_a_sideways_page() -> None:
    """Down the left of an unfilled form: the short lines make a tall, narrow block, whose ink
    falls into sharper columns than rows. The letters' own strokes still say which way is up."""
    labels = ["Họ và tên:", "Ngày sinh:", "Dân tộc:", "Quốc tịch:", "Nơi cư trú:", "Họ tên mẹ:"]
    page = _text_page(labels * 5)
    assert estimate_orientation(page) == 0
    assert estimate_orientation(np.ascontiguousarray(np.rot90(page))) == 270
    assert estimate_orientation(np.ascontiguousarray(np.rot90(page, 2))) == 180


def test_a_page_without_writing_is_left_as_it_is() -> None:
    blank = np.full((1754, 1240), 235, np.uint8)
    assert estimate_orientation(blank) == 0
    grid = blank.copy()  # an empty ruled table, taller than wide
    for y in range(100, 1700, 160):
        cv2.line(grid, (60, y), (1180, y), 30, 2)
    for x in range(60, 1200, 280):
        cv2.line(grid, (x, 100), (x, 1700 - 160 + 100), 30, 2)
    assert estimate_orientation(grid) == 0
    assert estimate_orientation(np.ascontiguousarray(np.rot90(grid))) == 0


# -- deskew ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("skew", SKEWS)
def test_a_known_skew_is_measured_within_0_2_degrees(clean_page: np.ndarray, skew: float) -> None:
    assert abs(estimate_skew(rotate(clean_page, skew)) - skew) <= 0.2


@pytest.mark.parametrize("skew", SKEWS)
def test_a_skew_is_measured_past_a_dark_scanner_lid(clean_page: np.ndarray, skew: float) -> None:
    """The same page as a worn ledger comes off the glass: the dark lid shows round its torn,
    skewed edges and fills the corners. The lid's straight edges are no text lines."""
    params = replace(draw_params(np.random.default_rng(2), "hard"), skew_deg=skew)
    scan = to_gray(degrade(np.stack([clean_page] * 3, axis=-1), params, DPI))
    assert (scan[:3] < 80).mean() > 0.5  # the lid is there
    assert abs(estimate_skew(scan) - skew) <= 0.2


# -- the chain: one rotation, shared by the OCR image and the stored page ------------------------


@pytest.mark.parametrize("quarters", [0, 1, 2, 3])
def test_prepare_turns_and_deskews_in_one_rotation(clean_page: np.ndarray, quarters: int) -> None:
    scan = np.ascontiguousarray(np.rot90(rotate(clean_page, 4.0), quarters))
    colour = np.stack([scan] * 3, axis=-1)
    cleaning = ("crop_border", "flatten_background", "remove_dots", "denoise")
    clean, geometry, stages = prepare(colour, PreprocessConfig(**dict.fromkeys(cleaning, False)))
    quarter = (360 - 90 * quarters) % 360
    assert f"orient({quarter})" in stages
    expected = (quarter - 4.0 + 180) % 360 - 180
    assert abs(geometry.rotation_deg - expected) <= 0.2
    assert estimate_orientation(clean) == 0 and abs(estimate_skew(clean)) <= 0.2
    # The page a person reviews (and the fields' boxes on it) is the OCR's image, pixel for pixel.
    assert np.array_equal(to_gray(stored_image(colour, geometry)), clean)


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_a_turned_scan_is_cleaned_into_the_upright_scans_image(
    hard_pages: list[np.ndarray], quarters: int
) -> None:
    """Quarter turns move pixels without resampling them, and every stage after the turn sees
    the page as if scanned upright, so the OCR reads the same image (a form and a spread)."""
    form = next(page for page in hard_pages if page.shape[0] > page.shape[1])
    spread = next(page for page in hard_pages if page.shape[0] < page.shape[1])
    for page in (form, spread):
        upright, geometry, _ = prepare(page, PreprocessConfig())
        turned, turned_geometry, stages = prepare(
            np.ascontiguousarray(np.rot90(page, quarters)), PreprocessConfig()
        )
        assert f"orient({(360 - 90 * quarters) % 360})" in stages
        assert np.array_equal(turned, upright)
        rest = (turned_geometry.rotation_deg - geometry.rotation_deg) % 360
        assert rest == pytest.approx((360 - 90 * quarters) % 360, abs=1e-9)


def test_orientation_can_be_switched_off(clean_page: np.ndarray) -> None:
    turned = np.ascontiguousarray(np.rot90(clean_page, 2))
    clean, geometry, stages = prepare(turned, PreprocessConfig(orient=False, denoise=False))
    assert not any(stage.startswith("orient") for stage in stages)
    assert abs(geometry.rotation_deg) <= 0.2  # deskewed only: still upside down
    assert estimate_orientation(clean) == 180


# -- the whole recipe with Tesseract ---------------------------------------------------------------


@pytest.mark.tesseract
def test_a_turned_page_reads_as_its_upright_scan(tmp_path: Path) -> None:
    from hotich.ocr.tesseract import from_settings
    from hotich.pipeline.recipe import PageContext, PageTask, process_page

    settings = Settings()
    upright = tmp_path / "upright"
    generate(upright, pages=1, seed=8, difficulty="moderate", table_share=0.0, pdf_share=0.0)
    (ref,) = discover(upright, settings=settings).refs
    page = decode_page(ref, settings=settings).image
    ctx = PageContext(settings=settings, engine=from_settings(settings))
    read: dict[int, list[dict[str, str]]] = {}
    for quarters in (0, 1, 2, 3):
        root = tmp_path / f"turned-{quarters}"
        path = (root / ref.source).with_suffix(".png")  # lossless: the same pixels, turned
        path.parent.mkdir(parents=True)
        Image.fromarray(np.ascontiguousarray(np.rot90(page, quarters))).save(path)
        (turned,) = discover(root, settings=settings).refs
        result = process_page(PageTask(ref=turned), ctx)
        assert result.ok, result.error_message
        assert f"orient({(360 - 90 * quarters) % 360})" in result.stages
        read[quarters] = [{k: v or "" for k, v in e.values().items()} for e in result.entries]
    assert len(read[0]) == 1 and sum(bool(v) for v in read[0][0].values()) >= 8
    assert read[1] == read[0] and read[2] == read[0] and read[3] == read[0]


def test_a_table_of_short_figures_upside_down_is_told_by_where_the_rows_are_written() -> None:
    """Entries are written from the top of their ruled row down: the writing's centre sits in
    the upper part of an upright table's rows, the lower part of an upside-down one's."""
    from hotich.pipeline.orient import _cell_position

    strokes = np.zeros((400, 600), np.uint8)
    writing = np.zeros_like(strokes)
    for top in range(20, 380, 80):
        strokes[top : top + 2, :] = 1  # a rule
        writing[top + 8 : top + 28, 40:300] = 1  # the entry, at the top of its row
    strokes |= writing
    upright = _cell_position(strokes, writing)
    upside_down = _cell_position(np.flipud(strokes), np.flipud(writing))
    assert upright is not None and upright < 0.4
    assert upside_down is not None and upside_down > 0.6
    assert _cell_position(writing, writing) is None  # no rules: nothing to say
