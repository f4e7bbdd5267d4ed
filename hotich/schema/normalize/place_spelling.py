"""Tone marks OCR misread in a place, restored from the units the place was matched to.

Places are matched without tone marks (:mod:`.admin_units`), so "huyên Thạnh Oai" still finds
Huyện Thanh Oai — and the text is then wrong. :func:`respell_place` puts back the official
spelling of every matched unit written in the text (with or without its type word: "huyện
Thanh Oai", "Hà Nội"), the hamlet words that open a part of the address (thôn, xóm, ấp, bản)
and the common words of a place of birth (Bệnh viện, Trạm y tế, Nhà hộ sinh, đa khoa). Only
tone and vowel marks change, and only where the letters are the same; a name written in the
other tone-mark style (Hoà / Hòa) is not a misreading and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Final

from hotich.schema.normalize.admin_units import AdminUnit
from hotich.schema.normalize.names import apply_tone_style
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
            if not _same_style(written, official):
                out.append(text[last : run[0].start()])
                out.append(_cased(official, written))
                last = run[-1].end()
            i += n
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


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


def respell_place(text: str, units: Iterable[AdminUnit | None]) -> str:
    """``text`` with the marks of matched unit names and common place words restored.

    A text with no mark at all was written so (a typewriter, a typed form): it stays.
    """
    if text.isascii():
        return text
    for official in (*_names(units), *_PHRASES):
        text = _respell_run(text, official)
    return _respell_openers(text)
