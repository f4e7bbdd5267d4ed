"""Label wording as data: every era's variant of every register is found, with or without its
accents and with one OCR slip; table headers name their columns; the page heading names the
register."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from hotich.extract.detect import available_registers, detect_register
from hotich.extract.form import extract_form, find_labels
from hotich.extract.labels import LabelSet, load_labels
from hotich.schema.entries import Provenance
from hotich.schema.registers import FIELDS, REGISTER_TYPES
from hotich.schema.text import strip_accents
from tests.ocr_fakes import ocr_page


def _raw(register: str) -> dict[str, Any]:
    path = resources.files("hotich.config").joinpath("labels", f"{register}.toml")
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return data


def _variants(kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (register, variant, item)
        for register in REGISTER_TYPES
        for item in _raw(register)[kind]
        for variant in item["variants"]
    ]


def _slip(text: str) -> str:
    """One OCR slip: the letter in the middle of the longest word read as another."""
    words = text.split()
    k = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[k]
    mid = len(word) // 2
    words[k] = word[:mid] + ("x" if word[mid].lower() != "x" else "y") + word[mid + 1 :]
    return " ".join(words)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _hit_fields(labels: LabelSet, line: str) -> dict[str, str] | None:
    hits = find_labels(ocr_page([line]).lines[0].words, labels)
    return hits[0].label.fields if hits and hits[0].start == 0 else None


def test_every_register_has_label_data() -> None:
    assert available_registers() == list(REGISTER_TYPES)
    for register in REGISTER_TYPES:
        labels = load_labels(register)
        assert labels.register_type == register and labels.titles and labels.sections
        named = {f for label in labels.labels for f in label.fields.values()}
        named |= {f for label in labels.labels for _, f in label.then}
        named |= {c.field for c in labels.columns}
        assert named <= set(FIELDS[register]), register
        assert named == set(FIELDS[register]), set(FIELDS[register]) - named


@pytest.mark.parametrize(("register", "variant", "item"), _variants("label"))
def test_form_label_found_as_printed_without_accents_and_with_a_slip(
    register: str, variant: str, item: dict[str, Any]
) -> None:
    labels = load_labels(register)
    assert _hit_fields(labels, f"{variant}: ABC") == item["fields"], variant
    assert _hit_fields(labels, f"{strip_accents(variant)}: ABC") == item["fields"], variant
    if _letters(variant) >= 9:  # a slip in a shorter label is too much like another word
        assert _hit_fields(labels, f"{_slip(variant)}: ABC") == item["fields"], _slip(variant)


@pytest.mark.parametrize(("register", "variant", "item"), _variants("column"))
def test_table_header_names_its_column(register: str, variant: str, item: dict[str, Any]) -> None:
    labels = load_labels(register)
    assert labels.match_column(variant) == item["field"]
    assert labels.match_column(strip_accents(variant).upper()) == item["field"]
    if _letters(variant) >= 9:
        assert labels.match_column(_slip(variant)) == item["field"], _slip(variant)


def test_marriage_labels_of_each_era() -> None:
    labels = load_labels("ket_hon")
    party_in_label = [
        "Số: 12 Quyển số: 01/1995",
        "Họ và tên chồng: LÊ VĂN BA",
        "Sinh ngày: 02/03/1970",
        "Dân tộc: Kinh Quốc tịch: Việt Nam",
        "Trú quán: thôn Đông, xã Đại Thành",
        "Họ và tên vợ: ĐỖ THỊ HOA",
        "Sinh ngày: 05/06/1972",
        "Dân tộc: Tày Quốc tịch: Việt Nam",
        "Ngày đăng ký: 10/10/1995",
    ]
    headings = [
        "BÊN NAM",
        "Họ, chữ đệm và tên: LÊ VĂN BA",
        "Ngày, tháng, năm sinh: 02/03/1970",
        "Giấy tờ tùy thân: 001070012345",
        "BÊN NỮ",
        "Họ, chữ đệm và tên: ĐỖ THỊ HOA",
        "Ngày, tháng, năm sinh: 05/06/1972",
        "Giấy tờ tùy thân: CCCD số 001172054321",
    ]
    v = extract_form(ocr_page(party_in_label), labels, Provenance())[0].values()
    assert v["husband_name"] == "LÊ VĂN BA" and v["wife_name"] == "ĐỖ THỊ HOA"
    assert v["husband_date_of_birth"] == "1970-03-02" and v["wife_date_of_birth"] == "1972-06-05"
    assert v["husband_ethnicity"] == "Kinh" and v["wife_ethnicity"] == "Tày"
    assert v["husband_residence"] == "thôn Đông, xã Đại Thành"
    assert v["registration_date"] == "1995-10-10"
    v = extract_form(ocr_page(headings), labels, Provenance())[0].values()
    assert v["husband_name"] == "LÊ VĂN BA" and v["wife_name"] == "ĐỖ THỊ HOA"
    assert v["wife_date_of_birth"] == "1972-06-05"
    assert v["husband_id_document"] == "001070012345"
    assert v["wife_id_document"] == "001172054321"


def test_death_labels_of_each_era() -> None:
    labels = load_labels("khai_tu")
    old = [
        "Họ và tên người chết: NGUYỄN VĂN AN",
        "Năm sinh: 1920 Nam hay nữ: Nam",
        "Chết lúc: 14 giờ 30 phút, ngày 12/03/1990",
        "Nơi chết: tại nhà, thôn Đông",
        "Nguyên nhân chết: Già yếu",
        "Người đi khai: NGUYỄN VĂN BÌNH Quan hệ: Con trai",
    ]
    new = [
        "Họ, chữ đệm và tên người đã chết: TRẦN THỊ HOA",
        "Ngày, tháng, năm sinh: 01/02/1940 Giới tính: Nữ",
        "Số định danh cá nhân: 001140012345",
        "Nơi cư trú cuối cùng: thôn Tây, xã Đại Thành",
        "Ngày, tháng, năm chết: 05/06/2020 Giờ, phút chết: 7 giờ 05 phút",
        "Giấy báo tử số: 15/2020",
        "Nguyên nhân: Tai biến mạch máu não",
        "Họ, chữ đệm, tên người đi khai tử: LÊ VĂN CƯỜNG",
        "Quan hệ với người đã chết: Chồng",
    ]
    v = extract_form(ocr_page(old), labels, Provenance())[0].values()
    assert v["full_name"] == "NGUYỄN VĂN AN" and v["date_of_birth"] == "1920"
    assert v["time_of_death"] == "14:30" and v["date_of_death"] == "1990-03-12"
    assert v["place_of_death"] == "tại nhà, thôn Đông" and v["cause_of_death"] == "Già yếu"
    assert v["declarant_name"] == "NGUYỄN VĂN BÌNH" and v["declarant_relationship"] == "Con trai"
    v = extract_form(ocr_page(new), labels, Provenance())[0].values()
    assert v["full_name"] == "TRẦN THỊ HOA" and v["sex"] == "Nữ"
    assert v["personal_id"] == "001140012345"
    assert v["residence"] == "thôn Tây, xã Đại Thành"
    assert v["date_of_death"] == "2020-06-05" and v["time_of_death"] == "07:05"
    assert v["cause_of_death"] == "Tai biến mạch máu não"  # the death notice stays out of it
    assert v["declarant_relationship"] == "Chồng"


def test_time_and_day_of_death_split_when_ocr_garbles_the_joining_word() -> None:
    labels = load_labels("khai_tu")
    for line, time in (
        ("Đã chết vào lúc: 3 giờ20, nøày 19/09/2005", "03:20"),
        ("Chết lúc: ngày 19/09/2005", ""),
        ("Chết vào lúc: 9h15 ngay 19-09-2005", "09:15"),
    ):
        v = extract_form(ocr_page([line]), labels, Provenance())[0].values()
        assert (v["time_of_death"], v["date_of_death"]) == (time, "2005-09-19"), line


def test_label_opening_a_line_counts_without_its_colon_only_beside_another() -> None:
    labels = load_labels("khai_sinh")
    v = extract_form(ocr_page(["SỐ 5 Quyển số: 01/2005"]), labels, Provenance())[0].values()
    assert v == {"register_number": "5", "book_number": "01/2005"}
    assert _hit_fields(labels, "Cán bộ tư pháp - hộ tịch: LÊ VĂN AN") is not None
    page = ocr_page(["Nơi sinh: Trạm y tế xã", "số 5 phố Huế"])
    assert "register_number" not in extract_form(page, labels, Provenance())[0].values()


@pytest.mark.parametrize(
    ("heading", "register"),
    [
        ("SỔ ĐĂNG KÝ KHAI SINH", "khai_sinh"),
        ("SỔ ĐĂNG KÝ KẾT HÔN", "ket_hon"),
        ("SỔ ĐĂNG KÝ KHAI TỬ", "khai_tu"),
        ("SO DANG KY KET HON", "ket_hon"),  # accents lost
        ("SỎ ĐĂNG KÝ KHAl TỬ", "khai_tu"),  # OCR slips
        ("Sổ đăng ký khai tử", "khai_tu"),
        ("SỐ ĐĂNG KY KÉT HÔN", "ket_hon"),
    ],
)
def test_register_detected_from_the_page_heading(heading: str, register: str) -> None:
    text = f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n{heading}\nSố: 1"
    assert detect_register(text) == register


def test_no_register_without_a_heading() -> None:
    assert detect_register("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 1\nHọ và tên: AN") is None


def test_columns_whose_headers_a_stain_hid_are_named_by_their_place() -> None:
    labels = load_labels("khai_tu")
    # "Số TT" and "Ngày đăng ký" read as marks, "Nơi chết" in the wrong order; an empty
    # column (the binding between the two pages) in the middle
    headers = [
        "—. _",
        "_——",
        "Họ, chữ đệm, tên người chết",
        "Ngày sinh",
        "Giới tính",
        "Số CMND",
        "Nơi cư trú cuối cùng",
        "",
        "Ngày chết",
        "Giờ, phút chết",
        "chết Nơi | Ỉ",
        "Nguyên nhân",
        "Người đi khai tử",
    ]
    found = labels.match_columns(headers, empty=frozenset({7}))
    assert found[0] == "register_number" and found[1] == "registration_date"
    assert found[10] == "place_of_death" and 7 not in found
    # where the named columns leave more columns than fields, none is named by place
    more = labels.match_columns(["—. _", "~~", "*", "Họ, chữ đệm, tên người chết"])
    assert more == {3: "full_name"}


def test_a_column_without_a_header_is_not_named_by_its_place() -> None:
    # the binding between the two pages of a spread, where its shadow was read as a mark
    labels = load_labels("khai_sinh")
    headers = ["Số", "Ngày đăng ký", "Nơi sinh", "", "Họ và tên mẹ"]
    found = labels.match_columns(headers)
    assert 3 not in found and found[2] == "place_of_birth" and found[4] == "mother_name"
