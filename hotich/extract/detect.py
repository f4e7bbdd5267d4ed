"""Which register a page belongs to, from its heading, when the book folder does not say."""

from __future__ import annotations

from rapidfuzz import fuzz

from hotich.extract.labels import load_labels, tokens
from hotich.schema.registers import REGISTER_TYPES, RegisterType


def available_registers() -> list[RegisterType]:
    out: list[RegisterType] = []
    for register in REGISTER_TYPES:
        try:
            load_labels(register)
        except FileNotFoundError:
            continue
        out.append(register)
    return out


def detect_register(text: str, *, min_score: float = 85.0) -> RegisterType | None:
    """The register whose title (e.g. "SỔ ĐĂNG KÝ KHAI SINH") appears in the first lines."""
    head = [" ".join(tokens(line)) for line in text.splitlines()[:12]]
    best: RegisterType | None = None
    best_score = min_score
    for register in available_registers():
        for title in load_labels(register).titles:
            wanted = " ".join(tokens(title))
            for line in head:
                score = fuzz.partial_ratio(wanted, line) if len(line) >= len(wanted) else 0.0
                if score > best_score:
                    best, best_score = register, score
    return best
