"""Form pages: labels found fuzzily, values split, sections decide repeated labels."""

from hotich.extract.form import extract_form, find_labels
from hotich.extract.labels import load_labels
from hotich.schema.entries import Provenance
from tests.ocr_fakes import ocr_page

LABELS = load_labels("khai_sinh")
PAGE = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "SỔ ĐĂNG KÝ KHAI SINH",
    "Số: 12 Quyển số: 01/1998",
    "Họ và tên: NGUYỄN THỊ HOA",
    "Ngày, tháng, năm sinh: 15/03/1985 Giới tính: Nữ",
    "Dân tộc: Kinh Quốc tịch: Việt Nam",
    "Nơi sinh: Trạm y tế xã Đại Thanh, huyện Thanh Trì,",
    "thành phố Hà Nội",
    "Họ và tên mẹ: TRẦN THỊ LAN Năm sinh: 1960",
    "Dân tộc: Tày Quốc tịch: Việt Nam",
    "Họ và tên cha: NGUYỄN VĂN AN Năm sinh: 1958",
    "Dân tộc: Kinh",
    "Ghi chú: ..........",
]


def _values() -> dict[str, str]:
    entries = extract_form(ocr_page(PAGE), LABELS, Provenance())
    assert len(entries) == 1
    return entries[0].values()


def test_fields_by_label_and_section() -> None:
    v = _values()
    assert v["register_number"] == "12"
    assert v["book_number"] == "01/1998"
    assert v["full_name"] == "NGUYỄN THỊ HOA"
    assert v["date_of_birth"] == "1985-03-15"
    assert v["sex"] == "Nữ"
    assert v["ethnicity"] == "Kinh"
    assert v["nationality"] == "Việt Nam"
    assert v["mother_name"] == "TRẦN THỊ LAN"
    assert v["mother_birth_year"] == "1960"
    assert v["mother_ethnicity"] == "Tày"
    assert v["father_name"] == "NGUYỄN VĂN AN"
    assert v["father_ethnicity"] == "Kinh"


def test_long_value_wraps_onto_the_next_line() -> None:
    assert _values()["place_of_birth"] == (
        "Trạm y tế xã Đại Thanh, huyện Thanh Trì, thành phố Hà Nội"
    )


def test_blank_field_is_empty_not_absent() -> None:
    v = _values()
    assert v["notes"] == ""
    assert "hometown" not in v


def test_labels_match_without_accents_and_with_ocr_slips() -> None:
    page = ocr_page(["Ho va ten: LE VAN BA", "Ngay, thang, năm sỉnh: 01/02/1990"])
    hits = find_labels(page.lines[0].words, LABELS)
    assert [h.label.field_in("subject") for h in hits] == ["full_name"]
    v = extract_form(page, LABELS, Provenance())[0].values()
    assert v["date_of_birth"] == "1990-02-01"


def test_one_word_label_needs_its_colon() -> None:
    # "Số" inside a value is not the register-number label
    v = extract_form(ocr_page(["Nơi sinh: số 5 phố Huế"]), LABELS, Provenance())[0].values()
    assert v == {"place_of_birth": "số 5 phố Huế"}


def test_low_ocr_confidence_sends_the_entry_to_review() -> None:
    entry = extract_form(ocr_page(PAGE, conf=0.6), LABELS, Provenance())[0]
    assert entry.status(0.9) == "needs_review"
    entry = extract_form(ocr_page(PAGE[:6], conf=0.97), LABELS, Provenance())[0]
    assert entry.status(0.9) == "approved"


def test_every_field_keeps_raw_text_and_box() -> None:
    entry = extract_form(ocr_page(PAGE), LABELS, Provenance())[0]
    dob = entry.fields["date_of_birth"]
    assert dob.raw == "15/03/1985"
    assert dob.bbox[2] > 0 and dob.bbox[3] > 0


def test_label_glued_to_its_value_by_ocr() -> None:
    v = extract_form(ocr_page(["Số:12 Quyển số:01/1998"]), LABELS, Provenance())[0].values()
    assert v == {"register_number": "12", "book_number": "01/1998"}


def test_label_words_merged_or_split_by_ocr() -> None:
    page = ocr_page(["Năm sinh: 1966 Dântộc: Kinh", "Quốc tị ch: Việt Nam"])
    v = extract_form(page, LABELS, Provenance())[0].values()
    assert v["ethnicity"] == "Kinh" and v["nationality"] == "Việt Nam"


def test_normalizers_read_ocr_slashes_and_numbers_with_their_year() -> None:
    from hotich.extract.normalize import normalize

    assert normalize("date_of_birth", "11/01\u20442003").value == "2003-01-11"
    number = normalize("register_number", "03/2003")
    assert number.value == "03/2003" and not number.issues
    assert normalize("register_number", "O3/2003").value == "03/2003"
    assert normalize("personal_id", "03/2003").issues  # an ID never has a slash


def test_date_with_a_separator_lost_is_read_with_less_confidence() -> None:
    from hotich.extract.normalize import normalize

    lost = normalize("date_of_birth", "22/112002")
    assert lost.value == "2002-11-22" and lost.factor < 1.0
    assert normalize("date_of_birth", "22112002").value == "2002-11-22"
    assert normalize("date_of_birth", "22/13/2002").issues  # month 13 stays an issue


def test_header_cut_short_by_ocr_still_names_its_column() -> None:
    assert LABELS.match_column("Giới") == "sex"
    assert LABELS.match_column("Họ và tên mẹ") == "mother_name"
    assert LABELS.match_column("Số") == "register_number"


def test_a_name_in_capitals_that_reads_like_a_label_stays_the_value() -> None:
    """ "NGUYỄN QUANG" reads like "Nguyên quán" (an old wording of the hometown label); written
    in capitals and without a colon, it is the father's name, not a label."""
    page = ocr_page(
        [
            "Quê quán: xã Tân Minh, huyện Thường Tín",
            "Họ, chữ đệm và tên người cha: NGUYỄN QUANG CƯỜNG",
        ]
    )
    values = extract_form(page, load_labels("khai_sinh"), Provenance())[0].values()
    assert values["father_name"] == "NGUYỄN QUANG CƯỜNG"
    assert values["hometown"] == "xã Tân Minh, huyện Thường Tín"


def test_a_blank_field_with_writing_in_its_space_is_unread_not_blank() -> None:
    """OCR read nothing after "Quyển số:", but the space there holds ink: the field is marked
    ``ocr.unread`` and goes to a person, never passed off as left blank."""
    import numpy as np

    from hotich.extract.form import flag_unread_blanks

    page = ocr_page(["Số: 12 Quyển số:", "Ghi chú:"])
    (entry,) = extract_form(page, load_labels("khai_sinh"), Provenance())
    book, notes = entry.fields["book_number"], entry.fields["notes"]
    assert book.value == "" and book.bbox[2] > 0  # a blank field knows where it is written
    image = np.full((page.height, page.width), 255, np.uint8)
    x, y, _w, h = book.bbox
    image[y + 12 : y + h - 8, x + 20 : x + 60] = 0  # "01", faded past OCR
    (checked,) = flag_unread_blanks([entry], image)
    assert [i.code for i in checked.fields["book_number"].issues] == ["ocr.unread"]
    assert not checked.fields["book_number"].accepted(0.9)
    assert checked.fields["notes"] == notes  # nothing written there: blank it is
