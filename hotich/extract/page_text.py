"""The page's text as hotich keeps it: what OCR read, less the marks that are not writing, with
the second reading of figures put in where it was preferred.

A ledger page carries signatures, seals, stains and rules as well as writing; Tesseract reads
them as short runs of odd characters ("» 2", "®N DĐẦÂ»N") at low confidence. The stray marks at
either end of a line are left out as they are around a value
(:func:`~hotich.extract.fields.without_strays`), and so is a whole line when its words' mean
confidence is below :data:`NOISE_CONFIDENCE`, or below :data:`SHORT_CONFIDENCE` with no word
longer than two characters, or when it holds no letter or figure at all ("|": a torn edge).
Written lines of a ledger page hold labels and values, read with higher confidence and longer
words.

Where the second reading of a figures field was kept (:mod:`.reread`), its text replaces the
first reading's in the page text, so the text and the fields agree.

What is printed on the page (the national heading, the register's title, label and column
wordings: :attr:`LabelSet.wordings`) is known; a run of words that is such a wording of two
words or more but for marks, or, for ten letters or more, but for one letter ("Chất vào lúc"),
is put back as printed (:func:`respell_printed`). Written values are never changed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from hotich.extract.fields import is_mark, without_strays
from hotich.schema.entries import Entry
from hotich.schema.normalize import FIELD_KINDS
from hotich.schema.ocr import OcrPage, OcrWord
from hotich.schema.text import strip_accents

NOISE_CONFIDENCE = 0.5
SHORT_CONFIDENCE = 0.7


def is_noise(words: Sequence[OcrWord]) -> bool:
    """Whether a line of words is marks rather than writing (see the module docstring)."""
    if all(is_mark(w) for w in words):
        return True
    mean = sum(w.confidence for w in words) / len(words)
    if mean < NOISE_CONFIDENCE:
        return True
    return mean < SHORT_CONFIDENCE and all(len(w.text) <= 2 for w in words)


def writing(words: Sequence[OcrWord]) -> list[OcrWord]:
    """``words`` without the stray marks read at the end of the line, and without marks that
    hold no letter or figure at either end ("|", "("), as for a value
    (:func:`~hotich.extract.fields.without_strays`)."""
    kept, _ = without_strays(words)
    return list(kept)


_LEADER_DOTS = re.compile(r"[.…]{2,}|_{2,}")


SCRAP_CONFIDENCE = 0.15
SCRAP_LENGTH = 3


def _line_text(words: Sequence[OcrWord]) -> str:
    """The words of a line as text, without what is left of the fill-in dots ("Nam.......")
    and without scraps: words of at most :data:`SCRAP_LENGTH` characters read with less than
    :data:`SCRAP_CONFIDENCE` ("Sa", "®" beside a seal; a printed label word read that badly is
    longer, and stays)."""
    kept = (
        w for w in words if not (w.confidence < SCRAP_CONFIDENCE and len(w.text) <= SCRAP_LENGTH)
    )
    tokens = (_LEADER_DOTS.sub("", w.text) for w in kept)
    return " ".join(t for t in tokens if t and t not in {".", "_"})


def readable_text(page: OcrPage) -> str:
    """The page's lines in reading order, without stray marks, without what is left of the
    fill-in dots, and without the lines that are noise."""
    lines = (writing(line.words) for line in page.lines)
    kept = (_line_text(words) for words in lines if not is_noise(words))
    return "\n".join(line for line in kept if line)


def with_rereadings(text: str, before: Iterable[Entry], after: Iterable[Entry]) -> str:
    """``text`` with each field's first reading replaced by the reading kept for it, where the
    second reading of figures was preferred (its first occurrence on the page as a whole
    token, field by field in order)."""
    for old, new in zip(before, after, strict=True):
        for name, field in new.fields.items():
            first = old.fields.get(name)
            if first is None or not first.raw or field.raw == first.raw or not field.raw:
                continue
            # the raw text of a field may have lost separators the page text kept ("15 - 99")
            token = _as_read(first.raw.split(), r"[\s\-–/.]*", r"[\w/]")
            text = token.sub(_literal(field.raw), text, count=1)
    return text


TEXT_KINDS = frozenset(
    {"name", "place", "ethnicity", "nationality", "relationship", "cause_of_death", "notes"}
)
"""Kinds of field whose value is written on the page as it is stored (dates and numbers are
stored in another form: ISO dates, canonical numbers)."""


def with_values(text: str, entries: Iterable[Entry]) -> str:
    """``text`` with the reading of each text field replaced by its value where validation
    restored it (a surname's marks, a place's spelling, a closed-list value): the page text
    then says what the entries say (the first occurrence on the page of the field as read,
    field by field in order)."""
    for entry in entries:
        for name, field in entry.fields.items():
            if FIELD_KINDS.get(name) not in TEXT_KINDS or not field.value or not field.raw:
                continue
            parts = [p for w in field.raw.split() if (p := _LEADER_DOTS.sub("", w))]
            if not parts or " ".join(parts) == field.value:
                continue
            token = _as_read(parts, r"[\s.…_]*", r"\w")
            text = token.sub(_literal(field.value), text, count=1)
    return text


def _as_read(parts: Sequence[str], gap: str, edge: str) -> re.Pattern[str]:
    """A field's words as they stand in the page text: whole, with ``gap`` between them and no
    ``edge`` character touching either end."""
    body = gap.join(re.escape(part) for part in parts)
    return re.compile(rf"(?<!{edge}){body}(?!{edge})")


def _literal(replacement: str) -> Callable[[re.Match[str]], str]:
    """A replacement taken as it is (a backslash in it is no group reference)."""
    return lambda _match: replacement


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ONE_OFF_LETTERS = 10


def _runs(wording: str) -> tuple[list[str], str]:
    words = _WORD.findall(wording)
    return [strip_accents(w) for w in words], wording


def respell_printed(text: str, wordings: Iterable[str]) -> str:
    """``text`` with every printed wording of two words or more that OCR misread put back as
    printed (see the module docstring), line by line, longest wordings first."""
    known = _prepared(tuple(wordings))
    return "\n".join(_respell_line(line, known) for line in text.split("\n"))


@lru_cache(maxsize=16)
def _prepared(wordings: tuple[str, ...]) -> tuple[tuple[list[str], str, str], ...]:
    """The wordings of two words or more, longest first: (word keys, joined keys, wording);
    made once per register, not once per page."""
    runs = sorted(
        (_runs(w) for w in wordings if len(_WORD.findall(w)) >= 2),
        key=lambda run: -len(run[0]),
    )
    return tuple((keys, "".join(keys), wording) for keys, wording in runs)


def _closest_wording(
    written: str, joined: str, n: int, known: tuple[tuple[list[str], str, str], ...]
) -> str:
    """Of the wordings with the same words but for marks and dashes ("Cán bộ tư pháp - hộ
    tịch", "Cán bộ tư pháp hộ tịch"), the one closest to what is written (the first on a
    tie)."""
    same = [w for keys, j, w in known if j == joined and len(keys) == n]
    return min(same, key=lambda w: Levenshtein.distance(w.lower(), written.lower()))


def _respell_line(line: str, known: tuple[tuple[list[str], str, str], ...]) -> str:
    done: list[tuple[int, int]] = []
    words = list(_WORD.finditer(line))
    word_keys = [strip_accents(w[0]) for w in words]
    for keys, joined, _wording in known:
        n = len(keys)
        for i in range(len(words) - n + 1):
            start, end = words[i].start(), words[i + n - 1].end()
            if any(start < b and a < end for a, b in done):
                continue
            written = word_keys[i : i + n]
            same = written == keys
            near = (
                not same
                and len(joined) >= _ONE_OFF_LETTERS
                and Levenshtein.distance("".join(written), joined) == 1
            )
            if not (same or near):
                continue
            printed = _closest_wording(line[start:end], joined, n, known)
            printed = printed.upper() if line[start:end].isupper() else printed
            if line[start:end] != printed:
                line = line[:start] + printed + line[end:]
                words = list(_WORD.finditer(line))  # the line changed: its words moved
                word_keys = [strip_accents(w[0]) for w in words]
            done.append((start, start + len(printed)))
            break
    return line
