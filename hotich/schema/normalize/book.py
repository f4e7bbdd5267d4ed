"""The years a ledger book covers, from its folder's name.

A register book is opened for a year (``khai-sinh-1998-q01``: the births of 1998, volume 1);
some hold several (``khai-tu-1995-1997``). Every registration in the book was made within those
years, so its registration date, and the year a later book writes after the number
(``07/1998``), must fall inside them. A name without a year (``so-cu``) says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEARS = re.compile(r"(?<!\d)((?:18|19|20)\d{2})(?:[-_]((?:18|19|20)\d{2}))?(?!\d)")


@dataclass(frozen=True)
class BookYears:
    first: int
    last: int

    @property
    def first_day(self) -> date:
        return date(self.first, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.last, 12, 31)

    def holds(self, year: int) -> bool:
        return self.first <= year <= self.last

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


def book_years(book: str | None) -> BookYears | None:
    """The years of the book folder ``book`` (its first year, or first and last, in its
    name); None when its name gives none."""
    m = _YEARS.search(book or "")
    if m is None:
        return None
    first = int(m[1])
    last = int(m[2]) if m[2] else first
    if last < first or last - first > 20:
        return None
    return BookYears(first, last)
