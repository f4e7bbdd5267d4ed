"""The death register (sổ đăng ký khai tử): which fields each era prints, where, and their
values.

A death is registered within days of it (or years later, late: "Đăng ký quá hạn"); the
deceased is mostly old, the cause plausible for the age; the time of death is printed as
written in the book ("14 giờ 30 phút", "14h30"; ``14:30`` in the ground truth). Books that
print "Năm sinh" give the year of birth only. Older books print the time and the day of death
after one label ("Chết lúc: 14 giờ 30 phút, ngày 12/03/2005"). A deliberate inconsistency is a
wrong digit in the personal ID, or a death before the birth.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hotich.samplegen.people import (
    Sex,
    cmnd_number,
    ethnicity,
    full_name,
    personal_id,
    registrar,
    registration_dates,
    surname,
)
from hotich.samplegen.places import Commune, birth_place, hamlet_address, nearby_commune
from hotich.samplegen.rand import chance, pick, pick_weighted
from hotich.samplegen.styles import BookStyle, Era, joined, printed_only
from hotich.samplegen.values import SampleEntry, make_entry, wrong_id_digit
from hotich.schema.text import clean_text

BOOK_PREFIX = "khai-tu"
YEAR_ONLY_LABEL = "Năm sinh"
TIME_FORMATS = ("{h} giờ {m} phút", "{h:02d} giờ {m:02d} phút", "{h} giờ {m:02d}", "{h}h{m:02d}")

# Table columns: (field, relative width, required) on each page of the spread.
LEFT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("register_number", 15, True),  # room for "12/2007"
    ("registration_date", 22, True),
    ("full_name", 36, True),
    ("date_of_birth", 22, True),
    ("sex", 12, True),
    ("ethnicity", 14, False),
    ("nationality", 17, False),
    ("personal_id", 26, False),
    ("residence", 44, True),
)
RIGHT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("date_of_death", 22, True),
    ("time_of_death", 16, False),
    ("place_of_death", 40, True),
    ("cause_of_death", 28, True),
    ("declarant_name", 32, True),
    ("declarant_relationship", 16, False),
    ("registrar_name", 32, False),
    ("notes", 22, True),
)
COLUMN_WIDTH: dict[str, float] = {f: w for f, w, _ in LEFT_COLUMNS + RIGHT_COLUMNS}
PAGE_WIDTH_UNITS = 182.0

# (cause, weight) by age group.
CAUSES: dict[str, tuple[tuple[str, float], ...]] = {
    "old": (
        ("Già yếu", 5.0),
        ("Bệnh già", 2.0),
        ("Tai biến mạch máu não", 1.5),
        ("Suy tim", 1.0),
        ("Ung thư phổi", 0.6),
        ("Ung thư gan", 0.6),
        ("Viêm phổi", 0.6),
        ("Bệnh tim", 0.8),
        ("Đột quỵ", 1.0),
    ),
    "adult": (
        ("Tai nạn giao thông", 2.0),
        ("Ung thư gan", 1.0),
        ("Xơ gan", 0.8),
        ("Nhồi máu cơ tim", 0.8),
        ("Bệnh hiểm nghèo", 0.6),
        ("Tai nạn lao động", 0.6),
        ("Đột quỵ", 0.8),
        ("Lao phổi", 0.4),
    ),
    "young": (
        ("Tai nạn giao thông", 2.0),
        ("Đuối nước", 1.5),
        ("Sốt xuất huyết", 0.6),
        ("Bệnh tim bẩm sinh", 0.6),
        ("Viêm phổi", 0.6),
    ),
    "infant": (
        ("Viêm phổi", 1.0),
        ("Suy hô hấp", 1.0),
        ("Sinh non, nhẹ cân", 1.0),
        ("Bệnh tim bẩm sinh", 0.6),
    ),
}


def form_lines(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], ...]:
    """The fields of each line of a one-entry form page, for one book."""
    lines: list[tuple[str, ...]] = [("register_number", "book_number"), ("full_name",)]
    lines += [("date_of_birth", "sex")] if chance(rng, 0.5) else [("date_of_birth",), ("sex",)]
    lines += (
        [("ethnicity", "nationality")] if chance(rng, 0.6) else [("ethnicity",), ("nationality",)]
    )
    if era == "new" or (era == "mid" and chance(rng, 0.7)):
        lines.append(("personal_id",))
    lines.append(("residence",))
    if chance(rng, {"old": 0.7, "mid": 0.5, "new": 0.3}[era]):
        lines.append((joined("time_of_death", "date_of_death"),))
    elif chance(rng, 0.5):
        lines.append(("date_of_death", "time_of_death"))
    else:
        lines += [("date_of_death",), ("time_of_death",)]
    lines += [("place_of_death",), ("cause_of_death",)]
    if era != "old" and chance(rng, 0.6):
        lines.append((printed_only("death_notice"),))
    if chance(rng, 0.5):
        lines.append(("declarant_name", "declarant_relationship"))
    else:
        lines += [("declarant_name",), ("declarant_relationship",)]
    lines += [("registration_date",), ("registrar_name",), ("notes",)]
    return tuple(lines)


def table_columns(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Columns of the left and right page of a table spread; as many optional ones as fit."""

    def choose(spec: tuple[tuple[str, float, bool], ...]) -> tuple[str, ...]:
        keep = [
            f
            for f, _, required in spec
            if required or (chance(rng, 0.6) and (f != "personal_id" or era != "old"))
        ]
        optional = [f for f, _, required in spec if not required and f in keep]
        while sum(COLUMN_WIDTH[f] for f in keep) > PAGE_WIDTH_UNITS and optional:
            keep.remove(optional.pop(int(rng.integers(0, len(optional)))))
        return tuple(keep)

    return choose(LEFT_COLUMNS), choose(RIGHT_COLUMNS)


def _age_group(age: int) -> str:
    return "infant" if age == 0 else "young" if age < 30 else "adult" if age < 60 else "old"


def _age(rng: np.random.Generator) -> int:
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.12:
        return int(rng.integers(1, 30))
    if roll < 0.3:
        return int(rng.integers(30, 60))
    return int(rng.integers(60, 99))


def _declarant(
    rng: np.random.Generator, name: str, sex: Sex, age: int, eth: str
) -> tuple[str, str]:
    """Who declared the death, and how they were related to the deceased."""
    family = name.split()[0].title()
    if age < 30:
        relation = pick(rng, ("Cha", "Mẹ", "Anh trai", "Chị gái"))
    elif age < 60:
        relation = pick(rng, ("Vợ" if sex == "Nam" else "Chồng", "Con trai", "Anh trai", "Em trai"))
    else:
        relation = pick(rng, ("Con trai", "Con trai", "Con gái", "Con", "Cháu", "Vợ"))
        if relation == "Vợ" and sex == "Nữ":
            relation = "Chồng"
    kin_sex: Sex = "Nữ" if relation in ("Mẹ", "Chị gái", "Con gái", "Vợ") else "Nam"
    if relation == "Con":
        kin_sex = "Nam" if chance(rng, 0.5) else "Nữ"
    if relation in ("Cha", "Anh trai", "Chị gái", "Em trai"):
        same_family = True
    elif relation.startswith("Con") or relation == "Cháu":
        same_family = sex == "Nam"  # children take their father's surname
    else:
        same_family = False  # mother, wife, husband
    if not same_family:
        family = surname(rng, eth, avoid=family)
    return full_name(rng, family, kin_sex), relation


def _time(rng: np.random.Generator) -> tuple[int, int]:
    hour = int(rng.integers(0, 24))
    minute = int(rng.integers(0, 12)) * 5 if chance(rng, 0.6) else int(rng.integers(0, 60))
    return hour, minute


def _place_of_death(rng: np.random.Generator, commune: Commune, home: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return home
    if roll < 0.9:
        place = birth_place(rng, nearby_commune(rng, commune, same=0.5), 0.0)
        return place.replace("Nhà hộ sinh", "Trạm y tế")
    return hamlet_address(rng, nearby_commune(rng, commune))


def death_values(
    rng: np.random.Generator,
    commune: Commune,
    registered: date,
    number: int,
    clerk: str,
    style: BookStyle,
    time_format: str,
) -> tuple[dict[str, str], dict[str, str]]:
    """Every khai_tu field of one registration, in ground-truth form, and what the page
    prints where it differs (the time, the death notice)."""
    late = chance(rng, 0.04)
    if late:
        died = registered - timedelta(days=int(rng.integers(365, 10 * 365)))
    else:
        died = registered - timedelta(days=int(rng.integers(0, 16)))
    age = _age(rng)
    sex: Sex = "Nam" if chance(rng, 0.52) else "Nữ"
    born = died - timedelta(days=int(age * 365.25) + int(rng.integers(1, 365)))
    eth = ethnicity(rng, commune)
    name = full_name(rng, surname(rng, eth), sex)
    home = hamlet_address(rng, nearby_commune(rng, commune, same=0.9))
    if style.era == "new":
        pid = personal_id(commune.province.code, sex, born, rng)
    elif age >= 14 and chance(rng, 0.8):
        pid = cmnd_number(rng, commune.province.code)
    else:
        pid = ""
    declarant, relation = _declarant(rng, name, sex, age, eth)
    hour, minute = _time(rng)
    known_time = chance(rng, 0.95)
    year_only = YEAR_ONLY_LABEL in (
        style.labels.get("date_of_birth"),
        style.columns.get("date_of_birth"),
    )
    if late:
        notes = "Đăng ký quá hạn" if chance(rng, 0.7) else ""
    else:
        notes = "Đăng ký lại" if chance(rng, 0.03) else ""
    values = {
        "register_number": style.register_number(number),
        "book_number": style.book_number,
        "registration_date": registered.isoformat(),
        "registrar_name": clerk,
        "notes": notes,
        "full_name": name,
        "date_of_birth": str(born.year) if year_only else born.isoformat(),
        "sex": sex,
        "ethnicity": eth,
        "nationality": "Việt Nam",
        "personal_id": pid,
        "residence": home,
        "date_of_death": died.isoformat(),
        "time_of_death": f"{hour:02d}:{minute:02d}" if known_time else "",
        "place_of_death": _place_of_death(rng, commune, home),
        "cause_of_death": pick_weighted(
            rng, [c for c, _ in CAUSES[_age_group(age)]], [w for _, w in CAUSES[_age_group(age)]]
        ),
        "declarant_name": declarant,
        "declarant_relationship": relation,
    }
    notice = (
        f"{int(rng.integers(1, 300)):02d}/{died.year}"
        if chance(rng, 0.5)
        else f"{int(rng.integers(1, 300))}/GBT"
    )
    printed = {
        "time_of_death": time_format.format(h=hour, m=minute) if known_time else "",
        printed_only("death_notice"): notice,
    }
    return values, printed


def make_inconsistent(rng: np.random.Generator, entry: SampleEntry, rate: float) -> SampleEntry:
    """With probability ``rate``, make one printed field disagree with the rest: a wrong digit
    in a 12-digit personal ID (against sex or year of birth), or a death before the birth."""
    values = entry.values
    candidates = []
    if len(values.get("personal_id", "")) == 12 and values.get("date_of_birth"):
        candidates.append("personal_id")
    if values.get("date_of_death") and values.get("date_of_birth"):
        candidates.append("date_of_death")
    if not candidates or rng.random() >= rate:
        return entry
    field = pick(rng, candidates)
    changed = dict(values)
    if field == "personal_id":
        changed[field] = wrong_id_digit(rng, changed[field])
    else:
        born = changed["date_of_birth"]
        first = date.fromisoformat(born) if len(born) == 10 else date(int(born[:4]), 1, 1)
        died = first - timedelta(days=int(rng.integers(20, 3650)))
        changed[field] = died.isoformat()
    return SampleEntry(changed, (field,), dict(entry.printed_as))


def book_entries(
    rng: np.random.Generator,
    commune: Commune,
    style: BookStyle,
    count: int,
    inconsistent_rate: float = 0.1,
) -> list[SampleEntry]:
    """``count`` registrations of one book, numbered from 1 in date order."""
    clerks = [registrar(rng, commune)]
    if chance(rng, 0.3):
        clerks.append(registrar(rng, commune))
    time_format = pick(rng, TIME_FORMATS)
    entries = []
    for i, day in enumerate(registration_dates(rng, style.year, count)):
        clerk = clerks[0] if i < count * 0.6 or len(clerks) == 1 else clerks[1]
        values, printed = death_values(rng, commune, day, i + 1, clerk, style, time_format)
        entry = make_entry({k: clean_text(v) for k, v in values.items()}, style.fields)
        entry = SampleEntry(entry.values, printed_as=printed)
        entries.append(make_inconsistent(rng, entry, inconsistent_rate))
    return entries
