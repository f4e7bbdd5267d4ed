"""Administrative units, offline: the ``vietnamadminunits`` package behind a small typed API.

The package ships the units before the 1 July 2025 reform (63 provinces, their districts and
about 10,000 communes, with GSO codes) and after it (34 provinces, 3,321 communes), and an
old → new table. Its own converter calls an online geocoder (ArcGIS via geopy) when an old
commune was split and the address has a street part; hotich never calls that converter: it
parses without street and reads the old → new table itself, and on first use it replaces the
package's geocoder hooks with ones that raise :class:`OfflineGeocoderError`, so no code path
can reach the network. A split commune is reported with all its new communes, for a person to
choose (domain README §4.3, §7.3).

The package's parser finds keywords anywhere in the address with spaces removed, which can
match across words; every level it returns is checked here against whole words of the text
(:func:`word_runs`), and a level that cannot be found there is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, NoReturn

from hotich.errors import HotichError
from hotich.schema.text import strip_accents

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MAX_RUN = 7


class OfflineGeocoderError(HotichError):
    """Something tried to geocode an address online; hotich works offline and refuses."""

    def __init__(self) -> None:
        super().__init__("normalize.place.geocoder_refused")


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise OfflineGeocoderError()


class _RefusingGeocoder:
    def geocode(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise OfflineGeocoderError()


@dataclass(frozen=True)
class _Package:
    parse_address: Any
    legacy: ModuleType
    current: ModuleType
    converter: ModuleType


@cache
def _package() -> _Package:
    """The package, imported on first use, with its geocoder hooks replaced."""
    import vietnamadminunits  # type: ignore[import-untyped]
    from vietnamadminunits.converter import converter_2025  # type: ignore[import-untyped]
    from vietnamadminunits.parser import (  # type: ignore[import-untyped]
        parser_from_2025,
        parser_legacy,
        utils,
    )

    utils.geolocator = _RefusingGeocoder()
    utils.get_geo_location = _refuse
    converter_2025.get_geo_location = _refuse
    return _Package(
        vietnamadminunits.parse_address, parser_legacy, parser_from_2025, converter_2025
    )


def install_geocoder_guard() -> None:
    """Load the package now (it is otherwise loaded on first use) with the guard in place."""
    _package()


@dataclass(frozen=True)
class AdminUnit:
    """A unit down to the commune where known; codes are the GSO codes as strings."""

    province: str
    province_code: str
    district: str | None = None
    district_code: str | None = None
    ward: str | None = None
    ward_code: str | None = None

    @property
    def id_code(self) -> str:
        """The province's code in the personal ID: "0" + the 2-digit GSO code."""
        return f"0{self.province_code}"

    def label(self) -> str:
        return ", ".join(p for p in (self.ward, self.district, self.province) if p)


@dataclass(frozen=True)
class Parsed:
    """What the package parsed, each level kept only if found in the words of the text."""

    province_key: str | None = None
    district_key: str | None = None
    ward_key: str | None = None
    unit: AdminUnit | None = None
    province_written: bool = False
    """The province name is in the text (not only inferred from a district)."""
    ward_words: str | None = None
    """The words naming the commune in the text."""


def word_runs(text: str) -> dict[str, str]:
    """Every run of up to 7 consecutive words, as a mark-free key → the words as written."""
    words = _WORD.findall(text)
    keys = [strip_accents(w) for w in words]
    runs: dict[str, str] = {}
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + _MAX_RUN) + 1):
            runs.setdefault("".join(keys[i:j]), " ".join(words[i:j]))
    return runs


def _found(keywords: Iterable[str], runs: dict[str, str]) -> str | None:
    """The longest keyword present as whole words, as written in the text."""
    best: str | None = None
    for kw in keywords:
        key = strip_accents(kw)
        if key in runs and (best is None or len(key) > len(strip_accents(best))):
            best = kw
    return runs[strip_accents(best)] if best is not None else None


_COMMUNE_TYPES = ("xa", "phuong", "thi tran", "dac khu")


def _typed(words: str) -> bool:
    """Whether the words start with a commune type: "xã An Thanh", not "Hải Dương"."""
    return strip_accents(words).startswith(_COMMUNE_TYPES)


def _legacy_ward(pkg: _Package, province: str, district: str, ward: str) -> dict[str, Any] | None:
    for table in (
        pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED,
        pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_ACCENTED,
        pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED,
    ):
        info = table.get(province, {}).get(district, {}).get(ward)
        if info:
            return dict(info)
    return None


def _district_keywords(pkg: _Package, province: str, district: str) -> list[str]:
    keywords = list(pkg.legacy.DICT_PROVINCE_DISTRICT[province][district]["districtKeywords"])
    for divided in pkg.legacy.DICT_PROVINCE_DISTRICT_DIVIDED.get(province, {}).values():
        if district in divided["districts"]:
            keywords += divided["dividedDistrictKeywords"]
    return keywords


def _legacy_unit(pkg: _Package, p: str, d: str | None, w: dict[str, Any] | None) -> AdminUnit:
    prov = pkg.legacy.DICT_PROVINCE[p]
    dist = pkg.legacy.DICT_PROVINCE_DISTRICT[p][d] if d else None
    return AdminUnit(
        province=prov["province"],
        province_code=prov["provinceCode"],
        district=dist["district"] if dist else None,
        district_code=dist["districtCode"] if dist else None,
        ward=w["ward"] if w else None,
        ward_code=w["wardCode"] if w else None,
    )


def _ward_in_province(
    pkg: _Package, province: str, runs: dict[str, str]
) -> tuple[str, str, dict[str, Any], str] | None:
    """The one commune of ``province`` named with its type ("xã An Thanh") in the text."""
    hits: list[tuple[str, str, dict[str, Any], str]] = []
    for district, wards in pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED.get(
        province, {}
    ).items():
        for ward_key, info in wards.items():
            typed = [k for k in info["wardKeywords"] if k.startswith(("xa", "phuong", "thitran"))]
            words = _found(typed, runs)
            if words:
                hits.append((district, ward_key, dict(info), words))
    return hits[0] if len(hits) == 1 else None


def parse_legacy(text: str) -> Parsed:
    """The pre-2025 unit (province, district, commune) named in ``text``, checked word by word."""
    pkg = _package()
    runs = word_runs(text)
    got = pkg.parse_address(text, mode="LEGACY", keep_street=False, level=3)
    p, d, w = got.province_key, got.district_key, got.ward_key
    if not p:
        return Parsed()
    written = _found(pkg.legacy.DICT_PROVINCE[p]["provinceKeywords"], runs) is not None
    if d and _found(_district_keywords(pkg, p, d), runs) is None:
        d = w = None
    if not written and not d:
        return Parsed()
    info = _legacy_ward(pkg, p, d, w) if d and w else None
    ward_words = _found(info["wardKeywords"], runs) if info else None
    if info and ward_words is None:
        info = None
        w = None
    if not d and written:
        alone = _ward_in_province(pkg, p, runs)
        if alone:
            d, w, info, ward_words = alone
    return Parsed(p, d, w, _legacy_unit(pkg, p, d, info), written, ward_words)


def parse_current(text: str) -> Parsed:
    """The unit after 1 July 2025 (province, commune) named in ``text``, checked likewise."""
    pkg = _package()
    runs = word_runs(text)
    got = pkg.parse_address(text, mode="FROM_2025", keep_street=False, level=2)
    p, w = got.province_key, got.ward_key
    if not p:
        return Parsed()
    written = _found(pkg.current.DICT_PROVINCE[p]["provinceKeywords"], runs) is not None
    ward_words = None
    if w:
        info = None
        for table in (
            pkg.current.DICT_PROVINCE_WARD_NO_ACCENTED,
            pkg.current.DICT_PROVINCE_WARD_ACCENTED,
            pkg.current.DICT_PROVINCE_WARD_SHORT_ACCENTED,
        ):
            info = table.get(p, {}).get(w) or info
        ward_words = _found(info["wardKeywords"], runs) if info else None
        if ward_words is None or not _typed(ward_words):
            w = ward_words = None
    if not written and not w:
        return Parsed()
    return Parsed(p, None, w, current_unit(p, w), written, ward_words)


@cache
def current_unit(province_key: str, ward_key: str | None) -> AdminUnit:
    pkg = _package()
    address = f"{ward_key},{province_key}" if ward_key else province_key
    got = pkg.parse_address(
        address, mode="FROM_2025", keep_street=False, level=2 if ward_key else 1
    )
    return AdminUnit(
        province=got.province,
        province_code=got.province_code,
        ward=got.ward if ward_key else None,
        ward_code=got.ward_code if ward_key else None,
    )


@cache
def _old_to_new() -> tuple[dict[str, str], dict[str, tuple[str, ...]], dict[str, str]]:
    """(old commune key → new commune key, old commune key → new communes it was split
    among, old province key → new province key), from the package's conversion table."""
    conv = _package().converter
    whole: dict[str, str] = {}
    split: dict[str, tuple[str, ...]] = {}
    for wards in conv.DICT_PROVINCE_WARD_NO_DIVIDED.values():
        for new_key, old_keys in wards.items():
            for old in old_keys:
                whole[old] = new_key
    for olds in conv.DICT_PROVINCE_WARD_DIVIDED.values():
        for old, news in olds.items():
            split[old] = tuple(n["newWardKey"] for n in news)
    provinces = {old: new for new, olds in conv.DICT_PROVINCE.items() for old in olds}
    return whole, split, provinces


@dataclass(frozen=True)
class Conversion:
    current: AdminUnit | None
    """The unit after the reform (province only when the commune is unknown or split)."""
    split_among: tuple[AdminUnit, ...] = ()
    """The new communes an old split commune went to; a person picks one."""


def convert(parsed: Parsed) -> Conversion:
    """The post-reform unit of a pre-2025 unit, from the offline table only."""
    whole, split, provinces = _old_to_new()
    if not parsed.province_key or parsed.province_key not in provinces:
        return Conversion(None)
    new_province = provinces[parsed.province_key]
    old_key = f"{parsed.province_key}_{parsed.district_key}_{parsed.ward_key or ''}"
    if parsed.district_key and old_key in whole:
        return Conversion(current_unit(new_province, whole[old_key]))
    if parsed.district_key and old_key in split:
        among = tuple(current_unit(new_province, k) for k in split[old_key])
        return Conversion(current_unit(new_province, None), among)
    return Conversion(current_unit(new_province, None))


def legacy_provinces_of(new_province_code: str) -> tuple[str, ...]:
    """GSO codes of the pre-2025 provinces merged into the new province with this code."""
    pkg = _package()
    conv = pkg.converter
    for new_key, olds in conv.DICT_PROVINCE.items():
        if pkg.current.DICT_PROVINCE[new_key]["provinceCode"] == new_province_code:
            return tuple(pkg.legacy.DICT_PROVINCE[o]["provinceCode"] for o in olds)
    return ()


@cache
def _ward_codes() -> tuple[dict[str, AdminUnit], dict[str, AdminUnit]]:
    """Official commune code (5 digits) → the commune: (before the 2025 reform, after it)."""
    pkg = _package()
    legacy: dict[str, AdminUnit] = {}
    for p, districts in pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED.items():
        for d, wards in districts.items():
            for info in wards.values():
                legacy.setdefault(info["wardCode"], _legacy_unit(pkg, p, d, dict(info)))
    current: dict[str, AdminUnit] = {}
    for p, wards in pkg.current.DICT_PROVINCE_WARD_NO_ACCENTED.items():
        province = pkg.current.DICT_PROVINCE[p]
        for info in wards.values():
            current.setdefault(
                info["wardCode"],
                AdminUnit(
                    province=province["province"],
                    province_code=province["provinceCode"],
                    ward=info["ward"],
                    ward_code=info["wardCode"],
                ),
            )
    return legacy, current


@cache
def _communes_within() -> dict[str, tuple[str, ...]]:
    """Commune names ("Xã An Thanh") within each legacy district ("d" + district code) and
    each new province ("p" + province code)."""
    pkg = _package()
    out: dict[str, list[str]] = {}
    for p, districts in pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED.items():
        for d, wards in districts.items():
            code = pkg.legacy.DICT_PROVINCE_DISTRICT[p][d]["districtCode"]
            out.setdefault(f"d{code}", []).extend(w["ward"] for w in wards.values())
    for p, wards in pkg.current.DICT_PROVINCE_WARD_NO_ACCENTED.items():
        code = pkg.current.DICT_PROVINCE[p]["provinceCode"]
        out.setdefault(f"p{code}", []).extend(w["ward"] for w in wards.values())
    return {k: tuple(v) for k, v in out.items()}


def _bare(name: str) -> str:
    """A commune's name without its type word, accents or spaces: "Xã An Thịnh" → "anthinh"."""
    key = strip_accents(name)
    for kind in sorted(_COMMUNE_TYPES, key=len, reverse=True):
        if key.startswith(kind + " "):
            key = key[len(kind) + 1 :]
            break
    return re.sub(r"[^0-9a-z]", "", key)


def near_communes(unit: AdminUnit, written: str, *, min_score: float = 80.0) -> tuple[str, ...]:
    """Communes of ``unit``'s district (pre-2025 units) or province (new units) whose name is
    a near spelling of ``written`` ("xã Đạl Thành" → "Xã Đại Thành"), best first."""
    from rapidfuzz import fuzz

    key = f"d{unit.district_code}" if unit.district_code else f"p{unit.province_code}"
    target = _bare(written)
    scored = [(fuzz.ratio(target, _bare(name)), name) for name in _communes_within().get(key, ())]
    return tuple(name for score, name in sorted(scored, reverse=True) if score >= min_score)


def units_by_code(code: str) -> tuple[AdminUnit | None, AdminUnit | None]:
    """The commune with the official code ``code`` before and after the 2025 reform (the new
    communes took over codes of old ones, so one code may name a unit in each list)."""
    legacy, current = _ward_codes()
    key = code.zfill(5)
    return legacy.get(key), current.get(key)


@cache
def legacy_province_by_name(name: str) -> tuple[str, AdminUnit] | None:
    """The pre-2025 province called ``name`` (as in province_codes.toml): (key, unit).

    A keyword ending the name also counts: the package names Thừa Thiên Huế by its new
    name, Thành phố Huế (January 2025), with the keyword "hue".
    """
    pkg = _package()
    key = re.sub(r"[^0-9a-z]", "", strip_accents(name))
    best: tuple[int, str] | None = None
    for p, info in pkg.legacy.DICT_PROVINCE.items():
        for kw in (strip_accents(k) for k in info["provinceKeywords"]):
            if (kw == key or (len(kw) >= 3 and key.endswith(kw))) and (
                best is None or len(kw) > best[0]
            ):
                best = (len(kw), p)
    return (best[1], _legacy_unit(pkg, best[1], None, None)) if best else None


_QUALIFIER = re.compile(r"\s*\((?:Huyện|Thị xã|Thành phố|Quận)\)$")


@cache
def legacy_units(
    province_key: str,
) -> tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...]:
    """The pre-2025 districts of a province, in list order: (name without its type word, type,
    ((commune code, commune type, commune name without its type word), …))."""
    pkg = _package()
    out = []
    for d, info in pkg.legacy.DICT_PROVINCE_DISTRICT.get(province_key, {}).items():
        wards = pkg.legacy.DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED.get(province_key, {}).get(d, {})
        communes = tuple((w["wardCode"], w["wardType"], w["wardShort"]) for w in wards.values())
        # "Cai Lậy (Huyện)": the package tells the district from the town of the same name
        # so; the type is given apart, and a ledger writes "huyện Cai Lậy".
        name = _QUALIFIER.sub("", info["districtShort"])
        out.append((name, info["districtType"], communes))
    return tuple(out)
