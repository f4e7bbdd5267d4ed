"""Fields and entries as read: value, raw text, box, confidence and issues, never a silent guess.

:func:`field_value` reads one field from its OCR words: the text is normalized by
:mod:`hotich.schema.normalize` (through :mod:`.normalize`), the confidence is the OCR confidence
of its least confident word times the normalizer's factor, and every issue is kept on the field.
When no canonical value can be made (an impossible date), the value is the text as read and the
issue says why.

:func:`check_fields` then validates the entry as a whole, as :mod:`hotich.schema.normalize.entry`
describes (the review app does the same after a correction): fields whose reading depends on
the entry (dates and years bounded by the registration date, places from the 2025 reform on,
names in the configured tone style) are read again in that context, and the cross-checks
between fields put their issues on the fields they concern, which sends the entry to review.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from hotich.extract.normalize import Normalized, normalize, strip_leaders
from hotich.i18n import t
from hotich.schema.entries import Entry, FieldValue, Issue
from hotich.schema.normalize import (
    FIELD_KINDS,
    BookYears,
    FieldCheck,
    ToneStyle,
    book_years,
    cross_check,
    entry_reference,
)
from hotich.schema.normalize.name_syllables import name_syllable
from hotich.schema.ocr import OcrWord, union_bbox
from hotich.schema.text import clean_text

BLANK_CONFIDENCE = 0.9
"""Confidence that a printed field with no ink after its label is really blank."""

ALWAYS_WRITTEN = frozenset(
    {"register_number", "registration_date", "full_name", "sex", "husband_name", "wife_name"}
)
"""Fields every registration has: read as blank, they were missed, so a person must look."""


def _value(result: Normalized) -> str:
    """The value to store: the canonical one, else the text as read (the issues say why)."""
    return result.value if result.value is not None else strip_leaders(result.raw)


def _confidence(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 4)


_FIGURES = frozenset({"register_number", "date", "year", "personal_id"})
SURE_CONFIDENCE = 0.5
"""Stray marks are only looked for after a word read with at least this confidence."""
STRAY_CONFIDENCE = 0.2
"""A word read with less confidence than this after the value is a stain, a seal's edge or a
stroke of a signature, not writing (measured: such marks come out at 0.00–0.12). Marks left
out of a value are named in the issue ``ocr.stray_dropped``, so nothing OCR read is lost."""
TRIMMED_CONFIDENCE = 0.85
"""A field that had stray marks after it is read with at most this confidence: below the
review threshold, so a person sees it."""


_LEADER_CHARS = frozenset(".…_-–,:;·")


def is_mark(word: OcrWord) -> bool:
    """A "word" without a letter or figure: a torn edge or a rule read as "|", "(", "«"
    (what is left of a dotted fill-in line, "....", is not one: normalizers strip it)."""
    text = word.text
    return not any(ch.isalnum() for ch in text) and not set(text) <= _LEADER_CHARS


def without_strays(
    words: Sequence[OcrWord],
    *,
    figures: bool = False,
    known: Callable[[str], bool] | None = None,
) -> tuple[Sequence[OcrWord], bool]:
    """``words`` without the stray marks read with the value; whether any were dropped.

    Marks without a letter or figure (:func:`is_mark`) at either end go; so do the last words
    from the first of them under :data:`STRAY_CONFIDENCE` on, when there are two or more, two
    thirds of them are under it and a word before them was read with
    :data:`SURE_CONFIDENCE` (a seal or a stain read as several words after a value; one word
    read with little confidence, or a whole value read so, is more often real writing).
    Figures are never taken for marks: they are read a second time (:mod:`.reread`) instead.
    Words that are all ``known`` (for a name: syllables names are made of, "VĂN BÌNH") are
    writing however little the reader trusted them.
    """
    start, end = 0, len(words)
    while start < end and is_mark(words[start]):
        start += 1
    while end > start and is_mark(words[end - 1]):
        end -= 1
    if (start, end) != (0, len(words)):
        kept, _ = without_strays(words[start:end], figures=figures, known=known)
        return kept, True
    if figures:
        return words, False
    for i, word in enumerate(words):
        if word.confidence >= STRAY_CONFIDENCE:
            continue
        if not any(w.confidence >= SURE_CONFIDENCE for w in words[:i]):
            break  # marks follow a value read with some certainty; a whole weak value is kept
        rest = words[i:]
        if known is not None and all(known(w.text) for w in rest):
            break
        if len(rest) >= 2 and 3 * sum(w.confidence < STRAY_CONFIDENCE for w in rest) >= 2 * len(
            rest
        ):
            return words[:i], True
    return words, False


def _strays_issue(read: Sequence[OcrWord], kept: Sequence[OcrWord]) -> Issue:
    """The issue naming the marks left out of a value (what OCR read is never lost)."""
    ids = {id(w) for w in kept}
    marks = clean_text(" ".join(w.text for w in read if id(w) not in ids))
    return Issue(code="ocr.stray_dropped", message=t("issue.ocr.stray_dropped", marks=marks))


MARKS_CONFIDENCE = 0.5
"""Words read for a note with less mean confidence than this are marks, not writing."""


def marks_only(words: Sequence[OcrWord]) -> bool:
    """Whether what was read where a note is written is marks rather than writing: read with
    little confidence (a seal, a signature's strokes or a stain read as "kL F, vP ụ"), or
    without any word of two letters ("Ị"). The notes of most entries are blank, and such
    marks fall there."""
    mean = sum(w.confidence for w in words) / len(words)
    letters = max(sum(ch.isalpha() for ch in w.text) for w in words)
    return mean < MARKS_CONFIDENCE or letters < 2


def _figures_first(
    field: str, words: Sequence[OcrWord], trimmed: bool
) -> tuple[Sequence[OcrWord], bool]:
    """``words`` without what follows a value in figures that reads whole ("08/12/2007. Š 6c
    EM"), when the words read as a whole make no value and those after it were read with
    little confidence (a seal's or a signature's strokes)."""
    if normalize(field, clean_text(" ".join(w.text for w in words))).value:
        return words, trimmed
    for k in range(len(words) - 1, 0, -1):
        head, rest = words[:k], words[k:]
        found = normalize(field, clean_text(" ".join(w.text for w in head)))
        if found.value and not found.issues:
            mean = sum(w.confidence for w in rest) / len(rest)
            return (head, True) if mean < MARKS_CONFIDENCE else (words, trimmed)
    return words, trimmed


def _without_figures_after(
    words: Sequence[OcrWord], trimmed: bool
) -> tuple[Sequence[OcrWord], bool]:
    """A name without the words holding figures read after two words or more of it ("TRẦN
    ĐỨC TRUNG 28t"): no name holds a figure."""
    end = len(words)
    while end > 2 and any(ch.isdigit() for ch in words[end - 1].text):
        end -= 1
    return (words[:end], True) if end < len(words) else (words, trimmed)


def field_value(
    field: str, words: Sequence[OcrWord], *, label_confidence: float, strays: bool = True
) -> FieldValue:
    """The field as read from ``words`` (possibly none: printed but left blank); ``strays``:
    leave out stray marks read with it (see :func:`without_strays`); in a note, marks only
    (:func:`marks_only`) are left out whole, named in an issue, and the note is blank; marks
    after a date or number that reads whole (:func:`_figures_first`), and words with figures
    after a name (:func:`_without_figures_after`), are left out the same way."""
    read = words
    trimmed = False
    if strays:
        kind = FIELD_KINDS.get(field)
        known = name_syllable if kind == "name" else None
        words, trimmed = without_strays(words, figures=kind in _FIGURES, known=known)
        if kind == "notes" and words and marks_only(words):
            words, trimmed = (), True
        elif kind in _FIGURES and len(words) > 1:
            words, trimmed = _figures_first(field, words, trimmed)
        elif kind == "name":
            words, trimmed = _without_figures_after(words, trimmed)
    stray = (_strays_issue(read, words),) if trimmed else ()
    raw = clean_text(" ".join(w.text for w in words))
    result = normalize(field, raw)
    bbox = union_bbox([w.bbox for w in words or read])
    if not result.value and not result.issues:
        blank = 0.0 if field in ALWAYS_WRITTEN else min(BLANK_CONFIDENCE, label_confidence)
        if trimmed:
            blank = min(blank, TRIMMED_CONFIDENCE)
        return FieldValue(value="", raw=raw, confidence=_confidence(blank), bbox=bbox, issues=stray)
    ocr_conf = min((w.confidence for w in words), default=0.0)
    if trimmed:
        ocr_conf = min(ocr_conf, TRIMMED_CONFIDENCE)
    return FieldValue(
        value=_value(result),
        raw=raw,
        confidence=_confidence(result.confidence(ocr_conf)),
        bbox=bbox,
        issues=(*result.issues, *stray),
    )


def _merged(issues: tuple[Issue, ...], more: Sequence[Issue]) -> tuple[Issue, ...]:
    seen = {i.code for i in issues}
    return issues + tuple(i for i in more if i.code not in seen)


def _in_context(
    name: str,
    field: FieldValue,
    *,
    reference: date | None,
    tone_style: ToneStyle,
    within: BookYears | None,
) -> tuple[FieldValue, str | None]:
    """``field`` read again with the entry's context, and its canonical value (None: none).

    Only a field as :func:`field_value` left it is read again; one that another step changed
    (a cell with ink but no text read, a kind refined elsewhere) is kept, and takes part in
    the cross-checks only if its value is what its normalizer makes of it.
    """
    if not field.raw:  # blank (""), or ink read as nothing (an issue says so: None)
        return field, None if field.issues and not field.value else field.value
    if name not in FIELD_KINDS:
        return field, field.value
    alone = normalize(name, field.raw)
    if field.value != _value(alone):
        return field, None
    here = normalize(name, field.raw, reference=reference, tone_style=tone_style, within=within)
    if (here.value, here.codes) == (alone.value, alone.codes):
        return field, here.value
    others = tuple(i for i in field.issues if i.code not in set(alone.codes))
    ocr_conf = field.confidence / alone.factor if alone.factor else field.confidence
    updated = field.model_copy(
        update={
            "value": _value(here),
            "issues": _merged(here.issues, others),
            "confidence": _confidence(here.confidence(ocr_conf)),
        }
    )
    return updated, here.value


def _apply(field: FieldValue, check: FieldCheck) -> FieldValue:
    return field.model_copy(
        update={
            "value": check.value if check.value is not None else field.value,
            "issues": _merged(field.issues, check.issues),
            "confidence": _confidence(field.confidence * check.factor),
        }
    )


def check_fields(
    entry: Entry,
    *,
    commune: str | None = None,
    book: str | None = None,
    tone_style: ToneStyle = "keep",
) -> Entry:
    """``entry`` validated as a whole (see the module docstring).

    ``commune`` is the key of the commune keeping the book (its folder name, whose leading
    digits are the official commune code): it gives the personal-ID province codes a birth
    registered there carries. Unknown (None, or a key without a known code): the ID's
    province is checked against the places the entry names only. ``book`` is the book's
    folder name: the years in it (:func:`book_years`) bound the registration date and the
    year written after the registration number.
    """
    within = book_years(book)
    registration = entry.fields.get("registration_date")
    reference = None
    if registration is not None and registration.raw:
        read = normalize("registration_date", registration.raw, within=within)
        reference = entry_reference(read.value)
    fields: dict[str, FieldValue] = {}
    canonical: dict[str, str | None] = {}
    for name, field in entry.fields.items():
        fields[name], canonical[name] = _in_context(
            name, field, reference=reference, tone_style=tone_style, within=within
        )
    confidences: Mapping[str, float] = {n: f.confidence for n, f in fields.items()}
    raws = {n: f.raw for n, f in fields.items()}
    checks = cross_check(
        entry.register_type, canonical, commune=commune, confidences=confidences, raws=raws
    )
    for name, check in checks.items():
        if name in fields:
            fields[name] = _apply(fields[name], check)
    return entry.model_copy(update={"fields": fields})
