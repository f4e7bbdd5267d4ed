"""Personal names: NFC, single spaces, the register's letter case, a chosen tone-mark style.

Tone-mark placement in the syllables ending in "oa", "oe", "uy" has two accepted styles: the
old one marks the second vowel (hoà, khoẻ, thuỷ), the new one the first (hòa, khỏe, thủy).
Both are the same name. ``style="keep"`` (the default, setting ``name_tone_style``) leaves the
name as written, as the contract asks ("names as written"); "old" or "new" rewrites every such
syllable to one style, which is a convention, not a correction, so it adds no issue.

Issues: ``name.one_word`` for a name read as one word (a surname or given name lost);
``name.bad_chars`` for characters no Vietnamese name can hold (digits, punctuation,
letters of other alphabets such as ö, ñ, č that OCR emits); ``name.mixed_case`` for a word
whose case is neither upper, lower nor capitalized ("NGUYễN"), or a word in lower case in a
name in capitals, a sign of misread letters; ``name.impossible_syllable`` for a word no
Vietnamese syllable spells (a final p/t/c/ch under a tone other than sắc or nặng, or two
syllables run together), checked for names with a listed surname.
Letters f, j, w, z are allowed: names of ethnic minorities use them (Y Wơn, Siu H'Zép).
A surname whose marks OCR misread ("PHAM VĂN AN": no surname is spelled Pham) is restored when
exactly one surname of ``hotich/schema/data/surnames.toml`` fits it but for marks
(``name.surname_repaired``); when several do, the likeliest (closest marks, then commonest) is
put in and flagged with all of them named (``name.surname_unusual``); so is one
that lost its first letter ("GUYỄN") or gained a stray one in front ("JNGUYỄN"); a surname
listed there, or fitting none, is left as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz.distance import Levenshtein

from hotich.schema.entries import Issue
from hotich.schema.normalize.name_syllables import listed_syllable, respell, syllable_key
from hotich.schema.normalize.result import Normalized, issue, normalized
from hotich.schema.normalize.tone_style import (
    TONES,
    ToneStyle,
    apply_tone_style,
    same_name,
)
from hotich.schema.normalize.vocab import load_data
from hotich.schema.text import clean_text, strip_accents

_BASES = "abcdeghiklmnopqrstuvxyfjwz"


def _letters() -> frozenset[str]:
    out = set(_BASES + _BASES.upper() + "đĐ")
    for vowel in "aăâeêioôơuưy":
        for tone in ("", *sorted(TONES)):
            composed = unicodedata.normalize("NFC", vowel + tone)
            out |= {composed, composed.upper()}
    return frozenset(out)


NAME_LETTERS = _letters()
"""Every letter that may occur in a Vietnamese name (NFC, both cases)."""
_ALLOWED_OTHER = frozenset(" -'")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EDGES = " .:;,_…'\"`[](){}|«»“”"
"""What is stripped from both ends of a name as read: leader dots, punctuation, quotes and
brackets that OCR took from the fill-in line, a torn edge or a rule."""
_LEADER_RUN = re.compile(r"\s*(?:\.{2,}|…)")
_INNER_MARKS = re.compile(r"(?<=\w)[.,:;_]+(?=\s|\w)|(?<=\s)[.,:;_]+(?=\w)")


_STOP_FINALS = ("p", "t", "c", "ch")
_STOPTONES = frozenset("\u0301\u0323")  # sắc, nặng: the only tones a stop final allows
_LONGEST_SYLLABLE = 7  # "nghiêng"


def _doubled_vowel(word: str) -> bool:
    """A vowel written twice in a row, as no syllable is ("KHẨẢI", "NGUYÊỀN"); "ưu" (LƯU) is
    a vowel pair, and "oo" (XOONG) is written."""
    shapes = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if ch not in TONES)
    shapes = unicodedata.normalize("NFC", shapes)
    base = strip_accents(shapes)
    return (
        any(
            base[i] == base[i + 1] in "aeiuy" and shapes[i : i + 2] != "ưu"
            for i in range(len(base) - 1)
        )
        if len(base) == len(shapes)
        else False
    )


def _name_end(text: str) -> re.Match[str] | None:
    """The run of fill-in dots the name ends at: the longest (the first of the longest). OCR
    reads a few dots for a gap inside a name too ("LỆ. THỊ...HÀ.........222")."""
    runs = list(_LEADER_RUN.finditer(text))
    return max(runs, key=lambda m: len(m[0].strip())) if runs else None


def _impossible_syllables(text: str) -> list[str]:
    """Words of a Vietnamese (Kinh) name no syllable can spell: a final p, t, c or ch under a
    tone other than sắc or nặng ("LƯC", "DIÊP"), or more letters than any syllable has
    ("VĂNMINH": two words run together). Names with a surname not in the list (other peoples'
    names follow other rules) are not checked."""
    words = text.split()
    if len(words) < 2 or strip_accents(words[0]) not in _surnames():
        return []
    odd = []
    for word in words:
        base = strip_accents(word).replace("đ", "d")
        if not base.isalpha():
            continue
        tones = {m for m in unicodedata.normalize("NFD", word.lower()) if m in TONES}
        stop = base.endswith(_STOP_FINALS) and any(v in base for v in "aeiouy")
        nuclei = len(re.findall(r"[aeiouy]+", base))  # a syllable has one vowel group
        marks = [m for m in unicodedata.normalize("NFD", word.lower()) if m in TONES]
        doubled = _doubled_vowel(word)
        if (
            (stop and not tones & _STOPTONES)
            or nuclei != 1  # none: a fragment ("H YỀN"); two: words run together
            or len(base) > _LONGEST_SYLLABLE
            or len(marks) > 1  # a syllable carries one tone
            or doubled
        ):
            odd.append(word)
    return odd


def _odd_word_case(text: str) -> bool:
    """One word in lower case in a name otherwise in capitals ("põ VĂN CƯỜNG"): misread."""
    words = [w for w in _WORD.findall(text) if len(w) > 1]
    upper = sum(w.isupper() for w in words)
    return upper >= 2 and any(w.islower() for w in words)


def _mixed_case(word: str) -> bool:
    for part in _WORD.findall(word):  # runs of letters: "H'Hen" is two
        if part.isupper() or part.islower():
            continue
        if part[0].isupper() and (part[1:].islower() or not part[1:]):
            continue
        return True
    return False


def normalize_name(raw: str, *, style: ToneStyle = "keep", typed: bool = False) -> Normalized:
    """A person's name: NFC, single spaces, case as written, tone marks in ``style``.

    ``typed``: a person typed the name (the review app): a surname is never changed then, only
    flagged (``name.surname_unusual``), since a foreign or rare spelling may be meant.
    """
    text = clean_text(raw).strip(_EDGES)
    if not text:
        return normalized("", raw)
    found: list[Issue] = []
    leader = _name_end(text)
    if not typed and leader and len(text[: leader.start()].split()) >= 2:
        # The name ends where the fill-in dots start; what OCR read after them is not the
        # name (a seal, a stain, a stroke), but it was read: an issue says so.
        after = text[leader.end() :].strip(_EDGES)
        text = text[: leader.start()].strip(_EDGES)
        if after:
            found.append(issue("name.text_after_dots", raw=raw, value=text))
    if not typed:
        # No name holds these between its words: OCR read them for the gaps
        # ("NGUYỄN. THỊ", "TRƯƠNG QUỐC: THỊNH", "NGUYÊN,THỊ").
        text = " ".join(_INNER_MARKS.sub(" ", text).split())
        text = _joined_surname(text)
        unrun = _unrun(text)
        if unrun != text:
            text = unrun
            found.append(issue("name.syllable_repaired", raw=raw, value=text))
        cleaned = _garbled_first_letter(_cleaned_front(text))
        if cleaned != text:
            text = cleaned
            found.append(issue("name.surname_repaired", raw=raw, value=text))
        parted = _parted_surname(text)
        if parted != text:
            text = parted
            found.append(issue("name.syllable_repaired", raw=raw, value=text))
    text, surname = _surname_checked(text, raw, typed=typed)
    found += surname
    if not typed and strip_accents(text.split()[0]) in _surnames():
        respelled = respell(text)
        if respelled != text:
            text = respelled
            found.append(issue("name.syllable_repaired", raw=raw, value=text))
    issues: list[Issue] = []
    bad = sorted({ch for ch in text if ch not in NAME_LETTERS and ch not in _ALLOWED_OTHER})
    if bad:
        issues.append(issue("name.bad_chars", raw=raw, chars="".join(bad)))
    if any(_mixed_case(w) for w in text.split()) or _odd_word_case(text):
        issues.append(issue("name.mixed_case", raw=raw))
    if not typed and len(_WORD.findall(text)) == 1:
        issues.append(issue("name.one_word", raw=raw))
    odd = _impossible_syllables(text)
    if odd:
        issues.append(issue("name.impossible_syllable", raw=raw, words=", ".join(odd)))
    # one issue per code: a surname repaired in two steps is named once, as it ended
    last = {i.code: i for i in found}
    found = [i for i in found if last[i.code] is i]
    return normalized(apply_tone_style(text, style), raw, [*issues, *found])


@cache
def _surnames() -> dict[str, tuple[str, ...]]:
    """Mark-free key ("pham") → the surnames spelled so but for marks ("Phạm")."""
    out: dict[str, list[str]] = {}
    for name in load_data("surnames.toml")["surnames"]:
        out.setdefault(strip_accents(name), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _clipped_surnames(written: str) -> tuple[str, ...]:
    """Surnames that are ``written`` with one more letter in front: OCR lost the first letter
    of the name where it touched the fill-in line ("GUYỄN" for NGUYỄN). Two letters say little
    ("AM" would fit Lâm, Đàm, Cầm…): then the marks must be the surname's too ("GÔ": Ngô)."""
    key = strip_accents(written)
    if len(key) < 2:
        return ()
    found = tuple(
        name
        for k, names in _surnames().items()
        if len(k) == len(key) + 1 and k[1:] == key
        for name in names
        if len(key) >= 3 or same_name(name[1:], written)
    )
    return found


_NEAR_SURNAME_LENGTH = 5


def _near_surnames(written: str) -> tuple[str, ...]:
    """Surnames of at least :data:`_NEAR_SURNAME_LENGTH` letters one letter off what was read
    (a letter misread or doubled: "WGUYỄN", "NGUYÊỀN"); the shorter ones are too alike."""
    key = strip_accents(written)
    if len(key) < _NEAR_SURNAME_LENGTH:
        return ()
    return tuple(
        name
        for k, names in _surnames().items()
        # a letter misread in a long surname, or one letter too many ("PĐHAM": Phạm)
        if (len(k) >= _NEAR_SURNAME_LENGTH or len(k) == len(key) - 1 >= 4)
        and len(k) <= len(key)
        and Levenshtein.distance(k, key) == 1
        for name in names
    )


def _ending_in(tail: str) -> list[str]:
    """Listed surnames, in capitals, that are ``tail`` (marks and all) with one or two letters
    in front."""
    return sorted(
        {
            n.upper()
            for n in load_data("surnames.toml")["surnames"]
            if 1 <= len(n) - len(tail) <= 2 and n.upper().endswith(tail.upper())
        }
    )


def _i_read_as_t(written: str) -> tuple[str, ...]:
    """Surnames that are ``written`` with a T read back as the I it was ("MAT" → MAI, "BÙT" →
    BÙI): the letter OCR most often makes of a capital I in these faces."""
    found: list[str] = []
    for k, ch in enumerate(written):
        if ch != "T":
            continue
        fixed = written[:k] + "I" + written[k + 1 :]
        found += [n for n in _surnames().get(strip_accents(fixed), ()) if same_name(fixed, n)]
    return tuple(dict.fromkeys(found))


def _one_letter_off(written: str) -> tuple[str, ...]:
    """Listed surnames one letter off what was read, marks aside (at most six, commonest
    first); none when what was read is no word of capitals."""
    key = strip_accents(written)
    if len(key) < 2 or not written.isalpha() or not written.isupper():
        return ()
    near = [n for k, ns in _surnames().items() if Levenshtein.distance(k, key) == 1 for n in ns]
    return tuple(sorted(near, key=_commonness)[:6])


_FIGURES_FOR_LETTERS = str.maketrans({"7": "T", "0": "O", "1": "I", "4": "A", "8": "B"})


def _cleaned_front(text: str) -> str:
    """``text`` with what OCR put before a surname in capitals taken off (a lower-case letter
    or a mark from the fill-in line: "jNGUYỄN", "#JÀ") and figures read for its letters
    ("7RÂN": TRÂN), when a listed surname, or one letter off one, is then what is left."""
    first, _, rest = text.partition(" ")
    if not rest or len(first) < 3:
        return text
    letters = first.translate(_FIGURES_FOR_LETTERS)
    if letters[1:].isupper() and not letters[0].isupper():
        letters = letters[1:]  # "jWGUYỄN"
    if letters == first or not letters.isalpha() or not letters.isupper():
        return text
    key = strip_accents(letters)
    if key in _surnames() or _near_surnames(letters) or _clipped_surnames(letters):
        return f"{letters} {rest}"
    return text


_GARBLE_LENGTH = 3
"""Marks at most read in place of a surname's first letter ("##À", "jMÔNG", "ƑJ⁄À")."""


def _garbled_first_letter(text: str) -> str:
    """``text`` whose surname's first letter OCR read as marks ("##À" for HÀ, "jMÔNG" for
    NÔNG: a handwritten capital H or N) with the surname restored, when exactly one listed
    surname is one or two letters and the rest as read (or the rest but its first letter,
    the garble's last stroke); the marks must be there, so a surname that lost nothing is
    never touched. Several fits ("ĂNG": Tăng, Lăng) leave the name as read."""
    first, _, rest = text.partition(" ")
    if len(rest.split()) < 2:
        return text
    k = len(first)
    while k > 0 and first[k - 1] in NAME_LETTERS and first[k - 1].isupper():
        k -= 1
    junk, tail = first[:k], first[k:]
    if not junk or len(junk) > _GARBLE_LENGTH or not tail:
        return text
    if any(same_name(tail, n) for n in _surnames().get(strip_accents(tail), ())):
        return f"{tail} {rest}"  # marks before a whole surname ("#LÊ")
    for end in (tail, tail[1:]):
        if not end:
            continue
        fits = _ending_in(end)
        if len(fits) == 1:
            return f"{fits[0]} {rest}"
        if fits:
            return text
    return text


@cache
def _surname_order() -> dict[str, int]:
    """Each listed surname's place in the list, which runs from the commonest."""
    return {name: k for k, name in enumerate(load_data("surnames.toml")["surnames"])}


def _commonness(name: str) -> int:
    order = _surname_order()
    return order.get(name, len(order))


def _likeliest(written: str, candidates: tuple[str, ...]) -> str:
    marks = unicodedata.normalize("NFD", written.lower())

    def rank(name: str) -> tuple[int, int]:
        return (
            Levenshtein.distance(marks, unicodedata.normalize("NFD", name.lower())),
            _commonness(name),
        )

    return min(candidates, key=rank)


def _parted_surname(text: str) -> str:
    """``text`` with its first word parted when it is a listed surname run together with the
    next syllable ("LÝANH VINH" → LÝ ANH VINH) and is no surname itself; only when one way
    of parting it fits."""
    first, _, rest = text.partition(" ")
    if not rest or strip_accents(first) in _surnames() or not first.isalpha():
        return text
    fits = [
        (first[:i], first[i:])
        for i in range(1, len(first))
        if any(same_name(first[:i], n) for n in _surnames().get(strip_accents(first[:i]), ()))
        and listed_syllable(first[i:])
    ]
    return f"{fits[0][0]} {fits[0][1]} {rest}" if len(fits) == 1 else text


_RUN_LENGTH = 6
"""Words of fewer letters are never taken for several syllables run together."""


def _unrun(text: str) -> str:
    """``text`` with words that are name syllables run together parted (the spaces lost, as a
    typewriter's narrow pitch loses them: "NGUYÊNTHỊTHƯ", "NGUYỄN THIYẾN"): the first word
    into a listed surname and syllables, the others into syllables (listed but for marks,
    which :func:`respell` restores), when one parting into the fewest parts fits."""
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        key = strip_accents(word)
        known = key in _surnames() or syllable_key(key) or _doubled_vowel(word)  # "KHAẢI"
        parts = None if known or len(key) < _RUN_LENGTH or not word.isalpha() else _parts(word, i)
        out.extend(parts or [word])
    return " ".join(out)


def _parts(word: str, index: int) -> list[str] | None:
    """``word`` parted into the fewest pieces of two letters or more, each a syllable of a
    name (the first of the first word a surname); None unless exactly one parting does."""
    best: dict[int, list[list[str]]] = {0: [[]]}  # end → partings of word[:end], fewest pieces
    for end in range(2, len(word) + 1):
        found: list[list[str]] = []
        for start in range(max(0, end - 7), end - 1):
            piece = strip_accents(word[start:end])
            fits = piece in _surnames() if index == 0 and start == 0 else syllable_key(piece)
            if start in best and fits:
                found += [[*p, word[start:end]] for p in best[start]]
        if found:
            fewest = min(len(p) for p in found)
            best[end] = [p for p in found if len(p) == fewest][:2]
    partings = best.get(len(word), [])
    return partings[0] if len(partings) == 1 and len(partings[0]) > 1 else None


def _joined_surname(text: str) -> str:
    """``text`` with its first two words joined when they are a surname split by OCR
    ("NGUY ÊN VĂN TÂM", "NG UYỄN …") and the first alone is none."""
    words = text.split()
    if len(words) < 3 or strip_accents(words[0]) in _surnames():
        return text
    joined = words[0] + words[1]
    if strip_accents(joined) in _surnames() and len(strip_accents(words[0])) < 5:
        return " ".join([joined, *words[2:]])
    return text


def _surname_checked(text: str, raw: str, *, typed: bool) -> tuple[str, list[Issue]]:
    """The name with a surname whose marks OCR misread restored (issue
    ``name.surname_repaired``), or, when several surnames fit, the likeliest of them put in
    with the issue ``name.surname_unusual`` naming them all.
    A surname that is a listed one without its first letter is restored the same way when
    only one fits ("GUYỄN" → NGUYỄN), flagged when several do; names of other peoples ("Y Wơn
    Niê", "Ksor Phước") fit none and are left alone."""
    first, _, rest = text.partition(" ")
    if not rest or not first.isalpha() or _mixed_case(first):
        return text, []
    if len(first) == 1 and strip_accents(first) != first.lower() and len(rest.split()) >= 2:
        # "Ê THANH LAN": a marked vowel alone is no name; a surname lost its first letters
        fits = _ending_in(first)
        if len(fits) == 1 and not typed:
            repaired = f"{fits[0]} {rest}"
            return repaired, [issue("name.surname_repaired", raw=raw, value=repaired)]
    if len(first) == 1 and first.lower() not in "aeiouy" and len(rest.split()) >= 2:
        # "L VĂN TOÀN": the surname lost letters (Ê-đê names open with "Y": not a consonant)
        key = strip_accents(first)
        fits = sorted({n for k, ns in _surnames().items() if k.startswith(key) for n in ns})
        return text, [issue("name.surname_unusual", raw=raw, candidates=", ".join(fits[:6]))]
    key = strip_accents(first)
    candidates = _surnames().get(key, ())
    if any(same_name(first, c) for c in candidates):
        return text, []
    if not candidates:
        candidates = _clipped_surnames(first)
    if not candidates and len(key) >= 4:  # a stray letter in front: "JNGUYỄN"
        candidates = tuple(n for n in _surnames().get(key[1:], ()) if same_name(first[1:], n))
    if not candidates:
        candidates = _near_surnames(first)
    if not candidates:
        candidates = _i_read_as_t(first)
    if not candidates:
        near = _one_letter_off(first)
        if near:  # "MAT": no surname, but Mai, Mạc, Mã are one letter off; a person decides
            return text, [issue("name.surname_unusual", raw=raw, candidates=", ".join(near))]
        return text, []
    if typed:
        return text, [issue("name.surname_unusual", raw=raw, candidates=", ".join(candidates))]
    if len(candidates) > 1:
        # The likeliest: the one whose marks differ least from those read; on a tie, the one
        # listed first (the list runs from the commonest surnames). A person confirms it.
        surname = _likeliest(first, candidates)
        if first.isupper():
            surname = surname.upper()
        found = issue("name.surname_unusual", raw=raw, candidates=", ".join(candidates))
        return f"{surname} {rest}", [found]
    (surname,) = candidates
    if first.isupper():
        surname = surname.upper()
    repaired = f"{surname} {rest}"
    return repaired, [issue("name.surname_repaired", raw=raw, value=repaired)]
