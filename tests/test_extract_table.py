"""Table pages: the grid is found, headers name the columns, one entry per row."""

import numpy as np
from PIL import Image, ImageDraw

from hotich.extract.grid import erase_grid, find_grid
from hotich.extract.labels import load_labels
from hotich.extract.numbers import number_sequence
from hotich.extract.table import extract_table
from hotich.schema.entries import Entry, Provenance
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord
from hotich.schema.registers import RegisterType

COLS = [100, 300, 700, 1000, 1200]
ROWS = [200, 300, 400, 500, 600]
HEADERS = ["Số", "Họ và tên người được khai sinh", "Ngày, tháng, năm sinh", "Giới tính"]
ROW_VALUES = [
    ["1", "LÊ VĂN AN", "02/01/1990", "Nam"],
    ["2", "ĐỖ THỊ BÌNH", "05/06/1990", "Nữ"],
    ["", "", "", ""],
]


def _grid_image(headers: list[str] = HEADERS, rows: list[list[str]] = ROW_VALUES) -> np.ndarray:
    img = Image.new("L", (1400, 800), 255)
    draw = ImageDraw.Draw(img)
    for x in COLS:
        draw.line((x, ROWS[0], x, ROWS[-1]), fill=0, width=3)
    for y in ROWS:
        draw.line((COLS[0], y, COLS[-1], y), fill=0, width=3)
    for r, values in enumerate([headers, *rows]):
        for c, text in enumerate(values):
            if text:  # ink where the OCR below says there is text
                draw.rectangle((COLS[c] + 20, ROWS[r] + 30, COLS[c] + 60, ROWS[r] + 60), fill=0)
    return np.array(img)


def _ocr(headers: list[str] = HEADERS, rows: list[list[str]] = ROW_VALUES) -> OcrPage:
    lines = []
    for r, values in enumerate([headers, *rows]):
        for c, text in enumerate(values):
            x = COLS[c] + 20
            words = []
            for word in text.split():
                words.append(
                    OcrWord(text=word, bbox=(x, ROWS[r] + 30, 12 * len(word), 30), confidence=0.96)
                )
                x += 12 * len(word) + 12
            if words:
                lines.append(OcrLine(words=tuple(words)))
    return OcrPage(width=1400, height=800, lines=tuple(lines))


def test_grid_found_and_erased() -> None:
    image = _grid_image()
    grid = find_grid(image)
    assert grid is not None
    assert [abs(a - b) <= 2 for a, b in zip(grid.rows, ROWS, strict=True)] == [True] * 5
    assert [abs(a - b) <= 2 for a, b in zip(grid.cols, COLS, strict=True)] == [True] * 5
    erased = erase_grid(image, grid)
    assert erased[ROWS[2], 150:250].min() > 128  # the rule is gone


def test_no_grid_on_a_form_page() -> None:
    img = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(img)
    draw.line((100, 100, 1100, 100), fill=0, width=2)  # one underline is not a table
    assert find_grid(np.array(img)) is None


def test_one_entry_per_filled_row() -> None:
    image = _grid_image()
    grid = find_grid(image)
    assert grid is not None
    entries = extract_table(
        _ocr(), grid, erase_grid(image, grid), load_labels("khai_sinh"), Provenance(design="table")
    )
    assert [e.entry_index for e in entries] == [0, 1]
    assert entries[0].values() == {
        "register_number": "1",
        "full_name": "LÊ VĂN AN",
        "date_of_birth": "1990-01-02",
        "sex": "Nam",
    }
    assert entries[1].values()["full_name"] == "ĐỖ THỊ BÌNH"
    assert entries[1].fields["full_name"].bbox[0] >= COLS[1]


def test_words_in_a_cell_read_line_by_line() -> None:
    from hotich.extract.table import reading_order

    def word(text: str, x: int, y: int, h: int = 30) -> OcrWord:
        return OcrWord(text=text, bbox=(x, y, 40, h), confidence=0.9)

    # "y" hangs lower than its neighbours; the second line starts left of the first's end
    words = [
        word("tế", 160, 100),
        word("Trạm", 20, 98),
        word("y", 110, 106, 34),
        word("xã", 20, 140),
        word("Đông", 80, 141),
    ]
    assert [w.text for w in reading_order(words)] == ["Trạm", "y", "tế", "xã", "Đông"]


def _read(register: RegisterType, headers: list[str], rows: list[list[str]]) -> list[Entry]:
    image = _grid_image(headers, rows)
    grid = find_grid(image)
    assert grid is not None
    return extract_table(
        _ocr(headers, rows), grid, erase_grid(image, grid), load_labels(register), Provenance()
    )


def test_marriage_and_death_tables() -> None:
    (couple,) = _read(
        "ket_hon",
        ["Số", "Họ và tên chồng", "Ngày sinh của chồng", "Họ tên vợ"],
        [["7", "LÊ VĂN AN", "02/01/1990", "ĐỖ THỊ BÌNH"]],
    )
    assert couple.values() == {
        "register_number": "7",
        "husband_name": "LÊ VĂN AN",
        "husband_date_of_birth": "1990-01-02",
        "wife_name": "ĐỖ THỊ BÌNH",
    }
    (death,) = _read(
        "khai_tu",
        ["Số", "Họ và tên người chết", "Ngày chết", "Giờ, phút chết"],
        [["3", "LÊ VĂN AN", "02/01/2020", "14 giờ 30 phút"]],
    )
    assert death.values()["time_of_death"] == "14:30"
    assert death.values()["date_of_death"] == "2020-01-02"


def test_column_with_an_unreadable_header_named_by_its_values() -> None:
    rows = [["1", "LÊ VĂN AN", "02/01/1990", "Nam"], ["2", "ĐỖ THỊ BÌNH", "05/06/1990", "Nữ"]]
    entries = _read("khai_tu", ["Số", "Họ và tên người chết", "Ngày sinh", "h ữ"], rows)
    assert [e.values()["sex"] for e in entries] == ["Nam", "Nữ"]
    entries = _read("ket_hon", ["Số", "Họ và tên chồng", "Ngày sinh chồng", "h ữ"], rows)
    assert all("sex" not in e.values() for e in entries)  # no such field in a marriage


def test_a_first_column_of_registration_numbers_is_the_number_whatever_its_header() -> None:
    rows = [
        ["6", "LÊ VĂN AN", "02/01/1990", "Nam"],
        ["7/2013", "ĐỖ THỊ BÌNH", "05/06/1990", "Nữ"],
        ["8", "LÊ THỊ HOA", "05/07/1991", "Nữ"],
    ]
    entries = _read("khai_tu", ["5ô đ", "Họ và tên người chết", "Ngày sinh", "Giới tính"], rows)
    assert [e.values()["register_number"] for e in entries] == ["6", "7/2013", "8"]
    # figures in another column than the first are not taken for the number
    entries = _read(
        "khai_tu",
        ["Họ và tên người chết", "x y", "Giới tính"],
        [["LÊ VĂN AN", "12", "Nam"], ["ĐỖ THỊ BÌNH", "13", "Nữ"]],
    )
    assert all("register_number" not in e.values() for e in entries)


def test_a_damaged_header_gets_the_column_its_place_leaves_and_takes_no_other() -> None:
    """The husband's residence header is faded to "ơi thườn trú c ồn": close to the wife's
    residence too, but her column matches hers exactly, and the page order leaves the
    husband's for it."""
    headers = ["Họ tên chồng", "ơi thườn trú c ồn", "Họ tên vợ", "Nơi thường trú của vợ"]
    rows = [["LÊ VĂN AN", "thôn 5, xã An", "ĐỖ THỊ BÌNH", "thôn 6, xã An"]]
    (entry,) = _read("ket_hon", headers, rows)
    assert entry.values()["husband_residence"] == "thôn 5, xã An"
    assert entry.values()["wife_residence"] == "thôn 6, xã An"


def test_a_row_of_faded_writing_is_an_entry_though_its_ink_is_pale() -> None:
    """Faded ink is lighter than the fixed ink level, so its cells measure as empty; OCR still
    read writing there, and the row must not be dropped as blank (a lost registration)."""
    rows = [["1", "LÊ VĂN AN", "02/01/1990", "Nam"], ["2", "ĐỖ THỊ BÌNH", "05/06/1990", "Nữ"]]
    image = _grid_image(HEADERS, rows)
    faded = image.copy()
    band = faded[ROWS[2] + 5 : ROWS[3] - 5, COLS[0] + 5 : COLS[-1] - 5]
    band[band < 128] = 170  # the second row's writing, faded
    grid = find_grid(faded)
    assert grid is not None
    entries = extract_table(
        _ocr(HEADERS, rows), grid, erase_grid(faded, grid), load_labels("khai_sinh"), Provenance()
    )
    assert [e.values()["full_name"] for e in entries] == ["LÊ VĂN AN", "ĐỖ THỊ BÌNH"]
    # with nothing read in it, the same pale row is blank
    blank = [["1", "LÊ VĂN AN", "02/01/1990", "Nam"], ["", "", "", ""]]
    entries = extract_table(
        _ocr(HEADERS, blank), grid, erase_grid(faded, grid), load_labels("khai_sinh"), Provenance()
    )
    assert len(entries) == 1


def test_a_jump_in_the_numbers_of_a_page_sends_the_row_after_it_to_review() -> None:
    rows = [
        ["19", "LÊ VĂN AN", "02/01/1990", "Nam"],
        ["22", "ĐỖ THỊ BÌNH", "05/06/1990", "Nữ"],
        ["23", "LÊ THỊ HOA", "05/07/1991", "Nữ"],
    ]
    entries = number_sequence(_read("khai_sinh", HEADERS, rows))
    codes = [[i.code for i in e.fields["register_number"].issues] for e in entries]
    assert codes == [[], ["table.rows_missing"], []]
    assert "19" in entries[1].fields["register_number"].issues[0].message


def test_the_last_column_is_the_notes_and_a_column_of_relationships_is_the_relationship() -> None:
    headers = ["Số", "Người đi khai tử", "loỦ", "ÓC"]
    rows = [
        ["1", "LÊ VĂN BÌNH", "Con trai", ""],
        ["2", "TRẦN VĂN TÚ", "Cháu", "Đăng ký lại"],
        ["3", "LÊ VĂN TÂM", "Con", ""],
    ]
    entries = _read("khai_tu", headers, rows)
    assert [e.values()["declarant_relationship"] for e in entries] == ["Con trai", "Cháu", "Con"]
    assert [e.values()["notes"] for e in entries] == ["", "Đăng ký lại", ""]
    # a readable last header that is no note's wording is not taken for the notes
    entries = _read("khai_tu", ["Số", "Người đi khai tử", "Quan hệ", "Quê quán xa"], rows)
    assert all("notes" not in e.values() for e in entries)
