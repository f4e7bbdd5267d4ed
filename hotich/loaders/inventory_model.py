"""One row of the book inventory, checked (see :mod:`.inventory` for the file and its rules).

Each check raises a ``PydanticCustomError`` whose type is the catalog key of the problem under
``inventory.bad`` and whose context holds the message's parameters, so a refusal can name every
problem in plain words, in the reader's language.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from hotich.schema.registers import REGISTER_TYPES, RegisterType, register_from_book
from hotich.schema.text import clean_text, nfc, strip_accents

YEAR_MIN: Final = 1800
MAX_PAGES: Final = 10_000
MAX_ENTRIES: Final = 100_000
_SEPARATORS: Final = re.compile(r"[\s_-]+")


def _bad(key: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, params)


def _number(value: object, key: str, low: int, high: int, *, blank_ok: bool) -> int | None:
    text = str(value or "").strip()
    if not text:
        if blank_ok:
            return None
        raise _bad(key, value=text, min=low, max=high)
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise _bad(key, value=text, min=low, max=high)
    return int(text)


class InventoryBook(BaseModel):
    """One checked row of the inventory file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    commune: str
    commune_name: str
    district: str | None
    province: str
    book: str
    register_type: RegisterType
    year_from: int | None
    year_to: int | None
    expected_pages: int
    expected_entries: int | None = None

    @field_validator("commune", "book", mode="before")
    @classmethod
    def _folder_name(cls, value: object, info: ValidationInfo) -> str:
        text = nfc(str(value or "")).strip()
        if not text or "/" in text or "\\" in text:
            raise _bad(str(info.field_name), value=text)
        return text

    @field_validator("commune_name", "province", mode="before")
    @classmethod
    def _required_text(cls, value: object, info: ValidationInfo) -> str:
        text = clean_text(str(value or ""))
        if not text:
            raise _bad(str(info.field_name))
        return text

    @field_validator("district", mode="before")
    @classmethod
    def _optional_text(cls, value: object) -> str | None:
        return clean_text(str(value or "")) or None

    @field_validator("register_type", mode="before")
    @classmethod
    def _register(cls, value: object) -> str:
        text = _SEPARATORS.sub("_", strip_accents(clean_text(str(value or ""))))
        if text not in REGISTER_TYPES:
            raise _bad("register_type", value=str(value or "").strip())
        return text

    @field_validator("year_from", "year_to", mode="before")
    @classmethod
    def _year(cls, value: object, info: ValidationInfo) -> int | None:
        return _number(value, str(info.field_name), YEAR_MIN, date.today().year, blank_ok=True)

    @field_validator("expected_pages", mode="before")
    @classmethod
    def _pages(cls, value: object) -> int | None:
        return _number(value, "expected_pages", 1, MAX_PAGES, blank_ok=False)

    @field_validator("expected_entries", mode="before")
    @classmethod
    def _entries(cls, value: object) -> int | None:
        return _number(value, "expected_entries", 0, MAX_ENTRIES, blank_ok=True)

    @model_validator(mode="after")
    def _consistent(self) -> InventoryBook:
        years = (self.year_from, self.year_to)
        if years[0] is not None and years[1] is not None and years[0] > years[1]:
            raise _bad("year_order", year_from=self.year_from, year_to=self.year_to)
        folder_type = register_from_book(self.book)
        if folder_type is not None and folder_type != self.register_type:
            raise _bad(
                "register_mismatch",
                book=self.book,
                folder_type=folder_type,
                register_type=self.register_type,
            )
        return self
