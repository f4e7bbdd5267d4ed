"""Domain records: one entry per registration, each field with provenance."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hotich.schema.ocr import BBox
from hotich.schema.registers import FIELDS, RegisterType
from hotich.schema.text import VnText

EntryStatus = Literal["needs_review", "approved", "rejected", "staged"]


class Issue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    message: str


class FieldValue(BaseModel):
    """A field as read: the normalized value, the raw OCR text, its box and confidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: VnText
    raw: str = ""
    confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    bbox: BBox = (0, 0, 0, 0)
    issues: tuple[Issue, ...] = ()

    def accepted(self, threshold: float) -> bool:
        """Auto-accepted: confident enough and without any issue."""
        return self.confidence >= threshold and not self.issues


class Provenance(BaseModel):
    """How an entry was made: engine, its version and configuration, the stages that ran."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str = ""
    engine_version: str = ""
    config: str = ""
    stages: tuple[str, ...] = ()
    design: str = ""


class Entry(BaseModel):
    """One registration read from a page; ``fields`` holds only fields found on the page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    register_type: RegisterType
    entry_index: Annotated[int, Field(ge=0)]
    fields: dict[str, FieldValue] = {}
    issues: tuple[Issue, ...] = ()
    provenance: Provenance = Provenance()

    @model_validator(mode="after")
    def _known_fields(self) -> Entry:
        allowed = set(FIELDS[self.register_type])
        unknown = sorted(set(self.fields) - allowed)
        if unknown:
            raise ValueError(f"fields not in register {self.register_type}: {unknown}")
        return self

    @property
    def confidence(self) -> float:
        """The entry's confidence: that of its least confident field (0 if it has none)."""
        return min((f.confidence for f in self.fields.values()), default=0.0)

    def status(self, threshold: float) -> EntryStatus:
        ok = bool(self.fields) and not self.issues
        ok = ok and all(f.accepted(threshold) for f in self.fields.values())
        return "approved" if ok else "needs_review"

    def values(self) -> dict[str, Any]:
        return {name: f.value for name, f in self.fields.items()}


class BirthEntry(Entry):
    register_type: Literal["khai_sinh"] = "khai_sinh"


class MarriageEntry(Entry):
    register_type: Literal["ket_hon"] = "ket_hon"


class DeathEntry(Entry):
    register_type: Literal["khai_tu"] = "khai_tu"
