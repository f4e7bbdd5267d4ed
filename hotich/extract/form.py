"""Single-entry form pages: printed labels followed by filled-in values.

Reads OCR lines top to bottom; finds label wordings (fuzzily, without accents) inside each
line; the words between one label and the next are that label's value. Sections (the mother's
block, the father's block…; the husband's and the wife's) decide which field a repeated label
such as "Dân tộc" belongs to; a heading ("BÊN VỢ") only opens a section. A line with no label
right under a value continues that value (long places wrap). A label may introduce two fields
("Chết lúc: 14 giờ 30 phút, ngày 12/03/2005"). All of it is data in ``config/labels``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from hotich.extract.fields import field_value
from hotich.extract.grid import ink_share
from hotich.extract.labels import Label, LabelSet, norm_token, tokens
from hotich.extract.normalize_extra import refine
from hotich.i18n import t
from hotich.schema.entries import Entry, FieldValue, Issue, Provenance
from hotich.schema.ocr import BBox, OcrLine, OcrPage, OcrWord

WRAPPING_FIELDS = frozenset(
    {
        "date_of_birth_words",
        "place_of_birth",
        "hometown",
        "mother_residence",
        "father_residence",
        "parents_residence",
        "residence",
        "place_of_death",
        "notes",
        "husband_residence",
        "wife_residence",
        "cause_of_death",
    }
)


@dataclass(frozen=True)
class LabelHit:
    start: int
    end: int
    label: Label
    confidence: float


@dataclass
class _Slot:
    name: str
    words: list[OcrWord] = field(default_factory=list)
    label_confidence: float = 1.0
    line_bottom: int = 0
    space: BBox = (0, 0, 0, 0)
    """Where the value is written: after the label, up to the next label on the line."""


def find_labels(
    words: tuple[OcrWord, ...], labels: LabelSet, *, min_score: float = 84.0
) -> list[LabelHit]:
    """Label occurrences in one line, left to right; at each position the best-matching
    wording wins, the longer one on a tie ("Quyển số" over "Số"). OCR may split or merge the
    words of a label ("Dântộc:"), so windows one word shorter or longer are tried too.
    Punctuation between the words of a label ("Cán bộ tư pháp - hộ tịch") is passed over.
    A label opening a line whose colon OCR lost counts when another label follows on the
    line ("Số 5 Quyển số: 01")."""
    keep = [k for k, w in enumerate(words) if norm_token(w.text)]
    toks = [norm_token(words[k].text) for k in keep]
    hits: list[LabelHit] = []
    variants = labels.label_variants()
    weak_start = False
    i = 0
    while i < len(keep):
        # Candidates rank by: followed by a colon, then without one (a closer match needed),
        # then opening the line with its colon lost (kept only beside another label); then
        # by score, then by length.
        best: tuple[int, float, int, int, Label] | None = None
        for variant, label in variants:
            n = len(variant)
            for m in {max(1, n - 1), n, n + 1}:
                if i + m > len(keep):
                    continue
                window = toks[i : i + m]
                colon = _colon_after(words, keep[i + m - 1])
                score = _score(window, variant, colon)
                if colon and score >= min_score:
                    rank = 2
                elif not colon and label.fields and _capitals(words, keep[i : i + m]):
                    continue  # a name in capitals ("NGUYỄN QUANG"), not "Nguyên quán"
                elif not colon and score >= max(min_score, 92.0):
                    rank = 1
                elif i == 0 and not colon and _score(window, variant, True) >= min_score:
                    rank, score = 0, _score(window, variant, True)
                else:
                    continue
                if best is None or (rank, score, n) > best[:3]:
                    best = (rank, score, n, m, label)
        if best is None:
            i += 1
            continue
        rank, _, _, m, label = best
        weak_start = weak_start or rank == 0
        first, last = keep[i], keep[i + m - 1]
        confidence = min(w.confidence for w in words[first : last + 1])
        hits.append(LabelHit(first, last + 1, label, confidence))
        i += m
    if weak_start and len(hits) == 1:
        return []  # a line opening with a label's words, with no colon or other label: a value
    return hits


def _capitals(words: tuple[OcrWord, ...], ks: list[int]) -> bool:
    """The words at ``ks`` are all written in capitals: a value (names are), not a label."""
    letters = "".join(ch for k in ks for ch in words[k].text if ch.isalpha())
    return len(letters) >= 4 and letters.isupper()


def _colon_after(words: tuple[OcrWord, ...], k: int) -> bool:
    """The word at ``k`` ends with a colon, or the next one starts with one."""
    return words[k].text.endswith(":") or (k + 1 < len(words) and words[k + 1].text.startswith(":"))


def _score(window: list[str], variant: tuple[str, ...], colon: bool) -> float:
    """How well a window of word tokens matches a label wording (0 when it cannot)."""
    if len(variant) == 1:
        # One-word labels ("Số") are common words too: insist on the colon and an exact match.
        return 100.0 if len(window) == 1 and window[0] == variant[0] and colon else 0.0
    if any(tok.isdigit() for tok in window) or window[0][0] != variant[0][0]:
        return 0.0  # labels hold no numbers, and OCR rarely misreads a label's first letter
    # Compared without spaces, so that split and merged words score alike.
    return float(fuzz.ratio("".join(window), "".join(variant)))


def split_glued(words: tuple[OcrWord, ...]) -> tuple[OcrWord, ...]:
    """Split words that OCR glued across a colon ("Số:12" → "Số:" "12"), boxes shared out by
    character count, so that the label and its value come apart."""
    out: list[OcrWord] = []
    for word in words:
        head, colon, tail = word.text.partition(":")
        if not colon or not head or not head[-1].isalpha() or not tail.strip(":"):
            out.append(word)
            continue
        x, y, w, h = word.bbox
        cut = round(w * (len(head) + 1) / len(word.text))
        out.append(word.model_copy(update={"text": head + ":", "bbox": (x, y, cut, h)}))
        rest = OcrWord(text=tail, bbox=(x + cut, y, max(1, w - cut), h), confidence=word.confidence)
        out.extend(split_glued((rest,)))
    return tuple(out)


def _is_title(line: OcrLine, labels: LabelSet) -> bool:
    text = " ".join(tokens(line.text))
    return any(fuzz.ratio(text, " ".join(tokens(title))) >= 85 for title in labels.titles)


def extract_form(page: OcrPage, labels: LabelSet, provenance: Provenance) -> list[Entry]:
    section = labels.sections[0]
    slots: dict[str, _Slot] = {}
    last: _Slot | None = None
    for line in page.lines:
        if _is_title(line, labels):
            continue
        line = OcrLine(words=split_glued(line.words))
        hits = find_labels(line.words, labels)
        if not hits:
            last = _continue_value(last, line, page.width)
            continue
        last = None
        bottom = line.bbox[1] + line.bbox[3]
        for k, hit in enumerate(hits):
            if hit.label.opens:
                section = hit.label.opens
            name = hit.label.field_in(section)
            end = hits[k + 1].start if k + 1 < len(hits) else len(line.words)
            value_words = [w for w in line.words[hit.end : end] if norm_token(w.text)]
            last = None
            if name is None or name in slots:
                continue
            space = _value_space(line, hit, hits[k + 1] if k + 1 < len(hits) else None, page)
            for part, words in _split_value(hit.label, name, value_words):
                if part not in slots:
                    slots[part] = last = _Slot(part, words, hit.confidence, bottom, space)
    if not slots:
        return []
    fields: dict[str, FieldValue] = {
        name: _placed(
            refine(name, field_value(name, slot.words, label_confidence=slot.label_confidence)),
            slot,
        )
        for name, slot in slots.items()
    }
    return [
        Entry(
            register_type=labels.register_type, entry_index=0, fields=fields, provenance=provenance
        )
    ]


def _placed(value: FieldValue, slot: _Slot) -> FieldValue:
    """A blank field gets the box of the space where it would be written (for review, and for
    :func:`flag_unread_blanks`)."""
    if slot.words or value.bbox[2] > 0:
        return value
    return value.model_copy(update={"bbox": slot.space})


def _value_space(line: OcrLine, hit: LabelHit, after: LabelHit | None, page: OcrPage) -> BBox:
    """The space after a label where its value is written: to the next label on the line, or
    to the page's right edge; the line's height, with room above for capitals' marks."""
    x0 = line.words[hit.end - 1].bbox[0] + line.words[hit.end - 1].bbox[2]
    x1 = line.words[after.start].bbox[0] if after is not None else page.width
    top, height = line.bbox[1], line.bbox[3]
    y0 = max(0, top - height // 3)
    return (x0, y0, max(0, x1 - x0), top + height - y0)


BLANK_INK = 0.007
"""Share of dark pixels in a blank field's space from which something is written there that
OCR did not read (the fill-in dots are gone by then). Measured on 85 generated form pages
(clean and hard): blank spaces 0–0.56 % (a seal or a stain beside "Ghi chú"), unread values
("01", "Mẹ") 1.0–1.1 %."""


def flag_unread_blanks(entries: list[Entry], image: np.ndarray) -> list[Entry]:
    """``entries`` with each blank field whose space holds ink marked ``ocr.unread``: never
    pass writing OCR missed off as a blank field."""
    out = []
    for entry in entries:
        fields = dict(entry.fields)
        for name, value in entry.fields.items():
            if value.value or value.raw or value.bbox[2] <= 0:
                continue
            if ink_share(image, value.bbox) >= BLANK_INK:
                unread = Issue(code="ocr.unread", message=t("issue.ocr.unread"))
                fields[name] = value.model_copy(
                    update={"confidence": 0.0, "issues": (*value.issues, unread)}
                )
        out.append(entry.model_copy(update={"fields": fields}))
    return out


_DATE_LIKE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{6,8}")


def _split_value(label: Label, name: str, words: list[OcrWord]) -> list[tuple[str, list[OcrWord]]]:
    """The value's words per field: all of them for ``name``, unless the label's ``then``
    word ("ngày") is among them, or (OCR having garbled that word) a date follows the
    first words: the rest then belongs to the other field."""
    if not label.then:
        return [(name, words)]
    toks = [norm_token(w.text) for w in words]
    for word, other in label.then:
        cut = next(
            (
                i
                for i, tok in enumerate(toks)
                if tok == word or (len(tok) == len(word) and fuzz.ratio(tok, word) >= 75)
            ),
            None,
        )
        if cut is not None:
            return [(name, words[:cut]), (other, words[cut + 1 :])]
        dated = next((i for i, w in enumerate(words) if _DATE_LIKE.search(w.text)), None)
        if dated is not None and dated > 0:
            cut = dated
            while cut > 0 and _garbled(toks[cut - 1], word):
                cut -= 1  # the joining word, misread ("nøày")
            return [(name, words[:cut]), (other, words[dated:])]
    return [(name, words)]


def _garbled(tok: str, word: str) -> bool:
    """``tok`` (no digit in it) may be ``word`` misread."""
    return bool(tok) and not any(ch.isdigit() for ch in tok) and fuzz.ratio(tok, word) >= 50


def _continue_value(last: _Slot | None, line: OcrLine, page_width: int) -> _Slot | None:
    """Append a label-less line to the value above it when that value can wrap: the value
    ran to the right part of the page and the line follows right under it."""
    if last is None or last.name not in WRAPPING_FIELDS or not last.words:
        return None
    height = max(w.bbox[3] for w in last.words)
    gap = line.bbox[1] - last.line_bottom
    right = max(w.bbox[0] + w.bbox[2] for w in last.words)
    if gap > 1.8 * height or right < 0.6 * page_width:
        return None
    last.words.extend(w for w in line.words if norm_token(w.text))
    last.line_bottom = line.bbox[1] + line.bbox[3]
    return last
