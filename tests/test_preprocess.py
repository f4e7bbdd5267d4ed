"""Image stages on small synthetic pages: each stage measured alone."""

from importlib import resources

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hotich.pipeline.preprocess import (
    PreprocessConfig,
    estimate_skew,
    flatten_background,
    prepare,
    remove_dotted_lines,
    rotate,
)

FONT = resources.files("hotich.samplegen").joinpath("fonts/NotoSerif-Regular.ttf")


def _page(lines: list[str], *, size: tuple[int, int] = (1240, 1754), px: int = 22) -> np.ndarray:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), px)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * 45), line, font=font, fill=0)
    return np.array(img)


TEXT = ["Họ và tên: NGUYỄN THỊ HOA    Giới tính: Nữ", "Ngày, tháng, năm sinh: 15/03/1985"] * 15


@pytest.mark.parametrize("angle", [-6.0, -2.5, -0.4, 0.0, 0.3, 1.7, 4.0, 12.0])
def test_deskew_recovers_the_angle_within_0_2_degrees(angle: float) -> None:
    page = rotate(_page(TEXT), angle)
    assert abs(estimate_skew(page) - angle) <= 0.2


def test_prepare_straightens_the_page() -> None:
    page = rotate(_page(TEXT), 3.0)
    clean, geometry, stages = prepare(page, PreprocessConfig(denoise=False, remove_dots=False))
    assert abs(geometry.rotation_deg + 3.0) <= 0.2
    assert abs(estimate_skew(clean)) <= 0.2
    assert stages[0] == "gray" and stages[1].startswith("deskew")


def test_flatten_background_whitens_shaded_paper() -> None:
    page = _page(TEXT).astype(np.float64)
    shade = np.linspace(0.55, 1.0, page.shape[1])[None, :]
    shaded = (page * shade).astype(np.uint8)
    flat = flatten_background(shaded)
    paper = _page(TEXT) == 255
    assert shaded[paper].min() < 150
    assert np.percentile(flat[paper], 5) > 235
    ink = _page(TEXT) < 60
    assert np.median(flat[ink]) < 100


def test_dotted_leaders_go_but_diacritics_stay() -> None:
    img = Image.fromarray(_page(["Họ và tên: NGUYỄN THỊ HOA ỵ ạ ộ ị"] * 2))
    draw = ImageDraw.Draw(img)
    for x in range(400, 1150, 14):  # a leader line below the text
        draw.ellipse((x, 198, x + 3, 201), fill=0)
    page = np.array(img)
    assert (page[190:210] < 128).sum() > 100
    out = remove_dotted_lines(page)
    assert (out[190:210] < 128).sum() == 0
    # the text lines themselves (with their dots below and marks above) are untouched
    assert np.array_equal(out[:190], page[:190])


def test_stored_image_matches_the_geometry_boxes_refer_to() -> None:
    from hotich.pipeline.stored import stored_image

    colour = np.stack([rotate(_page(TEXT), 2.0)] * 3, axis=-1)
    clean, geometry, _ = prepare(colour, PreprocessConfig())
    stored = stored_image(colour, geometry)
    assert stored.shape[:2] == clean.shape == (geometry.height, geometry.width)
    assert stored.ndim == 3  # colour is kept for people; the cleaned gray is only for OCR
