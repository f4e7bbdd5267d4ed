"""hotich.scanners: walking a scan folder and expanding page files into pages."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hotich.config.settings import Settings
from hotich.errors import BadInputError, PageError
from hotich.scanners import (
    DUPLICATE_CODE,
    MISPLACED_CODE,
    PageFile,
    decode_page,
    duplicate_error,
    expand,
    find_duplicates,
    natural_key,
    page_number_in,
    scan_folder,
)
from hotich.schema.page import PageRef

COMMUNE = "20227-dai-thanh"
BOOK = "khai-sinh-1998-q01"


def _png(path: Path, size: tuple[int, int] = (240, 320), value: int = 255) -> Path:
    """A small grayscale page (width, height) filled with ``value``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, value).save(path)
    return path


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _pages_of(tmp_path: Path, book: Path, frames: int, name: str) -> Path:
    """A multi-page file of ``frames`` distinct gray pages (PDF or TIFF by ``name``)."""
    images = [Image.new("L", (240, 320), 40 * (i + 1)) for i in range(frames)]
    path = book / name
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=72.0)
    return path


def _refs(root: Path) -> list[PageRef]:
    listing = scan_folder(root)
    return [ref for page in listing.pages for ref in expand(page, root)]


# -- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("0012.png", 12),
        ("trang-7.jpg", 7),
        ("12-ban-sao-3.tif", 3),
        ("scan-2023-0012.png", 12),
        ("khai-sinh-1998-q01.pdf", 1),
        ("IMG_0034.JPG", 34),
        ("bia.png", None),
        ("2023.pdf", 2023),
    ],
)
def test_page_number_is_last_run_of_digits_in_the_stem(name: str, number: int | None) -> None:
    assert page_number_in(name) == number


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["10.png", "2.png", "1.png", "trang-10.jpg", "trang-9.jpg", "0003.png"]
    assert sorted(names, key=natural_key) == [
        "1.png",
        "2.png",
        "0003.png",
        "10.png",
        "trang-9.jpg",
        "trang-10.jpg",
    ]


# -- walking ---------------------------------------------------------------------------


def test_scan_folder_lists_pages_in_natural_order(tmp_path: Path) -> None:
    for commune, book, name in [
        ("20227-dai-thanh", "khai-sinh-2000", "10.png"),
        ("20227-dai-thanh", "khai-sinh-2000", "2.png"),
        ("20227-dai-thanh", "khai-sinh-1998-q01", "1.PNG"),
        ("9-xa-nho", "ket-hon-2001", "0001.jpeg"),
        ("20227-dai-thanh", "khai-sinh-2000", "1.tiff"),
    ]:
        _png(tmp_path / commune / book / name)
    listing = scan_folder(tmp_path)
    assert [p.source for p in listing.pages] == [
        "9-xa-nho/ket-hon-2001/0001.jpeg",
        "20227-dai-thanh/khai-sinh-1998-q01/1.PNG",
        "20227-dai-thanh/khai-sinh-2000/1.tiff",
        "20227-dai-thanh/khai-sinh-2000/2.png",
        "20227-dai-thanh/khai-sinh-2000/10.png",
    ]
    assert listing.ignored == []
    assert listing.misplaced == []


def test_page_file_fields_commune_book_kind_and_register_hint(tmp_path: Path) -> None:
    _png(tmp_path / COMMUNE / BOOK / "0012.png")
    _touch(tmp_path / COMMUNE / "ket-hon-2005" / "trang-7.pdf")
    _touch(tmp_path / "xa-khong-ma" / "so-cu" / "3.TIF")
    _touch(tmp_path / "xa-khong-ma" / "Khai-Tu-1990" / "4.jpg")
    pages = {p.source: p for p in scan_folder(tmp_path).pages}

    first = pages[f"{COMMUNE}/{BOOK}/0012.png"]
    assert (first.commune, first.book, first.commune_code) == (COMMUNE, BOOK, "20227")
    assert (first.kind, first.start_no, first.register_hint) == ("image", 12, "khai_sinh")
    assert first.path == tmp_path / COMMUNE / BOOK / "0012.png"
    assert first.path.is_absolute()

    marriage = pages[f"{COMMUNE}/ket-hon-2005/trang-7.pdf"]
    assert (marriage.kind, marriage.start_no, marriage.register_hint) == ("pdf", 7, "ket_hon")

    old = pages["xa-khong-ma/so-cu/3.TIF"]
    assert (old.kind, old.commune_code, old.register_hint) == ("tiff", None, None)
    assert pages["xa-khong-ma/Khai-Tu-1990/4.jpg"].register_hint == "khai_tu"


def test_commune_and_book_names_are_nfc(tmp_path: Path) -> None:
    decomposed = "xa\u0301-đông"  # "xá-đông" as macOS writes it
    _png(tmp_path / decomposed / "khai-sinh" / "1.png")
    (page,) = scan_folder(tmp_path).pages
    assert page.commune == "xá-đông"
    assert page.path.exists()


def test_other_files_are_ignored_and_ground_truth_skipped(tmp_path: Path) -> None:
    book = tmp_path / COMMUNE / BOOK
    _png(book / "0001.png")
    _touch(book / "0001.gt.json", b"{}")
    _touch(book / "0001.GT.JSON", b"{}")
    _touch(book / "notes.txt")
    _touch(book / "Thumbs.db")
    _touch(book / ".DS_Store")
    _touch(book / "._0001.png")
    _touch(tmp_path / "README.txt")
    (tmp_path / ".git").mkdir()
    listing = scan_folder(tmp_path)
    assert [p.source for p in listing.pages] == [f"{COMMUNE}/{BOOK}/0001.png"]
    reasons = {i.source: i.reason for i in listing.ignored}
    assert reasons == {
        ".git": "hidden",
        "README.txt": "not_a_page",
        f"{COMMUNE}/{BOOK}/.DS_Store": "hidden",
        f"{COMMUNE}/{BOOK}/._0001.png": "hidden",
        f"{COMMUNE}/{BOOK}/notes.txt": "not_a_page",
        f"{COMMUNE}/{BOOK}/Thumbs.db": "not_a_page",
    }
    for ignored in listing.ignored:
        assert ignored.source in ignored.message


def test_page_files_outside_the_layout_are_misplaced(tmp_path: Path) -> None:
    _png(tmp_path / "1.png")
    _png(tmp_path / COMMUNE / "2.png")
    _png(tmp_path / COMMUNE / BOOK / "sub" / "3.png")
    _touch(tmp_path / COMMUNE / BOOK / "sub" / "notes.txt")
    _png(tmp_path / COMMUNE / BOOK / "4.png")
    listing = scan_folder(tmp_path)
    assert [p.source for p in listing.pages] == [f"{COMMUNE}/{BOOK}/4.png"]
    placed = {m.source: m.placement for m in listing.misplaced}
    assert placed == {
        "1.png": "root",
        f"{COMMUNE}/2.png": "commune",
        f"{COMMUNE}/{BOOK}/sub/3.png": "nested",
    }
    assert [i.source for i in listing.ignored] == [f"{COMMUNE}/{BOOK}/sub/notes.txt"]
    for misplaced in listing.misplaced:
        error = misplaced.error()
        assert error.code == MISPLACED_CODE == "layout.misplaced"
        assert misplaced.source in str(error)
        assert "khai-sinh-1998-q01/0001.png" in str(error)  # says where page files belong


def test_symlinks_broken_links_and_folders_named_like_pages(tmp_path: Path) -> None:
    book = tmp_path / COMMUNE / BOOK
    real = _png(tmp_path / "elsewhere" / "scan.png")
    book.mkdir(parents=True)
    (book / "0001.png").symlink_to(real)
    (book / "0002.png").symlink_to(tmp_path / "gone.png")
    (book / "0003.png").mkdir()
    (book / "loop").symlink_to(book, target_is_directory=True)
    (tmp_path / "linked-xa").symlink_to(tmp_path / COMMUNE, target_is_directory=True)

    listing = scan_folder(tmp_path)  # must terminate despite the loop
    sources = [p.source for p in listing.pages]
    assert sources == [f"{COMMUNE}/{BOOK}/0001.png", f"{COMMUNE}/{BOOK}/0002.png",
                       f"{COMMUNE}/{BOOK}/0003.png"]  # fmt: skip
    assert {i.source: i.reason for i in listing.ignored} == {
        f"{COMMUNE}/{BOOK}/loop": "folder_seen",
        "linked-xa": "folder_seen",
    }
    assert [m.source for m in listing.misplaced] == ["elsewhere/scan.png"]
    refs = [ref for page in listing.pages for ref in expand(page, tmp_path)]
    assert refs[0].file_sha256 == hashlib.sha256(real.read_bytes()).hexdigest()
    assert refs[1].file_sha256 == refs[2].file_sha256 == ""  # decoding reports them


@pytest.mark.parametrize("make", ["missing", "file"])
def test_missing_root_is_bad_input(tmp_path: Path, make: str) -> None:
    root = tmp_path / "SCANS"
    if make == "file":
        root.write_text("not a folder")
    with pytest.raises(BadInputError) as info:
        scan_folder(root)
    assert info.value.key == "scan.root_missing"
    assert str(root) in str(info.value)


# -- expanding -------------------------------------------------------------------------


def test_multi_page_pdf_numbers_pages_from_the_file_name(tmp_path: Path) -> None:
    book = tmp_path / COMMUNE / BOOK
    path = _pages_of(tmp_path, book, 3, "0004.pdf")
    _pages_of(tmp_path, book, 2, "so-goc.pdf")
    refs = _refs(tmp_path)
    assert [(r.source.rsplit("/", 1)[1], r.page_no, r.index) for r in refs] == [
        ("0004.pdf", 4, 0),
        ("0004.pdf", 5, 1),
        ("0004.pdf", 6, 2),
        ("so-goc.pdf", 1, 0),
        ("so-goc.pdf", 2, 1),
    ]
    first = refs[0]
    assert (first.kind, first.commune, first.book, first.register_hint) == (
        "pdf", COMMUNE, BOOK, "khai_sinh",
    )  # fmt: skip
    assert first.root == str(tmp_path)
    assert first.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert refs[1].label == f"{COMMUNE}/{BOOK}/0004.pdf#2"
    settings = Settings(pdf_dpi=72)
    means = [float(decode_page(r, settings=settings).image.mean()) for r in refs[:3]]
    assert means == sorted(means) and means[0] < means[2] - 50  # each page its own


def test_multi_page_tiff_pages_and_frames(tmp_path: Path) -> None:
    book = tmp_path / COMMUNE / BOOK
    _pages_of(tmp_path, book, 3, "trang-10.tif")
    _pages_of(tmp_path, book, 2, "ban-chup.tiff")
    refs = _refs(tmp_path)
    assert [(r.page_no, r.index, r.kind) for r in refs] == [
        (1, 0, "tiff"), (2, 1, "tiff"), (10, 0, "tiff"), (11, 1, "tiff"), (12, 2, "tiff"),
    ]  # fmt: skip
    third = decode_page(refs[4], settings=Settings())
    assert third.image.shape == (320, 240, 3)
    assert np.all(third.image == 120)


def test_single_image_without_a_number_has_no_page_number(tmp_path: Path) -> None:
    _png(tmp_path / COMMUNE / BOOK / "bia.png")
    (page,) = scan_folder(tmp_path).pages
    with pytest.raises(PageError) as info:
        expand(page, tmp_path)
    assert info.value.code == "layout.no_page_number"
    assert f"{COMMUNE}/{BOOK}/bia.png" in str(info.value)


def test_expand_can_skip_hashing(tmp_path: Path) -> None:
    _png(tmp_path / COMMUNE / BOOK / "1.png")
    (page,) = scan_folder(tmp_path).pages
    (ref,) = expand(page, tmp_path, with_sha256=False)
    assert ref.file_sha256 == ""


def test_duplicate_page_numbers_within_a_book(tmp_path: Path) -> None:
    book = tmp_path / COMMUNE / BOOK
    _png(book / "5.png")
    _png(book / "0005.jpg")
    _pages_of(tmp_path, book, 2, "0006.pdf")
    _png(book / "0007.png")
    _png(tmp_path / COMMUNE / "khai-sinh-2000" / "5.png")  # other book: no clash
    refs = _refs(tmp_path)
    pairs = find_duplicates(refs)
    named = [(kept.label.rsplit("/", 1)[1], dup.label.rsplit("/", 1)[1]) for kept, dup in pairs]
    assert named == [("0005.jpg", "5.png"), ("0006.pdf#2", "0007.png")]
    kept, dup = pairs[0]
    error = duplicate_error(kept, dup)
    assert error.code == DUPLICATE_CODE == "layout.duplicate_page_no"
    assert dup.label in str(error) and kept.label in str(error) and "5" in str(error)


def test_find_duplicates_keeps_the_first_of_three() -> None:
    def ref(source: str) -> PageRef:
        return PageRef(commune="c", book="b", page_no=1, root="/r", source=source)

    a, b, c = ref("c/b/1.png"), ref("c/b/01.png"), ref("c/b/001.png")
    assert find_duplicates([a, b, c]) == [(a, b), (a, c)]


def test_page_file_is_plain_data(tmp_path: Path) -> None:
    page = PageFile(
        commune="7-x", book="b", source="7-x/b/1.png", path=tmp_path / "7-x/b/1.png",
        kind="image", start_no=1, register_hint=None,
    )  # fmt: skip
    assert page.commune_code == "7"
    with pytest.raises(AttributeError):
        page.book = "other"  # type: ignore[misc]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_expand_pdf_symlink_follows_the_link(tmp_path: Path) -> None:
    real = _pages_of(tmp_path, tmp_path / "elsewhere", 2, "x.pdf")
    book = tmp_path / COMMUNE / BOOK
    book.mkdir(parents=True)
    (book / "0001.pdf").symlink_to(real)
    refs = _refs(tmp_path)
    assert [r.page_no for r in refs] == [1, 2]
