"""OCR repairs of the normalization library: every correction keeps the raw text and adds its
issue; a value already right, or written in an accepted variant, is never touched; canonical
values normalize to themselves."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.schema.normalize import (
    FACTORS,
    build_personal_id,
    check_entry,
    normalize_date,
    normalize_date_words,
    normalize_field,
    normalize_name,
    normalize_place,
    normalize_register_number,
    normalize_sex,
    parse_register_number,
)
from hotich.schema.vn_numbers import date_to_words


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        ("12", "12", ()),
        ("01", "01", ()),  # as written
        ("03/2003", "03/2003", ()),
        ("Số: 12", "12", ()),
        ("03 / 2003", "03/2003", ()),
        ("O3/2OO3", "03/2003", ("register_number.ocr_repaired",)),
        ("012013", "01/2013", ("register_number.ocr_repaired",)),  # the slash lost
        ("1osoiz", None, ("register_number.unreadable",)),
        ("=", None, ("register_number.unreadable",)),
        ("...", "", ()),
    ],
)
def test_register_numbers(raw: str, value: str | None, codes: tuple[str, ...]) -> None:
    r = normalize_register_number(raw)
    assert (r.value, r.codes, r.raw) == (value, codes, raw)


def test_parse_register_number() -> None:
    assert parse_register_number("07") == (7, None)
    assert parse_register_number("03/2003") == (3, 2003)
    assert parse_register_number("x") is None and parse_register_number(None) is None


@pytest.mark.parametrize(
    ("raw", "iso", "codes"),
    [
        ("1985-03-15", "1985-03-15", ()),  # the contract's own form, as a person may type it
        ("1985-03", "1985-03", ()),
        ("1985-02-31", None, ("date.impossible",)),
        ("@5- 11-1994", "1994-11-05", ("date.ocr_repaired",)),
        ("001/11/2013", "2013-11-01", ("date.ocr_repaired",)),
        ("@7-03-1.994", "1994-03-07", ("date.ocr_repaired",)),
        ("22/112002", "2002-11-22", ("date.ocr_repaired",)),
    ],
)
def test_dates_iso_and_repairs(raw: str, iso: str | None, codes: tuple[str, ...]) -> None:
    r = normalize_date(raw)
    assert (r.value, r.codes) == (iso, codes)


def test_a_date_in_words_misread_is_respelled_from_the_date_it_says() -> None:
    r = normalize_date_words("Ngày hai mươi ba tháng hại năm hại nghìn không trăm lẻ chín")
    assert r.value == "Ngày hai mươi ba tháng hai năm hai nghìn không trăm lẻ chín"
    assert (r.iso, r.codes) == ("2009-02-23", ("date_words.ocr_repaired",))
    assert r.factor == FACTORS["date_words.ocr_repaired"]
    # punctuation OCR put between the words goes; "bảy" read right is not turned into "bẩy"
    r = normalize_date_words(
        "ngày mười bảy, tháng. mười. môt.năm một..nghìn chín trăm, chín mươi hai"
    )
    assert r.value == "ngày mười bảy tháng mười một năm một nghìn chín trăm chín mươi hai"
    # several spellings fit: the text stays, with an issue
    r = normalize_date_words("ngày mười bày tháng ba năm 1985")
    assert (r.value, r.codes) == ("ngày mười bày tháng ba năm 1985", ("date_words.misspelled",))


SPELLINGS = [
    {"mong": m, "linh": li, "four": f, "five": fi, "seven": s, "nghin": n, "capitalize": c}
    for m, li, f, fi, s, n, c in itertools.product(
        ("", "mồng", "mùng"),
        ("linh", "lẻ"),
        ("tư", "bốn"),
        ("lăm", "nhăm"),
        ("bảy", "bẩy"),
        ("nghìn", "ngàn"),
        (False, True),
    )
]


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    spelling=st.sampled_from(SPELLINGS),
)
def test_every_spelling_of_a_date_in_words_is_kept_as_written(
    day: date, spelling: dict[str, object]
) -> None:
    text = date_to_words(day, **spelling)  # type: ignore[arg-type]
    r = normalize_date_words(text)
    assert (r.value, r.iso, r.issues) == (text, day.isoformat(), ())


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("PHAM BẢO XUÂN", "PHẠM BẢO XUÂN"),
        ("NGUYÊN ĐỨC LỘC", "NGUYỄN ĐỨC LỘC"),
        ("Luu Minh Phong", "Lưu Minh Phong"),
        ("WGUYỄN THỊ YẾN", "NGUYỄN THỊ YẾN"),  # one letter off a long surname
        ("NGUYÊỀN THỊ HOA", "NGUYỄN THỊ HOA"),  # a vowel read twice
        ("GÔ THỊ XUÂN", "NGÔ THỊ XUÂN"),  # first letter lost; the marks say which
    ],
)
def test_a_surname_misread_is_restored(raw: str, value: str) -> None:
    r = normalize_name(raw)
    assert (r.value, r.raw, r.codes) == (value, raw, ("name.surname_repaired",))


def test_surnames_listed_or_unknown_or_typed_are_never_changed() -> None:
    for name in ("LY A PHỪ", "LÝ A PHỪ", "Nguyễn Thị Hoà", "Y WƠN", "SIU H'ZÉP"):
        assert (normalize_name(name).value, normalize_name(name).issues) == (name, ())
    # one word read: kept, but a surname or given name was lost, so a person looks
    assert normalize_name("PHẠM").value == "PHẠM"
    assert normalize_name("PHẠM").codes == ("name.one_word",)
    assert normalize_name("PHẠM", typed=True).codes == ()
    assert normalize_name("LỲ A PHỪ").codes == ("name.surname_unusual",)  # Lý or Ly
    typed = normalize_field("full_name", "PHAM ANNE", typed=True)
    assert (typed.value, typed.codes) == (
        "PHAM ANNE",
        ("name.impossible_syllable", "name.surname_unusual"),
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (
            "Bệnh viên đa khoa huyên Tứ Kỳ, tỉnh Hải Dương",
            "Bệnh viện đa khoa huyện Tứ Kỳ, tỉnh Hải Dương",
        ),
        (
            "thôn 11, xã Phước Lộc, huyện Thạnh Oai, thành phố Hà Nội",
            "thôn 11, xã Phước Lộc, huyện Thanh Oai, thành phố Hà Nội",
        ),
        ("thộn Nam, huyện Tứ Kỳ, tỉnh Hải Dượng", "thôn Nam, huyện Tứ Kỳ, tỉnh Hải Dương"),
    ],
)
def test_place_marks_misread_in_matched_names_are_restored(raw: str, value: str) -> None:
    r = normalize_place(raw)
    assert (r.value, r.raw, r.codes) == (value, raw, ("place.ocr_repaired",))


def test_places_spelled_right_or_in_the_other_tone_style_stay() -> None:
    for text in (
        "xã Tân Hoà, huyện Quế Sơn, tỉnh Quảng Nam",
        "XÃ AN THANH, HUYỆN TỨ KỲ, TỈNH HẢI DƯƠNG",
        "Trạm y tế xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương",
    ):
        r = normalize_place(text)
        assert (r.value, r.issues) == (text, ())


def test_sex_with_stray_marks_is_a_repair() -> None:
    r = normalize_sex("Nam ˆ")
    assert (r.value, r.codes) == ("Nam", ("sex.repaired",))
    assert normalize_sex("Nữ").issues == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date_of_birth", "1985-03-15"),
        ("date_of_birth", "1985-03"),
        ("registration_date", "1985"),
        ("register_number", "03/2003"),
        ("mother_birth_year", "1960"),
        ("sex", "Nữ"),
        ("ethnicity", "Hmông"),
        ("nationality", "Việt Nam"),
        ("full_name", "NGUYỄN THỊ HOA"),
        ("place_of_birth", "xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương"),
        ("personal_id", "001198012345"),
        ("date_of_birth_words", "ngày mười lăm tháng ba năm một nghìn chín trăm tám mươi lăm"),
    ],
)
def test_canonical_values_normalize_to_themselves(field: str, value: str) -> None:
    """The review app relies on this to tell a stored value that is canonical."""
    r = normalize_field(field, value)
    assert (r.value, r.issues) == (value, ())


def test_figures_unread_are_taken_from_the_words_and_the_id_checked_against_them() -> None:
    born = date(1998, 3, 15)
    pid = build_personal_id("001", "Nữ", born, "000001")
    values = {
        "date_of_birth": None,  # present, unreadable
        "date_of_birth_words": date_to_words(born),
        "personal_id": pid,
        "sex": "Nữ",
    }
    checks = check_entry("khai_sinh", values)
    assert checks["date_of_birth"].value == "1998-03-15"
    assert (
        checks["date_of_birth"].codes
        == checks["date_of_birth_words"].codes
        == ("date.figures_from_words",)
    )
    assert checks["personal_id"].issues == ()
    absent = {k: v for k, v in values.items() if k != "date_of_birth"}
    assert "date_of_birth" not in check_entry("khai_sinh", absent)  # not on the page: nothing


def test_the_death_register_checks_no_id_province() -> None:
    pid = build_personal_id("079", "Nam", date(1940, 5, 1), "000001")
    values = {"personal_id": pid, "sex": "Nam", "date_of_birth": "1940-05-01"}
    deaths = check_entry("khai_tu", values, registration_province_codes={"001"})
    assert deaths["personal_id"].issues == ()
    births = check_entry("khai_sinh", values, registration_province_codes={"001"})
    assert births["personal_id"].codes == ("personal_id.province_mismatch",)


def test_days_written_with_mung_read_back_without_issue() -> None:
    day = date(1990, 1, 1)
    for _ in range(40):
        r = normalize_date_words(date_to_words(day, mong="mùng"))
        assert r.iso == day.isoformat() and not r.issues
        day += timedelta(days=97)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # letters of a matched unit misread beyond marks: the end of the address respelled
        (
            "thôn 5, xã Hồng Phong, huyện Nam Sách, tỉnh Hảj Dương",
            "thôn 5, xã Hồng Phong, huyện Nam Sách, tỉnh Hải Dương",
        ),
        (
            "thôn Hạ, xã Bản Lầu, huyện Tứ Kỳ, tỉnh Hải ương",
            "thôn Hạ, xã Bản Lầu, huyện Tứ Kỳ, tỉnh Hải Dương",
        ),
        (  # a comma lost
            "thôn Chợ, xã Quang Tiến, huyện Sóc Sơn thành phố Hà Nội",
            "thôn Chợ, xã Quang Tiến, huyện Sóc Sơn, thành phố Hà Nội",
        ),
        (  # "thôn" one letter off at the start
            "fhôn 11, xã Minh Tân, huyện Nam Sách, tỉnh Hải Dương",
            "thôn 11, xã Minh Tân, huyện Nam Sách, tỉnh Hải Dương",
        ),
        (  # a common hamlet name but for its marks
            "thôn Ha, xã Hồng Phong, huyện Nam Sách, tỉnh Hải Dương",
            "thôn Hạ, xã Hồng Phong, huyện Nam Sách, tỉnh Hải Dương",
        ),
        (  # the commune within two letters of the one commune of the district near it
            "xã Phong Nẵẫm, huyện Kế Sách, tỉnh Sóc Trăng",
            "xã Phong Nẫm, huyện Kế Sách, tỉnh Sóc Trăng",
        ),
    ],
)
def test_misread_letters_of_matched_places_are_respelled_with_an_issue(
    raw: str, value: str
) -> None:
    result = normalize_place(raw)
    assert result.value == value
    assert result.codes[0] == "place.ocr_repaired"
    assert result.confidence(1.0) < 0.9


@pytest.mark.parametrize(
    "raw",
    [
        "XÃ AN THANH - HUYỆN TỨ KỲ - TỈNH HẢI DƯƠNG",  # other separators, letters right
        "Bệnh viện đa khoa tỉnh Hải Dương",
        "thôn Cốc Tùng, xã Hồng Phong, huyện Nam Sách, tỉnh Hải Dương",  # no hamlet fits marks
        "xã Hồng Phong, Nam Sách, Hải Dương",  # type words left out: nothing to respell
    ],
)
def test_places_with_their_letters_right_are_not_respelled(raw: str) -> None:
    result = normalize_place(raw)
    assert result.value == raw
    assert "place.ocr_repaired" not in result.codes


def test_of_several_surnames_that_fit_the_likeliest_is_put_in_and_all_are_named() -> None:
    result = normalize_name("TRINH VĂN HẢI")  # Trịnh or Trình: the marks tie, Trịnh is commoner
    assert result.value == "TRỊNH VĂN HẢI"
    assert result.codes == ("name.surname_unusual",)
    assert "Trình" in result.issues[0].message
    assert normalize_name("TRINH VĂN HẢI", typed=True).value == "TRINH VĂN HẢI"


def test_a_name_syllable_that_lost_its_first_letters_is_restored_when_one_fits() -> None:
    assert normalize_name("NGUYỄN VĂN OÀNG").value == "NGUYỄN VĂN HOÀNG"
    assert normalize_name("NGUYỄN NGỌC UYỆT").value == "NGUYỄN NGỌC NGUYỆT"  # not TUYẾT: marks
    assert normalize_name("NGUYỄN VĂN ÀNH").value == "NGUYỄN VĂN ÀNH"  # Thành? Lành? unsure


def test_a_surname_with_a_stray_letter_in_front_or_reduced_to_one_is_never_accepted() -> None:
    assert normalize_name("JNGUYỄN GIA AN").value == "NGUYỄN GIA AN"
    lone = normalize_name("L VĂN TOÀN")
    assert lone.value == "L VĂN TOÀN" and lone.codes == ("name.surname_unusual",)
    assert normalize_name("Y Wơn Niê").codes == ()  # an Ê-đê name opens with Y


def test_a_short_clipped_surname_is_restored_only_when_its_marks_fit_one() -> None:
    assert normalize_name("AM VĂN AN").value == "AM VĂN AN"  # Lâm, Đàm, Cầm: none is "AM"


def test_a_vowel_read_twice_in_a_given_name_is_undone_and_flagged() -> None:
    r = normalize_name("LƯƠNG QUỐC KHẨẢI")
    assert (r.value, r.codes) == ("LƯƠNG QUỐC KHẢI", ("name.syllable_repaired",))
    # a syllable with two tones or a doubled vowel that nothing listed fits is flagged
    r = normalize_name("NGUYỄN VĂN ZẨẢ")
    assert "name.impossible_syllable" in r.codes
    assert normalize_name("LƯU VĂN AN").codes == ()  # "ưu" is a vowel pair


def test_a_name_ends_at_its_longest_run_of_fill_in_dots() -> None:
    """A few dots read for a gap inside the name do not end it: the long run does."""
    r = normalize_name("LÊ THỊ...HÀ.................222222222222")
    assert r.value == "LÊ THỊ HÀ"
    assert r.codes == ("name.text_after_dots",)


def test_a_surname_run_together_with_the_next_syllable_is_parted() -> None:
    r = normalize_name("LÝANH VINH")
    assert (r.value, r.codes) == ("LÝ ANH VINH", ("name.syllable_repaired",))
    for name in ("Y WƠN NIÊ", "KSOR PHƯỚC"):  # other peoples' names: no listed surname in them
        assert normalize_name(name).value == name


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("jNGUYỄN THANH NHUNG", "NGUYỄN THANH NHUNG"),  # a stroke of the fill-in line in front
        ("7RÂN THANH TÀI", "TRẦN THANH TÀI"),  # a figure read for the T
        ("PĐHAM THANH QUÂN", "PHẠM THANH QUÂN"),  # one letter too many
    ],
)
def test_what_ocr_put_in_or_before_a_surname_is_taken_off(raw: str, value: str) -> None:
    r = normalize_name(raw)
    assert (r.value, r.codes) == (value, ("name.surname_repaired",))


def test_a_syllable_split_at_a_gap_between_its_letters_is_joined_again() -> None:
    assert normalize_name("LÊ KIM H UỆ").value == "LÊ KIM HUỆ"
    assert normalize_name("LÊ TH T HOA").value == "LÊ THỊ HOA"
    # a fragment nothing fits is flagged, not passed off as a Hmông syllable
    assert "name.impossible_syllable" in normalize_name("NGUYỄN NGỌC H YỀN").codes
    assert normalize_name("LY A PHỪ").codes == ()
