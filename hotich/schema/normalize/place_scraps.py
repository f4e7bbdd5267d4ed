"""Scraps read at either end of an address, left out.

An address is written from the hamlet up to the province, and nothing follows the province. On
a form, OCR reads on past the value along the fill-in line (a stain, a seal, the line's last
dots: "…, tỉnh Nghệ An vi 1", "…, tỉnh Nghệ An TÊN"); in a table, what is left of the cell's
erased rule is read before the first word ("lấp Hạ, xã …", "À. ấp 10, …"). Both are dropped
here, only where the address says where it ends or begins: after the matched province's name,
and before a hamlet word that opens the address. The value then differs from what was read,
so the place goes to review (``place.ocr_repaired``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from hotich.schema.normalize.admin_units import AdminUnit

_PROVINCE_TYPES: Final = ("Thành phố ", "Tỉnh ")
_PROVINCE_BEFORE: Final = re.compile(r"(?i)(?:(?:^|[\s,])(?:tỉnh|thành phố|tp\.?)\s*|,\s*)$")
_ANY_UNIT: Final = re.compile(r"(?i)\b(?:xã|phường|thị trấn|huyện|quận|thị xã|tỉnh|thành phố)\b")
_COUNTRY: Final = re.compile(r"(?i)^[\s,.;:-]*vi[eệ]t nam[\s.]*$")
_OPENERS: Final = ("thôn", "xóm", "ấp", "bản", "khóm")
_WORD: Final = r"(?:" + "|".join(_OPENERS) + r")(?=\s+\w)"
_OPENER: Final = re.compile(r"(?i)(?<![^\W\d_])" + _WORD)
_STUCK: Final = re.compile(r"(?i)" + _WORD)
_RULE_LETTERS: Final = "lItijf"
"""What the remnant of an erased vertical rule is read as, stuck to the first word."""
_UNIT_AFTER: Final = re.compile(r"(?i),\s*(?:xã|phường|thị trấn)\s")


def _province_name(units: Iterable[AdminUnit | None]) -> str | None:
    for unit in units:
        if unit is not None and unit.province:
            name = unit.province
            for kind in _PROVINCE_TYPES:
                if name.startswith(kind):
                    return name[len(kind) :]
            return name
    return None


def without_tail_scraps(text: str, units: Iterable[AdminUnit | None]) -> str:
    """``text`` cut after the matched province's name, when letters or figures follow it that
    are not part of an address (a note in brackets, "(nay là …)", and ", Việt Nam" stay)."""
    name = _province_name(units)
    if not name:
        return text
    start = text.rfind(name)
    if start < 0 or not _PROVINCE_BEFORE.search(text[:start]):
        return text  # "thôn Phú Thọ, …": a hamlet may bear a province's name
    end = start + len(name)
    rest = text[end:]
    if not any(ch.isalnum() for ch in rest) or "(" in rest or _COUNTRY.match(rest):
        return text
    if _ANY_UNIT.search(rest):
        return text  # more of the address follows: not a scrap
    if rest[:1].isalnum():  # the name goes on: "Nghệ Anh" is not "Nghệ An"
        return text
    return text[:end]


def without_opening_scraps(text: str) -> str:
    """``text`` without what was read before the hamlet word that opens it: marks and at most
    two letters ("c— — —— _ấp Cốc Lùng", "À. ấp 10"), or a rule's remnant stuck to the word
    ("lấp Hạ"), when the commune follows as the address's next part."""
    if text[:1] in _RULE_LETTERS and (m := _STUCK.match(text, 1)) is not None:
        start = 1
    elif (m := _OPENER.search(text)) is not None and m.start() > 0:
        start = m.start()
        scrap = text[:start]
        letters = sum(ch.isalpha() for ch in scrap)
        if letters > 2 or any(ch.isdigit() or ch == "," for ch in scrap):
            return text
    else:
        return text
    if not _UNIT_AFTER.search(text, m.end()):
        return text
    return text[start:]
