"""hotich.scanners: decoding pages, content identity, and one test per bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
import tomllib
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hotich.config.settings import Settings
from hotich.errors import EnvironmentCheckError, PageError
from hotich.scanners import decode_page, expand, pixel_sha256, scan_folder
from tests.badfiles import (
    CATALOG,
    ONE_PAGE,
    _blank_png,
    _encrypted_pdf,
    _jpeg_bytes,
    _page,
    _page_array,
    _pdf,
)

COMMUNE = "20227-dai-thanh"
BOOK = "khai-sinh-1998-q01"
SETTINGS = Settings(pdf_dpi=72)
I18N = Path(__file__).resolve().parents[1] / "hotich" / "i18n"


def _book(root: Path) -> Path:
    book = root / COMMUNE / BOOK
    book.mkdir(parents=True, exist_ok=True)
    return book


def _decode_all(root: Path, settings: Settings = SETTINGS) -> list[np.ndarray]:
    """The real path: walk, expand, decode every page."""
    listing = scan_folder(root)
    refs = [ref for page in listing.pages for ref in expand(page, root)]
    return [decode_page(ref, settings=settings).image for ref in refs]


def _fails(root: Path, code: str, name: str, settings: Settings = SETTINGS) -> str:
    """Decoding the book fails with ``code``, and the message names the file."""
    with pytest.raises(PageError) as info:
        _decode_all(root, settings)
    assert info.value.code == code
    message = str(info.value)
    assert f"{COMMUNE}/{BOOK}/{name}" in message
    assert message != f"quarantine.{code}"  # a real catalog message, not the key
    return message


@pytest.fixture(scope="module")
def bomb_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "0001.png"
    _blank_png(path, 30_000, 30_000)
    return path


# -- decoding --------------------------------------------------------------------------


def test_decoded_page_is_rgb_uint8_with_the_file_pixels(tmp_path: Path) -> None:
    pixels = _page_array()
    Image.fromarray(pixels).save(_book(tmp_path) / "0001.png")
    listing = scan_folder(tmp_path)
    (ref,) = expand(listing.pages[0], tmp_path)
    page = decode_page(ref, settings=SETTINGS)
    assert page.image.dtype == np.uint8 and page.image.shape == (320, 240, 3)
    assert np.array_equal(page.image, pixels)
    assert len(page.sha256) == 64


def test_content_identity_same_pixels_png_and_tiff(tmp_path: Path) -> None:
    book = _book(tmp_path)
    pixels = _page_array(3)
    Image.fromarray(pixels).save(book / "0001.png")
    Image.fromarray(pixels).save(book / "0002.tif", compression="tiff_lzw")
    changed = pixels.copy()
    changed[10, 10] ^= 1
    Image.fromarray(changed).save(book / "0003.png")
    refs = [ref for page in scan_folder(tmp_path).pages for ref in expand(page, tmp_path)]
    png, tif, other = (decode_page(ref, settings=SETTINGS) for ref in refs)
    assert refs[0].file_sha256 != refs[1].file_sha256  # different containers …
    assert png.sha256 == tif.sha256  # … same content
    assert png.sha256 != other.sha256


def test_pixel_hash_covers_shape_and_dtype() -> None:
    flat = np.zeros((4, 6, 3), dtype=np.uint8)
    assert pixel_sha256(flat) != pixel_sha256(flat.reshape(6, 4, 3))
    assert pixel_sha256(flat) != pixel_sha256(flat.astype(np.uint16))
    assert pixel_sha256(flat) == pixel_sha256(flat.copy())


@pytest.mark.parametrize("mode", ["1", "L", "P", "LA", "RGBA", "CMYK", "I;16"])
def test_every_scanner_mode_becomes_rgb(tmp_path: Path, mode: str) -> None:
    book = _book(tmp_path)
    image = Image.fromarray(_page_array(5)).convert(mode if mode != "I;16" else "L")
    if mode == "I;16":
        ramp = (np.arange(240, dtype=np.uint32) * 65535 // 239).astype(np.uint16)
        image = Image.fromarray(np.tile(ramp, (320, 1)))
    name = "0001.jpg" if mode == "CMYK" else "0001.tif" if mode == "I;16" else "0001.png"
    image.save(book / name)
    (decoded,) = _decode_all(tmp_path)
    assert decoded.dtype == np.uint8 and decoded.shape == (320, 240, 3)
    if mode == "I;16":
        assert decoded[0, 0, 0] == 0 and decoded[0, -1, 0] == 255  # scaled, not clipped
        assert 120 <= decoded[0, 120, 0] <= 135


def test_transparent_pixels_become_white_paper(tmp_path: Path) -> None:
    Image.new("RGBA", (240, 320), (0, 0, 0, 0)).save(_book(tmp_path) / "0001.png")
    (decoded,) = _decode_all(tmp_path)
    assert np.all(decoded == 255)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to view
    Image.new("RGB", (320, 240), "white").save(_book(tmp_path) / "0001.jpg", exif=exif)
    (decoded,) = _decode_all(tmp_path)
    assert decoded.shape == (320, 240, 3)


def test_pdf_page_rendered_at_settings_dpi(tmp_path: Path) -> None:
    Image.new("L", (240, 320), 200).save(_book(tmp_path) / "0001.pdf", resolution=72.0)
    (ref,) = expand(scan_folder(tmp_path).pages[0], tmp_path)
    page = decode_page(ref, settings=Settings(pdf_dpi=144))
    assert page.image.shape == (640, 480, 3) and page.dpi == 144.0


# -- bad inputs: each a PageError with its code and a message naming the file -----------


def test_zero_byte_image(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.png").write_bytes(b"")
    message = _fails(tmp_path, "decode.empty_file", "0001.png")
    assert "0 byte" in message


def test_truncated_jpeg(tmp_path: Path) -> None:
    data = _jpeg_bytes()
    (_book(tmp_path) / "0001.jpg").write_bytes(data[: len(data) // 2])
    _fails(tmp_path, "decode.truncated", "0001.jpg")


def test_truncated_png_header_only(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("L", (240, 320)).save(buffer, "PNG")
    (_book(tmp_path) / "0001.png").write_bytes(buffer.getvalue()[:20])
    _fails(tmp_path, "decode.truncated", "0001.png")


def test_text_file_named_png(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.png").write_text("Danh sách khai sinh năm 1998\n")
    _fails(tmp_path, "decode.not_an_image", "0001.png")


def test_one_pixel_image(tmp_path: Path) -> None:
    Image.new("RGB", (1, 1)).save(_book(tmp_path) / "0001.png")
    message = _fails(tmp_path, "decode.too_small", "0001.png")
    assert "1×1" in message


def test_huge_png_refused_from_its_header(tmp_path: Path, bomb_png: Path) -> None:
    (_book(tmp_path) / "0001.png").symlink_to(bomb_png)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = _fails(tmp_path, "decode.too_large", "0001.png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2.0
    assert peak < 50 * 2**20
    assert "30000×30000" in message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS, /proc")
def test_huge_png_refused_without_allocating_pixels(bomb_png: Path) -> None:
    """Pillow's buffers escape tracemalloc: cap the address space of a child process instead."""
    script = textwrap.dedent(
        f"""
        import resource
        from hotich.config.settings import Settings
        from hotich.errors import PageError
        from hotich.scanners import decode_page
        from hotich.schema.page import PageRef
        ref = PageRef(commune="c", book="b", page_no=1, root={str(bomb_png.parent)!r},
                      source="0001.png")
        vm = next(int(line.split()[1]) for line in open("/proc/self/status")
                  if line.startswith("VmSize:")) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vm + 200 * 2**20, resource.RLIM_INFINITY))
        try:
            decode_page(ref, settings=Settings())
        except PageError as error:
            print(error.code)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "decode.too_large", result.stderr


def test_huge_pdf_page_refused_before_rendering(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.pdf").write_bytes(_pdf([CATALOG, ONE_PAGE, _page(14400)]))
    started = time.perf_counter()
    message = _fails(tmp_path, "decode.too_large", "0001.pdf#1", Settings(pdf_dpi=300))
    assert time.perf_counter() - started < 2.0
    assert "60000×60000" in message


def test_password_protected_pdf(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.pdf").write_bytes(_encrypted_pdf())
    _fails(tmp_path, "pdf.encrypted", "0001.pdf")


def test_password_protected_pdf_made_by_pypdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau", algorithm="RC4-128")
    with (_book(tmp_path) / "0001.pdf").open("wb") as handle:
        writer.write(handle)
    _fails(tmp_path, "pdf.encrypted", "0001.pdf")


def test_pdf_with_zero_pages(tmp_path: Path) -> None:
    empty_tree = b"<< /Type /Pages /Kids [] /Count 0 >>"
    (_book(tmp_path) / "0001.pdf").write_bytes(_pdf([CATALOG, empty_tree]))
    _fails(tmp_path, "pdf.empty", "0001.pdf")


def test_zero_byte_pdf(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.pdf").write_bytes(b"")
    _fails(tmp_path, "pdf.empty", "0001.pdf")


def test_file_named_pdf_that_is_not_one(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.pdf").write_bytes(_jpeg_bytes())
    _fails(tmp_path, "pdf.not_a_pdf", "0001.pdf")


def test_broken_pdf(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Cat")
    message = _fails(tmp_path, "pdf.broken", "0001.pdf")
    assert "poppler" in message or "Error" in message  # poppler's detail is kept


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_broken_tiff(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    frames = [Image.fromarray(_page_array(seed)) for seed in range(2)]
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    (_book(tmp_path) / "0001.tif").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])
    _fails(tmp_path, "tiff.broken", "0001.tif")


def test_broken_symlink_is_unreadable(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.png").symlink_to(tmp_path / "moved-away.png")
    message = _fails(tmp_path, "decode.unreadable", "0001.png")
    assert "lối tắt" in message  # the plain reason, in Vietnamese by default


def test_folder_named_like_a_page_is_unreadable(tmp_path: Path) -> None:
    (_book(tmp_path) / "0001.png").mkdir()
    message = _fails(tmp_path, "decode.unreadable", "0001.png")
    assert "thư mục" in message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    path = _book(tmp_path) / "0001.png"
    Image.new("L", (240, 320)).save(path)
    path.chmod(0)
    try:
        _fails(tmp_path, "decode.unreadable", "0001.png")
    finally:
        path.chmod(0o644)


def test_file_without_read_permission_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusal, simulated, so that it is also checked where tests run as root."""
    Image.new("L", (240, 320)).save(_book(tmp_path) / "0001.png")
    monkeypatch.setattr("hotich.scanners.files.os.access", lambda *_a, **_k: False)
    message = _fails(tmp_path, "decode.unreadable", "0001.png")
    assert "quyền" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_named_pipe_is_unreadable_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(_book(tmp_path) / "0001.png")
    _fails(tmp_path, "decode.unreadable", "0001.png")


def test_poppler_missing_is_an_environment_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Image.new("L", (240, 320)).save(_book(tmp_path) / "0001.pdf")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(EnvironmentCheckError) as info:
        _decode_all(tmp_path)
    assert "poppler-utils" in str(info.value)


def test_messages_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (_book(tmp_path) / "0001.png").write_bytes(b"")
    monkeypatch.setenv("HOTICH_LANG", "en")
    message = _fails(tmp_path, "decode.empty_file", "0001.png")
    assert message == (
        f"{COMMUNE}/{BOOK}/0001.png: the file is empty (0 bytes); there is no page to read."
    )


# -- the catalog -----------------------------------------------------------------------


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@pytest.mark.parametrize("check", ["same_keys", "file_param"])
def test_scanner_messages_exist_in_both_languages(check: str) -> None:
    vi, en = (
        _flat(tomllib.loads((I18N / lang / "scanners.toml").read_text("utf-8")))
        for lang in ("vi", "en")
    )
    if check == "same_keys":
        assert vi.keys() == en.keys()
        return
    for catalog in (vi, en):
        for key, text in catalog.items():
            if key.startswith(("quarantine.", "scan.ignored.")):
                assert "{file}" in text, key
