"""The second reading of figures: which fields are read again, where, and which reading wins."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from hotich.extract.fields import field_value
from hotich.extract.reread import choose, cut_out, read_figures, reread_entries, wants_reread
from hotich.ocr.tesseract import TesseractEngine
from hotich.samplegen.ink import font
from hotich.schema.entries import Entry, FieldValue, Issue, Provenance
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord


def _read(name: str, text: str, conf: float = 0.9) -> FieldValue:
    words = [OcrWord(text=w, bbox=(10, 10, 50, 30), confidence=conf) for w in text.split()]
    return field_value(name, words, label_confidence=1.0)


def test_figures_fields_are_read_again_but_words_and_other_fields_are_not() -> None:
    assert wants_reread("date_of_birth", _read("date_of_birth", "15/03/1985"))
    assert wants_reread("register_number", _read("register_number", "JấI"))  # misread figures
    assert wants_reread("register_number", FieldValue(value="", raw=""))  # nothing read
    assert not wants_reread("date_of_birth", _read("date_of_birth", "ngày 15 tháng 3 năm 1985"))
    assert not wants_reread("full_name", _read("full_name", "NGUYỄN VĂN AN"))


def test_two_readings_that_agree_keep_the_value_with_the_higher_confidence() -> None:
    first, second = _read("date_of_birth", "15/03/1985", 0.6), _read("date_of_birth", "15-3-1985")
    chosen = choose("date_of_birth", first, second)
    assert chosen.value == "1985-03-15"
    assert chosen.confidence == pytest.approx(max(first.confidence, second.confidence))
    assert not chosen.issues


def test_the_only_valid_reading_wins() -> None:
    bad = _read("date_of_birth", "95/03/1985")  # day 95: impossible
    good = _read("date_of_birth", "05/03/1985")
    assert bad.issues
    assert choose("date_of_birth", bad, good).value == "1985-03-05"
    assert choose("date_of_birth", good, bad).value == "1985-03-05"


def test_two_valid_readings_that_differ_go_to_review_naming_both() -> None:
    first, second = _read("date_of_birth", "19/06/1991"), _read("date_of_birth", "19/08/1991")
    chosen = choose("date_of_birth", first, second)
    assert chosen.value == "1991-08-19"
    assert [i.code for i in chosen.issues] == ["ocr.readings_differ"]
    assert "1991-06-19" in chosen.issues[0].message
    assert chosen.confidence < second.confidence
    assert not chosen.accepted(0.5)


def test_an_empty_second_reading_changes_nothing() -> None:
    first = _read("register_number", "12")
    assert choose("register_number", first, FieldValue(value="", raw="")) == first


def test_neither_valid_keeps_the_reading_with_fewer_issues() -> None:
    first = FieldValue(value="x", raw="x", issues=(Issue(code="a", message="a"),) * 2)
    second = FieldValue(value="y", raw="y", issues=(Issue(code="b", message="b"),))
    assert choose("date_of_birth", first, second) == second
    assert choose("date_of_birth", second, first) == second


class _StripEngine:
    """Reads the strip by finding its ink rows: each inked band becomes the next text."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.strips: list[np.ndarray] = []

    def recognize_figures(self, image: np.ndarray, *, psm: int, whitelist: str) -> OcrPage:
        self.strips.append(image)
        rows = np.flatnonzero((image < 128).any(axis=1))
        bands: list[tuple[int, int]] = []
        for y in rows:
            if bands and y <= bands[-1][1] + 1:
                bands[-1] = (bands[-1][0], int(y))
            else:
                bands.append((int(y), int(y)))
        lines = []
        for (top, bottom), text in zip(bands, self.texts, strict=False):
            cols = np.flatnonzero((image[top : bottom + 1] < 128).any(axis=0))
            box = (int(cols[0]), top, int(cols[-1] - cols[0] + 1), bottom - top + 1)
            lines.append(OcrLine(words=(OcrWord(text=text, bbox=box, confidence=0.95),)))
        return OcrPage(width=image.shape[1], height=image.shape[0], lines=tuple(lines))


def test_one_call_reads_every_region_and_maps_words_back_onto_the_page() -> None:
    page = np.full((400, 600), 255, np.uint8)
    page[50:80, 100:220] = 0  # ink of the first field
    page[300:330, 350:420] = 0  # ink of the second
    engine = _StripEngine(["15/03/1985", "12"])
    regions = [
        ((0, "date_of_birth"), (80, 40, 200, 60)),
        ((0, "register_number"), (330, 290, 150, 60)),
    ]
    found = read_figures(page, regions, engine)
    assert len(engine.strips) == 1
    assert [w.text for w in found[(0, "date_of_birth")]] == ["15/03/1985"]
    assert [w.text for w in found[(0, "register_number")]] == ["12"]
    assert found[(0, "date_of_birth")][0].bbox == (100, 50, 120, 30)
    assert found[(0, "register_number")][0].bbox == (350, 300, 70, 30)


def test_a_region_without_ink_is_not_read() -> None:
    page = np.full((200, 200), 255, np.uint8)
    engine = _StripEngine([])
    assert read_figures(page, [((0, "date_of_birth"), (10, 10, 100, 50))], engine) == {}
    assert engine.strips == []


def _typed(lines: list[str]) -> np.ndarray:
    """Lines typed in the samples' typewriter face (a dotted zero), 300-dpi size."""
    image = Image.new("L", (900, 110 * len(lines) + 40), 255)
    draw = ImageDraw.Draw(image)
    face = font("LiberationMono-Regular.ttf", 46)
    for k, text in enumerate(lines):
        draw.text((40, 40 + 110 * k), text, font=face, fill=30)
    return np.asarray(image)


@pytest.mark.tesseract
def test_typewritten_zeros_are_read_as_zeros_by_the_figures_reading() -> None:
    texts = ["02/2001", "08/02/2001", "04/10/1990"]
    page = _typed(texts)
    provenance = Provenance(engine="t", engine_version="0", config="", stages=(), design="form")
    names = ["register_number", "date_of_death", "registration_date"]
    fields = {
        name: FieldValue(value="", raw="", bbox=(30, 30 + 110 * k, 400, 70))
        for k, name in enumerate(names)
    }
    entry = Entry(register_type="khai_tu", entry_index=0, fields=fields, provenance=provenance)
    out = reread_entries([entry], page, TesseractEngine(), lambda f: f.bbox)[0]
    assert out.fields["register_number"].value == "02/2001"
    assert out.fields["date_of_death"].value == "2001-02-08"
    assert out.fields["registration_date"].value == "1990-10-04"


def _on_leader(text: str) -> tuple[np.ndarray, int]:
    """``text`` typed on a dotted fill-in line whose dots touch the figures' feet; the row
    under the figures' baseline."""
    image = Image.new("L", (700, 120), 255)
    draw = ImageDraw.Draw(image)
    face = font("LiberationMono-Regular.ttf", 46)
    draw.text((20, 20), text, font=face, fill=30)
    box = draw.textbbox((20, 20), text, font=face)
    baseline = box[3]
    # round dots as the generator draws them (ink.dotted), centred 3 px under the baseline,
    # under the value as far as the region cut around it reaches
    for x in range(box[0] - 10, box[2] + 12, 10):
        draw.ellipse((x - 2, baseline + 1, x + 2, baseline + 5), fill=30)
    return np.asarray(image), baseline


def test_dots_stuck_under_figures_are_cut_off_before_the_second_reading() -> None:
    from hotich.extract.reread import cut_out

    image, baseline = _on_leader("09/07/1982")
    cut = cut_out(image, (0, "date_of_birth"), (0, 0, image.shape[1], image.shape[0]))
    assert cut is not None
    ink_rows = np.flatnonzero((cut.image < 140).any(axis=1))
    top = cut.origin[1]
    # the dots' band below the baseline is gone; the figures above it are all there
    assert top + ink_rows[-1] <= baseline + 1
    assert top + ink_rows[0] <= baseline - 25


def test_figures_without_dots_lose_nothing() -> None:
    from hotich.extract.reread import cut_out

    image = _typed(["09/07/1982"])
    cut = cut_out(image, (0, "date_of_birth"), (0, 0, image.shape[1], image.shape[0]))
    assert cut is not None
    ink = image < 140
    rows = np.flatnonzero(ink.any(axis=1))
    assert cut.image.shape[0] == rows[-1] - rows[0] + 1  # nothing cut off


@pytest.mark.tesseract
def test_a_time_is_read_again_with_its_words_and_a_disagreement_goes_to_review() -> None:
    page = _typed(["10 giờ 30 phút"])
    provenance = Provenance(engine="t", engine_version="0", config="", stages=(), design="form")
    misread = FieldValue(
        value="16:30", raw="16 giờ 30 phút", confidence=0.95, bbox=(30, 30, 600, 70)
    )
    entry = Entry(
        register_type="khai_tu",
        entry_index=0,
        fields={"time_of_death": misread},
        provenance=provenance,
    )
    (out,) = reread_entries([entry], page, TesseractEngine(), lambda f: f.bbox)
    field = out.fields["time_of_death"]
    assert field.value == "10:30"
    assert [i.code for i in field.issues] == ["ocr.readings_differ"]
    assert not field.accepted(0.9)


def test_a_faded_number_is_cut_out_whole() -> None:
    """Faded figures are 150–170 grey with a few darker cores: cut at a fixed grey, only the
    cores were kept and the leading "9" lost its light side (read "1")."""
    img = Image.new("L", (700, 120), 255)
    draw = ImageDraw.Draw(img)
    face = font("DejaVuSans.ttf", 40)
    draw.text((40, 30), "92648", font=face, fill=165)
    left = 40 + int(draw.textlength("92648", font=face))
    draw.text((left, 30), "0", font=face, fill=110)  # one figure's ink stayed dark
    draw.text((left + int(draw.textlength("0", font=face)), 30), "991", font=face, fill=165)
    width = int(draw.textlength("926480991", font=face))
    page = np.array(img)
    cut = cut_out(page, "id", (0, 0, 700, 120))
    assert cut is not None
    assert cut.origin[0] <= 46 and cut.image.shape[1] / cut.scale >= 0.95 * width


class _ByModeEngine(_StripEngine):
    """Reads each strip's bands as the texts given for its page segmentation mode."""

    def __init__(self, by_psm: dict[int, list[str]]) -> None:
        super().__init__([])
        self.by_psm = by_psm
        self.psms: list[int] = []

    def recognize_figures(self, image: np.ndarray, *, psm: int, whitelist: str) -> OcrPage:
        self.psms.append(psm)
        self.texts = self.by_psm.get(psm, [])
        return super().recognize_figures(image, psm=psm, whitelist=whitelist)


def _year_entry(page_box: tuple[int, int, int, int], raw: str) -> Entry:
    provenance = Provenance(engine="t", engine_version="0", config="", stages=(), design="table")
    unreadable = Issue(code="year.unreadable", message="-")
    first = FieldValue(value=raw, raw=raw, bbox=page_box, issues=(unreadable,))
    fields = {"father_birth_year": first}
    return Entry(register_type="khai_sinh", entry_index=0, fields=fields, provenance=provenance)


def test_a_field_two_readings_left_invalid_is_read_a_third_time_alone() -> None:
    page = np.full((120, 300), 255, np.uint8)
    page[40:70, 50:140] = 0
    engine = _ByModeEngine({6: ["5"], 8: ["1975"]})
    entry = _year_entry((40, 30, 120, 50), "Ji)")
    field = reread_entries([entry], page, engine, lambda f: f.bbox)[0].fields["father_birth_year"]
    assert engine.psms == [6, 8]
    assert field.value == "1975"
    assert "ocr.readings_differ" in [i.code for i in field.issues]  # a person checks it


def test_a_field_with_a_valid_reading_is_not_read_a_third_time() -> None:
    page = np.full((120, 300), 255, np.uint8)
    page[40:70, 50:140] = 0
    engine = _ByModeEngine({6: ["1975"], 8: ["1976"]})
    entry = _year_entry((40, 30, 120, 50), "Ji)")
    field = reread_entries([entry], page, engine, lambda f: f.bbox)[0].fields["father_birth_year"]
    assert engine.psms == [6] and field.value == "1975"


@pytest.mark.tesseract
def test_an_italic_year_the_line_reading_loses_is_read_whole_alone() -> None:
    """A cut from a generated table page: the strip reading gives "5", alone it is "1975"."""
    from pathlib import Path

    import cv2

    page = cv2.imread(str(Path(__file__).parent / "data/figures/italic-1975.png"), 0)
    entry = _year_entry((0, 0, page.shape[1], page.shape[0]), "Ji)")
    out = reread_entries([entry], page, TesseractEngine(), lambda f: f.bbox)[0]
    assert out.fields["father_birth_year"].value == "1975"
