"""Matching a written value to a closed list of canonical values (sex, ethnicity, nationality).

Each canonical value has *strong* forms (its name and spelling variants) and *weak* forms
(sub-group names, old exonyms). A value is looked up, in this order:

1. exactly (NFC, case, spaces, hyphens, apostrophes and dots ignored): a strong form, then a
   weak form; this is normalization, not a correction;
2. without tone marks and letter marks (OCR drops them): a *repair*;
3. its leading words, as in 1 and 2, when the rest is something else (OCR read a stroke of the
   signature or the next column after the value: "Kinh. căn", "Nam TT"): a *repair*;
4. fuzzily on the mark-free form ("rn" read as "m"; one letter off when both have at least
   ``one_off_length`` letters; else, for longer forms, a rapidfuzz ratio of at least
   ``min_score``, within 5 points of the best), the whole, then its leading words: a *repair*.

A form that leads to several canonical values is *ambiguous*; a value found nowhere is
*unknown*. The caller turns repairs, ambiguity and unknown values into issues.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from hotich.schema.text import clean_text, strip_accents

How = Literal["exact", "repaired", "ambiguous", "unknown"]
_SEPARATORS = re.compile(r"[\s\-–—'’‘`.]+")
_PAREN = re.compile(r"^(.*?)\s*\((.*)\)\s*$")


def form_key(text: str) -> str:
    """The exact comparison form: NFC, case-folded, without spaces, hyphens, apostrophes."""
    return _SEPARATORS.sub("", clean_text(text).casefold())


def loose_key(text: str) -> str:
    """:func:`form_key` without tone marks and letter marks (ơ → o, đ → d)."""
    return strip_accents(form_key(text))


@dataclass(frozen=True)
class Match:
    canonical: str | None
    how: How
    candidates: tuple[str, ...] = ()
    """The canonical values in play when ``how`` is "ambiguous"."""


@dataclass(frozen=True)
class Entry:
    canonical: str
    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()


class Vocabulary:
    """A closed list of canonical values with their forms; see the module docstring."""

    def __init__(
        self, entries: Iterable[Entry], *, min_score: float = 85.0, one_off_length: int = 4
    ) -> None:
        self.entries = tuple(entries)
        self.min_score = min_score
        self.one_off_length = one_off_length
        self._exact_strong: dict[str, set[str]] = {}
        self._exact_weak: dict[str, set[str]] = {}
        self._loose_strong: dict[str, set[str]] = {}
        self._loose_weak: dict[str, set[str]] = {}
        for e in self.entries:
            for form in (e.canonical, *e.strong):
                self._exact_strong.setdefault(form_key(form), set()).add(e.canonical)
                self._loose_strong.setdefault(loose_key(form), set()).add(e.canonical)
            for form in e.weak:
                self._exact_weak.setdefault(form_key(form), set()).add(e.canonical)
                self._loose_weak.setdefault(loose_key(form), set()).add(e.canonical)
        self._choices = sorted(set(self._loose_strong) | set(self._loose_weak))

    def _owners(self, loose: str) -> set[str]:
        strong = self._loose_strong.get(loose)
        return set(strong) if strong else set(self._loose_weak.get(loose, ()))

    def _lookup(self, text: str) -> Match | None:
        key, loose = form_key(text), loose_key(text)
        if not key:
            return None
        found = self._exact_strong.get(key)
        if found:
            return _match(found, "exact")
        # A weak form whose mark-free spelling is also that of a canonical name is not trusted
        # exactly: an OCR that lost the marks of "Lào" must not become the sub-group "Lao".
        found = self._exact_weak.get(key)
        if found and loose not in self._loose_strong:
            return _match(found, "exact")
        found = self._owners(loose)
        if found:
            return _match(found, "repaired")
        return None

    def match(self, text: str) -> Match:
        """The canonical value for ``text``; ``Match(None, "unknown")`` when there is none."""
        attempts = [text]
        m = _PAREN.match(clean_text(text))
        if m:  # "Dao (Mán)": the group outside the brackets, then the name inside
            attempts += [m[1], m[2]]
        for attempt in attempts:
            found = self._lookup(attempt)
            if found is not None:
                return found
        leading = _leading(text)
        for words in leading:
            found = self._lookup(words)
            if found is not None:
                return _repaired(found)
        found = self._fuzzy(loose_key(text))
        if found.how != "unknown":
            return found
        for words in leading:
            found = self._fuzzy(loose_key(words))
            if found.how != "unknown":
                return _repaired(found)
        return found

    def _fuzzy(self, loose: str) -> Match:
        if not loose:
            return Match(None, "unknown")
        found = self._fuzzy_form(loose)
        letters = re.sub(r"[^a-z]", "", loose)
        if found.how == "unknown" and letters and letters != loose:
            # marks that are no letter ("Việf£ Nam"): the letters alone
            found = self._fuzzy_form(letters)
        if found.how == "unknown" and any(ch.isdigit() for ch in loose):
            # no name holds a figure: one there is a letter misread ("7húái" for Thái)
            found = self._fuzzy_form(loose.translate(_FIGURES_FOR_LETTERS))
        return found

    def _fuzzy_form(self, loose: str) -> Match:
        loose = loose.replace("rn", "m")  # Tesseract reads "m" as "rn"; no Vietnamese word has it
        direct = self._owners(loose)
        if direct:
            return _match(direct, "repaired")
        close = [
            c
            for c in self._choices
            if min(len(c), len(loose)) >= self.one_off_length
            and Levenshtein.distance(loose, c) <= 1
        ]
        if close:  # one letter wrong in a long enough name
            near: set[str] = set()
            for c in close:
                near |= self._owners(c)
            return _match(near, "repaired")
        short = self._short_one_off(loose)
        if short is not None:
            return short
        if len(loose) <= self.one_off_length:  # too short for a ratio to mean anything
            return Match(None, "unknown")
        scored = process.extract(loose, self._choices, scorer=fuzz.ratio, limit=8)
        good = [(choice, score) for choice, score, _ in scored if score >= self.min_score]
        if not good:
            return Match(None, "unknown")
        best = good[0][1]
        owners: set[str] = set()
        for choice, score in good:
            if score >= best - 5:
                owners |= self._owners(choice)
        return _match(owners, "repaired")

    def _short_one_off(self, loose: str) -> Match | None:
        """A name of three letters one letter off ("Hod", "Hoqa" for Hoa), only when what was
        read cannot be Vietnamese (a mark that is no letter, f/j/w/z, q without u, an ending
        no syllable has) and one canonical name is that close: "Gai" and "Nan" are words, and
        stay unknown."""
        if not _not_vietnamese(loose):
            return None
        owners: set[str] = set()
        for c in self._loose_strong:
            if min(len(c), len(loose)) >= 3 and Levenshtein.distance(loose, c) <= 1:
                owners |= self._loose_strong[c]
        return Match(owners.pop(), "repaired") if len(owners) == 1 else None


_FIGURES_FOR_LETTERS = str.maketrans({"7": "t", "0": "o", "1": "i", "5": "s", "8": "b"})
_SYLLABLE_END = re.compile(r"(?:[aeiouy]|ch|c|m|ng|nh|n|p|t)$")
_NOT_VIETNAMESE = re.compile(r"[^a-z]|[fjwz]|q(?!u)")


def _not_vietnamese(loose: str) -> bool:
    """Whether a mark-free form holds what no Vietnamese word does (see ``_short_one_off``)."""
    return bool(_NOT_VIETNAMESE.search(loose)) or not _SYLLABLE_END.search(loose)


def _leading(text: str) -> list[str]:
    """The leading runs of words of ``text``, longest first, without the whole."""
    words = clean_text(text).split()
    return [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]


def _repaired(found: Match) -> Match:
    return found if found.how == "ambiguous" else Match(found.canonical, "repaired")


def _match(owners: set[str], how: How) -> Match:
    if len(owners) == 1:
        return Match(next(iter(owners)), how)
    return Match(None, "ambiguous", tuple(sorted(owners)))


@cache
def load_data(name: str) -> dict[str, Any]:
    """A TOML file shipped in ``hotich/schema/data/``."""
    text = resources.files("hotich.schema").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)
