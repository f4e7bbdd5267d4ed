"""Sex (giới tính) as the contract writes it: ``Nam`` or ``Nữ``.

Old books write "Trai"/"Gái" or "con trai"/"con gái"; those are known forms. A value read only
after undoing OCR damage ("Nừ", "Narn") is a repair with an issue; anything else is unknown,
and never replaced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from hotich.schema.normalize.dates import strip_leaders
from hotich.schema.normalize.result import Normalized, issue, normalized
from hotich.schema.normalize.vocab import Entry, Vocabulary

SEXES = ("Nam", "Nữ")
_VOCABULARY = Vocabulary(
    (
        Entry("Nam", ("Trai", "Con trai", "Nam giới", "Đàn ông")),
        Entry("Nữ", ("Gái", "Con gái", "Nữ giới", "Đàn bà")),
    ),
    one_off_length=6,
)
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lo"})  # not Lm: OCR reads stray marks as "ˆ"
_LABEL = re.compile(r"(?i)^(giới\s*tính|nam\s+hay\s+nữ)\s*[:.]?\s*")


def normalize_sex(raw: str) -> Normalized:
    text = _LABEL.sub("", strip_leaders(raw))
    if not text:
        return normalized("", raw)
    found = _VOCABULARY.match(text)
    if found.how == "exact":
        return normalized(found.canonical, raw)
    letters = " ".join(
        "".join(c if unicodedata.category(c) in _LETTERS else " " for c in text).split()
    )
    if letters != text and letters:  # marks OCR put beside the word: "Nam ˆ"
        bare = _VOCABULARY.match(letters)
        if bare.canonical and bare.how in ("exact", "repaired"):
            found = replace(bare, how="repaired")
    if found.how == "repaired" and found.canonical:
        return normalized(
            found.canonical, raw, [issue("sex.repaired", raw=raw, value=found.canonical)]
        )
    return normalized(None, raw, [issue("sex.unknown", raw=raw)])
