"""Recorded Tesseract output at the OCR seam: a recording engine and a replaying one.

``RecordingEngine`` wraps the real engine and saves every ``recognize()`` result as OcrPage JSON;
``ReplayEngine`` answers from those files, so the recipe (preprocess → layout → extract) runs on
real Tesseract output in about a second of work, and without Tesseract installed.

A recording's key is the SHA-256 of the image the recipe hands the engine (shape, dtype,
pixels) plus the page segmentation mode. A change in decoding, preprocessing or grid erasing
changes the key, and the replay then fails saying so: re-record with ``tests/record_ocr.py``.

Layout of ``tests/data/recorded/<name>/``:

- ``page.json``: where the page came from and what the recipe made of it when recorded;
- ``truth.gt.json``: a copy of the page's ground truth (one page, shared/CONTRACT.md form);
- ``ocr-<key>.json``: one engine call's OcrPage (``OcrPage.model_dump_json()``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hotich.config.settings import Settings
from hotich.ocr.engine import OcrEngine
from hotich.scanners import expand, scan_folder
from hotich.schema.ocr import OcrPage
from hotich.schema.page import PageRef

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "data" / "recorded"
SAMPLES = ROOT / "samples" / "scans"


@dataclass(frozen=True)
class RecordedPage:
    """One catalogued page. ``source`` is relative to samples/scans; a generated page (too
    large to commit) has ``source=""`` and is made with ``GENERATED`` at recording time."""

    name: str
    source: str
    about: str


CATALOGUE = (
    RecordedPage(
        "table-2011", "10960-vinh-hong/khai-sinh-2011-q01/0001.png", "clean table spread, PNG"
    ),
    RecordedPage("form-2021", "16942-nghia-mai/khai-sinh-2021-q01/0002.png", "clean form, PNG"),
    RecordedPage(
        "form-1989", "18325-tho-dien/khai-sinh-1989-q01/0001.jpg", "clean 1989 form, JPEG"
    ),
    RecordedPage("form-moderate", "", "moderate form (generated, image not committed)"),
)

GENERATED: dict[str, Any] = {"pages": 4, "seed": 7, "difficulty": "moderate", "dpi": 200}
"""``hotich.samplegen.generate`` arguments for the generated page: the recorder keeps the
first single-image form page."""


def page_ref(root: Path, source: str) -> PageRef:
    """The PageRef of a single-image page file, as the scanners make it (no poppler needed)."""
    page_file = next((p for p in scan_folder(root).pages if p.source == source), None)
    if page_file is None:
        raise FileNotFoundError(f"{source} is not a page file under {root}")
    (ref,) = expand(page_file, root)
    return ref


def image_key(image: np.ndarray, psm: int) -> str:
    """What identifies one engine call: the image's pixels, shape and dtype, and the psm."""
    pixels = np.ascontiguousarray(image)
    digest = hashlib.sha256(f"{pixels.shape}|{pixels.dtype}|".encode())
    digest.update(pixels.tobytes())
    return f"{digest.hexdigest()[:24]}-psm{psm}"


class RecordingMissing(LookupError):
    """The recipe asked for OCR of an image that was never recorded."""


class RecordingEngine:
    """Delegates to a real engine and saves each result under ``folder``."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner
        self.name = inner.name
        self.folder: Path | None = None
        self.calls: list[str] = []

    def version(self) -> str:
        return self.inner.version()

    def check(self) -> None:
        self.inner.check()

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        if self.folder is None:
            raise RuntimeError("set RecordingEngine.folder before recognizing")
        page = self.inner.recognize(image, psm=psm)
        key = image_key(image, psm)
        (self.folder / f"ocr-{key}.json").write_text(
            page.model_dump_json(indent=1), encoding="utf-8"
        )
        self.calls.append(key)
        return page


@dataclass
class ReplayEngine:
    """Answers ``recognize()`` from recordings. ``process_page`` quarantines any exception an
    engine raises, so a miss is also kept in ``misses`` for the test to report. ``calls``
    lists the keys asked for, in order."""

    root: Path = RECORDED
    name: str = "replay"
    calls: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def version(self) -> str:
        return "replay"

    def check(self) -> None:
        pass

    def recognize(self, image: np.ndarray, *, psm: int = 4) -> OcrPage:
        key = image_key(image, psm)
        self.calls.append(key)
        found = sorted(self.root.glob(f"*/ocr-{key}.json"))
        if not found:
            self.misses.append(miss_message(key))
            raise RecordingMissing(self.misses[-1])
        return OcrPage.model_validate_json(found[0].read_text(encoding="utf-8"))


def miss_message(key: str) -> str:
    return (
        f"no recorded OCR for image {key}: decoding, preprocessing or layout finding changed "
        "the image handed to the engine since the recording. If the change is intended, "
        "re-record (python -m tests.record_ocr) and review the figures in tests/test_recorded.py."
    )


def page_meta(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / name / "page.json").read_text("utf-8"))
    return data


def recorded_ocr(name: str) -> list[OcrPage]:
    """The recorded engine results of one page, in the order the recipe asked for them."""
    folder = RECORDED / name
    return [
        OcrPage.model_validate_json((folder / f"ocr-{key}.json").read_text("utf-8"))
        for key in page_meta(name)["calls"]
    ]


def replay_engine(settings: Settings) -> ReplayEngine:
    """An engine factory (module level, so worker processes can pickle it)."""
    return ReplayEngine()
