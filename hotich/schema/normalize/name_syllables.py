"""The syllables of a Vietnamese (Kinh) name after the surname, checked against the names in use.

OCR of a name most often loses or invents a tone mark ("NHỤNG" for NHUNG, "THI" for the middle
name THỊ), reads an I as a T ("MAT" for MAI, "KTIM" for KIM), runs two syllables together
("VĂNHUY") or picks up a stray letter after the name from the fill-in line ("MAI N"). The
syllables in use are data (``hotich/schema/data/name_syllables.toml``: middle names and given
names), so :func:`respell` can restore such a syllable, but only where exactly one listed
syllable fits:

- a syllable listed for its place in the name (or for the other place) is never changed;
- one that is not listed is compared with the listed syllables of its place (then of the other
  place) that are spelled the same but for marks; of those, the one whose marks differ least
  from the written ones wins, if it is the only one so close;
- failing that, with the letter T read for I undone ("MAT" → MAI, "KTIM" → KIM), or a vowel
  read twice undone ("KHẨẢI" → KHẢI);
- failing that, a listed syllable whose first one or two letters were lost ("OÀNG" → HOÀNG);
- a word that is two listed syllables run together is split, when only one split fits; a
  fragment without a vowel is joined to the word after it when together they fit a syllable;
- a last word that is a lone consonant (a lone vowel after three words), or not in capitals in
  a name in capitals, is dropped.

Names of peoples whose names follow other rules (a surname listed under ``other_rules``, or a
one-letter syllable such as the Hmông "A") are left alone.

The caller turns any change into an issue: a person confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz.distance import Levenshtein

from hotich.schema.normalize.tone_style import same_name
from hotich.schema.normalize.vocab import load_data
from hotich.schema.text import strip_accents

_LETTERS = re.compile(r"^[^\W\d_]+$", re.UNICODE)


@cache
def _lists() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(middle, given): mark-free key → the listed syllables spelled so but for marks."""
    data = load_data("name_syllables.toml")
    out: list[dict[str, tuple[str, ...]]] = []
    for kind in ("middle", "given"):
        table: dict[str, list[str]] = {}
        for name in dict.fromkeys(data[kind]):
            table.setdefault(strip_accents(name), []).append(name)
        out.append({k: tuple(v) for k, v in table.items()})
    return out[0], out[1]


@cache
def _other_rules() -> frozenset[str]:
    return frozenset(n.lower() for n in load_data("name_syllables.toml")["other_rules"])


_MARKED = frozenset("aeiouy")


def _vietnamese(word: str) -> bool:
    """Letters a Vietnamese syllable is written with: a-z and đ, marks on vowels only."""
    prev = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(ch):
            if prev not in _MARKED:
                return False
            continue
        if not ("a" <= ch <= "z" or ch == "đ"):
            return False
        prev = ch
    return True


def _listed(word: str) -> bool:
    key = strip_accents(word)
    return any(same_name(word, s) for table in _lists() for s in table.get(key, ()))


def syllable_key(key: str) -> bool:
    """Whether ``key`` (mark-free, lower case) is a listed middle or given name but for marks."""
    return any(key in table for table in _lists())


def listed_syllable(word: str) -> bool:
    """Whether ``word`` is a listed middle or given name (marks as listed, case aside)."""
    return _LETTERS.match(word) is not None and _listed(word)


def name_syllable(word: str) -> bool:
    """Whether ``word`` is a listed middle or given name, written in capitals as names are
    ("VĂN", "BÌNH"); a scrap of a stain is not."""
    return len(word) >= 2 and word.isupper() and _LETTERS.match(word) is not None and _listed(word)


def _marks(word: str) -> str:
    return unicodedata.normalize("NFD", word.lower())


def _closest(word: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate whose marks differ least from ``word``'s, if only one is that close."""
    if not candidates:
        return None
    scored = sorted((Levenshtein.distance(_marks(word), _marks(c)), c) for c in candidates)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _fit(word: str, middle: bool) -> str | None:
    """The listed syllable ``word`` was misread from, if exactly one fits (see the module)."""
    tables = _lists() if middle else _lists()[::-1]
    attempts = [word]
    upper = word.upper()
    for i, ch in enumerate(upper):
        if ch == "T" and i > 0:
            attempts.append(word[:i] + "I" + word[i + 1 :])  # I read as T
            if strip_accents(upper[i + 1 : i + 2]) == "i":
                attempts.append(word[:i] + word[i + 1 :])  # a stray T before the I
    base = strip_accents(word)
    for i in range(len(word) - 1):
        if base[i] == base[i + 1] and base[i] in "aeiuy" and len(base) == len(word):
            # one vowel read twice ("KHẨẢI"): either may be the one written
            attempts += [word[:i] + word[i + 1 :], word[: i + 1] + word[i + 2 :]]
    for attempt in attempts:
        key = strip_accents(attempt)
        for table in tables:
            found = _closest(attempt, table.get(key, ()))
            if found is not None:
                return found
    return _clipped(word, tables)


def _clipped(word: str, tables: tuple[dict[str, tuple[str, ...]], ...]) -> str | None:
    """The listed syllable ``word`` is the end of, having lost its first one or two letters
    where it touched the fill-in line or a stroke ("OÀNG" for HOÀNG, "UYỆT" for NGUYỆT); of
    several, the one whose end has the closest marks, if only one is that close."""
    key = strip_accents(word)
    if len(key) < 3:
        return None
    for table in tables:
        ends: dict[str, str] = {}
        for k, names in table.items():
            if 1 <= len(k) - len(key) <= 2 and k.endswith(key):
                for name in names:
                    ends[name] = name[len(name) - len(word) :]
        if ends:
            scored = sorted(
                (Levenshtein.distance(_marks(word), _marks(end)), name)
                for name, end in ends.items()
            )
            if len(scored) == 1 or scored[0][0] < scored[1][0]:
                return scored[0][1]
            return None
    return None


def _split(word: str) -> tuple[str, str] | None:
    """``word`` as two listed syllables run together, when only one split fits."""
    fits = [
        (word[:i], word[i:]) for i in range(1, len(word)) if _listed(word[:i]) and _listed(word[i:])
    ]
    return fits[0] if len(fits) == 1 else None


def _rejoined(words: list[str]) -> list[str]:
    """``words`` with a fragment without a vowel ("H", "TH": no syllable has none) joined to
    the word after it when together they are a listed syllable, or fit one ("H UỆ" → HUỆ,
    "TH T" → THT, read as THỊ): OCR split the syllable at a wide gap between its letters."""
    out = list(words[:1])
    k = 1
    while k < len(words):
        word = words[k]
        if k + 1 < len(words) and word.isalpha() and not set(strip_accents(word)) & _MARKED:
            joined = word + words[k + 1]
            if _LETTERS.match(joined) and (
                _listed(joined) or _fit(joined, k + 1 < len(words) - 1) is not None
            ):
                out.append(joined)
                k += 2
                continue
        out.append(word)
        k += 1
    return out


def _cased(syllable: str, written: str) -> str:
    return syllable.upper() if written.isupper() else syllable


def respell(text: str) -> str:
    """``text`` (a name whose surname is listed) with misread syllables restored where one
    listed syllable fits; unchanged when nothing does."""
    words = text.split()
    if len(words) < 2 or words[0].lower() in _other_rules():
        return text
    words = _rejoined(words)
    if any(len(w) == 1 and w.isalpha() for w in words[1:-1]):
        return text  # "LY A PHỪ": a Hmông name
    capitals = sum(w.isupper() for w in words) >= 2
    last = words[-1]
    lone = len(last) == 1 and (strip_accents(last) not in "aeiouy" or len(words) > 3)
    lesser = capitals and not last.isupper()  # "NAM an", "GIANG Nho" in a name in capitals
    if len(words) > 2 and last.isalpha() and (lone or lesser):
        words = words[:-1]  # a stray letter or word after the name ("Y" may be a name)
    out = [words[0]]
    for k, word in enumerate(words[1:], start=1):
        if not _LETTERS.match(word) or not _vietnamese(word) or _listed(word):
            out.append(word)
            continue
        middle = k < len(words) - 1
        found = _fit(word, middle)
        if found is not None:
            out.append(_cased(found, word))
            continue
        parts = _split(word)
        out.extend(parts if parts is not None else (word,))
    return " ".join(out)
