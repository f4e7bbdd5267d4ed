"""Nationality (quốc tịch): a canonical country name from a shipped list, by name or variant.

Data: ``hotich/schema/data/nationalities.toml``. Known forms map without issue ("VN" →
"Việt Nam", "Mỹ" → "Hoa Kỳ"); a match found only after undoing OCR damage is
``nationality.repaired``; anything else is ``nationality.unknown`` and never replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from hotich.schema.entries import Issue
from hotich.schema.normalize.dates import strip_leaders
from hotich.schema.normalize.result import Normalized, factor_of, issue
from hotich.schema.normalize.vocab import Entry, Vocabulary, load_data


@dataclass(frozen=True)
class Country:
    code: str
    """ISO 3166 alpha-2 (historic states: ISO 3166-3 codes SU, DD, CS; XX = stateless)."""
    name: str
    variants: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NationalityResult(Normalized):
    country: Country | None = None


_LABEL = re.compile(r"(?i)^quốc\s*tịch\s*[:.]?\s*")


@cache
def countries() -> tuple[Country, ...]:
    return tuple(
        Country(code=c["code"], name=c["name"], variants=tuple(c["variants"]))
        for c in load_data("nationalities.toml")["country"]
    )


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary(Entry(c.name, c.variants) for c in countries())


def normalize_nationality(raw: str) -> NationalityResult:
    text = _LABEL.sub("", strip_leaders(raw))
    if not text:
        return NationalityResult(value="", raw=raw)
    found = _vocabulary().match(text)
    if found.canonical is None:
        issues: tuple[Issue, ...] = (issue("nationality.unknown", raw=raw),)
        return NationalityResult(value=None, raw=raw, issues=issues, factor=factor_of(issues))
    country = next(c for c in countries() if c.name == found.canonical)
    issues = (
        (issue("nationality.repaired", raw=raw, value=country.name),)
        if found.how == "repaired"
        else ()
    )
    return NationalityResult(
        value=country.name, raw=raw, issues=issues, factor=factor_of(issues), country=country
    )
