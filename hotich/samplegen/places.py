"""Synthetic places: communes that keep books, and the addresses written in entries.

Province names and their personal-ID codes are real (domain README §3.2); districts are real
district names of those provinces; communes and hamlets are invented from common name parts.
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
    districts: tuple[str, ...]
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
            districts=tuple(p["districts"]),
            ethnic=tuple((k, float(v)) for k, v in p["ethnic"].items()),
        )
        for p in _data()["provinces"]
    )


def _province_weights() -> list[float]:
    weights: dict[str, float] = _data()["home_weights"]
    return [weights.get(p.name, 1.0) for p in provinces()]


def random_province(rng: np.random.Generator) -> Province:
    return pick_weighted(rng, provinces(), _province_weights())


def commune_name(rng: np.random.Generator, avoid: tuple[str, ...] = ()) -> str:
    names: list[str] = [n for n in _data()["communes"] if n not in avoid]
    return pick(rng, names)


def make_communes(rng: np.random.Generator, count: int) -> list[Commune]:
    """``count`` communes in different provinces, with 5-digit codes and distinct names; at
    most one in a province where the Kinh are a minority, so most people are Kinh."""
    out: list[Commune] = []
    used: set[str] = set()
    for _ in range(count):
        province = random_province(rng)
        while province.name in used:
            province = random_province(rng)
        used.add(province.name)
        if dict(province.ethnic).get("Kinh", 0.0) < 0.5:
            used |= {p.name for p in provinces() if dict(p.ethnic).get("Kinh", 0.0) < 0.5}
        name = commune_name(rng, tuple(c.name for c in out))
        # Plausible, not official: official commune codes grow with the province code too.
        code = f"{int(province.code) * 330 + int(rng.integers(0, 330)):05d}"
        out.append(Commune(code, name, pick(rng, province.districts), province))
    return out


def nearby_commune(rng: np.random.Generator, home: Commune, same: float = 0.6) -> Commune:
    """The registering commune itself (probability ``same``) or another in its province."""
    if rng.random() < same:
        return home
    district = home.district if rng.random() < 0.6 else pick(rng, home.province.districts)
    return Commune(home.code, commune_name(rng, (home.name,)), district, home.province)


def far_commune(rng: np.random.Generator) -> Commune:
    province = random_province(rng)
    return Commune("", commune_name(rng), pick(rng, province.districts), province)


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
