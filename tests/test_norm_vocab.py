"""Sex, ethnic group, nationality: canonical values from known forms; OCR damage repaired with
an issue; an unknown or ambiguous value is an issue and never replaced."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.schema.normalize import (
    normalize_ethnicity,
    normalize_nationality,
    normalize_sex,
)
from hotich.schema.normalize.ethnicity import EthnicGroup, ethnic_groups
from hotich.schema.normalize.nationality import countries
from hotich.schema.normalize.vocab import loose_key
from hotich.schema.text import strip_accents


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        ("Nam", "Nam", ()),
        ("NAM", "Nam", ()),
        ("nữ", "Nữ", ()),
        ("NỮ.", "Nữ", ()),
        ("Trai", "Nam", ()),
        ("con gái", "Nữ", ()),
        ("Giới tính: Nữ", "Nữ", ()),
        ("Nu", "Nữ", ("sex.repaired",)),
        ("Nừ", "Nữ", ("sex.repaired",)),
        ("Narn", "Nam", ("sex.repaired",)),
        ("Thai", None, ("sex.unknown",)),
        ("X", None, ("sex.unknown",)),
        ("", "", ()),
    ],
)
def test_sex(raw: str, value: str | None, codes: tuple[str, ...]) -> None:
    r = normalize_sex(raw)
    assert (r.value, r.codes, r.raw) == (value, codes, raw)


def test_the_54_groups() -> None:
    groups = ethnic_groups()
    assert len(groups) == 54
    assert [g.code for g in groups] == [f"{i:02d}" for i in range(1, 55)]
    assert len({g.name for g in groups}) == 54
    for g in groups:
        r = normalize_ethnicity(g.name)
        assert (r.value, r.issues) == (g.name, ())
        assert r.group == g
        assert normalize_ethnicity(g.moj_name).value == g.name
        assert normalize_ethnicity(g.name.upper()).value == g.name


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Khmer", "Khơ-me"),
        ("Khơ Me", "Khơ-me"),
        ("KHƠ-ME", "Khơ-me"),
        ("Mông", "Hmông"),
        ("H'Mông", "Hmông"),
        ("Mèo", "Hmông"),
        ("Gia Rai", "Gia-rai"),
        ("Jrai", "Gia-rai"),
        ("Ê Đê", "Ê-đê"),
        ("Ra-đê", "Ê-đê"),
        ("Ba Na", "Ba-na"),
        ("RaGlay", "Ra-glai"),
        ("X'Tiêng", "Xtiêng"),
        ("Stiêng", "Xtiêng"),
        ("M'Nông", "Mnông"),
        ("Phú Lá", "Phù Lá"),
        ("Tà Ôi", "Tà-ôi"),
        ("Chàm", "Chăm"),
        ("Dao (Mán)", "Dao"),
        ("Dân tộc: Kinh", "Kinh"),
        ("Thổ", "Thổ"),
        ("Hoa", "Hoa"),
    ],
)
def test_ethnicity_variants_and_old_names_map_without_issue(raw: str, value: str) -> None:
    r = normalize_ethnicity(raw)
    assert (r.value, r.issues) == (value, ())


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Kinn", "Kinh"), ("Tay", "Tày"), ("Muong", "Mường"), ("Nùnq", "Nùng"), ("Lao", "Lào")],
)
def test_ethnicity_repairs_are_issues(raw: str, value: str) -> None:
    r = normalize_ethnicity(raw)
    assert (r.value, r.codes, r.raw) == (value, ("ethnicity.repaired",), raw)
    assert value in r.issues[0].message


def test_ambiguous_and_unknown_ethnicity_are_not_replaced() -> None:
    r = normalize_ethnicity("Mán")
    assert (r.value, r.codes) == (None, ("ethnicity.ambiguous",))
    assert "Dao" in r.issues[0].message and "Sán Dìu" in r.issues[0].message
    for raw in ("Xá Lá Vàng", "Trại", "Chil"):
        assert normalize_ethnicity(raw).codes == ("ethnicity.ambiguous",)
    for raw in ("Atlantis", "Gai", "Nan", "123"):
        r = normalize_ethnicity(raw)
        assert (r.value, r.codes, r.raw) == (None, ("ethnicity.unknown",), raw)


def _forms() -> list[tuple[str, str]]:
    return [(f, g.name) for g in ethnic_groups() for f in (g.name, g.moj_name, *g.variants)]


@given(form=st.sampled_from(_forms()), case=st.sampled_from(["upper", "lower", "no marks"]))
def test_every_spelling_finds_its_group(form: tuple[str, str], case: str) -> None:
    text, name = form
    changed = {"upper": text.upper(), "lower": text.lower(), "no marks": strip_accents(text)}[case]
    r = normalize_ethnicity(changed)
    assert r.value == name
    # only a loss of marks is a repair; a change of case is not
    assert r.issues == () or (case == "no marks" and r.codes == ("ethnicity.repaired",))


@given(group=st.sampled_from(ethnic_groups()), data=st.data())
def test_a_subgroup_name_maps_to_its_group_or_is_left_to_a_person(
    group: EthnicGroup, data: st.DataObject
) -> None:
    if not group.subgroups:
        return
    sub = data.draw(st.sampled_from(group.subgroups))
    r = normalize_ethnicity(sub)
    if r.value is None:
        assert r.codes == ("ethnicity.ambiguous",)
        assert group.name in r.issues[0].message
    else:
        # the group itself, or a group whose own name the sub-group name is ("Thổ", "Hoa")
        assert r.value == group.name or loose_key(r.value) == loose_key(sub)


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        ("Việt Nam", "Việt Nam", ()),
        ("VIỆT NAM", "Việt Nam", ()),
        ("VN", "Việt Nam", ()),
        ("Việt-Nam", "Việt Nam", ()),
        ("Quốc tịch: Việt Nam", "Việt Nam", ()),
        ("Viet Nam", "Việt Nam", ()),
        ("Viêt Nam", "Việt Nam", ("nationality.repaired",)),
        ("Việt Nan", "Việt Nam", ("nationality.repaired",)),
        ("Mỹ", "Hoa Kỳ", ()),
        ("Campuchia", "Căm-pu-chia", ()),
        ("Liên Xô", "Liên Xô", ()),
        ("Atlantis", None, ("nationality.unknown",)),
    ],
)
def test_nationality(raw: str, value: str | None, codes: tuple[str, ...]) -> None:
    r = normalize_nationality(raw)
    assert (r.value, r.codes, r.raw) == (value, codes, raw)


def test_country_list_is_consistent() -> None:
    names = [c.name for c in countries()]
    assert len(names) == len(set(names))
    assert next(c for c in countries() if c.name == "Việt Nam").code == "VN"
    for c in countries():
        assert normalize_nationality(c.name).value == c.name
        for v in c.variants:
            assert normalize_nationality(v).value == c.name, v


def test_a_short_name_one_letter_off_is_repaired_only_when_the_reading_cannot_be_a_word() -> None:
    for raw in ("Hoqa", "Hod", "Ho@"):  # q without u, a "d" ending, a mark that is no letter
        r = normalize_ethnicity(raw)
        assert (r.value, r.codes) == ("Hoa", ("ethnicity.repaired",)), raw
    for raw in ("Gai", "Nan"):  # Vietnamese words: not taken for Ngái or Hoa's "Hán"
        assert normalize_ethnicity(raw).codes == ("ethnicity.unknown",)


def test_marks_that_are_no_letters_are_left_out_before_a_fuzzy_match() -> None:
    r = normalize_nationality("Việf£ Nam")
    assert (r.value, r.codes) == ("Việt Nam", ("nationality.repaired",))


def test_a_figure_read_for_a_letter_with_another_letter_off_is_still_the_group() -> None:
    from hotich.schema.normalize.ethnicity import normalize_ethnicity

    found = normalize_ethnicity("7húái")  # T read as 7, and a stray mark on the vowel
    assert found.value == "Thái"
    assert "ethnicity.repaired" in [i.code for i in found.issues]
