"""Image stages on small synthetic pages: each stage measured alone."""

from importlib import resources

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hotich.pipeline.preprocess import (
    PreprocessConfig,
    estimate_skew,
    flatten_background,
    histogram_u8,
    noise_level,
    percentile_u8,
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
    assert stages[0] == "gray" and "orient(0)" in stages  # an upright page is not turned
    names = [stage.split("(")[0] for stage in stages]
    assert names.index("orient") < names.index("deskew")


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


def test_a_table_grid_does_not_make_its_letters_leader_dots() -> None:
    """A ruled table's grid is one blob holding much of the page's ink; letter height must not
    be taken from it, or evenly spaced figures pass for a dotted line and are erased."""
    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 22)
    xs, ys = range(60, 1200, 280), range(60, 1700, 200)
    for x in xs:
        draw.line((x, 60, x, 1660), fill=0, width=4)
    for y in ys:
        draw.line((60, y, 1180, y), fill=0, width=4)
    for y in ys[:-1]:
        for x in xs[:-1]:
            draw.text((x + 12, y + 20), "092087823300", font=font, fill=0)
    page = np.array(img)
    assert np.array_equal(remove_dotted_lines(page), page)


def test_stored_image_matches_the_geometry_boxes_refer_to() -> None:
    from hotich.pipeline.stored import stored_image

    colour = np.stack([rotate(_page(TEXT), 2.0)] * 3, axis=-1)
    clean, geometry, _ = prepare(colour, PreprocessConfig())
    stored = stored_image(colour, geometry)
    assert stored.shape[:2] == clean.shape == (geometry.height, geometry.width)
    assert stored.ndim == 3  # colour is kept for people; the cleaned gray is only for OCR


# -- the fast forms of the stages compute what the plain numpy forms compute ------------------


@pytest.mark.parametrize("seed", range(6))
def test_percentile_from_the_histogram_is_numpys_to_the_last_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for size in (1, 2, 7, 1000, 40_001):
        pixels = np.clip(rng.normal(200, 50, size), 0, 255).astype(np.uint8)
        if seed % 2:
            pixels = pixels.reshape(1, -1)  # any shape: it is counted, not sorted
        for pct in (0.0, 0.5, 1.0, 10.0, 33.3, 50.0, 99.5, 100.0, float(rng.uniform(0, 100))):
            assert percentile_u8(pixels, pct) == float(np.percentile(pixels, pct)), (size, pct)


def test_histogram_counts_every_pixel_of_a_large_page() -> None:
    """OpenCV counts in float32, which cannot hold 4097² (odd, above 2**24) exactly."""
    page = np.full((4097, 4097), 255, np.uint8)
    page[:3, :5] = 7
    counts = histogram_u8(page)
    assert counts.dtype == np.int64
    assert (int(counts[7]), int(counts[255]), int(counts.sum())) == (15, 4097**2 - 15, 4097**2)


def test_noise_level_is_the_spread_around_the_median_on_paper() -> None:
    rng = np.random.default_rng(5)
    page = _page(TEXT[:6]).astype(np.int16) + rng.normal(0, 9, (1754, 1240)).astype(np.int16)
    page = np.clip(page, 0, 255).astype(np.uint8)
    # The measure as written plainly in numpy: pixels minus their 3×3 median, on paper (median
    # light, nothing inked within 3 px), and their standard deviation.
    median = cv2.medianBlur(page, 3)
    _, ink = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    near_ink = cv2.dilate(ink, np.ones((7, 7), np.uint8)) > 0
    paper = (median > 160) & ~near_ink
    expected = float(np.std(page.astype(np.int16)[paper] - median.astype(np.int16)[paper]))
    assert expected > 4.0
    assert noise_level(page) == pytest.approx(expected, rel=1e-9)
    assert noise_level(_page(TEXT[:6])) < 1.0
