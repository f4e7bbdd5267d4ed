"""Tone marks OCR misread in a place, restored from the units the place was matched to.

Places are matched without tone marks (:mod:`.admin_units`), so "huyên Thạnh Oai" still finds
Huyện Thanh Oai — and the text is then wrong. :func:`respell_place` puts back the official
spelling of every matched unit written in the text (with or without its type word: "huyện
Thanh Oai", "Hà Nội"), the hamlet words that open a part of the address (thôn, xóm, ấp, bản)
and the common words of a place of birth (Bệnh viện, Trạm y tế, Nhà hộ sinh, đa khoa). Only
tone and vowel marks change, and only where the letters are the same; a name written in the
other tone-mark style (Hoà / Hòa) is not a misreading and stays.

When the units were matched but their names are misread beyond marks ("thàn phố Hà Nô",
"tỉnh Hảj Dương", "huyện Thanh 0ai", a comma lost), :func:`respell_tail` puts back the whole
end of the address, from the first unit written, in the official spelling of the matched units,
if the two differ by at most a letter or two; the opening "thôn" of an address one letter
off ("fhôn", "(hôn") is restored; and a hamlet whose name is a common one but for marks
("thôn Ha") gets that name's marks (data: ``hamlet_names.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from typing import Final

from rapidfuzz.distance import Levenshtein

from hotich.schema.normalize.admin_units import AdminUnit
from hotich.schema.normalize.names import NAME_LETTERS
from hotich.schema.normalize.tone_style import apply_tone_style
from hotich.schema.normalize.vocab import load_data
from hotich.schema.text import strip_accents

_TYPES: Final = (
    "Thành phố",
    "Thị xã",
    "Thị trấn",
    "Đặc khu",
    "Tỉnh",
    "Huyện",
    "Quận",
    "Xã",
    "Phường",
)
_PHRASES: Final = (
    "Bệnh viện đa khoa",
    "Bệnh viện",
    "Trạm y tế",
    "Nhà hộ sinh",
    "Trung tâm y tế",
    "đa khoa",
    "Phụ sản",
)
_PART_OPENERS: Final = ("thôn", "xóm", "ấp", "bản")
_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)


def _key(word: str) -> str:
    return strip_accents(word)


def _same_style(a: str, b: str) -> bool:
    return apply_tone_style(a.lower(), "new") == apply_tone_style(b.lower(), "new")


def _cased(official: str, written: str) -> str:
    if written.isupper():
        return official.upper()
    if written[:1].islower():
        return official[:1].lower() + official[1:]
    return official[:1].upper() + official[1:]


def _names(units: Iterable[AdminUnit | None]) -> list[str]:
    """The official names of the units, each with and without its type word, longest first."""
    out: set[str] = set()
    for unit in units:
        if unit is None:
            continue
        for name in (unit.ward, unit.district, unit.province):
            if not name:
                continue
            out.add(name)
            for kind in _TYPES:
                if name.startswith(kind + " "):
                    out.add(name[len(kind) + 1 :])
                    break
    return sorted(out, key=lambda n: (-len(n.split()), n))


def _respell_run(text: str, official: str) -> str:
    """``text`` with each run of words equal to ``official`` but for marks spelled like it."""
    words = list(_WORD.finditer(text))
    target = official.split()
    keys = [_key(w) for w in target]
    n = len(target)
    out, last, i = [], 0, 0
    while i + n <= len(words):
        run = words[i : i + n]
        gaps_are_spaces = all(text[a.end() : b.start()] == " " for a, b in pairwise(run))
        if gaps_are_spaces and [_key(w[0]) for w in run] == keys:
            written = text[run[0].start() : run[-1].end()]
            # a unit's own name ("Cần Thơ", not "huyện Thới Lai") opens with a capital
            proper = official[:1].isupper() and written[:1].islower() and not written.isupper()
            proper = proper and not any(official.startswith(k + " ") for k in _TYPES)
            if proper or not _same_style(written, official):
                out.append(text[last : run[0].start()])
                out.append(official if proper else _cased(official, written))
                last = run[-1].end()
            i += n
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


@cache
def _hamlets() -> dict[str, tuple[str, ...]]:
    """Mark-free key → the listed hamlet names spelled so but for marks."""
    out: dict[str, list[str]] = {}
    for name in load_data("hamlet_names.toml")["names"]:
        out.setdefault(_key(name), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _respell_hamlet(text: str) -> str:
    """``text`` whose hamlet ("thôn Ha, …") is a listed hamlet name but for marks, with them
    restored, when exactly one listed name fits."""
    m = re.match(r"(\s*(?:thôn|xóm|ấp|bản)\s+)([^,\d]+?)(\s*(?:,|$))", text, re.IGNORECASE)
    if not m:
        return text
    written = m[2]
    fits = _hamlets().get(_key(written), ())
    if len(fits) != 1 or any(_same_style(written, f) for f in fits):
        return text
    return text[: m.start(2)] + _cased(fits[0], written) + text[m.end(2) :]


def _respell_openers(text: str) -> str:
    parts = text.split(",")
    for k, part in enumerate(parts):
        m = re.match(r"(\s*)([^\W\d_]+)(?=\s)", part)
        if not m:
            continue
        for opener in _PART_OPENERS:
            if _key(m[2]) == _key(opener) and not _same_style(m[2], opener):
                parts[k] = m[1] + _cased(opener, m[2]) + part[m.end() :]
    return ",".join(parts)


_TAIL_EDITS: Final = 2
"""Letters the end of an address may differ by from the matched units' names and still be
respelled (each a misread, lost or extra letter, a lost comma counting as one)."""


def _tail_forms(unit: AdminUnit) -> list[str]:
    """The matched unit written out from each level down: "xã X, huyện Y, tỉnh Z", "huyện Y,
    tỉnh Z", "tỉnh Z", type words in lower case as ledgers write them."""
    levels = [name for name in (unit.ward, unit.district, unit.province) if name]
    lowered = []
    for name in levels:
        for kind in _TYPES:
            if name.startswith(kind + " "):
                name = kind.lower() + name[len(kind) :]
                break
        lowered.append(name)
    return [", ".join(lowered[i:]) for i in range(len(lowered))]


_SEPARATOR = re.compile(r"\s*[,\-–]\s*|\s+")


def _loose(text: str) -> tuple[str, int]:
    """(the letters without marks, spaces, separators, dots or brackets; how many separators
    split parts)."""
    key = _key(text)
    return re.sub(r"[\s,.\-–()]", "", key), len(re.findall(r"\s*[,\-–]\s*", key))


def respell_tail(text: str, units: Iterable[AdminUnit | None]) -> str:
    """``text`` with its end, from a word on, replaced by the official names of a matched unit
    when its letters differ from them (marks aside) by 1 to :data:`_TAIL_EDITS` letters, or
    a separator between its parts was lost; the form naming the most levels wins, then the
    closest. An end that differs in marks only is left to :func:`respell_place`."""
    starts = [0] + [m.end() for m in _SEPARATOR.finditer(text)]
    best: tuple[int, int, int, str] | None = None
    for unit in units:
        if unit is None:
            continue
        for form in _tail_forms(unit):
            target, parts = _loose(form)
            kind = _key(form.split()[0])
            for start in starts:
                if _key(text[start:].split(" ", 1)[0]) != kind:
                    continue  # the end must open with the unit's type word, as written
                letters, seps = _loose(text[start:])
                if abs(len(letters) - len(target)) > _TAIL_EDITS:
                    continue
                edits = Levenshtein.distance(letters, target) + max(0, parts - seps)
                if 0 < edits <= _TAIL_EDITS and (best is None or (-len(form), edits) < best[:2]):
                    best = (-len(form), edits, start, form)
    if best is None:
        return text
    start, form = best[2], best[3]
    written = text[start:]
    if written.isupper():
        form = form.upper()
    elif written[:1].isupper():
        form = form[:1].upper() + form[1:]
    closing = ")" if written.rstrip().endswith(")") else ""  # "(nay là thành phố Hà Nội)"
    return text[:start] + form + closing


def _respell_opening(text: str) -> str:
    """An address whose first word is "thôn" one letter off ("fhôn 11, …"), or "ấp" with a
    first letter that is not Vietnamese ("ñP 11", "ÄP 4"), with it restored."""
    m = re.match(r"(\S+)(?=\s)", text)
    if m and len(m[1]) == 4 and m[1] != "thôn" and Levenshtein.distance(_key(m[1]), "thon") == 1:
        first = m[1][1:]
        if _key(first) == "hon":
            return "thôn" + text[m.end() :]
    # ä, ñ: a mark on a, or the bent a read as n
    first = m[1] if m else ""
    if len(first) == 2 and first[1] in "pP" and first[0] not in NAME_LETTERS:
        return "ấp" + text[m.end() :] if m and _key(first[0]) in ("a", "n") else text
    return text


_PHRASE_EDITS: Final = 2
"""Letters the one misread word of a listed phrase of three words or more may differ by (one
for a word of at most three letters in a phrase of three words: the other three words of
"Bệnh viện đa khoa" say enough for "äãa")."""


def _respell_phrase(text: str, phrase: str) -> str:
    """``text`` with a run of words that is ``phrase`` but for one misread word ("Bệnh viện
    äđa khoa") spelled like it; the other words must be the phrase's, marks aside."""
    target = phrase.split()
    keys = [_key(w).casefold() for w in target]
    words = list(_WORD.finditer(text))
    n = len(target)
    for i in range(len(words) - n + 1):
        run = words[i : i + n]
        if not all(text[a.end() : b.start()] == " " for a, b in pairwise(run)):
            continue
        got = [_key(w[0]).casefold() for w in run]
        odd = [k for k in range(n) if got[k] != keys[k]]
        if len(odd) != 1:
            continue
        k = odd[0]
        allowed = _PHRASE_EDITS if n >= 4 or len(keys[k]) > 3 else 1
        if Levenshtein.distance(got[k], keys[k]) <= allowed:
            word = run[k]
            return text[: word.start()] + _cased(target[k], word[0]) + text[word.end() :]
    return text


def respell_place(text: str, units: Iterable[AdminUnit | None]) -> str:
    """``text`` with the marks of matched unit names and common place words restored.

    A text with no mark at all was written so (a typewriter, a typed form): it stays.
    """
    if text.isascii():
        return text
    units = tuple(units)
    text = _respell_opening(respell_tail(text, units))
    for phrase in _PHRASES:
        if len(phrase.split()) >= 3:
            text = _respell_phrase(text, phrase)
    for official in (*_names(units), *_PHRASES):
        text = _respell_run(text, official)
    return _respell_hamlet(_respell_openers(text))
