"""Names: NFC, the register's case, tone-mark style both ways, impossible characters flagged."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.config.settings import Settings
from hotich.schema.normalize import FACTORS, apply_tone_style, normalize_field, normalize_name
from hotich.schema.normalize.names import NAME_LETTERS

PAIRS = [  # (old style, new style)
    ("HOÀ", "HÒA"),
    ("Hoà", "Hòa"),
    ("hoá", "hóa"),
    ("Thuý", "Thúy"),
    ("THUỶ", "THỦY"),
    ("khoẻ", "khỏe"),
    ("Loè", "Lòe"),
    ("Hoạ", "Họa"),
    ("Tuỵ", "Tụy"),
    ("Khoả", "Khỏa"),
]
UNCHANGED = [
    "Hoàng",
    "Quý",
    "QUÝ",
    "Quỳnh",
    "Thuận",
    "Khuyên",
    "Hoa",
    "Thuy",
    "Quà",
    "Ngọc",
    "Toản",
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_tone_style_both_ways(old: str, new: str) -> None:
    assert apply_tone_style(old, "new") == new
    assert apply_tone_style(new, "old") == old
    assert apply_tone_style(old, "old") == old
    assert apply_tone_style(new, "new") == new
    assert apply_tone_style(old, "keep") == old


@pytest.mark.parametrize("word", UNCHANGED)
def test_syllables_without_a_choice_are_left_alone(word: str) -> None:
    assert apply_tone_style(word, "old") == word
    assert apply_tone_style(word, "new") == word


def test_a_full_name() -> None:
    r = normalize_name("  NGUYỄN   THỊ  THUỶ  HOÀ ", style="new")
    assert (r.value, r.issues) == ("NGUYỄN THỊ THỦY HÒA", ())
    assert r.raw == "  NGUYỄN   THỊ  THUỶ  HOÀ "
    assert normalize_name("Nguyễn Thị Thủy Hòa", style="old").value == "Nguyễn Thị Thuỷ Hoà"
    assert normalize_name("Nguyễn Thị Thủy Hòa").value == "Nguyễn Thị Thủy Hòa"  # keep


def test_nfc_and_case_as_written() -> None:
    decomposed = unicodedata.normalize("NFD", "Lê Thị Hồng")
    r = normalize_name(decomposed)
    assert r.value == "Lê Thị Hồng"
    assert unicodedata.is_normalized("NFC", r.value or "")
    assert normalize_name("TRẦN VĂN AN").value == "TRẦN VĂN AN"
    assert normalize_name("trần văn an").value == "trần văn an"


@pytest.mark.parametrize(
    ("raw", "chars"),
    [
        ("Nguyễn Văn 3", "3"),
        ("Lê Thị Hoa.", None),
        ("Trần Vän An", "ä"),
        ("Phạm Thị ñga", "ñ"),
        ("Lê@Hoa", "@"),
    ],
)
def test_characters_no_name_can_have(raw: str, chars: str | None) -> None:
    r = normalize_name(raw)
    if chars is None:  # a trailing dot is a fill-in leader, not part of the name
        assert r.issues == ()
        return
    assert r.codes == ("name.bad_chars",)
    assert chars in r.issues[0].message
    assert r.factor == FACTORS["name.bad_chars"]
    assert r.value is not None and r.raw == raw


def test_minority_names_and_mixed_case() -> None:
    for name in ("Y Wơn Niê", "Siu H'Zép", "Ksor Phước", "Rơ Châm Jơk", "Hồ-Văn An"):
        assert normalize_name(name).issues == (), name
    r = normalize_name("NGUYễN VĂN AN")
    assert r.codes == ("name.mixed_case",)


def test_the_setting_and_field_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().name_tone_style == "keep"
    monkeypatch.setenv("HOTICH_NAME_TONE_STYLE", "new")
    style = Settings().name_tone_style
    assert normalize_field("mother_name", "Lê Thị Hoà", tone_style=style).value == "Lê Thị Hòa"


_letters = st.sampled_from(sorted(NAME_LETTERS))
_syllables = st.lists(_letters, min_size=1, max_size=6).map("".join)
_names = st.lists(_syllables, min_size=1, max_size=4).map(" ".join)


@given(name=_names)
def test_styles_are_idempotent_and_reversible(name: str) -> None:
    old, new = apply_tone_style(name, "old"), apply_tone_style(name, "new")
    assert apply_tone_style(old, "old") == old
    assert apply_tone_style(new, "new") == new
    assert apply_tone_style(new, "old") == old
    assert apply_tone_style(old, "new") == new
    # Random letters may look like a misread surname, and after a listed surname like misread
    # or impossible syllables; nothing else may be flagged.
    surname = {"name.surname_repaired", "name.surname_unusual"}
    syllables = {"name.impossible_syllable", "name.syllable_repaired", "name.one_word"}
    assert set(normalize_name(name).codes) <= {"name.mixed_case", *surname, *syllables}


def test_a_surname_that_lost_its_first_letter_is_restored_and_flagged() -> None:
    result = normalize_name("GUYỄN THU MAI")
    assert result.value == "NGUYỄN THU MAI"
    assert [i.code for i in result.issues] == ["name.surname_repaired"]
    assert normalize_name("Ksor Phước").issues == ()  # fits no surname: left alone
    assert normalize_name("GUYỄN THU MAI", typed=True).value == "GUYỄN THU MAI"


def test_words_no_vietnamese_syllable_spells_are_flagged() -> None:
    for name in ("ĐẶNG ĐỨC LƯC", "NGUYỄN THỊ THANH DIÊP", "NGUYỄN VĂNMINH", "NGUYỄN THỊLAN"):
        # flagged, and where one name in use fits, restored (with its issue)
        codes = set(normalize_name(name).codes)
        assert codes & {"name.impossible_syllable", "name.syllable_repaired"}, name
    for name in ("NGUYỄN VĂN PHÚC", "HOÀNG VĂN ĐẠT", "TRẦN THỊ NGỌC BÍCH", "NGÔ QUÝ KHUÊ GIA"):
        assert normalize_name(name).codes == (), name
    assert normalize_name("Y Wơn Niê").codes == ()  # other peoples' names: other rules


def test_a_lower_case_word_in_a_name_in_capitals_is_flagged() -> None:
    assert normalize_name("põ VĂN CƯỜNG").codes == ("name.mixed_case",)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("LÊ THI VÂN", "LÊ THỊ VÂN"),  # THI is no middle name: THỊ
        ("NGUYỄN THỊ NHŨNG", "NGUYỄN THỊ NHUNG"),  # a mark invented
        ("NGUYỄN VĂN HỮNG", "NGUYỄN VĂN HƯNG"),  # Hưng, not Hùng: the horn was read
        ("VÕ THT MAT", "VÕ THỊ MAI"),  # I read as T
        ("ĐẶNG KTIM LAN", "ĐẶNG KIM LAN"),  # a stray T before the I
        ("NGUYỄN VĂNHUY", "NGUYỄN VĂN HUY"),  # two syllables run together
        ("NGUYỄN THỊ MAI N", "NGUYỄN THỊ MAI"),  # a stray letter after the name
        ("HỒ MINH NAM an", "HỒ MINH NAM"),
    ],
)
def test_misread_syllables_are_restored_from_names_in_use_and_flagged(raw: str, value: str) -> None:
    result = normalize_name(raw)
    assert result.value == value
    assert "name.syllable_repaired" in result.codes
    assert result.confidence(1.0) < 0.9  # never auto-accepted
    assert normalize_name(raw, typed=True).value != value  # a person's typing is kept


@pytest.mark.parametrize(
    "name",
    [
        "NGUYỄN VĂN PHƯỢNG",  # listed: never changed, even if another name is commoner
        "TRẦN THỊ THU",
        "LÊ VĂN BA",  # birth-order names of older generations
        "LY A PHỪ",  # Hmông names follow other rules
        "LÒ VĂN PÓM",
        "NGUYỄN VĂN XYZQ",  # fits no listed name: left as written
    ],
)
def test_names_in_use_or_of_other_rules_are_left_alone(name: str) -> None:
    result = normalize_name(name)
    assert result.value == name
    assert "name.syllable_repaired" not in result.codes


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        # what follows the fill-in dots is not the name: left out, with an issue
        ("PHẠM VĂN BÌNH... dục", "PHẠM VĂN BÌNH", ("name.text_after_dots",)),
        ("NGUYỄN VĂN AN......", "NGUYỄN VĂN AN", ()),  # dots alone: nothing to say
        # quotes and brackets at the ends are marks of the line, not of the name
        ("'TRẦN THANH ĐÔNG", "TRẦN THANH ĐÔNG", ()),
        ("NGUYỄN HỒNG NGA_'", "NGUYỄN HỒNG NGA", ()),
        # a scrap after a name of three words
        ("PHAN NGỌC GIANG Nho", "PHAN NGỌC GIANG", ("name.syllable_repaired",)),
        ("NGUYỄN THỊ VY Ị", "NGUYỄN THỊ VY", ("name.syllable_repaired",)),
        ("NGUYỄN VĂN A", "NGUYỄN VĂN A", ()),  # a lone vowel after two words may be a name
    ],
)
def test_what_ocr_read_around_a_name_is_left_out(
    raw: str, value: str, codes: tuple[str, ...]
) -> None:
    result = normalize_name(raw)
    assert (result.value, result.codes) == (value, codes)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("NGUY ÊN VĂN TÂM", "NGUYỄN VĂN TÂM"),  # a surname split in two
        ("NG UYÊN TRỌNG AN", "NGUYỄN TRỌNG AN"),
        ("NGUYỄN. THTI_TRÂM", "NGUYỄN THỊ TRÂM"),  # marks read for the gaps between words
        ("TRƯƠNG QUỐC: THỊNH", "TRƯƠNG QUỐC THỊNH"),
        ("LÊ THỊ,HÀ", "LÊ THỊ HÀ"),
    ],
)
def test_gaps_read_as_marks_and_split_surnames_are_mended(raw: str, value: str) -> None:
    assert normalize_name(raw).value == value
    assert normalize_name("H'Hen Niê").value == "H'Hen Niê"  # an apostrophe is part of a name
    assert normalize_name(raw, typed=True).value != value  # a person's typing is kept


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("NGUYÊNTHỊTHƯ", "NGUYỄN THỊ THƯ"),  # the spaces of a typewriter's narrow pitch lost
        ("NGUYỄNNGỌCVY", "NGUYỄN NGỌC VY"),
        ("TRẦNHỮUQUÂN", "TRẦN HỮU QUÂN"),
        ("NGUYỄN THIYẾN", "NGUYỄN THỊ YẾN"),
    ],
)
def test_name_syllables_run_together_are_parted(raw: str, value: str) -> None:
    found = normalize_name(raw)
    assert found.value == value and found.raw == raw
    assert "name.syllable_repaired" in found.codes and "name.one_word" not in found.codes


def test_a_long_word_that_parts_no_one_way_is_left() -> None:
    assert normalize_name("NGUYỄN XYZQWRT").value == "NGUYỄN XYZQWRT"
    assert normalize_name("NGUYỄN NGUYÊN").value == "NGUYỄN NGUYÊN"  # a syllable itself


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("##À VĂN HÒA", "HÀ VĂN HÒA"),  # a handwritten H read as marks
        ("ƑJ⁄À THỊ LOAN", "HÀ THỊ LOAN"),
        ("jMÔNG VĂN QUÂN", "NÔNG VĂN QUÂN"),  # N read as "jM": Ông alone is a surname too
        ("#LÊ VĂN AN", "LÊ VĂN AN"),  # marks before a whole surname
    ],
)
def test_a_surnames_first_letter_read_as_marks_is_restored_when_one_surname_fits(
    raw: str, value: str
) -> None:
    r = normalize_name(raw)
    assert r.value == value
    assert "name.surname_repaired" in r.codes


def test_a_garbled_first_letter_two_surnames_fit_is_left_as_read() -> None:
    assert normalize_name("1„ĂNG THỊ THẢO").value == "1„ĂNG THỊ THẢO"  # Tăng or Lăng
    assert normalize_name("ÔNG THỊ HƯƠNG").value == "ÔNG THỊ HƯƠNG"  # no marks: nothing lost


def test_a_surnames_i_read_as_t_is_restored() -> None:
    r = normalize_name("MAT VĂN HOÀNG")  # the registrar of a whole table book, row after row
    assert (r.value, r.codes) == ("MAI VĂN HOÀNG", ("name.surname_repaired",))
    assert normalize_name("BÙT THỊ LAN").value == "BÙI THỊ LAN"


def test_a_surname_one_letter_off_listed_ones_goes_to_review_naming_them() -> None:
    r = normalize_name("MAX VĂN HOÀNG")
    assert r.value == "MAX VĂN HOÀNG"  # several fit: nothing is changed
    assert "name.surname_unusual" in r.codes
    # other peoples' surnames, far from any listed one, are left alone
    assert normalize_name("QUÀNG ĐỨC LONG").codes == ()


def test_a_marked_vowel_alone_where_the_surname_is_restored_when_one_surname_ends_so() -> None:
    r = normalize_name("Ê THANH LAN")  # "L" lost against the cell's rule
    assert (r.value, r.codes) == ("LÊ THANH LAN", ("name.surname_repaired",))
    assert normalize_name("A PAO VÀNG").codes == ()  # a Hmông name opens with "A"
