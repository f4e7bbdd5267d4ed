"""Free-text fields with common wordings: the declarant's relationship, the cause of death and
the notes.

A value is compared with the wordings of ``data/terms.toml`` without tone marks or case.
Written as listed: kept. The same letters as exactly one listed wording but other marks or
stray punctuation ("Me", "Đột quy", "Đuối. nước"), figures OCR read for letters ("Suy t1m"),
or, in a wording of five letters or more, one letter off ("Anh traj"), or followed by one or
two scraps of OCR ("Mẹ mÍ"), or with one word garbled into no Vietnamese syllable ("Bệnh từn",
:func:`_one_word_garbled`): the listed spelling is restored, with issue ``term.repaired`` (so
the field goes to review, with the raw text kept). A value that matches no wording is kept as
read: the lists are an aid, not a limit; it is read with less certainty, by rule
(``term.unlisted`` in ``RAISES``), except a note, which is mostly free text.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz.distance import Levenshtein

from hotich.schema.normalize.result import Normalized, issue, normalized
from hotich.schema.normalize.syllable import vietnamese_syllable
from hotich.schema.normalize.vocab import load_data
from hotich.schema.text import clean_text, strip_accents

TERM_KINDS = ("relationship", "cause_of_death", "notes")
FREE_KINDS = frozenset({"notes"})
"""Kinds whose values are mostly free text: an unlisted one raises no doubt."""
_FIGURES_FOR_LETTERS = str.maketrans({"1": "i", "0": "o", "|": "l"})
"""No listed wording holds a figure: one there is a letter misread."""
_ONE_OFF_LENGTH = 5
_GARBLED_EDITS = 2
"""Letters a garbled word may differ by from the listed one when the wording has two words
(with three or more, the other words say enough)."""


@cache
def _terms(kind: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Exact lower-case wording → listed form; mark-free key → listed forms."""
    exact: dict[str, str] = {}
    loose: dict[str, list[str]] = {}
    for term in load_data("terms.toml")[kind]:
        exact[term.lower()] = term
        loose.setdefault(_key(term), []).append(term)
    return exact, {k: tuple(v) for k, v in loose.items()}


def _key(text: str) -> str:
    """Letters only, without marks or case: "Đuối. nước" and "Duoi nuoc" share a key."""
    return " ".join(re.sub(r"[^\w\s]|\d|_", " ", strip_accents(text)).split())


def normalize_term(raw: str, kind: str) -> Normalized:
    """``raw`` for a field of ``kind`` (one of :data:`TERM_KINDS`); see the module docstring."""
    text = clean_text(raw).strip(" .:;,_…-")
    if not text:
        return normalized("", raw)
    exact, loose = _terms(kind)
    if text.lower() in exact:
        return normalized(text, raw)
    key = _key(text.translate(_FIGURES_FOR_LETTERS))
    candidates = loose.get(key, ())
    if not candidates and len(key.replace(" ", "")) >= _ONE_OFF_LENGTH:
        near = {t for k, ts in loose.items() if Levenshtein.distance(key, k) == 1 for t in ts}
        candidates = tuple(near)
    if not candidates:
        candidates = _leading(text, exact, loose)
    if not candidates:
        candidates = _one_word_garbled(text, loose)
    if len(candidates) == 1:
        (term,) = candidates
        value = term.upper() if text.isupper() else term
        return normalized(value, raw, [issue("term.repaired", raw=raw, value=value)])
    return normalized(text, raw, raises=() if kind in FREE_KINDS else ("term.unlisted",))


def listed_term(text: str, kind: str) -> bool:
    """Whether ``text`` is one of the listed wordings of ``kind``, as written or repaired."""
    value = normalize_term(text, kind).value or ""
    return value.lower() in _terms(kind)[0]


def _leading(
    text: str, exact: dict[str, str], loose: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The listed wording that the value's leading words are, when what follows is no more
    than two scraps of one to three letters ("Mẹ mÍ", "Cha l Ị": marks read after it)."""
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        rest = words[n:]
        if len(rest) > 2 or any(len(w) > 3 for w in rest):
            break
        head = " ".join(words[:n])
        if head.lower() in exact:
            return (exact[head.lower()],)
        found = loose.get(_key(head), ())
        if found:
            return found
    return ()


def _one_word_garbled(text: str, loose: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The one listed wording that ``text`` is but for one word OCR garbled into no Vietnamese
    syllable at all ("Bệnh từn", "Nhồi máu cơ từưn" for "… tim"): the other words are the
    wording's (marks aside), and in a wording of two words the garbled one is at most
    :data:`_GARBLED_EDITS` letters off. A real word in its place ("Bệnh lao") is no misreading."""
    written = text.split()
    keys = [_key(w) for w in written]
    if len(written) < 2 or any(" " in k or not k for k in keys):
        return ()
    odd = [i for i, w in enumerate(written) if not vietnamese_syllable(w)]
    if len(odd) != 1:
        return ()
    i = odd[0]
    found: set[str] = set()
    for key, terms in loose.items():
        words = key.split()
        if len(words) != len(keys) or any(
            a != b for k, (a, b) in enumerate(zip(words, keys, strict=True)) if k != i
        ):
            continue
        if len(words) == 2 and Levenshtein.distance(words[i], keys[i]) > _GARBLED_EDITS:
            continue
        found.update(terms)
    return tuple(found) if len(found) == 1 else ()
