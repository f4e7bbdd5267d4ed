"""Register types and their field names (shared/CONTRACT.md, "Records")."""

from __future__ import annotations

from typing import Literal

RegisterType = Literal["khai_sinh", "ket_hon", "khai_tu"]
REGISTER_TYPES: tuple[RegisterType, ...] = ("khai_sinh", "ket_hon", "khai_tu")

COMMON_FIELDS = ("register_number", "book_number", "registration_date", "registrar_name", "notes")

FIELDS: dict[str, tuple[str, ...]] = {
    "khai_sinh": (
        *COMMON_FIELDS,
        "full_name",
        "date_of_birth",
        "date_of_birth_words",
        "sex",
        "ethnicity",
        "nationality",
        "place_of_birth",
        "hometown",
        "personal_id",
        "mother_name",
        "mother_birth_year",
        "mother_ethnicity",
        "mother_nationality",
        "mother_residence",
        "father_name",
        "father_birth_year",
        "father_ethnicity",
        "father_nationality",
        "father_residence",
        "parents_residence",
        "declarant_name",
        "declarant_relationship",
    ),
    "ket_hon": (
        *COMMON_FIELDS,
        "husband_name",
        "husband_date_of_birth",
        "husband_ethnicity",
        "husband_nationality",
        "husband_residence",
        "husband_id_document",
        "wife_name",
        "wife_date_of_birth",
        "wife_ethnicity",
        "wife_nationality",
        "wife_residence",
        "wife_id_document",
    ),
    "khai_tu": (
        *COMMON_FIELDS,
        "full_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nationality",
        "personal_id",
        "residence",
        "date_of_death",
        "time_of_death",
        "place_of_death",
        "cause_of_death",
        "declarant_name",
        "declarant_relationship",
    ),
}

BOOK_PREFIXES: dict[str, RegisterType] = {
    "khai-sinh": "khai_sinh",
    "ket-hon": "ket_hon",
    "khai-tu": "khai_tu",
}


def register_from_book(book: str) -> RegisterType | None:
    """The register type fixed by a book folder name (``khai-sinh-1998-q01``), if any."""
    name = book.lower()
    for prefix, register in BOOK_PREFIXES.items():
        if name.startswith(prefix):
            return register
    return None
