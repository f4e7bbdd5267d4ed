"""Single-entry form pages: printed labels followed by filled-in values.

Reads OCR lines top to bottom; finds label wordings (fuzzily, without accents) inside each
line; the words between one label and the next are that label's value. Sections (the mother's
block, the father's block…) decide which field a repeated label such as "Dân tộc" belongs to.
A line with no label right under a value continues that value (long places wrap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from hotich.extract.fields import field_value
from hotich.extract.labels import Label, LabelSet, norm_token
from hotich.schema.entries import Entry, FieldValue, Provenance
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord

WRAPPING_FIELDS = frozenset(
    {"place_of_birth", "hometown", "mother_residence", "father_residence", "parents_residence",
     "residence", "place_of_death", "notes", "husband_residence", "wife_residence"}
)


@dataclass(frozen=True)
class LabelHit:
    start: int
    end: int
    label: Label
    confidence: float


@dataclass
class _Slot:
    field: str
    words: list[OcrWord] = field(default_factory=list)
    label_confidence: float = 1.0
    line_bottom: int = 0


def find_labels(words: tuple[OcrWord, ...], labels: LabelSet, *, min_score: float = 84.0) -> list[LabelHit]:
    """Label occurrences in one line, left to right, longest wording first at each position."""
    toks = [norm_token(w.text) for w in words]
    hits: list[LabelHit] = []
    i = 0
    variants = labels.label_variants()
    while i < len(words):
        hit = None
        for variant, label in variants:
            n = len(variant)
            if i + n > len(words) or not toks[i]:
                continue
            if _matches(words, toks, i, variant, min_score):
                conf = min(w.confidence for w in words[i : i + n])
                hit = LabelHit(i, i + n, label, conf)
                break
        if hit:
            hits.append(hit)
            i = hit.end
        else:
            i += 1
    return hits


def _matches(
    words: tuple[OcrWord, ...], toks: list[str], i: int, variant: tuple[str, ...], min_score: float
) -> bool:
    n = len(variant)
    window = toks[i : i + n]
    last_word = words[i + n - 1].text
    followed_by_colon = last_word.endswith(":") or (
        i + n < len(words) and words[i + n].text.startswith(":")
    )
    if n == 1:
        # One-word labels ("Số") are common words too: insist on the colon and an exact match.
        return window[0] == variant[0] and followed_by_colon
    score = fuzz.ratio(" ".join(window), " ".join(variant))
    return score >= (min_score - 6 if followed_by_colon else min_score + 6)


def extract_form(page: OcrPage, labels: LabelSet, provenance: Provenance) -> list[Entry]:
    section = "subject"
    slots: dict[str, _Slot] = {}
    last: _Slot | None = None
    for line in page.lines:
        hits = find_labels(line.words, labels)
        if not hits:
            last = _continue_value(last, line)
            continue
        last = None
        for k, hit in enumerate(hits):
            if hit.label.opens:
                section = hit.label.opens
            name = hit.label.field_in(section)
            end = hits[k + 1].start if k + 1 < len(hits) else len(line.words)
            value_words = [w for w in line.words[hit.end : end] if norm_token(w.text)]
            if name is None or name in slots:
                continue
            slot = _Slot(name, value_words, hit.confidence, line.bbox[1] + line.bbox[3])
            slots[name] = slot
            last = slot
    if not slots:
        return []
    fields: dict[str, FieldValue] = {
        name: field_value(name, slot.words, label_confidence=slot.label_confidence)
        for name, slot in slots.items()
    }
    return [Entry(register_type=labels.register_type, entry_index=0, fields=fields,
                  provenance=provenance)]


def _continue_value(last: _Slot | None, line: OcrLine) -> _Slot | None:
    """Append a label-less line to the value above it when that value can wrap."""
    if last is None or last.field not in WRAPPING_FIELDS or not last.words:
        return None
    height = max(w.bbox[3] for w in last.words)
    gap = line.bbox[1] - last.line_bottom
    if gap > 1.8 * height or line.bbox[0] + line.bbox[2] < last.words[0].bbox[0]:
        return None
    last.words.extend(w for w in line.words if norm_token(w.text))
    last.line_bottom = line.bbox[1] + line.bbox[3]
    return last
