"""The birth register (sổ đăng ký khai sinh): which fields each era prints, where, and their
values. The other register types (``ket_hon``, ``khai_tu``) have a module like this one and
an entry in ``registers.REGISTERS``."""

from __future__ import annotations

import numpy as np

from hotich.samplegen.people import Birth, Person, make_birth, registrar, registration_dates
from hotich.samplegen.places import Commune
from hotich.samplegen.rand import chance
from hotich.samplegen.styles import BookStyle, Era
from hotich.samplegen.values import SampleEntry, make_entry, make_inconsistent, words_for

BOOK_PREFIX = "khai-sinh"
INCONSISTENT_RATE = 0.1

# Table columns: (field, relative width) on each page of the spread; optional ones may go.
LEFT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("register_number", 11, True),
    ("registration_date", 22, True),
    ("full_name", 36, True),
    ("date_of_birth", 22, True),
    ("sex", 12, True),
    ("ethnicity", 14, False),
    ("nationality", 17, False),
    ("place_of_birth", 44, True),
    ("hometown", 38, False),
)
RIGHT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("mother_name", 34, True),
    ("mother_birth_year", 13, False),
    ("mother_ethnicity", 14, False),
    ("father_name", 34, True),
    ("father_birth_year", 13, False),
    ("father_ethnicity", 14, False),
    ("parents_residence", 42, False),
    ("declarant_name", 32, True),
    ("declarant_relationship", 16, False),
    ("registrar_name", 32, False),
    ("notes", 22, True),
)
COLUMN_WIDTH: dict[str, float] = {f: w for f, w, _ in LEFT_COLUMNS + RIGHT_COLUMNS}
PAGE_WIDTH_UNITS = 182.0  # what fits between the margins of one A4 page, in the units above


def form_lines(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], ...]:
    """The fields of each line of a one-entry form page, for one book."""
    lines: list[tuple[str, ...]] = [("register_number", "book_number"), ("full_name",)]
    if chance(rng, 0.5):
        lines += [("date_of_birth", "sex"), ("date_of_birth_words",)]
    else:
        lines += [("date_of_birth",), ("date_of_birth_words",), ("sex",)]
    lines += (
        [("ethnicity", "nationality")] if chance(rng, 0.6) else [("ethnicity",), ("nationality",)]
    )
    lines.append(("place_of_birth",))
    if chance(rng, {"old": 0.8, "mid": 0.7, "new": 0.6}[era]):
        lines.append(("hometown",))
    if era == "new":
        lines.append(("personal_id",))
    combined = chance(rng, {"old": 0.5, "mid": 0.4, "new": 0.2}[era])
    one_line = chance(rng, 0.6)
    for parent in ("mother", "father"):
        lines.append((f"{parent}_name",))
        year, eth, nat = f"{parent}_birth_year", f"{parent}_ethnicity", f"{parent}_nationality"
        lines += [(year, eth, nat)] if one_line else [(year, eth), (nat,)]
        if not combined:
            lines.append((f"{parent}_residence",))
    if combined:
        lines.append(("parents_residence",))
    if chance(rng, 0.5):
        lines.append(("declarant_name", "declarant_relationship"))
    else:
        lines += [("declarant_name",), ("declarant_relationship",)]
    lines += [("registration_date",), ("registrar_name",), ("notes",)]
    return tuple(lines)


def table_columns(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Columns of the left and right page of a table spread; as many optional ones as fit."""

    def choose(spec: tuple[tuple[str, float, bool], ...]) -> tuple[str, ...]:
        keep = [f for f, _, required in spec if required or chance(rng, 0.6)]
        optional = [f for f, _, required in spec if not required and f in keep]
        while sum(COLUMN_WIDTH[f] for f in keep) > PAGE_WIDTH_UNITS and optional:
            keep.remove(optional.pop(int(rng.integers(0, len(optional)))))
        return tuple(keep)

    return choose(LEFT_COLUMNS), choose(RIGHT_COLUMNS)


def _person_values(prefix: str, p: Person | None) -> dict[str, str]:
    if p is None:
        return {f"{prefix}_{k}": "" for k in ("name", "birth_year", "ethnicity", "nationality")}
    return {
        f"{prefix}_name": p.name,
        f"{prefix}_birth_year": str(p.birth_year),
        f"{prefix}_ethnicity": p.ethnicity,
        f"{prefix}_nationality": p.nationality,
    }


def birth_values(b: Birth, style: BookStyle) -> dict[str, str]:
    """Every khai_sinh field of one registration, in ground-truth form."""
    dob = b.date_of_birth.isoformat()
    values = {
        "register_number": style.register_number(b.number),
        "book_number": style.book_number,
        "registration_date": b.registration_date.isoformat(),
        "registrar_name": b.registrar_name,
        "notes": b.notes,
        "full_name": b.child.name,
        "date_of_birth": dob,
        "date_of_birth_words": words_for(dob, style),
        "sex": b.child.sex,
        "ethnicity": b.child.ethnicity,
        "nationality": b.child.nationality,
        "place_of_birth": b.place_of_birth,
        "hometown": b.hometown,
        "personal_id": b.personal_id,
        "mother_residence": b.mother_residence,
        "father_residence": b.father_residence,
        "parents_residence": b.parents_residence,
        "declarant_name": b.declarant_name,
        "declarant_relationship": b.declarant_relationship,
    }
    values.update(_person_values("mother", b.mother))
    values.update(_person_values("father", b.father))
    return values


def book_entries(
    rng: np.random.Generator,
    commune: Commune,
    style: BookStyle,
    count: int,
    inconsistent_rate: float = INCONSISTENT_RATE,
) -> list[SampleEntry]:
    """``count`` registrations of one book, numbered from 1 in date order; on form pages a
    share ``inconsistent_rate`` of them made inconsistent (the table columns hold nothing
    checkable: no personal ID, no date in words)."""
    clerks = [registrar(rng, commune)]
    if chance(rng, 0.3):
        clerks.append(registrar(rng, commune))
    dates = registration_dates(rng, style.year, count)
    home_birth = 0.5 if style.era == "old" else 0.15
    entries = []
    for i, day in enumerate(dates):
        clerk = clerks[0] if i < count * 0.6 or len(clerks) == 1 else clerks[1]
        birth = make_birth(rng, commune, i + 1, day, clerk, home_birth=home_birth)
        entry = make_entry(birth_values(birth, style), style.fields)
        if style.design == "form":
            entry = make_inconsistent(rng, entry, style, inconsistent_rate)
        entries.append(entry)
    return entries
