"""Real Tesseract output, recorded once and replayed: the recipe runs on real OCR in a couple
of seconds and without Tesseract installed.

``tests/record_ocr.py`` recorded what Tesseract read on four pages (tests/recorded.py,
CATALOGUE); here a ReplayEngine answers the same ``recognize()`` calls, and the results are
scored against the pages' ground truth as ``hotich eval`` scores them. The three committed pages
run the whole ``process_page``; the generated moderate page (its image is not committed) replays
from extraction on.

Floors sit a few points below the figures measured at recording (``page.json``, "recorded"). A
test failing with "no recorded OCR for image …" means the image handed to the engine changed:
re-record, and review these floors against the new figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import pytest

from hotich.config.settings import Settings
from hotich.evaluate.groundtruth import TruthPage
from hotich.evaluate.metrics import Scores, field_matches
from hotich.evaluate.run import score_page
from hotich.extract.detect import detect_register
from hotich.extract.form import extract_form
from hotich.extract.labels import load_labels
from hotich.pipeline.recipe import FORM_PSM, PageContext, PageTask, process_page
from hotich.scanners import decode_page
from hotich.schema.entries import Provenance
from hotich.schema.page import PageRef, PageResult
from tests.recorded import (
    CATALOGUE,
    RECORDED,
    SAMPLES,
    ReplayEngine,
    page_meta,
    page_ref,
    recorded_ocr,
)

# name: (field accuracy at least, CER at most). Measured when recording with Tesseract 5.3.0
# (pages of the generator with real communes, re-recorded 2026-12-07 after the leader finder
# stopped counting rules as letters; the replay engines have no second reading of figures, so
# these are the first reading's figures):
#   table-2011     82/84 = 0.976, CER 0.009
#   form-2021      26/26 = 1.000, CER 0.001
#   form-1989      22/25 = 0.880, CER 0.013
#   form-moderate  23/25 = 0.920, CER 0.006
FLOORS = {
    "table-2011": (0.95, 0.025),
    "form-2021": (0.95, 0.025),
    "form-1989": (0.84, 0.06),
    "form-moderate": (0.84, 0.08),
}

# Fields read right in every entry of the page when recorded.
RELIABLE = {
    "table-2011": ("sex", "ethnicity", "nationality", "mother_name", "father_name", "notes"),
    "form-2021": (
        "register_number",
        "registration_date",
        "date_of_birth",
        "sex",
        "personal_id",
        "full_name",
        "mother_name",
        "father_name",
    ),
    "form-1989": (
        "registration_date",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nationality",
        "father_name",
    ),
    "form-moderate": ("full_name", "date_of_birth", "nationality", "mother_name", "father_name"),
}

# Auto-accepted fields (confidence >= review_threshold, no issue) that are right, over the four
# pages: 66/76 = 0.868 when recorded; 66/66 with the normalization library (issue 4), whose
# repairs are issues, so a misread value it corrects is not auto-accepted. The contract asks
# for 0.99 (the test below).
ACCEPTED_PRECISION_FLOOR = 0.83


@dataclass(frozen=True)
class Replayed:
    truth: TruthPage
    result: PageResult


def _truth(name: str) -> TruthPage:
    return TruthPage.model_validate_json((RECORDED / name / "truth.gt.json").read_text("utf-8"))


def _extract_only(name: str) -> PageResult:
    """A page whose image is not committed: extraction on its recorded (form) OCR."""
    meta = page_meta(name)
    recorded = meta["recorded"]
    (ocr,) = recorded_ocr(name)
    provenance = Provenance(
        engine=ocr.engine, engine_version=ocr.engine_version, config=ocr.config, design="form"
    )
    entries = extract_form(ocr, load_labels(recorded["register_type"]), provenance)
    commune, book, file_name = PurePosixPath(meta["source"]).parts
    ref = PageRef(
        commune=commune,
        book=book,
        page_no=int(PurePosixPath(file_name).stem),
        root=str(RECORDED / name),
        source=meta["source"],
    )
    return PageResult(
        ref=ref,
        register_type=recorded["register_type"],
        design=recorded["design"],
        entries=tuple(entries),
        text=ocr.text,
    )


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def replayed(settings: Settings) -> dict[str, Replayed]:
    engine = ReplayEngine()
    ctx = PageContext(settings=settings, engine=engine)
    out: dict[str, Replayed] = {}
    for page in CATALOGUE:
        if page.source:
            result = process_page(PageTask(ref=page_ref(SAMPLES, page.source)), ctx)
        else:
            result = _extract_only(page.name)
        if engine.misses:
            pytest.fail(f"{page.name}: {engine.misses[0]}", pytrace=False)
        assert result.ok, f"{page.name}: {result.error_code} {result.error_message}"
        out[page.name] = Replayed(_truth(page.name), result)
    return out


NAMES = [page.name for page in CATALOGUE]


def test_catalogue_is_recorded() -> None:
    """Every catalogued page has its recordings and ground truth; committed pages exist."""
    for page in CATALOGUE:
        meta = page_meta(page.name)
        assert meta["calls"], page.name
        assert len(recorded_ocr(page.name)) == len(meta["calls"])
        assert meta["image_committed"] == bool(page.source)
        if page.source:
            assert (SAMPLES / page.source).is_file()
            assert meta["source"] == page.source


def test_preprocessing_is_deterministic(settings: Settings) -> None:
    """Replay keys are image hashes: the same page must give the same engine input twice."""
    seen: list[list[str]] = []
    for _ in range(2):
        engine = ReplayEngine()
        ctx = PageContext(settings=settings, engine=engine)
        process_page(PageTask(ref=page_ref(SAMPLES, CATALOGUE[1].source)), ctx)
        seen.append(engine.calls)
    assert seen[0] == seen[1] == page_meta(CATALOGUE[1].name)["calls"]
    assert seen[0][0].endswith(f"-psm{FORM_PSM}")


def test_a_changed_image_fails_with_advice_to_re_record(settings: Settings) -> None:
    ref = page_ref(SAMPLES, CATALOGUE[1].source)
    image = decode_page(ref, settings=settings).image.copy()
    image[:8, :8] = 0
    engine = ReplayEngine()
    with pytest.raises(LookupError, match="re-record"):
        engine.recognize(image, psm=FORM_PSM)
    assert engine.misses and "record_ocr" in engine.misses[0]


@pytest.mark.parametrize("name", NAMES)
def test_register_design_and_entry_count(replayed: dict[str, Replayed], name: str) -> None:
    truth, result = replayed[name].truth, replayed[name].result
    assert result.register_type == truth.register_type
    assert detect_register(result.text) == truth.register_type  # from the page, not the book
    assert result.design == truth.design
    assert len(result.entries) == len(truth.entries)
    assert [e.entry_index for e in result.entries] == list(range(len(truth.entries)))


@pytest.mark.parametrize("name", NAMES)
def test_field_accuracy_and_cer_stay_above_the_floor(
    replayed: dict[str, Replayed], name: str
) -> None:
    scores = Scores()
    score_page(scores, replayed[name].truth, replayed[name].result)
    figures = scores.summary()["groups"]["all"]
    accuracy_floor, cer_ceiling = FLOORS[name]
    assert figures["field_accuracy"] >= accuracy_floor, figures
    assert figures["cer"] <= cer_ceiling, figures


@pytest.mark.parametrize("name", NAMES)
def test_reliable_fields_are_right_in_every_entry(replayed: dict[str, Replayed], name: str) -> None:
    truth, result = replayed[name].truth, replayed[name].result
    wrong = []
    for i, (want, entry) in enumerate(zip(truth.entries, result.entries, strict=True)):
        values = entry.values()
        for field in RELIABLE[name]:
            if field in want and not field_matches(str(want[field]), values.get(field)):
                wrong.append(f"entry {i} {field}: want {want[field]!r}, read {values.get(field)!r}")
    assert not wrong, "\n".join(wrong)


def test_fields_with_issues_are_never_auto_accepted(
    replayed: dict[str, Replayed], settings: Settings
) -> None:
    threshold = settings.review_threshold
    for item in replayed.values():
        for entry in item.result.entries:
            for field in entry.fields.values():
                if field.issues:
                    assert not field.accepted(threshold)
                    assert entry.status(threshold) == "needs_review"


def _accepted_precision(replayed: dict[str, Replayed], threshold: float) -> tuple[int, int]:
    right = total = 0
    for item in replayed.values():
        for want, entry in zip(item.truth.entries, item.result.entries, strict=True):
            for name, field in entry.fields.items():
                if name in want and not name.startswith("_") and field.accepted(threshold):
                    total += 1
                    right += field_matches(str(want[name]), field.value)
    return right, total


def test_auto_accepted_fields_stay_mostly_right(
    replayed: dict[str, Replayed], settings: Settings
) -> None:
    right, total = _accepted_precision(replayed, settings.review_threshold)
    assert total >= 60
    assert right / total >= ACCEPTED_PRECISION_FLOOR, (right, total)


def test_auto_accepted_fields_are_99_percent_right(
    replayed: dict[str, Replayed], settings: Settings
) -> None:
    right, total = _accepted_precision(replayed, settings.review_threshold)
    assert right / total >= 0.99, (right, total)


def test_dates_of_birth_on_the_clean_table_page(
    replayed: dict[str, Replayed], settings: Settings
) -> None:
    """Every date of birth of the table page is read right, or is not auto-accepted: one
    (24/03 for 24/05) was misread by the first reading when recorded."""
    item = replayed["table-2011"]
    right = 0
    for want, entry in zip(item.truth.entries, item.result.entries, strict=True):
        field = entry.fields["date_of_birth"]
        if field.value == want["date_of_birth"]:
            right += 1
        else:
            assert not field.accepted(settings.review_threshold), (field.value, want)
    assert right >= len(item.truth.entries) - 1
