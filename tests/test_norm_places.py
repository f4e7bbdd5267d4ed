"""Places matched to the units of their time, offline: old units with codes, the unit after the
2025 reform, issues for what cannot be matched, and never a call to an online geocoder."""

from __future__ import annotations

import socket
from datetime import date

import pytest

from hotich.schema.normalize import OfflineGeocoderError, normalize_place, registration_id_codes
from hotich.schema.normalize.admin_units import install_geocoder_guard, legacy_province_by_name
from hotich.schema.normalize.personal_id import id_provinces

AN_THANH = ("Xã An Thanh", "11125", "Huyện Tứ Kỳ", "298", "Tỉnh Hải Dương", "30")


@pytest.mark.parametrize(
    "raw",
    [
        "xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương",
        "X. An Thanh, H. Tứ Kỳ, T. Hải Dương",
        "xa an thanh, huyen tu ky, tinh hai duong",
        "XÃ AN THANH - HUYỆN TỨ KỲ - TỈNH HẢI DƯƠNG",
        "Thôn 3, xã An Thanh, huyện Tứ Kỳ, tỉnh Hải Dương",
        "Trạm y tế xã An Thanh, huyện Tứ Kỳ, Hải Dương",
        "xã An Thanh, tỉnh Hải Dương",
    ],
)
def test_old_commune_with_codes_and_its_new_unit(raw: str) -> None:
    r = normalize_place(raw)
    assert r.issues == ()
    assert r.value == " ".join(raw.split())  # the text as written stays the value
    assert r.match is not None and r.match.legacy is not None
    old = r.match.legacy
    assert (old.ward, old.ward_code, old.district, old.district_code) == AN_THANH[:4]
    assert (old.province, old.province_code) == AN_THANH[4:]
    new = r.match.current
    assert new is not None
    assert (new.ward, new.ward_code, new.province, new.province_code) == (
        "Xã Chí Minh",
        "11131",
        "Thành phố Hải Phòng",
        "31",
    )
    assert new.district is None  # no districts after 1 July 2025
    assert r.match.id_codes == ("030",)


def test_district_and_province_levels() -> None:
    r = normalize_place("Tứ Kỳ, Hải Dương")
    assert r.issues == () and r.match is not None and r.match.legacy is not None
    assert (r.match.legacy.district, r.match.legacy.ward) == ("Huyện Tứ Kỳ", None)
    r = normalize_place("Bệnh viện Phụ sản Hà Nội")
    assert r.issues == () and r.match is not None and r.match.legacy is not None
    assert r.match.legacy.province == "Thành phố Hà Nội" and r.match.id_codes == ("001",)


def test_city_ward_renamed_by_the_reform() -> None:
    r = normalize_place("Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh")
    assert r.issues == () and r.match is not None
    assert r.match.legacy is not None and r.match.legacy.ward == "Phường Bến Nghé"
    assert r.match.current is not None and r.match.current.ward == "Phường Sài Gòn"


def test_a_commune_merged_before_2025_and_a_dissolved_province() -> None:
    r = normalize_place("xã Đại Thành, huyện Quốc Oai, tỉnh Hà Tây")
    assert r.issues == () and r.match is not None and r.match.legacy is not None
    assert r.match.legacy.ward == "Xã Hưng Đạo"  # Đại Thành was merged into it
    assert r.match.written_commune == "xã Đại Thành"
    assert r.match.historic_province == "Hà Tây"
    assert r.match.legacy.province == "Thành phố Hà Nội"
    r = normalize_place("huyện Yên Phong, tỉnh Hà Bắc")
    assert r.issues == () and r.match is not None and r.match.legacy is not None
    assert r.match.legacy.province == "Tỉnh Bắc Ninh"


def test_split_old_commune_is_left_to_a_person() -> None:
    """Recorded as written (right, so no issue: the entry need not go to review for it); the
    new communes it was split among are listed, and none is guessed."""
    r = normalize_place("thị trấn Trường Sơn, huyện An Lão, thành phố Hải Phòng")
    assert r.codes == ()
    assert r.value == "thị trấn Trường Sơn, huyện An Lão, thành phố Hải Phòng"
    assert r.match is not None and r.match.current is not None
    assert r.match.current.ward is None  # no silent guess
    assert {u.ward for u in r.match.split_among} == {"Phường Phù Liễn", "Xã An Lão"}


def test_new_units_after_the_reform() -> None:
    r = normalize_place("xã Chí Minh, thành phố Hải Phòng", on=date(2025, 9, 1))
    assert r.issues == () and r.match is not None
    assert r.match.legacy is None
    assert r.match.current is not None and r.match.current.ward_code == "11131"
    assert set(r.match.id_codes) == {"030", "031"}  # Hải Phòng took in Hải Dương


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Nowhere land", "place.unmatched"),
        ("xã Bát Trànng xx, huyện Gia Lâm, thành phố Hà Nội", "place.commune_unmatched"),
        ("huyện Ma Ma, tỉnh Hải Dương", "place.district_unmatched"),
        ("Hà Bắc", "place.historic_split"),
    ],
)
def test_unmatched_places_are_issues_and_the_text_stays(raw: str, code: str) -> None:
    r = normalize_place(raw)
    assert r.codes == (code,)
    assert r.value == raw and r.raw == raw
    assert r.factor < 1


def test_a_commune_not_in_the_list_is_an_issue_only_when_a_real_one_is_near() -> None:
    """A near spelling of a commune of the district is likely misread: an issue naming it,
    and, when it is within two letters of that one commune, the place read again with its
    spelling (an issue too). A name near none (renamed long ago, missing from the list) is
    taken as written."""
    misread = normalize_place("xã Bát Trànng xx, huyện Gia Lâm, thành phố Hà Nội")
    assert misread.codes == ("place.commune_unmatched",)
    assert "Bát Tràng" in misread.issues[0].message
    close = normalize_place("xã Bát Tràn, huyện Gia Lâm, thành phố Hà Nội")
    assert close.value == "xã Bát Tràng, huyện Gia Lâm, thành phố Hà Nội"
    assert close.raw == "xã Bát Tràn, huyện Gia Lâm, thành phố Hà Nội"
    assert close.codes[0] == "place.ocr_repaired"
    assert close.match is not None and close.match.legacy is not None
    assert close.match.legacy.ward == "Xã Bát Tràng"
    assert close.confidence(1.0) < 0.9
    unknown = normalize_place("thôn Đông, xã Hòa Bình, huyện Gia Lâm, thành phố Hà Nội")
    assert unknown.issues == () and unknown.factor == 0.9  # unverified: to review, no issue
    assert unknown.match is not None and unknown.match.legacy is not None
    assert (unknown.match.legacy.district, unknown.match.legacy.ward) == ("Huyện Gia Lâm", None)


def test_registration_id_codes_from_the_commune_key() -> None:
    assert registration_id_codes("00418-tien-dược") == ("001",)  # Hà Nội
    assert registration_id_codes("418-x") == ("001",)  # leading zeros left out
    assert registration_id_codes("20227-dai-thanh") == ("048",)  # Đà Nẵng
    assert registration_id_codes("10166-an-thinh") == ()  # no such commune
    assert registration_id_codes("dai-thanh") == ()  # no code
    assert registration_id_codes("123456-x") == ()  # six digits: no commune code


def test_province_codes_agree_with_the_shipped_units() -> None:
    for code, name in id_provinces().items():
        found = legacy_province_by_name(name)
        assert found is not None, name
        assert found[1].id_code == code, name


SPLIT_WITH_STREETS = [
    "Thôn 1, thị trấn Trường Sơn, huyện An Lão, thành phố Hải Phòng",
    "Số 5 đường Lê Lợi, thị trấn Trường Sơn, huyện An Lão, thành phố Hải Phòng",
    "Xóm Chợ, xã Thái Sơn, huyện An Lão, thành phố Hải Phòng",
    "12 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
]


def test_no_geocoder_call_and_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """geopy's geocoders and every socket connection are made to fail loudly and record the
    attempt; normalizing addresses with streets, split communes included, must make none."""
    import geopy.geocoders  # type: ignore[import-untyped]

    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("network or geocoder used")

    monkeypatch.setattr(geopy.geocoders.ArcGIS, "geocode", refuse)
    monkeypatch.setattr(geopy.geocoders.base.Geocoder, "_call_geocoder", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    normalize_place.cache_clear()
    for raw in SPLIT_WITH_STREETS:
        normalize_place(raw)
        normalize_place(raw, on=date(2025, 8, 1))
    assert calls == []


def test_the_packages_own_converter_is_guarded() -> None:
    """If any code called the package's converter on a split commune with a street (the one
    path that geocodes online), it raises instead of connecting."""
    install_geocoder_guard()
    from vietnamadminunits import convert_address  # type: ignore[import-untyped]

    with pytest.raises(OfflineGeocoderError) as caught:
        convert_address(SPLIT_WITH_STREETS[0])
    assert "ngoại tuyến" in str(caught.value) or "offline" in str(caught.value)


def test_dots_read_between_the_words_of_a_place_go_and_abbreviations_keep_theirs() -> None:
    r = normalize_place("ấp Phú Thọ, xã. Tân. Thanh,. huyện Thới Lai, thành phố Cần Thơ")
    assert r.value == "ấp Phú Thọ, xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ"
    assert normalize_place("TX. Sơn Tây, TP. Hà Nội").value == "TX. Sơn Tây, TP. Hà Nội"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # a comma read as a dot before the commune, or lost after the hamlet
        (
            "thôn 7. xã Nam Hưng, huyện Nam Sách, tỉnh Hải Dương",
            "thôn 7, xã Nam Hưng, huyện Nam Sách, tỉnh Hải Dương",
        ),
        (
            "ấp 4 xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ",
            "ấp 4, xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ",
        ),
        # "ấp" opening the address with a first letter that is no Vietnamese letter
        (
            "ñP 11, xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ",
            "ấp 11, xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ",
        ),
        # one misread word in "Bệnh viện đa khoa"
        ("Bệnh viện äđa khoa thành phố Cần Thơ", "Bệnh viện đa khoa thành phố Cần Thơ"),
    ],
)
def test_misread_punctuation_and_phrase_words_are_repaired_and_flagged(
    raw: str, value: str
) -> None:
    r = normalize_place(raw)
    assert r.value == value
    assert "place.ocr_repaired" in r.codes


def test_a_place_of_birth_runs_on_without_a_comma_and_stays_so() -> None:
    raw = "Bệnh viện đa khoa huyện Thới Lai, thành phố Cần Thơ"
    assert (normalize_place(raw).value, normalize_place(raw).codes) == (raw, ())


def test_a_commune_spelled_as_its_near_namesake_does_not_loop() -> None:
    """A place naming a commune but no district: the one commune near it is spelled the same,
    and reading it again with that spelling changed nothing (it recursed without end and the
    page was quarantined as an internal error)."""
    r = normalize_place("Trạm y tế xã Tân Thạnh")
    assert r.value == "Trạm y tế xã Tân Thạnh"
    assert "place.commune_unmatched" in r.codes


def test_a_figure_read_for_a_letter_in_a_name_of_a_place_is_the_letter() -> None:
    r = normalize_place("Bệnh viện đa khoa huyện Thới La1, thành phố Cần Thơ")
    assert r.value == "Bệnh viện đa khoa huyện Thới Lai, thành phố Cần Thơ"
    assert "place.ocr_repaired" in r.codes
    # figures of their own are numbers
    assert normalize_place("thôn 10, xã Nam Hưng, huyện Nam Sách, tỉnh Hải Dương").value == (
        "thôn 10, xã Nam Hưng, huyện Nam Sách, tỉnh Hải Dương"
    )


def test_a_scrap_inside_the_end_of_an_address_is_left_out_with_the_units_spelling() -> None:
    r = normalize_place("thôn 2, xã Nam Hưng, huyện Nam Sách, tỉnh Hải rả . Dương")
    assert r.value == "thôn 2, xã Nam Hưng, huyện Nam Sách, tỉnh Hải Dương"
    assert "place.ocr_repaired" in r.codes


def test_dotted_fill_in_lines_and_quotation_marks_inside_a_place_are_not_part_of_it() -> None:
    raw = "thôn... Tân..Lâp,... xã..Viĩnh Quang,..huyện Vĩnh Thạnh, tỉnh Bình....... Định"
    found = normalize_place(raw)
    assert found.value == "thôn Tân Lập, xã Vĩnh Quang, huyện Vĩnh Thạnh, tỉnh Bình Định"
    assert "place.ocr_repaired" in found.codes and found.raw == raw
    quoted = normalize_place("thôn 7„, xã Vĩnh Quang, huyện Vĩnh Thạnh, tỉnh Bình Định")
    assert quoted.value == "thôn 7, xã Vĩnh Quang, huyện Vĩnh Thạnh, tỉnh Bình Định"
    assert normalize_place("TP. Hồ Chí Minh").value == "TP. Hồ Chí Minh"  # one dot stays


def test_a_symbol_read_in_a_units_type_word_and_a_dot_for_a_space_are_repaired() -> None:
    r = normalize_place("Trạm y tế xã Lạng Khệ, huyên Con Cuông, t‡nh.Nghê An")
    assert r.value == "Trạm y tế xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ An"
    assert "place.ocr_repaired" in r.codes and r.match is not None
    assert normalize_place("xóm Bắc, xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ.An").value == (
        "xóm Bắc, xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ An"
    )
    # abbreviations keep their dot
    assert normalize_place("TP.Hồ Chí Minh").value == "TP.Hồ Chí Minh"
    assert normalize_place("Tp.Vinh, tỉnh Nghệ An").value == "Tp.Vinh, tỉnh Nghệ An"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # read on past the province along the fill-in line
        (
            "xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ An vi 1.",
            "xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ An",
        ),
        (
            "Trạm y tế xã Quỳnh Bảng, huyện Quỳnh Lưu, tỉnh Nghệ An TÊN",
            "Trạm y tế xã Quỳnh Bảng, huyện Quỳnh Lưu, tỉnh Nghệ An",
        ),
        # what is left of a table's erased rule, before the hamlet word
        (
            "lấp Hạ, xã Trường Xuân A, huyện Thới Lai, thành phố Cần Thơ",
            "ấp Hạ, xã Trường Xuân A, huyện Thới Lai, thành phố Cần Thơ",
        ),
        (
            "c— — — —— — _ấp Cốc Lùng, xã Đông Thuận, huyện Thới Lai, thành phố Cần Thơ",
            "ấp Cốc Lùng, xã Đông Thuận, huyện Thới Lai, thành phố Cần Thơ",
        ),
        (
            "À. ấp 10, xã Trường Xuân A, huyện Thới Lai, thành phố Cần Thơ",
            "ấp 10, xã Trường Xuân A, huyện Thới Lai, thành phố Cần Thơ",
        ),
    ],
)
def test_scraps_read_past_either_end_of_an_address_are_left_out(raw: str, value: str) -> None:
    r = normalize_place(raw)
    assert r.value == value
    assert "place.ocr_repaired" in r.codes  # what was read differs: a person checks it


@pytest.mark.parametrize(
    "raw",
    [
        "xã Lạng Khê, huyện Con Cuông, tỉnh Nghệ An, Việt Nam",
        "xã Sài Sơn, huyện Quốc Oai, tỉnh Hà Tây (nay là thành phố Hà Nội)",
        "Lấp Vò, xã Mỹ An Hưng A, huyện Lấp Vò, tỉnh Đồng Tháp",
        "số 5 ấp 3, xã Tân Thạnh, huyện Thới Lai, thành phố Cần Thơ",
    ],
)
def test_what_may_follow_the_province_or_open_an_address_stays(raw: str) -> None:
    assert normalize_place(raw).value.startswith(raw.split(",")[0])
    assert normalize_place(raw).value.endswith(raw[-8:])


def test_a_hamlet_named_like_a_province_is_not_where_the_address_ends() -> None:
    raw = "thôn Phú Thọ, xã Nhân Lý, huyện Chí Lăng, tỉnh Lạng Sơrn"
    assert normalize_place(raw).value.startswith("thôn Phú Thọ, xã Nhân Lý")


def test_district_names_carry_no_qualifier_and_a_dot_after_a_bracket_is_a_comma() -> None:
    """The unit package names the district "Cai Lậy (Huyện)" to tell it from the town; a ledger
    writes "huyện Cai Lậy" (generated pages had written the qualifier as part of the name)."""
    from hotich.schema.normalize.admin_units import legacy_province_by_name, legacy_units

    found = legacy_province_by_name("Tiền Giang")
    assert found is not None
    names = [name for name, _, _ in legacy_units(found[0])]
    assert "Cai Lậy" in names and not any("(" in n for n in names)
    raw = "xã Sài Sơn, huyện Quốc Oai (cũ). tỉnh Hà Tây"
    assert normalize_place(raw).value == "xã Sài Sơn, huyện Quốc Oai (cũ), tỉnh Hà Tây"
