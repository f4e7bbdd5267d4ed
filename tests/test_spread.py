"""Two-page spreads: the binding is found, each page is deskewed on its own, and what is read
on a page is put back where it is on the stored spread."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import load_truth
from hotich.evaluate.metrics import field_matches
from hotich.pipeline.discover import discover
from hotich.pipeline.preprocess import PreprocessConfig
from hotich.pipeline.spread import Part, find_gutter, split_spread
from hotich.samplegen import generate

FONT = resources.files("hotich.samplegen").joinpath("fonts/NotoSerif-Regular.ttf")
LINE = "Họ và tên: NGUYỄN THỊ HOA   Ngày sinh: 15/03/1985"


def _form(size: tuple[int, int] = (1240, 1754)) -> np.ndarray:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 26)
    for i in range(30):
        draw.text((110, 120 + i * 50), LINE, font=font, fill=0)
    return np.array(img)


def _spread(left_deg: float = 0.0, right_deg: float = 0.0) -> np.ndarray:
    return np.hstack([_turned(_form(), left_deg), _turned(_form(), right_deg)])


def _turned(image: np.ndarray, deg: float) -> np.ndarray:
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), borderValue=255)


def test_the_binding_of_a_spread_is_found_between_its_pages() -> None:
    spread = _spread()
    x = find_gutter(spread)
    assert x is not None
    left_end = np.nonzero((spread[:, :1240] < 128).any(axis=0))[0].max()
    right_start = 1240 + np.nonzero((spread[:, 1240:] < 128).any(axis=0))[0].min()
    assert left_end < x < right_start  # in the blank band between the two pages' writing


def test_a_single_page_and_a_page_written_across_the_middle_are_no_spread() -> None:
    assert find_gutter(_form()) is None  # portrait
    wide = np.full((1754, 2480), 255, np.uint8)
    font = ImageFont.truetype(str(FONT), 26)
    img = Image.fromarray(wide)
    draw = ImageDraw.Draw(img)
    for i in range(30):
        draw.text((110, 120 + i * 50), LINE + "   " + LINE + "   " + LINE, font=font, fill=0)
    assert find_gutter(np.array(img)) is None
    # a few marks on each side of a blank middle are no pages of writing
    marks = np.full((1754, 2480), 255, np.uint8)
    for y in (200, 700, 1500):
        marks[y : y + 30, 200:900] = 0
        marks[y + 100 : y + 130, 1500:2200] = 0
    assert find_gutter(marks) is None


@pytest.mark.parametrize(("left", "right"), [(1.2, -0.8), (-1.5, 1.0), (0.0, 1.4)])
def test_each_page_of_a_spread_is_deskewed_on_its_own(left: float, right: float) -> None:
    parts = split_spread(_spread(left, right))
    assert len(parts) == 2
    # turned by -angle as written: the skew each page was drawn with, within 0.2°
    assert abs(parts[0].skew_deg + left) <= 0.2 and abs(parts[1].skew_deg + right) <= 0.2


def test_a_box_on_a_turned_page_is_put_back_where_it_is_on_the_spread() -> None:
    spread = _spread(0.0, 1.5)
    right = split_spread(spread)[1]
    # a word's box on the straightened right page, mapped back, holds the same ink
    ink = np.argwhere(right.image[100:400, :] < 128)
    (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0)
    y0, y1 = y0 + 100, y1 + 100
    box = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    px, py, pw, ph = right.to_page(box)
    on_spread = spread[py : py + ph, px : px + pw] < 128
    assert on_spread.sum() >= 0.9 * (right.image[y0:y1, x0:x1] < 128).sum()
    assert Part(image=right.image, x0=7).to_page((1, 2, 3, 4)) == (8, 2, 3, 4)


@pytest.mark.tesseract
def test_two_forms_on_one_scan_are_read_as_two_entries(tmp_path: Path) -> None:
    from hotich.ocr.tesseract import from_settings
    from hotich.pipeline.recipe import PageContext, PageTask, process_page

    settings = Settings()
    generate(
        tmp_path,
        pages=1,
        seed=3,
        difficulty="clean",
        table_share=0.0,
        pdf_share=0.0,
        capture="spread",
    )
    (ref,) = discover(tmp_path, settings=settings).refs
    truth = load_truth(ref)
    assert truth is not None
    scores = {}
    for split in (True, False):
        ctx = PageContext(
            settings=settings,
            engine=from_settings(settings),
            preprocess=PreprocessConfig(split_spread=split),
        )
        result = process_page(PageTask(ref=ref), ctx)
        assert result.ok
        right = sum(
            field_matches(str(v), entry.values().get(k))
            for true, entry in zip(truth.entries, result.entries, strict=False)
            for k, v in true.items()
            if not k.startswith("_")
        )
        scores[split] = (len(result.entries), right)
    total = sum(len([k for k in e if not k.startswith("_")]) for e in truth.entries)
    assert scores[True][0] == 2
    assert scores[True][1] >= 0.9 * total
    assert scores[True][1] > scores[False][1]  # read whole, the two forms are mixed
