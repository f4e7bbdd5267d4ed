"""samples/README.md catalogues every shipped sample: each page file is listed, has its ground
truth, and is what the catalogue says (clean pages, both designs)."""

from __future__ import annotations

import json
from pathlib import Path

from hotich.scanners import PAGE_EXTENSIONS

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SCANS = SAMPLES / "scans"


def _page_files() -> list[Path]:
    return sorted(p for p in SCANS.rglob("*") if p.suffix.lower() in PAGE_EXTENSIONS)


def test_every_sample_page_file_is_catalogued_with_ground_truth() -> None:
    catalogue = (SAMPLES / "README.md").read_text(encoding="utf-8")
    files = _page_files()
    assert files
    for page in files:
        relative = page.relative_to(SCANS).as_posix()
        assert f"`{relative}`" in catalogue, f"{relative} is not in samples/README.md"
        assert page.with_name(page.stem + ".gt.json").is_file(), relative


def test_samples_are_clean_and_cover_both_designs_and_every_file_type() -> None:
    designs = set()
    for page in _page_files():
        truth = json.loads(page.with_name(page.stem + ".gt.json").read_text("utf-8"))
        for item in truth.get("pages", [truth]):
            assert item["difficulty"] == "clean"
            designs.add(item["design"])
    assert designs == {"form", "table"}
    assert {p.suffix.lower() for p in _page_files()} >= {".png", ".jpg", ".tif", ".pdf"}
