"""Synthetic people and births: names, ethnic groups, consistent dates, personal IDs.

Names are random combinations of common parts (no real person is described). A child takes
the father's surname (the mother's when no father is declared); the mother has another surname;
parents are 18–45 years older than the child; registration follows birth by 0–60 days, or by
years for a late registration (đăng ký quá hạn).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from hotich.samplegen.places import (
    Commune,
    birth_place,
    commune_address,
    far_commune,
    hamlet_address,
    nearby_commune,
)
from hotich.samplegen.rand import chance, pick, pick_weighted
from hotich.schema.text import nfc

Sex = Literal["Nam", "Nữ"]
NATIONALITY = "Việt Nam"


@cache
def _names() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("data/names.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(nfc(raw))
    return data


@dataclass(frozen=True)
class Person:
    name: str
    """Upper case, NFC: ``NGUYỄN THỊ HOA``."""
    sex: Sex
    birth_year: int
    ethnicity: str
    nationality: str = NATIONALITY


@dataclass(frozen=True)
class Birth:
    """One registration of a birth, every khai_sinh fact in its ground-truth form."""

    number: int
    registration_date: date
    late: bool
    child: Person
    date_of_birth: date
    place_of_birth: str
    hometown: str
    personal_id: str
    mother: Person
    father: Person | None
    mother_residence: str
    father_residence: str
    parents_residence: str
    declarant_name: str
    declarant_relationship: str
    registrar_name: str
    notes: str


def surname(rng: np.random.Generator, ethnicity: str, avoid: str = "") -> str:
    pool: list[str] = _names()["ethnic_surnames"].get(ethnicity, [])
    while True:
        if pool and chance(rng, 0.8):
            name = pick(rng, pool)
        else:
            table: dict[str, float] = _names()["surnames"]
            name = pick_weighted(rng, list(table), list(table.values()))
        if name != avoid:
            return name


def full_name(rng: np.random.Generator, family: str, sex: Sex) -> str:
    middles: dict[str, float] = _names()["middle"][sex]
    middle = pick_weighted(rng, list(middles), list(middles.values()))
    given = pick(rng, _names()["given"][sex])
    return nfc(f"{family} {middle} {given}".upper())


def person(rng: np.random.Generator, sex: Sex, year: int, ethnicity: str, family: str) -> Person:
    return Person(full_name(rng, family, sex), sex, year, ethnicity)


def ethnicity(rng: np.random.Generator, commune: Commune) -> str:
    groups = [g for g, _ in commune.province.ethnic]
    return pick_weighted(rng, groups, [w for _, w in commune.province.ethnic])


def personal_id(province_code: str, sex: Sex, born: date, rng: np.random.Generator) -> str:
    """``PPP G YY RRRRRR`` (domain README §3.1): province, century and sex, year, random."""
    century = born.year // 100 - 19
    gender = 2 * century + (1 if sex == "Nữ" else 0)
    serial = "".join(str(int(d)) for d in rng.integers(0, 10, size=6))
    return f"{province_code}{gender}{born.year % 100:02d}{serial}"


def cmnd_number(rng: np.random.Generator, province_code: str) -> str:
    """A 9-digit identity card number (CMND, before the 12-digit CCCD): an area number (here
    the last two digits of the province's ID code, which is not the official CMND series)
    and seven random digits."""
    serial = "".join(str(int(d)) for d in rng.integers(0, 10, size=7))
    return f"{province_code[-2:]}{serial}"


def registration_dates(rng: np.random.Generator, year: int, count: int) -> list[date]:
    """``count`` registration days through ``year``, in order (some days hold several)."""
    start = date(year, 1, 2)
    span = (date(year, 12, 28) - start).days
    days = np.sort(rng.integers(0, span, size=count))
    return [start + timedelta(days=int(d)) for d in days]


def _declarant(rng: np.random.Generator, mother: Person, father: Person | None) -> tuple[str, str]:
    rel: dict[str, Any] = _names()["relatives"]
    roll = rng.random()
    if father is not None and roll < 0.65:
        return father.name, rel["father"]
    if roll < 0.85 or (father is None and roll < 0.75):
        return mother.name, rel["mother"]
    if roll < 0.96:
        side = "paternal" if father is not None and chance(rng, 0.6) else "maternal"
        relation: str = pick(rng, rel[side])
        parent = father if side == "paternal" and father is not None else mother
        sex: Sex = "Nam" if relation.startswith("Ông") else "Nữ"
        family = parent.name.split()[0].title()
        if sex == "Nữ":
            family = surname(rng, parent.ethnicity, avoid=family)
        return full_name(rng, family, sex), relation
    relation = pick(rng, rel["other"])
    sex = "Nữ" if relation in ("Cô", "Dì") else "Nam"
    return full_name(rng, surname(rng, mother.ethnicity), sex), relation


def make_birth(
    rng: np.random.Generator,
    commune: Commune,
    number: int,
    registered: date,
    registrar: str,
    *,
    home_birth: float = 0.2,
) -> Birth:
    """One birth registered in ``commune`` on ``registered`` under register number ``number``."""
    late = chance(rng, 0.05)
    if late:
        born = registered - timedelta(days=int(rng.integers(365, 15 * 365)))
    else:
        born = registered - timedelta(days=int(rng.integers(0, 61)))
    sex: Sex = "Nam" if chance(rng, 0.51) else "Nữ"

    father_eth = ethnicity(rng, commune)
    mother_eth = father_eth if chance(rng, 0.85) else ethnicity(rng, commune)
    has_father = chance(rng, 0.96)
    father_family = surname(rng, father_eth)
    mother_family = surname(rng, mother_eth, avoid=father_family)
    mother = person(rng, "Nữ", born.year - int(rng.integers(18, 43)), mother_eth, mother_family)
    father = (
        person(rng, "Nam", born.year - int(rng.integers(20, 46)), father_eth, father_family)
        if has_father
        else None
    )
    child_family = father_family if has_father and chance(rng, 0.97) else mother_family
    child_eth = father_eth if has_father and chance(rng, 0.9) else mother_eth
    child = person(rng, sex, born.year, child_eth, child_family)
    while child.name.split()[-1] in (
        mother.name.split()[-1],
        father.name.split()[-1] if father else "",
    ):
        child = person(rng, sex, born.year, child_eth, child_family)

    home = hamlet_address(rng, nearby_commune(rng, commune, same=0.8))
    mother_home = home if chance(rng, 0.9) else hamlet_address(rng, nearby_commune(rng, commune))
    origin = commune if chance(rng, 0.5) else far_commune(rng)
    declarant, relation = _declarant(rng, mother, father)
    if late:
        notes = "Đăng ký quá hạn" if chance(rng, 0.7) else ""
    else:
        notes = "Đăng ký lại" if chance(rng, 0.04) else ""
    return Birth(
        number=number,
        registration_date=registered,
        late=late,
        child=child,
        date_of_birth=born,
        place_of_birth=birth_place(rng, nearby_commune(rng, commune), home_birth),
        hometown=commune_address(nearby_commune(rng, origin, same=0.7)),
        personal_id=personal_id(commune.province.code, sex, born, rng),
        mother=mother,
        father=father,
        mother_residence=mother_home,
        father_residence=home if father is not None else "",
        parents_residence=home if father is not None else mother_home,
        declarant_name=declarant,
        declarant_relationship=relation,
        registrar_name=registrar,
        notes=notes,
    )


def registrar(rng: np.random.Generator, commune: Commune) -> str:
    """A clerk (cán bộ tư pháp - hộ tịch) of the commune."""
    sex: Sex = "Nam" if chance(rng, 0.5) else "Nữ"
    return full_name(rng, surname(rng, ethnicity(rng, commune)), sex)
