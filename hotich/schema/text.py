"""Vietnamese text at the schema boundary: always NFC, single spaces."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

_SPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC with runs of white space collapsed to one space and the ends trimmed."""
    return _SPACE.sub(" ", nfc(text)).strip()


def strip_accents(text: str) -> str:
    """Lower-case ASCII-ish form for matching labels: 'Họ và tên' -> 'ho va ten'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def match_key(text: str) -> str:
    """The comparison form of the contract: NFC, whitespace-collapsed, casefolded."""
    return clean_text(text).casefold()


VnText = Annotated[str, AfterValidator(clean_text)]
