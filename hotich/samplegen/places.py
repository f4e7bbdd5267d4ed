"""Synthetic places: communes that keep books, and the addresses written in entries.

Province names and their personal-ID codes are real (domain README §3.2); districts and
communes are real units of those provinces before the 2025 reform (rural districts, "huyện",
and their communes, "xã", with their official codes), taken from the offline unit list that the
place normalizer reads too (``vietnamadminunits``): real registers name real places, so the
pages test how places are read and checked. Hamlets and hospitals are invented from common
name parts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from hotich.samplegen.rand import pick, pick_weighted
from hotich.schema.text import nfc, strip_accents


@dataclass(frozen=True)
class Province:
    name: str
    code: str
    """Three-digit code of the personal ID (số định danh)."""
    kind: str
    """"tỉnh" or "thành phố"."""
    hamlet: str
    """What villages are called there: thôn, xóm, ấp, bản."""
    ethnic: tuple[tuple[str, float], ...]

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    district: str
    province: Province

    @property
    def key(self) -> str:
        """The scan-folder name: ``20227-dai-thanh``."""
        return f"{self.code}-{slug(self.name)}"


def slug(text: str) -> str:
    """ASCII lower-case words joined by hyphens: 'Đại Thành' -> 'dai-thanh'."""
    return "-".join(strip_accents(text).split())


@cache
def _data() -> dict[str, Any]:
    raw = resources.files(__package__).joinpath("data/places.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(nfc(raw))
    return data


@cache
def provinces() -> tuple[Province, ...]:
    return tuple(
        Province(
            name=p["name"],
            code=p["code"],
            kind=p["kind"],
            hamlet=p["hamlet"],
            ethnic=tuple((k, float(v)) for k, v in p["ethnic"].items()),
        )
        for p in _data()["provinces"]
    )


def _province_weights() -> list[float]:
    weights: dict[str, float] = _data()["home_weights"]
    return [weights.get(p.name, 1.0) for p in provinces()]


def random_province(rng: np.random.Generator) -> Province:
    return pick_weighted(rng, provinces(), _province_weights())


@cache
def _rural_units(province: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The province's rural districts (huyện) with their communes (xã): ((district name,
    ((commune code, commune name), …)), …), names without their type word, in list order."""
    from hotich.schema.normalize.admin_units import legacy_province_by_name, legacy_units

    found = legacy_province_by_name(province)
    if found is None:
        raise ValueError(f"no such province in the unit list: {province}")
    out = []
    for district, kind, communes in legacy_units(found[0]):
        rural = tuple((code, name) for code, ward_kind, name in communes if ward_kind == "Xã")
        if kind == "Huyện" and rural:
            out.append((district, rural))
    return tuple(out)


def _real_commune(
    rng: np.random.Generator, province: Province, district: str | None = None, avoid: str = ""
) -> Commune:
    """A real commune of ``province`` (of ``district`` when given), not named ``avoid``."""
    units = _rural_units(province.name)
    if district is None:
        district, communes = units[int(rng.integers(0, len(units)))]
    else:
        communes = dict(units)[district]
    choices = [c for c in communes if c[1] != avoid] or list(communes)
    code, name = choices[int(rng.integers(0, len(choices)))]
    return Commune(code, name, district, province)


def make_communes(rng: np.random.Generator, count: int) -> list[Commune]:
    """``count`` real communes in different provinces, with their official codes; at most one
    in a province where the Kinh are a minority, so most people are Kinh."""
    out: list[Commune] = []
    used: set[str] = set()
    for _ in range(count):
        province = random_province(rng)
        while province.name in used:
            province = random_province(rng)
        used.add(province.name)
        if dict(province.ethnic).get("Kinh", 0.0) < 0.5:
            used |= {p.name for p in provinces() if dict(p.ethnic).get("Kinh", 0.0) < 0.5}
        out.append(_real_commune(rng, province))
    return out


def nearby_commune(rng: np.random.Generator, home: Commune, same: float = 0.6) -> Commune:
    """The registering commune itself (probability ``same``) or another in its province."""
    if rng.random() < same:
        return home
    district = home.district if rng.random() < 0.6 else None
    return _real_commune(rng, home.province, district, avoid=home.name)


def far_commune(rng: np.random.Generator) -> Commune:
    return _real_commune(rng, random_province(rng))


def commune_address(c: Commune) -> str:
    """``xã X, huyện Y, tỉnh Z``."""
    return f"xã {c.name}, huyện {c.district}, {c.province.full_name}"


def hamlet_address(rng: np.random.Generator, c: Commune) -> str:
    """A residence: ``thôn Đông, xã X, huyện Y, tỉnh Z`` (or xóm 3, ấp …, bản …)."""
    if rng.random() < 0.4:
        hamlet = str(int(rng.integers(1, 13)))
    else:
        hamlet = pick(rng, _data()["hamlet_names"])
    return f"{c.province.hamlet} {hamlet}, {commune_address(c)}"


def birth_place(rng: np.random.Generator, c: Commune, home_birth: float) -> str:
    """Where a child was born: a health station or hospital, or (``home_birth``) the commune."""
    if rng.random() < home_birth:
        return commune_address(c)
    template: str = pick(rng, _data()["hospitals"])
    return template.format(commune=c.name, district=c.district, province=c.province.full_name)
