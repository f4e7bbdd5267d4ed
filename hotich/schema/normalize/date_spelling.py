"""The spelling of a date in words, checked and, where OCR damaged it, restored.

The date in words is kept as written (the contract compares the text), and reading it back
ignores tone marks (:mod:`hotich.schema.vn_numbers`), so "tháng hại năm hại nghìn" still says
February 2000-something. But the text is then wrong. :func:`respell` compares the words with
the number words a date can use; when one is not among them (a tone mark misread, punctuation
OCR put between words), it looks for the spelling of the date the text says that differs
from the text in tone marks only: all the ways ledgers write that date (mồng/mùng, linh/lẻ,
tư/bốn, lăm/nhăm, nghìn/ngàn, bảy/bẩy, hăm/băm, giêng) are generated, and when exactly one
matches, it is the text as the clerk wrote it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import Levenshtein

from hotich.schema.text import strip_accents
from hotich.schema.vn_numbers import date_to_words

NUMBER_WORDS: Final = frozenset(
    {
        *("ngày", "tháng", "năm", "mồng", "mùng", "không", "một", "mốt", "hai", "ba", "bốn"),
        *("tư", "lăm", "nhăm", "sáu", "bảy", "bẩy", "tám", "chín", "mười", "mươi", "trăm"),
        *("linh", "lẻ", "nghìn", "ngàn", "giêng", "chạp", "hăm", "băm", "chục"),
    }
)
"""Every word a date in words may hold, spelled right (lower case, NFC)."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_OPTIONS: Final = tuple(
    itertools.product(
        ("", "mồng", "mùng"),  # mong
        (False, True),  # gieng
        ("nghìn", "ngàn"),
        ("linh", "lẻ"),
        ("tư", "bốn"),
        ("lăm", "năm", "nhăm"),
        (False, True),  # short_zero
        ("bảy", "bẩy"),
        (False, True),  # contract_day
    )
)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def spelled_right(text: str) -> bool:
    """Every word is a number word spelled right (figures between the words count as right),
    and only single spaces stand between them."""
    words = words_of(text)
    return " ".join(words) == text.lower() and all(w in NUMBER_WORDS or w.isdigit() for w in words)


def _key(words: list[str]) -> str:
    return " ".join(strip_accents(w) for w in words)


@lru_cache(maxsize=1024)
def _ordered(iso: str) -> tuple[str, ...]:
    """Every spelling of the date, the commonest ways first (the order of ``_OPTIONS``)."""
    day = date.fromisoformat(iso)
    out: dict[str, None] = {}
    for mong, gieng, nghin, linh, four, five, short_zero, seven, contract in _OPTIONS:
        text = date_to_words(
            day,
            mong=mong,
            gieng=gieng,
            nghin=nghin,
            linh=linh,
            four=four,
            five=five,
            short_zero=short_zero,
            seven=seven,
            contract_day=contract,
        )
        out.setdefault(text, None)
    return tuple(out)


@lru_cache(maxsize=1024)
def _spellings(iso: str) -> dict[str, frozenset[str]]:
    """Accent-free key → the spellings of the date with that key."""
    out: dict[str, set[str]] = {}
    for text in _ordered(iso):
        out.setdefault(_key(words_of(text)), set()).add(text)
    return {k: frozenset(v) for k, v in out.items()}


def _cased_like(text: str, model: str) -> str:
    letters = [c for c in model if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return text.upper()
    if letters and letters[0].isupper():
        return text[0].upper() + text[1:]
    return text


def respell(text: str, iso: str) -> str | None:
    """The one spelling of the full date ``iso`` that differs from ``text`` only in tone marks
    (of words not spelled right) and punctuation, in the letter case of ``text``; None when
    there is none or several."""
    words = words_of(text)
    found = [
        spelling
        for spelling in _spellings(iso).get(_key(words), frozenset())
        # the words read right must stay as they are: "bảy" read right is not "bẩy"
        if all(w == s for w, s in zip(words, spelling.split(), strict=True) if w in NUMBER_WORDS)
    ]
    if len(found) != 1:
        return None
    return _cased_like(found[0], text)


def spelling_near(text: str, iso: str) -> str | None:
    """The spelling of the full date ``iso`` that ``text`` is but for misread words: the words
    of ``text`` spelled right are the spelling's, each other one is its word one letter off,
    marks aside ("chín mươi tăm" for "chín mươi lăm", where respelling by marks alone made it
    "tám"). Of several (lăm, năm), the one whose marks are closest, then the commonest. None
    when there is none, or nothing was misread."""
    words = words_of(text)
    odd = [w not in NUMBER_WORDS and not w.isdigit() for w in words]
    if not any(odd):
        return None
    found = [
        spelling
        for spelling in _ordered(iso)
        if len(spelling.split()) == len(words)
        and all(
            Levenshtein.distance(strip_accents(w), strip_accents(s)) <= 1 if o else w == s
            for w, s, o in zip(words, spelling.split(), odd, strict=True)
        )
    ]
    if not found:
        return None
    marks = unicodedata.normalize("NFD", " ".join(words))
    best = min(found, key=lambda s: Levenshtein.distance(marks, unicodedata.normalize("NFD", s)))
    return _cased_like(best, text)
