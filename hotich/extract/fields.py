"""Build a FieldValue from the OCR words read for it: value, raw text, box, confidence, issues."""

from __future__ import annotations

from collections.abc import Sequence

from hotich.extract.normalize import normalize
from hotich.schema.entries import FieldValue
from hotich.schema.ocr import OcrWord, union_bbox
from hotich.schema.text import clean_text

BLANK_CONFIDENCE = 0.9
"""Confidence that a printed field with no ink after its label is really blank."""


def field_value(field: str, words: Sequence[OcrWord], *, label_confidence: float) -> FieldValue:
    """The field as read from ``words`` (possibly none: printed but left blank)."""
    raw = clean_text(" ".join(w.text for w in words))
    normalized = normalize(field, raw)
    if not normalized.value and not normalized.issues:
        return FieldValue(
            value="",
            raw=raw,
            confidence=round(min(BLANK_CONFIDENCE, label_confidence), 4),
            bbox=union_bbox([w.bbox for w in words]),
        )
    ocr_conf = min((w.confidence for w in words), default=0.0)
    return FieldValue(
        value=normalized.value,
        raw=raw,
        confidence=round(max(0.0, min(1.0, ocr_conf * normalized.factor)), 4),
        bbox=union_bbox([w.bbox for w in words]),
        issues=normalized.issues,
    )
