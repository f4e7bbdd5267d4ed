"""Ethnic group (dân tộc): one of the 54 official groups, by name, spelling variant or old name.

Data: ``hotich/schema/data/ethnic_groups.toml`` (GSO codes, the canonical names of the domain
notes, the MoJ spellings, variants, sub-groups and exonyms). Known forms map without issue
("Mèo" → "Hmông", "Khmer" → "Khơ-me"); a match found only after undoing OCR damage is
``ethnicity.repaired``; a sub-group name shared by several groups ("Mán": Dao or Sán Dìu) is
``ethnicity.ambiguous``; anything else is ``ethnicity.unknown``. The value is never the
nearest name by default: no issue, no replacement.
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
class EthnicGroup:
    code: str
    """GSO code, "01" (Kinh) to "54" (Rơ-măm)."""
    name: str
    moj_name: str
    variants: tuple[str, ...]
    subgroups: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class EthnicityResult(Normalized):
    group: EthnicGroup | None = None


_LABEL = re.compile(r"(?i)^dân\s*tộc\s*[:.]?\s*")


@cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    return tuple(
        EthnicGroup(
            code=g["code"],
            name=g["name"],
            moj_name=g["moj_name"],
            variants=tuple(g["variants"]),
            subgroups=tuple(g["subgroups"]),
        )
        for g in load_data("ethnic_groups.toml")["group"]
    )


@cache
def _vocabulary() -> Vocabulary:
    return Vocabulary(
        Entry(g.name, (g.moj_name, *g.variants), g.subgroups) for g in ethnic_groups()
    )


def group_by_name(name: str) -> EthnicGroup:
    return next(g for g in ethnic_groups() if g.name == name)


def normalize_ethnicity(raw: str) -> EthnicityResult:
    text = _LABEL.sub("", strip_leaders(raw))
    if not text:
        return EthnicityResult(value="", raw=raw)
    found = _vocabulary().match(text)
    if found.how == "ambiguous":
        issues: tuple[Issue, ...] = (
            issue("ethnicity.ambiguous", raw=raw, candidates=", ".join(found.candidates)),
        )
        return EthnicityResult(value=None, raw=raw, issues=issues, factor=factor_of(issues))
    if found.canonical is None:
        issues = (issue("ethnicity.unknown", raw=raw),)
        return EthnicityResult(value=None, raw=raw, issues=issues, factor=factor_of(issues))
    group = group_by_name(found.canonical)
    issues = (
        (issue("ethnicity.repaired", raw=raw, value=group.name),) if found.how == "repaired" else ()
    )
    return EthnicityResult(
        value=group.name, raw=raw, issues=issues, factor=factor_of(issues), group=group
    )
