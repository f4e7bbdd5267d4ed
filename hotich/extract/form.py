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
from hotich.extract.labels import Label, LabelSet, norm_token, tokens
from hotich.schema.entries import Entry, FieldValue, Provenance
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord

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


def find_labels(
    words: tuple[OcrWord, ...], labels: LabelSet, *, min_score: float = 84.0
) -> list[LabelHit]:
    """Label occurrences in one line, left to right; at each position the best-matching
    wording wins, the longer one on a tie ("Quyển số" over "Số"). OCR may split or merge the
    words of a label ("Dântộc:"), so windows one word shorter or longer are tried too."""
    toks = [norm_token(w.text) for w in words]
    hits: list[LabelHit] = []
    variants = labels.label_variants()
    i = 0
    while i < len(words):
        best: tuple[float, int, int, Label] | None = None
        if toks[i]:
            for variant, label in variants:
                n = len(variant)
                for m in {max(1, n - 1), n, n + 1}:
                    if i + m > len(words):
                        continue
                    score = _score(words, toks, i, m, variant, min_score)
                    if score and (best is None or (score, n) > (best[0], best[1])):
                        best = (score, n, m, label)
        if best is None:
            i += 1
            continue
        _, _, m, label = best
        hits.append(LabelHit(i, i + m, label, min(w.confidence for w in words[i : i + m])))
        i += m
    return hits


def _score(
    words: tuple[OcrWord, ...],
    toks: list[str],
    i: int,
    m: int,
    variant: tuple[str, ...],
    min_score: float,
) -> float:
    """How well the ``m`` words at ``i`` match a label wording (0 when they do not)."""
    window = toks[i : i + m]
    last_word = words[i + m - 1].text
    followed_by_colon = last_word.endswith(":") or (
        i + m < len(words) and words[i + m].text.startswith(":")
    )
    if len(variant) == 1:
        # One-word labels ("Số") are common words too: insist on the colon and an exact match.
        return 100.0 if m == 1 and window[0] == variant[0] and followed_by_colon else 0.0
    if not all(window) or any(tok.isdigit() for tok in window) or window[0][0] != variant[0][0]:
        return 0.0  # labels hold no numbers, and OCR rarely misreads a label's first letter
    # Compared without spaces, so that split and merged words score alike.
    score = float(fuzz.ratio("".join(window), "".join(variant)))
    needed = min_score if followed_by_colon else max(min_score, 92.0)
    return score if score >= needed else 0.0


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
    section = "subject"
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
    return [
        Entry(
            register_type=labels.register_type, entry_index=0, fields=fields, provenance=provenance
        )
    ]


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
