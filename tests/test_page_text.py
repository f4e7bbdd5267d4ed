"""The page text hotich keeps: noise lines left out, the figures' second reading put in,
printed wordings restored; written values never changed."""

from __future__ import annotations

from hotich.extract.labels import load_labels
from hotich.extract.page_text import (
    is_noise,
    readable_text,
    respell_printed,
    with_rereadings,
    with_values,
)
from hotich.schema.entries import Entry, FieldValue, Provenance
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord


def _line(*words: tuple[str, float]) -> OcrLine:
    return OcrLine(
        words=tuple(
            OcrWord(text=t, bbox=(10 * i, 0, 9, 9), confidence=c) for i, (t, c) in enumerate(words)
        )
    )


def test_signature_and_seal_marks_are_left_out_of_the_text() -> None:
    page = OcrPage(
        width=100,
        height=100,
        lines=(
            _line(("Dân", 0.96), ("tộc:", 0.96), ("Kinh", 0.95)),
            _line(("®N", 0.18), ("DĐẦÂ»N", 0.32)),  # a seal: low confidence
            _line(("rx", 0.26), ("v", 0.4), ("z", 0.72), ("2", 0.92)),  # a rule: short words
            _line(("Dương", 0.62)),  # a wrapped value, read with less confidence: kept
        ),
    )
    assert readable_text(page) == "Dân tộc: Kinh\nDương"
    assert is_noise(())


def _entry(**raws: str) -> Entry:
    provenance = Provenance(engine="t", engine_version="0", config="", stages=(), design="form")
    fields = {k: FieldValue(value=v, raw=v) for k, v in raws.items()}
    return Entry(register_type="khai_tu", entry_index=0, fields=fields, provenance=provenance)


def test_the_second_reading_of_figures_replaces_the_first_in_the_text() -> None:
    text = "Số: 94/1990 Quyển số: 91/1990\nNgày, tháng, năm đăng ký: 15 - 99 - 1990"
    before = [
        _entry(register_number="94/1990", book_number="91/1990", registration_date="15 99 1990")
    ]
    after = [
        _entry(register_number="04/1990", book_number="01/1990", registration_date="15-09-1990")
    ]
    assert with_rereadings(text, before, after) == (
        "Số: 04/1990 Quyển số: 01/1990\nNgày, tháng, năm đăng ký: 15-09-1990"
    )
    # a reading kept as it was changes nothing; a raw text inside another token is not touched
    assert with_rereadings("Số: 1/1990", [_entry(book_number="1")], [_entry(book_number="01")]) == (
        "Số: 1/1990"
    )


def test_printed_wordings_misread_are_restored_and_values_are_not() -> None:
    wordings = load_labels("khai_tu").wordings
    text = (
        "SỐ ĐANG KY KHAI TƯ\nChất vào lúc: 19 giờ 25 phút\n"
        "Họ, chữ đệm, tên người chết: NGUYỄN VAN AN"
    )
    assert respell_printed(text, wordings) == (
        "SỔ ĐĂNG KÝ KHAI TỬ\nChết vào lúc: 19 giờ 25 phút\n"
        "Họ, chữ đệm, tên người chết: NGUYỄN VAN AN"
    )
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in wordings


def test_stray_words_are_left_out_of_a_line_that_is_kept() -> None:
    page = OcrPage(
        width=100,
        height=100,
        lines=(_line(("Ghi", 0.93), ("chú:", 0.96), ("Sen", 0.11), ("ST", 0.0), ("RA", 0.0)),),
    )
    assert readable_text(page) == "Ghi chú:"


def test_torn_edges_read_as_bars_and_brackets_are_left_out() -> None:
    page = OcrPage(
        width=100,
        height=100,
        lines=(
            _line(("(", 0.85), ("Họ", 0.96), ("tên:", 0.96), ("AN", 0.9), ("|", 0.82)),
            _line(("|", 0.9)),
        ),
    )
    assert readable_text(page) == "Họ tên: AN"


def test_what_is_left_of_the_fill_in_dots_is_left_out_of_the_text() -> None:
    page = OcrPage(
        width=100,
        height=100,
        lines=(
            _line(
                ("Năm", 0.96),
                ("sinh:", 0.96),
                ("1989........", 0.8),
                ("Dân", 0.9),
                ("tộc:", 0.9),
                ("Kinh", 0.9),
                (".", 0.5),
            ),
        ),
    )
    assert readable_text(page) == "Năm sinh: 1989 Dân tộc: Kinh"


def test_short_scraps_read_with_almost_no_confidence_are_left_out_but_long_words_stay() -> None:
    page = OcrPage(
        width=100,
        height=100,
        lines=(
            _line(("Dân", 0.96), ("tộc:", 0.96), ("Kinh", 0.96), ("Sa", 0.11), ("Quốc", 0.96)),
            _line(("Số:", 0.93), ("3", 0.4), ("Quyển", 0.0), ("số:", 0.96), ("01", 0.96)),
        ),
    )
    assert readable_text(page) == "Dân tộc: Kinh Quốc\nSố: 3 Quyển số: 01"


def test_the_page_text_says_what_the_validated_fields_say() -> None:
    text = "Họ, chữ đệm và tên: NGUYÊN. THT_LINH\nQuốc tịch: Việt. Nam\nSinh ngày: 06/04/1994"
    fields = {
        "full_name": FieldValue(value="NGUYỄN THỊ LINH", raw="NGUYÊN. THT_LINH......"),
        "nationality": FieldValue(value="Việt Nam", raw="Việt. Nam"),
        "date_of_birth": FieldValue(value="1994-04-06", raw="06/04/1994"),  # stored as ISO
    }
    entry = Entry(register_type="khai_sinh", entry_index=0, fields=fields)
    assert with_values(text, [entry]) == (
        "Họ, chữ đệm và tên: NGUYỄN THỊ LINH\nQuốc tịch: Việt Nam\nSinh ngày: 06/04/1994"
    )


def test_a_printed_wording_written_as_one_of_its_variants_stays_that_variant() -> None:
    wordings = ["Cán bộ tư pháp - hộ tịch", "Cán bộ tư pháp hộ tịch"]
    line = "Cán bộ tư pháp hộ tịch: LÊ THỊ HÀ"
    assert respell_printed(line, wordings) == line
    assert respell_printed("Cán bộ tư phap hộ tịch: LÊ THỊ HÀ", wordings) == line
