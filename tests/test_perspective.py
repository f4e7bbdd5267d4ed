"""Perspective correction of phone photos: the page is found and flattened, scans are left
alone, the flattening is stored and re-applied, and a photo reads about as well as a scan."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from hotich.config.settings import Settings
from hotich.db import open_db, save_result, session_scope
from hotich.db.models import Page
from hotich.errors import BadInputError, ExitCode
from hotich.evaluate.groundtruth import gt_path, load_truth
from hotich.evaluate.metrics import field_matches
from hotich.loaders.stage_pdf import load_page_image
from hotich.pipeline.discover import discover
from hotich.pipeline.pagequad import warp_page
from hotich.pipeline.perspective import correct_perspective, find_page
from hotich.pipeline.preprocess import PreprocessConfig, prepare
from hotich.pipeline.stored import stored_image
from hotich.samplegen import generate
from hotich.samplegen.photo import PhotoParams, photograph
from hotich.scanners import decode_page
from hotich.schema.page import Geometry, PageQuad, PageRef, PageResult
from tests.cli_helpers import hotich

FONT = resources.files("hotich.samplegen").joinpath("fonts/NotoSerif-Regular.ttf")
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "scans"
PAGE_SIZE = (560, 792)  # A4 at 68 dpi


def _page() -> np.ndarray:
    """A small white A4 page (RGB) with a heading, lines of text and a ruled box."""
    img = Image.new("RGB", PAGE_SIZE, (250, 248, 242))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 15)
    draw.text((150, 40), "SỔ ĐĂNG KÝ KHAI SINH", font=font, fill=(20, 20, 20))
    for i in range(14):
        draw.text((50, 100 + i * 34), f"Họ và tên: NGUYỄN THỊ HOA {i:02d}", font=font, fill=0)
    draw.rectangle((50, 600, 510, 740), outline=(0, 0, 0), width=3)
    return np.asarray(img)


def _on_desk(page: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``page`` warped so its corners land on ``corners``, over a dark, grainy desk."""
    h, w = page.shape[:2]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, size, flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, size)[..., None]
    desk = np.random.default_rng(0).normal(70, 8, (size[1], size[0], 1)).clip(0, 255)
    return (warped * cover + desk * (1 - cover)).astype(np.uint8)


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _detail(gray: np.ndarray) -> np.ndarray:
    """The page's writing, without its shading: a band-pass of the gray image."""
    g = gray.astype(np.float32)
    band: np.ndarray = cv2.GaussianBlur(g, (0, 0), 3) - cv2.GaussianBlur(g, (0, 0), 12)
    return band


def _likeness(flat: np.ndarray, page: np.ndarray) -> float:
    """Correlation of a flattened page's writing with the original's, at the same size."""
    ph, pw = page.shape[:2]
    a, b = _detail(cv2.resize(flat, (pw, ph))), _detail(page)
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_a_warped_page_is_found_to_the_pixel() -> None:
    page = _page()
    corners = np.array([[130.3, 95.6], [660.2, 150.1], [700.8, 905.4], [85.5, 860.2]])
    photo = _on_desk(page, corners, (800, 1000))
    found = find_page(_gray(photo))
    assert found is not None
    assert np.abs(np.asarray(found) - corners).max() < 2.0


@pytest.mark.parametrize(
    ("tilt", "axis", "roll", "shadow"),
    [(15.0, 0.0, 0.0, 0.0), (15.0, 1.2, 4.0, 0.25), (9.0, 2.5, -5.0, 0.3), (12.0, 4.4, 2.0, 0.0)],
)
def test_a_phone_photo_is_flattened_upright_with_the_pages_shape(
    tilt: float, axis: float, roll: float, shadow: float
) -> None:
    page = _page()
    params = PhotoParams(
        tilt_deg=tilt,
        tilt_axis=axis,
        roll_deg=roll,
        focal=1.0,
        light_strength=0.2,
        vignette=0.1,
        shadow=(0.1, 0.5, 0.45, shadow),
        blur_px_300=0.8,
        noise_sigma=4.0,
        jpeg_quality=80,
        seed=3,
    )
    photo, corners = photograph(page, params, 68)
    gray = _gray(photo)
    found = find_page(gray)
    assert found is not None
    assert np.abs(np.asarray(found) - np.asarray(corners)).max() < 2.0
    flattened = correct_perspective(gray)
    assert flattened is not None
    flat, quad = flattened
    assert flat.shape == (quad.height, quad.width)
    aspect = PAGE_SIZE[0] / PAGE_SIZE[1]
    assert quad.width / quad.height == pytest.approx(aspect, rel=0.03)
    # The page's content lies where it lies on the paper: not turned, not mirrored, not skewed.
    original = _gray(page)
    assert _likeness(flat, original) > 0.78  # turned by a single degree, it is about 0.7
    assert _likeness(np.rot90(flat, 2), original) < 0.3
    # The raw photo, merely cropped to the page's bounding box, is far from it.
    xs, ys = np.asarray(corners)[:, 0], np.asarray(corners)[:, 1]
    box = gray[int(ys.min()) : int(ys.max()), int(xs.min()) : int(xs.max())]
    assert _likeness(box, original) < _likeness(flat, original) - 0.1


def test_a_page_cut_by_the_frame_or_a_blank_image_is_not_guessed() -> None:
    page = _page()
    corners = np.array([[-40.0, 95.0], [660.0, 150.0], [700.0, 905.0], [85.0, 860.0]])
    assert find_page(_gray(_on_desk(page, corners, (800, 1000)))) is None
    assert find_page(np.full((900, 700), 240, np.uint8)) is None
    assert find_page(np.full((900, 700), 30, np.uint8)) is None


@pytest.mark.parametrize("difficulty", ["clean", "moderate", "hard"])
def test_flatbed_scans_are_left_untouched(tmp_path: Path, difficulty: str) -> None:
    scans = tmp_path / "scans"
    generate(scans, pages=5, seed=11, dpi=100, difficulty=difficulty, pdf_share=0.0)  # type: ignore[arg-type]
    settings = Settings()
    refs = discover(scans, settings=settings).refs
    assert len(refs) == 5
    for ref in refs:
        image = decode_page(ref, settings=settings).image
        assert find_page(_gray(image)) is None, ref.source
        with_stage = prepare(image, PreprocessConfig(denoise=False, remove_dots=False))
        without = prepare(
            image, PreprocessConfig(perspective=False, denoise=False, remove_dots=False)
        )
        assert "perspective" not in with_stage[2]
        assert with_stage[1].quad is None and with_stage[1] == without[1]
        assert np.array_equal(with_stage[0], without[0])


def test_the_committed_sample_scans_are_not_photos() -> None:
    settings = Settings()
    refs = discover(SAMPLES, settings=settings).refs
    assert len(refs) >= 8
    for ref in refs:
        assert find_page(_gray(decode_page(ref, settings=settings).image)) is None, ref.source


def test_the_stored_colour_page_lines_up_with_what_ocr_read() -> None:
    photo, _ = photograph(_page(), PhotoParams(tilt_deg=12.0, tilt_axis=0.7, seed=1), 68)
    clean, geometry, stages = prepare(photo, PreprocessConfig())
    assert stages[:2] == ("gray", "perspective")
    assert geometry.quad is not None
    stored = stored_image(photo, geometry)
    assert stored.shape == (geometry.height, geometry.width, 3) and clean.shape == stored.shape[:2]
    # The same flattening of the gray page is the stored page in gray.
    gray = warp_page(_gray(photo), geometry.quad)
    assert np.abs(gray.astype(int) - _gray(stored).astype(int)).mean() < 2.0


def _photo_file(root: Path) -> tuple[PageRef, np.ndarray]:
    photo, _ = photograph(_page(), PhotoParams(tilt_deg=14.0, tilt_axis=2.0, seed=2), 68)
    source = "20227-dai-thanh/khai-sinh-1998-q01/0001.png"
    path = root / source
    path.parent.mkdir(parents=True)
    Image.fromarray(photo).save(path)
    ref = PageRef(
        commune="20227-dai-thanh",
        book="khai-sinh-1998-q01",
        page_no=1,
        root=str(root),
        source=source,
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    return ref, photo


def test_the_flattening_is_stored_and_reapplied(db_url: str, tmp_path: Path) -> None:
    ref, photo = _photo_file(tmp_path / "scans")
    _, geometry, stages = prepare(photo, PreprocessConfig())
    assert geometry.quad is not None
    result = PageResult(
        ref=ref,
        sha256="a" * 64,
        register_type="khai_sinh",
        design="form",
        geometry=geometry,
        stages=stages,
    )
    flatbed = PageResult(
        ref=ref.model_copy(update={"page_no": 2, "source": ref.source.replace("0001", "0002")}),
        sha256="b" * 64,
        register_type="khai_sinh",
        geometry=Geometry(rotation_deg=1.5, width=500, height=700),
    )
    engine = open_db(db_url)
    try:
        with session_scope(engine) as session:
            save_result(session, result, None, 0.9)
            save_result(session, flatbed, None, 0.9)
        with session_scope(engine) as session:
            pages = {p.page_no: p for p in session.query(Page)}
            assert pages[2].quad is None
            stored = pages[1]
            assert PageQuad.model_validate(stored.quad) == geometry.quad
            assert (stored.rotation_deg, stored.width, stored.height) == (
                geometry.rotation_deg,
                geometry.width,
                geometry.height,
            )
            image = load_page_image(stored, ref.commune, ref.book, settings=Settings())
    finally:
        engine.dispose()
    assert image.pixels.shape == (geometry.height, geometry.width, 3)
    assert np.array_equal(image.pixels, stored_image(photo, geometry))


# -- the sample generator's photos ------------------------------------------------------------


def _truth(path: Path) -> list[dict[str, Any]]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    pages: list[dict[str, Any]] = doc.get("pages", [doc])
    return pages


def test_generated_photos_keep_the_scans_ground_truth(tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {"pages": 3, "seed": 4, "dpi": 72, "pdf_share": 0.0}
    scans = generate(tmp_path / "scan", **kwargs)
    photos = generate(tmp_path / "photo", capture="photo", **kwargs)
    assert photos.files == scans.files and photos.capture == "photo"
    settings = Settings()
    for rel in photos.ground_truth:
        scan_pages, photo_pages = _truth(scans.out / rel), _truth(photos.out / rel)
        for scan, photo in zip(scan_pages, photo_pages, strict=True):
            assert "capture" not in scan
            assert photo.pop("capture") == "photo"
            corners = photo.pop("page_corners")
            assert photo == scan
            assert len(corners) == 4
    for ref in discover(photos.out, settings=settings).refs:
        truth = _truth(gt_path(Path(ref.root) / ref.source))[ref.index]
        found = find_page(_gray(decode_page(ref, settings=settings).image))
        assert found is not None, ref.label
        assert np.abs(np.asarray(found) - np.asarray(truth["page_corners"])).max() < 3.0


def test_an_unknown_capture_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        generate(tmp_path / "out", pages=1, capture="drawing")  # type: ignore[arg-type]
    bad = hotich("samples", str(tmp_path / "cli"), "--capture", "drawing", lang="en")
    assert bad.code == ExitCode.bad_args and "drawing" in bad.err


def test_the_samples_command_writes_photos(tmp_path: Path) -> None:
    out = tmp_path / "photos"
    done = hotich("samples", str(out), "--pages", "1", "--dpi", "72", "--capture", "photo")
    assert done.code == ExitCode.ok, done.err
    (truth,) = out.rglob("*.gt.json")
    (page,) = _truth(truth)
    assert page["capture"] == "photo" and len(page["page_corners"]) == 4


# -- reading a photo ----------------------------------------------------------------------------


@pytest.mark.tesseract
def test_a_photographed_page_reads_about_as_well_as_its_scan(tmp_path: Path) -> None:
    from hotich.ocr.tesseract import from_settings
    from hotich.pipeline.recipe import PageContext, PageTask, process_page

    kwargs: dict[str, Any] = {"pages": 1, "seed": 3, "table_share": 0.0, "pdf_share": 0.0}
    settings = Settings()
    ctx = PageContext(settings=settings, engine=from_settings(settings))
    right: dict[str, int] = {}
    for capture in ("scan", "photo"):
        out = tmp_path / capture
        generate(out, difficulty="moderate", capture=capture, **kwargs)  # type: ignore[arg-type]
        (ref,) = discover(out, settings=settings).refs
        result = process_page(PageTask(ref=ref), ctx)
        assert result.ok, result.error_message
        assert ("perspective" in result.stages) == (capture == "photo")
        truth = load_truth(ref)
        assert truth is not None and len(truth.entries) == 1 and len(result.entries) == 1
        values = result.entries[0].values()
        entry = truth.entries[0]
        skip = set(entry.get("_inconsistent", ()))  # deliberately wrong: flagged, not scored
        fields = {k: v for k, v in entry.items() if not k.startswith("_") and k not in skip}
        right[capture] = sum(field_matches(str(v), values.get(k)) for k, v in fields.items())
    assert right["photo"] >= 0.8 * len(fields)
    assert right["photo"] >= right["scan"] - 2, right
