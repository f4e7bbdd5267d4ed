"""Zeros read as other figures.

A worn zero, or a typewriter's zero with a dot inside, comes out of OCR as 9, 6 or 8
("07/2010" read "97/2019"). Where a reading of figures cannot be right (a month 92, a
registration year outside its book, a number out of sequence), those figures are tried as zeros,
fewest first; a repair is only made when exactly one reading fits, and always with an issue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import combinations

ZERO_LOOKALIKES = frozenset("689")
"""The figures OCR reads for a zero."""
MOST_CHANGES = 3


def zero_readings(text: str, *, most: int = MOST_CHANGES) -> Iterator[list[str]]:
    """Readings of ``text`` with 1, then 2, … ``most`` of its 6, 8 and 9 taken for zeros:
    one list per number of changes."""
    places = [i for i, ch in enumerate(text) if ch in ZERO_LOOKALIKES]
    for k in range(1, min(most, len(places)) + 1):
        group = []
        for chosen in combinations(places, k):
            chars = list(text)
            for i in chosen:
                chars[i] = "0"
            group.append("".join(chars))
        yield group


def zero_fit(text: str, fits: Callable[[str], bool]) -> str | None:
    """The one reading of ``text`` with the fewest figures taken for zeros that ``fits``;
    None when none does, or several with as few changes do."""
    for group in zero_readings(text):
        found = [reading for reading in group if fits(reading)]
        if found:
            return found[0] if len(found) == 1 else None
    return None
