"""Places (place of birth, hometown, residence) matched to the administrative units of their time.

The value stays the text as written (NFC, single spaces): the contract stores places as
written, save tone marks OCR misread in the names of the units matched (issue
``place.ocr_repaired``). The match is extra: the pre-2025 unit (province, district, commune,
with GSO codes), the unit after the 1 July 2025 reform it now belongs to, and the personal-ID
province codes the place allows. Abbreviations (X., P., TT., H., Q., TX., TP., T.) and text
without tone marks are read. Provinces dissolved before 2008 (Hà Tây, Hà Bắc, Nghĩa Bình …,
data file ``historic_provinces.toml``) are matched through their surviving district names.

Issues, never a silent guess:
``place.unmatched`` no province can be recognised at all;
``place.truncated`` the text ends with a unit type word and no name ("…, tỉnh"): its end lost;
``place.district_unmatched`` a district is named (huyện …) but no such unit exists in the
province found;
``place.commune_unmatched`` a commune is named (xã …) that is not in the district (or new
province) found, but one that is has a near spelling: likely misread, and the message names
it; when exactly one commune of the district is within two letters of it, the place is read
again with that commune's spelling and the issue is ``place.ocr_repaired`` instead.
A commune name near none is taken as written, without issue: nothing says it is misread
(a commune renamed or merged long ago, a name the reference list lacks), and the match stays
at the district; but nothing confirms its spelling either, so its confidence is lowered by
rule (``place.commune_unverified`` in ``RAISES``), which sends it to review;
``place.ocr_repaired`` tone marks of a matched unit's name or of a common place word were
misread and are restored (:mod:`.place_spelling`): the value is the text so spelled;
``place.historic_split`` a dissolved province whose successor the text does not settle.
An old commune split among several new ones in 2025 is no issue: the place is recorded as
written, which is right; the new communes it went to are in the match (``split_among``), for
whatever maps old places to new ones to offer a person, with no guess made.
A place with neither marker nor unit below the province (a hospital in Hà Nội) is fine at
province level. Registrations on or after the reform date are read as new units first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from rapidfuzz.distance import Levenshtein

from hotich.schema.entries import Issue
from hotich.schema.normalize.admin_units import (
    AdminUnit,
    Parsed,
    convert,
    legacy_province_by_name,
    legacy_provinces_of,
    near_communes,
    parse_current,
    parse_legacy,
    units_by_code,
    word_runs,
)
from hotich.schema.normalize.dates import strip_leaders
from hotich.schema.normalize.place_scraps import without_opening_scraps, without_tail_scraps
from hotich.schema.normalize.place_spelling import respell_place
from hotich.schema.normalize.result import Normalized, factor_of, issue
from hotich.schema.normalize.vocab import load_data
from hotich.schema.text import strip_accents

REFORM_DATE = date(2025, 7, 1)
"""Two-tier local government (province, commune) from this day; districts ceased."""

_ABBREVIATIONS = (
    (re.compile(r"(?i)\b(tp)(\.\s*|\s+)"), "thành phố "),
    (re.compile(r"(?i)\b(tx)(\.\s*|\s+)"), "thị xã "),
    (re.compile(r"(?i)\b(tt)(\.\s*|\s+)"), "thị trấn "),
    (re.compile(r"\b[Xx]\.\s*"), "xã "),
    (re.compile(r"\b[Pp]\.\s*"), "phường "),
    (re.compile(r"\b[Hh]\.\s*"), "huyện "),
    (re.compile(r"\b[Qq]\.\s*"), "quận "),
    (re.compile(r"\b[Tt]\.\s*"), "tỉnh "),
)
_UNIT_WORDS = "huyện|quận|thị xã|thành phố|tỉnh|huyen|quan|thi xa|thanh pho|tinh"
_STOP = rf"(?=\s*[,;]|\s*$|\s+(?:{_UNIT_WORDS})\b)"
_TRUNCATED = re.compile(rf"(?i)(?:^|[\s,])(?:xã|phường|thị trấn|{_UNIT_WORDS})\s*[,.;]?\s*$")
_COMMUNE = re.compile(rf"(?i)\b(xã|phường|thị trấn|đặc khu)\s+(.+?){_STOP}")
_DISTRICT = re.compile(rf"(?i)\b(huyện|quận|thị xã)\s+(.+?){_STOP}")
_COMMUNE_LOOSE = re.compile(rf"(?i)\b(xa|phuong|thi tran)\s+(.+?){_STOP}")
_DISTRICT_LOOSE = re.compile(rf"(?i)\b(huyen|quan|thi xa)\s+(.+?){_STOP}")


@dataclass(frozen=True)
class PlaceMatch:
    legacy: AdminUnit | None
    """The unit before the 2025 reform (63 provinces, districts, communes)."""
    current: AdminUnit | None
    """The unit after 1 July 2025 (34 provinces, communes): the commune when it is certain."""
    split_among: tuple[AdminUnit, ...] = ()
    """The new communes an old commune was split among (``current`` is then the province)."""
    written_commune: str | None = None
    """The commune as the text names it, when that is an older name of ``legacy.ward``
    (communes merged before 2025 keep their old names as keywords)."""
    historic_province: str | None = None
    """A province dissolved before 2008 that the text names (Hà Tây)."""
    id_codes: tuple[str, ...] = ()
    """Personal-ID province codes ("030") that a birth registered here may carry."""


@dataclass(frozen=True, kw_only=True)
class PlaceResult(Normalized):
    match: PlaceMatch | None = None


@dataclass(frozen=True)
class _Historic:
    name: str
    key: str
    successors: tuple[str, ...]


@cache
def _historic() -> tuple[_Historic, ...]:
    return tuple(
        _Historic(h["name"], _key(h["name"]), tuple(h["successors"]))
        for h in load_data("historic_provinces.toml")["historic"]
    )


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", strip_accents(text))


def expand_abbreviations(text: str) -> str:
    for pattern, full in _ABBREVIATIONS:
        text = pattern.sub(full, text)
    return re.sub(r"\s+", " ", text).strip()


def _named(text: str) -> tuple[str | None, str | None]:
    """The commune and district the text names with a type word ("xã …", "huyện …")."""
    loose = strip_accents(text) == text.lower()
    commune = (_COMMUNE_LOOSE if loose else _COMMUNE).search(text)
    district = (_DISTRICT_LOOSE if loose else _DISTRICT).search(text)
    return (commune[0] if commune else None, district[0] if district else None)


def _id_codes_current(unit: AdminUnit) -> tuple[str, ...]:
    olds = legacy_provinces_of(unit.province_code)
    return tuple(sorted({unit.id_code, *(f"0{c}" for c in olds)}))


_COMMUNE_CODE = re.compile(r"^\d{1,5}(?!\d)")


def registration_id_codes(commune: str) -> tuple[str, ...]:
    """Personal-ID province codes of a birth registered by the commune keyed ``commune``.

    The key is the scan folder's name; its leading run of digits is the official commune code
    (``20227-dai-thanh``; GSO codes have five digits, leading zeros may be left out). The code
    is looked up in the units before and after the 2025 reform (a new commune's province
    allows the codes of every old province merged into it). Empty when the key has no code or
    the code is in neither list: the registering province is then unknown, and only the
    entry's own places say where the birth was registered.
    """
    m = _COMMUNE_CODE.match(commune)
    if not m:
        return ()
    legacy, current = units_by_code(m[0])
    codes: set[str] = set()
    if legacy is not None:
        codes.add(legacy.id_code)
    if current is not None:
        codes.update(_id_codes_current(current))
    return tuple(sorted(codes))


def _older_name(parsed: Parsed) -> str | None:
    if not parsed.ward_words or not parsed.unit or not parsed.unit.ward:
        return None
    written, ward = _key(parsed.ward_words), _key(parsed.unit.ward)
    return None if written in ward or ward in written else parsed.ward_words


def _from_legacy(parsed: Parsed, historic: str | None = None) -> PlaceMatch:
    if parsed.unit is None:
        raise ValueError("a pre-2025 match needs a parsed unit")
    conversion = convert(parsed)
    return PlaceMatch(
        legacy=parsed.unit,
        current=conversion.current,
        split_among=conversion.split_among,
        written_commune=_older_name(parsed),
        historic_province=historic,
        id_codes=(parsed.unit.id_code,),
    )


def _match_historic(text: str, parsed: Parsed) -> tuple[PlaceMatch | None, list[Issue]]:
    runs = word_runs(text)
    found = next((h for h in _historic() if h.key in runs), None)
    if found is None:
        return None, []
    successors = [s for s in (legacy_province_by_name(n) for n in found.successors) if s]
    codes = {u.province_code for _, u in successors}
    if parsed.unit and parsed.district_key and parsed.unit.province_code in codes:
        return _from_legacy(parsed, found.name), []
    rest = text.replace(runs[found.key], " ")
    hits = []
    for _, unit in successors:
        candidate = parse_legacy(f"{rest}, {unit.province}")
        if candidate.unit and candidate.district_key:
            hits.append(candidate)
    if len(hits) == 1:
        return _from_legacy(hits[0], found.name), []
    if len(successors) == 1:
        return _from_legacy(Parsed(successors[0][0], unit=successors[0][1]), found.name), []
    names = ", ".join(u.province for _, u in successors)
    id_codes = tuple(sorted(u.id_code for _, u in successors))
    match = PlaceMatch(None, None, historic_province=found.name, id_codes=id_codes)
    return match, [issue("place.historic_split", name=found.name, candidates=names)]


def _pick(text: str, on: date | None) -> tuple[PlaceMatch | None, list[Issue]]:
    """The match and the issues found on the way."""
    legacy = parse_legacy(text)
    current = parse_current(text)
    after_reform = on is not None and on >= REFORM_DATE
    new_first = current.ward_key and (after_reform or not legacy.ward_key)
    if new_first and current.unit:
        return PlaceMatch(None, current.unit, id_codes=_id_codes_current(current.unit)), []
    if not legacy.province_written:
        historic, issues = _match_historic(text, legacy)
        if historic is not None:
            return historic, issues
    if legacy.unit:
        return _from_legacy(legacy), []
    if current.unit:
        return PlaceMatch(None, current.unit, id_codes=_id_codes_current(current.unit)), []
    return None, []


_COMMUNE_EDITS = 2
_DOT_AFTER_WORD = re.compile(r"([^\W\d_]{2,})\.(?=[\s,])")
_DOT_BEFORE_WORD = re.compile(r"(?<=[\s,])\.(?=[^\W\d_])")
_DOT_AFTER_COMMA = re.compile(r",\s*\.(?=\s)")
_DOT_IN_PLACE_OF_SPACE = re.compile(r"([^\W\d_]{2,})\.(?=[^\W\d_])")
_LONE_DOT = re.compile(r"(?<=\w)\s+\.\s+(?=\w)")
_DOT_RUN = re.compile(r"\s*(?:[.…]\s*){2,}")
_QUOTES = re.compile(r"[„“”\"]")
"""Quotation marks: no place's name holds one (an apostrophe, as in Đắk R'Lấp, stays)."""


_DOT_FOR_COMMA = re.compile(rf"(?i)(?<=[\w)])\s*\.\s+(?=(?:xã|phường|thị trấn|{_UNIT_WORDS})\s)")
_HAMLET_RUN_ON = re.compile(
    r"(?i)^(\s*(?:thôn|xóm|ấp|bản|tổ|khóm|khu phố)\s+[^,.]+?)\s+(?=(?:xã|phường|thị trấn)\s)"
)


_FIGURE_IN_WORD = re.compile(r"(?<=[^\W\d_])[10](?![\d])")
_FIGURE_LETTERS = {"1": "i", "0": "o"}


_TYPE_WORDS = ("tỉnh", "huyện", "quận", "phường")
_TOKEN = re.compile(r"(?<![^\s,.])[^\s,.]+(?=[\s.])")


def _type_word(token: str) -> str | None:
    """The unit's type word ``token`` is when OCR read one of its letters as a symbol
    ("t‡nh" for "tỉnh"), or None."""
    odd = [i for i, ch in enumerate(token) if not ch.isalnum()]
    if len(odd) != 1 or odd[0] in (0, len(token) - 1):
        return None
    for word in _TYPE_WORDS:
        if len(word) == len(token) and all(
            a.lower() == b for i, (a, b) in enumerate(zip(token, word, strict=True)) if i != odd[0]
        ):
            return word.capitalize() if token[0].isupper() else word
    return None


def _symbols_in_type_words(text: str) -> str:
    return _TOKEN.sub(lambda m: _type_word(m[0]) or m[0], text)


def _letters_for_figures(text: str) -> str:
    """``text`` with a 1 or 0 read at the end of or inside a word of letters ("Thới La1") as the
    letter it was ("Lai"); figures of their own ("thôn 10", "số 1") stay."""
    return _FIGURE_IN_WORD.sub(lambda m: _FIGURE_LETTERS[m[0]], text)


def _punctuated(text: str) -> str:
    """``text`` with the commas OCR misread or lost between the parts of an address put back:
    a dot before a unit's type word ("thôn 7. xã …", "ấp Tân Lập. xã …"), none between the
    hamlet and the commune ("ấp 4 xã Tân Thạnh"). A place of birth runs on without a comma
    ("Bệnh viện đa khoa huyện …") and is left alone: only a hamlet opens the text here."""
    return _HAMLET_RUN_ON.sub(r"\1, ", _DOT_FOR_COMMA.sub(", ", text))


def _dot_after(match: re.Match[str]) -> str:
    word = match[1]
    return match[0] if word.isupper() and len(word) <= 3 else word  # "TP." is an abbreviation


def _dot_for_space(match: re.Match[str]) -> str:
    """ "Nghệ.An": a dot read for the space between two words, unless the first is an
    abbreviation ("TP.Hồ Chí Minh", "Tp.Vinh")."""
    word = match[1]
    return match[0] if len(word) <= 2 or (word.isupper() and len(word) <= 3) else f"{word} "


def _without_stray_dots(text: str) -> str:
    """``text`` without the dots OCR put after, before or between whole words ("xã. Tân.
    Thanh,.", "Phú .Thọ", "Hải . Dương", "Nghệ.An"), nor what is left of a dotted fill-in line
    between them ("Vĩnh Quang,..huyện..Vĩnh"), nor quotation marks ("thôn 7„,"): a place holds
    none there; an abbreviation ("TP.", "X.") keeps its dot."""
    text = _DOT_RUN.sub(" ", _QUOTES.sub("", text)).replace(" ,", ",")
    text = _LONE_DOT.sub(" ", text)
    text = _DOT_AFTER_COMMA.sub(",", _DOT_AFTER_WORD.sub(_dot_after, text))
    text = _DOT_IN_PLACE_OF_SPACE.sub(_dot_for_space, text)
    return " ".join(_DOT_BEFORE_WORD.sub("", text).split())


def _with_near_commune(
    raw: str, text: str, written: str, near: tuple[str, ...], on: date | None
) -> PlaceResult | None:
    """The place read again with its commune spelled as the one commune of its district that
    is within :data:`_COMMUNE_EDITS` letters of what OCR read ("xã Phong Nẵẫm" → Phong Nẫm),
    when that settles the commune; the value so respelled, with ``place.ocr_repaired``."""
    kind, _, name = written.partition(" ")

    def letters(commune: str) -> str:
        return re.sub(r"[^0-9a-z]", "", strip_accents(commune))

    close = [
        n
        for n in near
        if Levenshtein.distance(letters(name), letters(n.split(" ", 1)[-1])) <= _COMMUNE_EDITS
    ]
    if len(close) != 1 or written not in text:
        return None
    official = close[0].split(" ", 1)[-1]
    respelled = text.replace(written, f"{kind} {official}", 1)
    if respelled == text:  # spelled so already: the commune is not where the match says
        return None
    again = normalize_place(respelled, on=on)
    unit = again.match.legacy or again.match.current if again.match else None
    if unit is None or not unit.ward or again.value is None:
        return None
    issues = [i for i in again.issues if i.code != "place.ocr_repaired"]
    found = (issue("place.ocr_repaired", raw=raw, value=again.value), *issues)
    return PlaceResult(
        value=again.value, raw=raw, issues=found, factor=factor_of(found), match=again.match
    )


@lru_cache(maxsize=4096)
def normalize_place(raw: str, *, on: date | None = None) -> PlaceResult:
    """The place as written, with the units it names (see the module docstring).

    ``on`` is the date the place was written (the registration date): from 1 July 2025 on,
    new units are preferred when the text fits both.
    """
    plain = _without_stray_dots(strip_leaders(raw))
    text = without_opening_scraps(
        _without_stray_dots(
            _punctuated(_symbols_in_type_words(_letters_for_figures(strip_leaders(raw))))
        )
    )
    if not text:
        return PlaceResult(value="", raw=raw)
    expanded = expand_abbreviations(text)
    match, issues = _pick(expanded, on)
    if _TRUNCATED.search(expanded):
        issues.append(issue("place.truncated", raw=raw))
    commune, district = _named(expanded)
    unverified = False
    if match is None:
        issues.append(issue("place.unmatched", raw=raw))
    else:
        unit = match.legacy or match.current
        if district and match.legacy is not None and not match.legacy.district:
            issues.append(issue("place.district_unmatched", raw=raw, name=district))
        near = near_communes(unit, commune) if commune and unit and not unit.ward else ()
        unverified = bool(commune and unit and not unit.ward and not near)
        if near:
            repaired = _with_near_commune(raw, text, commune or "", near, on)
            if repaired is not None:
                return repaired
            nearest = ", ".join(near[:3])
            issues.append(issue("place.commune_unmatched", raw=raw, name=commune, near=nearest))
    units = (match.legacy, match.current) if match else ()
    value = without_tail_scraps(respell_place(text, units), units)
    if value != plain:
        issues.insert(0, issue("place.ocr_repaired", raw=raw, value=value))
    found = tuple(issues)
    factor = factor_of(found, ("place.commune_unverified",) if unverified else ())
    return PlaceResult(value=value, raw=raw, issues=found, factor=factor, match=match)
