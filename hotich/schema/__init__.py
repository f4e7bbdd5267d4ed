"""Typed objects passed between stages, and Vietnamese normalizers."""

from hotich.schema.entries import (
    BirthEntry,
    DeathEntry,
    Entry,
    FieldValue,
    Issue,
    MarriageEntry,
    Provenance,
)
from hotich.schema.ocr import OcrLine, OcrPage, OcrWord
from hotich.schema.page import Geometry, PageRef, PageResult
from hotich.schema.registers import FIELDS, REGISTER_TYPES, RegisterType

__all__ = [
    "FIELDS",
    "REGISTER_TYPES",
    "BirthEntry",
    "DeathEntry",
    "Entry",
    "FieldValue",
    "Geometry",
    "Issue",
    "MarriageEntry",
    "OcrLine",
    "OcrPage",
    "OcrWord",
    "PageRef",
    "PageResult",
    "Provenance",
    "RegisterType",
]
