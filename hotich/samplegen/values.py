"""Entry values as printed on the page and as written in the ground truth.

They are the same strings, except dates: the page prints ``15/03/1985`` (or ``15-03-1985``),
the ground truth holds ``1985-03-15``. A field the page prints blank is ``""``. Deliberate
inconsistencies (a wrong digit in an ID, another day in the date in words) are printed, and the
ground truth then holds the value as printed, with the field named in ``_inconsistent``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from hotich.samplegen.rand import pick
from hotich.samplegen.styles import BookStyle
from hotich.schema.text import clean_text
from hotich.schema.vn_numbers import date_to_words

DATE_FIELDS = frozenset(
    {
        "date_of_birth",
        "registration_date",
        "date_of_death",
        "husband_date_of_birth",
        "wife_date_of_birth",
    }
)


@dataclass(frozen=True)
class SampleEntry:
    """One entry of a page: ground-truth values and the strings printed for them."""

    values: dict[str, str]
    """field → ground-truth value (ISO dates), in the order the page gives them."""
    inconsistent: tuple[str, ...] = ()
    printed_as: dict[str, str] = field(default_factory=dict)
    """What the page prints where it differs from the ground truth ("14 giờ 30 phút" for
    ``14:30``), and values printed for no field (``~death_notice``)."""

    def printed(self, field: str, style: BookStyle) -> str:
        if field in self.printed_as:
            return self.printed_as[field]
        value = self.values[field]
        if field in DATE_FIELDS and value:
            return style.print_date(value)
        return value

    def ground_truth(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.values)
        if self.inconsistent:
            out["_inconsistent"] = list(self.inconsistent)
        return out


def make_entry(values: dict[str, str], fields: tuple[str, ...]) -> SampleEntry:
    """The entry for the ``fields`` a page prints, from all the values of a registration."""
    missing = [f for f in fields if f not in values]
    if missing:
        raise KeyError(f"no value for fields {missing}")
    return SampleEntry({f: clean_text(values[f]) for f in fields})


def words_for(iso: str, style: BookStyle) -> str:
    return date_to_words(date.fromisoformat(iso), **style.words)


def wrong_id_digit(rng: np.random.Generator, pid: str) -> str:
    """``pid`` with one digit of its century/sex or year part changed, so it disagrees with
    the sex or the date of birth."""
    pos = pick(rng, (3, 4, 5))
    digits = [d for d in "0123456789" if d != pid[pos]]
    return pid[:pos] + pick(rng, digits) + pid[pos + 1 :]


def wrong_day(rng: np.random.Generator, iso: str) -> str:
    """Another day of the same month (1–5 days away) as an ISO date."""
    d = date.fromisoformat(iso)
    last = calendar.monthrange(d.year, d.month)[1]
    choices = [d.day + k for k in (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5) if 1 <= d.day + k <= last]
    return d.replace(day=pick(rng, choices)).isoformat()


def make_inconsistent(
    rng: np.random.Generator, entry: SampleEntry, style: BookStyle, rate: float
) -> SampleEntry:
    """With probability ``rate``, corrupt one checkable field the page prints."""
    candidates = [
        f
        for f in ("personal_id", "date_of_birth_words")
        if entry.values.get(f) and (f != "date_of_birth_words" or entry.values.get("date_of_birth"))
    ]
    if not candidates or rng.random() >= rate:
        return entry
    field = pick(rng, candidates)
    values = dict(entry.values)
    if field == "personal_id":
        values[field] = wrong_id_digit(rng, values[field])
    else:
        values[field] = words_for(wrong_day(rng, values["date_of_birth"]), style)
    return SampleEntry(values, (field,))
