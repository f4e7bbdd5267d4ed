"""The import workbook as data, and an entry → one row checked against the import's rules.

``tests/data/import158/TemplateDangKyKhaiSinh.xlsx`` is the published birth template
(shared/domain/templates/): the shipped column lists must reproduce it exactly.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hotich.loaders.stage_files import book_label, year_in
from hotich.loaders.stage_rules import Problem, Row, import_date, make_row
from hotich.loaders.stage_spec import code_lists, register_spec
from hotich.schema.registers import FIELDS, REGISTER_TYPES
from tests.stage_support import BIRTH

TEMPLATE = Path(__file__).parent / "data" / "import158" / "TemplateDangKyKhaiSinh.xlsx"
TODAY = date(2026, 11, 23)


def _row(fields: dict[str, str], register: str = "khai_sinh", book_year: int | None = None) -> Row:
    return make_row(register_spec(register), fields, page_no=3, book_year=book_year, today=TODAY)


# --- the template, as shipped data ----------------------------------------------------------


def test_birth_columns_reproduce_the_published_template() -> None:
    template = load_workbook(TEMPLATE)
    spec = register_spec("khai_sinh")
    assert template.sheetnames == [spec.sheet, spec.ghi_chu_sheet] == ["DL Import", "Ghi chu"]
    headers = [c.value for c in template["DL Import"][1]]
    assert [c.header for c in spec.columns] == headers  # trailing spaces, codes on line two
    assert len(headers) == 70 and "loaiDangKy \ni=[1,2,3,4,5,6]" in headers
    notes = {
        c.coordinate: (c.value, bool(c.font.b))
        for row in template["Ghi chu"].iter_rows()
        for c in row
        if c.value is not None
    }
    assert {g.cell: (g.value, g.bold) for g in spec.ghi_chu} == notes


def test_every_register_has_its_column_list_and_known_fields() -> None:
    sizes = {"khai_sinh": 70, "ket_hon": 45, "khai_tu": 49}
    for register in REGISTER_TYPES:
        spec = register_spec(register)
        names = [c.name for c in spec.columns]
        assert len(names) == sizes[register] == len(set(names)) and names[:2] == ["STT", "so"]
        for column in spec.columns:
            assert set(column.fields) <= set(FIELDS[register]), column.name
        assert set(spec.required) <= set(names)


def test_inline_code_lists_in_headers_agree_with_the_code_lists() -> None:
    spec = register_spec("khai_sinh")
    inline = 0
    for column in spec.columns:
        m = re.search(r"i=\[([\d,]+)\]", column.header)
        if m:
            inline += 1
            assert column.codes is not None, column.name
            assert m[1].split(",") == [code for code, _ in column.codes.codes]
    assert inline == 4  # loaiDangKy, nksLoaiKhaiSinh, meLoaiGiayToTuyThan, chaLoaiGiayToTuyThan
    assert dict(code_lists()["gioi_tinh"].codes) == {"1": "Nam", "2": "Nữ", "3": "Không xác định"}


# --- mapping ---------------------------------------------------------------------------------


def test_a_birth_entry_fills_its_columns_in_the_import_forms() -> None:
    row = _row(BIRTH, book_year=1998)
    assert row.problems == ()
    values = row.values
    assert values == {
        "so": "07/1998",
        "quyenSo": "01/1998",
        "trangSo": 3,
        "ngayDangKy": "20.03.1998",
        "loaiDangKy": "6",
        "nguoiThucHien": "TRẦN VĂN BA",
        "nksSoDinhDanh": "001198012345",
        "nksHoTen": "NGUYỄN THỊ HOA",
        "nksGioiTinh": "2",
        "nksNgaySinh": "15.03.1998",
        "nksNgaySinhBangChu": BIRTH["date_of_birth_words"],
        "nksNoiSinh": BIRTH["place_of_birth"],
        "nksDanToc": "Kinh",
        "nksQuocTich": "Việt Nam",
        "meHoTen": "LÊ THỊ MAI",
        "meNgaySinh": "1970",
        "meNoiCuTru": BIRTH["parents_residence"],  # one column for both parents in this book
        "chaHoTen": "NGUYỄN VĂN NAM",
        "chaNgaySinh": "1968",
        "chaNoiCuTru": BIRTH["parents_residence"],
        "nycHoTen": "NGUYỄN VĂN NAM",
        "nycQuanHe": "Cha",
    }
    assert (row.number, row.registration_date) == ("7", "1998-03-20")


@pytest.mark.parametrize(
    ("number", "registration", "book_year", "so"),
    [
        ("7", "1998-03-20", 1997, "07/1998"),  # the registration's year first
        ("123", "", None, "123/"),  # no year known: as the template's sample "01/"
        ("12", "", 1999, "12/1999"),
        ("03/2003", "2003-01-02", None, "03/2003"),  # written with its year: kept
    ],
)
def test_register_number_takes_its_year(
    number: str, registration: str, book_year: int | None, so: str
) -> None:
    fields = {**BIRTH, "register_number": number, "registration_date": registration}
    row = _row(fields, book_year=book_year)
    assert row.values["so"] == so


@pytest.mark.parametrize(
    ("iso", "written"),
    [
        ("1985-03-15", ("15.03.1985", True)),
        ("1985-03", ("03.1985", False)),
        ("1985", ("1985", False)),
        ("2000-02-29", ("29.02.2000", True)),
        ("1999-02-29", None),
        ("1985-13", None),
        ("15/03/1985", None),
        ("2027-01-01", None),  # after TODAY
        ("", None),
    ],
)
def test_import_dates(iso: str, written: tuple[str, bool] | None) -> None:
    assert import_date(iso, today=TODAY) == written


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"full_name": None}, Problem("nksHoTen", "required", ("full_name",))),
        ({"date_of_birth": "1998-02-30"}, Problem("nksNgaySinh", "date", ("date_of_birth",))),
        (
            {"date_of_birth": "2030-01-01"},
            Problem("nksNgaySinh", "date_future", ("date_of_birth",)),
        ),
        (
            {"registration_date": "1998-03"},
            Problem("ngayDangKy", "date_partial", ("registration_date",)),
        ),
        ({"personal_id": "0011980123"}, Problem("nksSoDinhDanh", "personal_id", ("personal_id",))),
        ({"sex": "Nam nữ"}, Problem("nksGioiTinh", "code_list", ("sex",))),
        ({"register_number": "7a"}, Problem("so", "register_number", ("register_number",))),
        ({"notes": "ghi\x07chú"}, Problem("ghiChu", "bad_characters", ("notes",))),
        ({"notes": "x" * 40_000}, Problem("ghiChu", "too_long", ("notes",))),
    ],
)
def test_an_entry_breaking_a_rule_says_which_column_and_why(
    change: dict[str, str | None], problem: Problem
) -> None:
    fields = {**BIRTH}
    for name, value in change.items():
        if value is None:
            fields.pop(name)
        else:
            fields[name] = value
    row = _row(fields)
    assert row.problems == (problem,)
    assert problem.column not in row.values


def test_old_nine_digit_ids_and_sex_codes_pass() -> None:
    row = _row({**BIRTH, "personal_id": "012345678", "sex": "nam"})
    assert row.problems == ()
    assert row.values["nksSoDinhDanh"] == "012345678"
    assert row.values["nksGioiTinh"] == "1"


def test_marriage_and_death_entries_map_to_their_columns() -> None:
    marriage = {
        "register_number": "4",
        "registration_date": "2001-05-06",
        "husband_name": "LÊ VĂN BÌNH",
        "husband_date_of_birth": "1975",
        "husband_id_document": "CMND số 012345678",
        "wife_name": "ĐỖ THỊ LAN",
        "wife_date_of_birth": "1978-09-02",
    }
    row = _row(marriage, "ket_hon")
    assert row.problems == ()
    assert {k: row.values[k] for k in ("so", "chongHoTen", "chongNgaySinh", "voNgaySinh")} == {
        "so": "04/2001",
        "chongHoTen": "LÊ VĂN BÌNH",
        "chongNgaySinh": "1975",
        "voNgaySinh": "02.09.1978",
    }
    assert row.values["chongGiayToKhac"] == "CMND số 012345678"
    assert "loaiDangKy" not in row.values  # no "unknown" code
    death = {
        "register_number": "2",
        "registration_date": "2005-01-10",
        "full_name": "PHẠM VĂN TƯ",
        "sex": "Nam",
        "date_of_death": "2005-01-08",
        "personal_id": "001045000123",
    }
    row = _row(death, "khai_tu")
    assert row.problems == ()
    assert {k: row.values[k] for k in ("nktHoTen", "nktGioiTinh", "nktNgayChet")} == {
        "nktHoTen": "PHẠM VĂN TƯ",
        "nktGioiTinh": "1",
        "nktNgayChet": "08.01.2005",
    }
    assert row.values["nktSoGiayToTuyThan"] == "001045000123"
    missing = _row({k: v for k, v in death.items() if k != "date_of_death"}, "khai_tu")
    assert [p.column for p in missing.problems] == ["nktNgayChet"]


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "prefix", "numbers", "label"),
    [
        ("khai-sinh-1998-q01", "khai-sinh", [], "01"),
        ("khai-sinh-1998-quyen-2", "khai-sinh", [], "02"),
        ("ket-hon-2001", "ket-hon", ["03/2001", "03/2001"], "03"),  # the entries' book number
        ("ket-hon-2001", "ket-hon", ["03/2001", "04/2001"], "ket-hon-2001"),  # they disagree
        ("so-cu-1975", "khai-sinh", [], "so-cu"),
        ("Sổ KS/1", "khai-sinh", [], "Sổ-KS-1"),
    ],
)
def test_book_label_for_file_names(key: str, prefix: str, numbers: list[str], label: str) -> None:
    assert book_label(key, prefix, numbers) == label


def test_year_in_a_book_name() -> None:
    assert (year_in("khai-sinh-1998-q01"), year_in("so-cu"), year_in("q12345")) == (
        1998,
        None,
        None,
    )
