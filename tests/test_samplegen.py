"""The synthetic page generator: layout of the folders, ground truth, determinism, ageing."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from PIL import Image

from hotich.errors import BadInputError
from hotich.samplegen import GenerationReport, generate
from hotich.samplegen.plan import make_books, make_files
from hotich.schema.registers import FIELDS
from hotich.schema.vn_numbers import words_to_date

DPI = 100
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PRINTED_DATE = re.compile(r"^(\d{2})([/-])(\d{2})\2(\d{4})$")
DATE_FIELDS = ("date_of_birth", "registration_date")
YEAR_FIELDS = ("mother_birth_year", "father_birth_year")
NAME_FIELDS = ("full_name", "mother_name", "father_name", "declarant_name", "registrar_name")


KWARGS: dict[str, Any] = {
    "pages": 11,
    "seed": 7,
    "dpi": DPI,
    "pdf_share": 0.3,
    "table_share": 0.3,
    "registers": ["khai_sinh"],
}
"""The birth register alone (tests/test_samplegen_registers.py covers the other two)."""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> GenerationReport:
    out = tmp_path_factory.mktemp("samples") / "out"
    return generate(out, **KWARGS)


def _pages(gt: dict[str, Any]) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = gt.get("pages", [gt])
    return pages


def _load(report: GenerationReport, rel: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((report.out / rel).read_text(encoding="utf-8"))
    return doc


def _all_pages(report: GenerationReport) -> list[tuple[str, dict[str, Any]]]:
    return [(rel, page) for rel in report.ground_truth for page in _pages(_load(report, rel))]


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF written by Pillow."""
    data = path.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


def _image_pages(path: Path) -> int:
    with Image.open(path) as im:
        return int(getattr(im, "n_frames", 1))


# -- layout -------------------------------------------------------------------------------------


def test_report_counts(sample: GenerationReport) -> None:
    assert sample.pages == 11
    assert sum(sample.designs.values()) == 11
    assert set(sample.designs) == {"form", "table"}
    assert sum(sample.file_types.values()) == len(sample.files)
    pages = _all_pages(sample)
    assert len(pages) == 11
    assert sample.entries == sum(len(p["entries"]) for _, p in pages)
    for rel in (*sample.files, *sample.ground_truth):
        assert (sample.out / rel).is_file(), rel


def test_folders_follow_the_contract(sample: GenerationReport) -> None:
    communes = set()
    by_book: dict[str, list[tuple[int, int]]] = {}
    for rel in sample.files:
        commune, book, name = rel.split("/")
        assert re.fullmatch(r"\d{5}-[a-z0-9]+(-[a-z0-9]+)*", commune), commune
        assert re.fullmatch(r"khai-sinh-(19|20)\d\d-q\d\d", book), book
        m = re.fullmatch(r"(\d{4})\.(png|jpg|tif|pdf)", name)
        assert m, name
        gt = _load(sample, rel.rsplit(".", 1)[0] + ".gt.json")
        count = len(_pages(gt))
        path = sample.out / rel
        inside = len(_pdf_pages(path)) if m.group(2) == "pdf" else _image_pages(path)
        assert inside == count, rel
        communes.add(commune)
        by_book.setdefault(f"{commune}/{book}", []).append((int(m.group(1)), count))
    assert 2 <= len(communes) <= 3
    for book, files in by_book.items():
        expected = 1
        for first, count in sorted(files):
            assert first == expected, book  # a 2-page file 0007 is followed by 0009
            expected += count


def test_multi_page_files(sample: GenerationReport) -> None:
    kinds = {
        f.rsplit(".", 1)[1]
        for f in sample.files
        if "pages" in _load(sample, f.rsplit(".", 1)[0] + ".gt.json")
    }
    assert kinds == {"tif", "pdf"}  # a 2-page TIFF (10 pages or more) and a 2-page PDF
    assert "png" in sample.file_types


def test_pdf_pages_have_paper_size(sample: GenerationReport) -> None:
    a4, a3 = (595.3, 841.9), (1190.6, 841.9)
    for rel in sample.files:
        if not rel.endswith(".pdf"):
            continue
        design = _pages(_load(sample, rel[:-4] + ".gt.json"))[0]["design"]
        for w, h in _pdf_pages(sample.out / rel):
            expect = a4 if design == "form" else a3
            assert abs(w - expect[0]) < 2 and abs(h - expect[1]) < 2
        assert b"CreationDate" not in (sample.out / rel).read_bytes()


# -- ground truth -------------------------------------------------------------------------------


def _check_id(entry: dict[str, Any]) -> bool:
    pid, born = entry["personal_id"], date.fromisoformat(entry["date_of_birth"])
    century = born.year // 100 - 19
    gender = 2 * century + (1 if entry["sex"] == "Nữ" else 0)
    return (
        re.fullmatch(r"\d{12}", pid) is not None
        and pid[3] == str(gender)
        and pid[4:6] == f"{born.year % 100:02d}"
    )


def test_ground_truth_schema(sample: GenerationReport) -> None:
    allowed = set(FIELDS["khai_sinh"]) | {"_inconsistent"}
    for rel, page in _all_pages(sample):
        assert page["register_type"] == "khai_sinh"
        assert page["design"] in ("form", "table")
        assert page["difficulty"] == "clean"
        assert page["text"] == unicodedata.normalize("NFC", page["text"])
        n = len(page["entries"])
        assert n == 1 if page["design"] == "form" else 4 <= n <= 6, rel
        for entry in page["entries"]:
            assert set(entry) <= allowed
            bad = set(entry.get("_inconsistent", []))
            assert bad <= {"personal_id", "date_of_birth_words"}
            for field, value in entry.items():
                if field == "_inconsistent":
                    continue
                assert isinstance(value, str)
                assert value == unicodedata.normalize("NFC", value)
                assert value == " ".join(value.split())
            for field in DATE_FIELDS:
                assert ISO.match(entry[field]), (field, entry[field])
            for field in YEAR_FIELDS:
                assert entry.get(field, "") == "" or re.fullmatch(r"\d{4}", entry[field])
            for field in NAME_FIELDS:
                assert entry.get(field, "") == entry.get(field, "").upper()
            assert entry["sex"] in ("Nam", "Nữ")
            if "personal_id" in entry:
                assert _check_id(entry) != ("personal_id" in bad)
            if "date_of_birth_words" in entry:
                same = words_to_date(entry["date_of_birth_words"]) == entry["date_of_birth"]
                assert same != ("date_of_birth_words" in bad)
                assert words_to_date(entry["date_of_birth_words"]) is not None


def test_dates_and_numbers_are_consistent(sample: GenerationReport) -> None:
    books: dict[str, list[dict[str, Any]]] = {}
    for rel in sorted(sample.ground_truth, key=lambda r: (r.rsplit("/", 1)[0], r)):
        book = rel.rsplit("/", 1)[0]
        for page in _pages(_load(sample, rel)):
            books.setdefault(book, []).extend(page["entries"])
    for book, entries in books.items():
        year = int(book.split("/")[1].split("-")[2])
        numbers = [int(e["register_number"].split("/")[0]) for e in entries]
        assert numbers == list(range(1, len(entries) + 1)), book
        days = [e["registration_date"] for e in entries]
        assert days == sorted(days)
        for e in entries:
            born = date.fromisoformat(e["date_of_birth"])
            assert date.fromisoformat(e["registration_date"]).year == year
            assert born <= date.fromisoformat(e["registration_date"])
            for parent in YEAR_FIELDS:
                if e.get(parent):
                    assert 18 <= born.year - int(e[parent]) <= 45


def test_text_holds_the_printed_values(sample: GenerationReport) -> None:
    for rel, page in _all_pages(sample):
        lines = page["text"].split("\n")
        flat = " ".join(lines)
        for i, entry in enumerate(page["entries"]):
            printed = []
            for field, value in entry.items():
                if field == "_inconsistent" or not value:
                    continue
                if field in DATE_FIELDS:
                    y, m, d = value.split("-")
                    assert f"{d}/{m}/{y}" in flat or f"{d}-{m}-{y}" in flat, (rel, field)
                    continue
                printed.append(value)
                assert value in flat, (rel, field, value)
            if page["design"] == "table":
                row = lines[2 + i]  # title, header row, then one line per entry
                assert all(v in row for v in printed), (rel, row)
        if page["design"] == "form":
            assert lines[:2] == [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
            ]


# -- determinism and ageing ---------------------------------------------------------------------


def test_same_arguments_same_bytes(sample: GenerationReport, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", **KWARGS)
    assert _hashes(again.out) == _hashes(sample.out)
    one = generate(tmp_path / "one", pages=2, seed=8, dpi=60)
    other = generate(tmp_path / "other", pages=2, seed=9, dpi=60)
    assert _hashes(one.out) != _hashes(other.out)


def _grey(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("L"), dtype=np.float32)


def _contrast(img: np.ndarray) -> float:
    h, w = img.shape
    centre = img[h // 5 : 4 * h // 5, w // 5 : 4 * w // 5]
    return float(np.percentile(centre, 99.5) - np.percentile(centre, 0.5))


@pytest.mark.parametrize("difficulty", ["moderate", "hard"])
def test_difficulties_degrade_the_page(difficulty: str, tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {
        "pages": 2,
        "seed": 3,
        "dpi": 60,
        "pdf_share": 0.0,
        "table_share": 0.5,
    }
    clean = generate(tmp_path / "clean", **kwargs)
    aged = generate(tmp_path / difficulty, difficulty=difficulty, **kwargs)
    assert aged.files == clean.files
    for rel in clean.files:
        a, b = _grey(clean.out / rel), _grey(aged.out / rel)
        assert a.shape == b.shape
        assert float(np.abs(a - b).mean()) > 3.0
        if difficulty == "hard":
            assert _contrast(b) < _contrast(a) - 40
        page = _load(aged, rel.rsplit(".", 1)[0] + ".gt.json")
        assert page["difficulty"] == difficulty
        assert page["text"] == _load(clean, rel.rsplit(".", 1)[0] + ".gt.json")["text"]


# -- scale ------------------------------------------------------------------------------------


class _CountingRng:
    """A random generator that counts its draws and fails past ``cap``, so that a draw loop
    that never ends fails the test instead of hanging it."""

    def __init__(self, seed: int, cap: int) -> None:
        self._rng = np.random.default_rng(seed)
        self.cap = cap
        self.draws = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._rng, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.draws += 1
            if self.draws > self.cap:
                raise RuntimeError(f"more than {self.cap} draws")
            return method(*args, **kwargs)

        return counted


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planning_costs_the_same_per_book_at_any_size(seed: int) -> None:
    """Planning books draws a bounded number of random numbers per book, however many pages
    are asked for (a commune with more books than years once made it draw for ever), and
    every book keeps its own folder."""
    per_book = []
    for pages in (100, 340, 1000, 10_000):
        books_expected = pages // 5
        rng = _CountingRng(seed, cap=8 * books_expected + 50)
        _, books = make_books(cast(np.random.Generator, rng), pages, 0.3, "khai_sinh", "ks")
        folders = [b.folder for b in books]
        assert len(set(folders)) == len(folders) >= books_expected
        assert sum(b.pages for b in books) == pages
        files = make_files(np.random.default_rng(seed), books, 0.2)
        assert sum(f.count for f in files) == pages
        per_book.append(rng.draws / len(books))
    assert max(per_book) <= 8, per_book
    assert per_book[-1] <= 2 * per_book[0], per_book


# -- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pages": 0},
        {"dpi": 10},
        {"difficulty": "extreme"},
        {"pdf_share": 1.5},
        {"table_share": -0.1},
        {"inconsistent_share": 2.0},
        {"registers": ["khai_sinh", "ly_hon"]},
        {"registers": []},
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        generate(tmp_path / "x", **kwargs)


def test_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("scan", encoding="utf-8")
    with pytest.raises(BadInputError) as err:
        generate(tmp_path, pages=1, dpi=60)
    assert str(tmp_path) in str(err.value)


def test_summary_is_a_sentence(sample: GenerationReport) -> None:
    assert str(sample.pages) in sample.summary()


def test_a_form_book_scanned_as_spreads_holds_two_forms_per_image(tmp_path: Path) -> None:
    report = generate(
        tmp_path, pages=2, seed=4, dpi=60, table_share=0.0, pdf_share=0.0, capture="spread"
    )
    assert report.entries == 2 * report.pages
    for name, file in zip(report.ground_truth, report.files, strict=True):
        truth = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        for page in truth.get("pages", [truth]):
            assert len(page["entries"]) == 2
            # the two pages' text, one after the other: the register's title twice
            assert sum("SỔ ĐĂNG KÝ" in line for line in page["text"].split("\n")) == 2
        with Image.open(tmp_path / file) as image:
            assert image.width > 1.3 * image.height  # two portrait pages side by side
