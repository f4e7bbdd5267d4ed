"""The marriage register (sổ đăng ký kết hôn): which fields each era prints, where, and their
values.

Husband and wife are of marriageable age on the day of registration (at least 20 and 18 full
years, Luật Hôn nhân và gia đình), usually a few years apart; the wife has another surname.
Identity papers are printed from 1999 on: the 9-digit CMND, and from 2016 mostly the 12-digit
personal ID (CCCD), which agrees with the holder's sex and year of birth. A deliberate
inconsistency is a wrong digit in a 12-digit ID, or a spouse under age on the registration day.
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
from hotich.samplegen.places import Commune, hamlet_address, nearby_commune
from hotich.samplegen.rand import chance, pick
from hotich.samplegen.styles import BookStyle, Era, heading
from hotich.samplegen.values import SampleEntry, make_entry, wrong_id_digit
from hotich.schema.text import clean_text

BOOK_PREFIX = "ket-hon"
MIN_AGE = {"husband": 20, "wife": 18}
SPOUSES = ("husband", "wife")

# Table columns: (field, relative width, required) on each page of the spread.
LEFT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("register_number", 15, True),  # room for "12/2007"
    ("registration_date", 22, True),
    ("husband_name", 36, True),
    ("husband_date_of_birth", 22, True),
    ("husband_ethnicity", 14, False),
    ("husband_nationality", 17, False),
    ("husband_residence", 44, True),
    ("husband_id_document", 24, False),
)
RIGHT_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("wife_name", 36, True),
    ("wife_date_of_birth", 22, True),
    ("wife_ethnicity", 14, False),
    ("wife_nationality", 17, False),
    ("wife_residence", 44, True),
    ("wife_id_document", 24, False),
    ("registrar_name", 32, False),
    ("notes", 22, True),
)
COLUMN_WIDTH: dict[str, float] = {f: w for f, w, _ in LEFT_COLUMNS + RIGHT_COLUMNS}
PAGE_WIDTH_UNITS = 182.0


def _has_papers(rng: np.random.Generator, era: Era) -> bool:
    return era != "old" and chance(rng, 0.75 if era == "mid" else 0.95)


def form_lines(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], ...]:
    """The fields of each line of a one-entry form page, for one book: either a heading per
    party ("BÊN CHỒNG", "BÊN VỢ") with plain labels, or the party in each name label."""
    headings = chance(rng, {"old": 0.3, "mid": 0.5, "new": 0.6}[era])
    papers = _has_papers(rng, era)
    one_line = chance(rng, 0.5)
    lines: list[tuple[str, ...]] = [("register_number", "book_number")]
    for spouse in SPOUSES:
        if headings:
            lines.append((heading(spouse),))
        lines.append((f"{spouse}_name",))
        dob, eth, nat = f"{spouse}_date_of_birth", f"{spouse}_ethnicity", f"{spouse}_nationality"
        lines += [(dob,), (eth, nat)] if one_line else [(dob, eth), (nat,)]
        lines.append((f"{spouse}_residence",))
        if papers:
            lines.append((f"{spouse}_id_document",))
    lines += [("registration_date",), ("registrar_name",), ("notes",)]
    return tuple(lines)


def table_columns(rng: np.random.Generator, era: Era) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Columns of the left (husband) and right (wife) page of a spread; an optional column is
    printed for both spouses or for neither."""
    papers = _has_papers(rng, era)
    keep_eth, keep_nat = chance(rng, 0.6), chance(rng, 0.5)
    registrar_column = chance(rng, 0.5)

    def wanted(f: str) -> bool:
        if f.endswith("_id_document"):
            return papers
        if f.endswith("_ethnicity"):
            return keep_eth
        if f.endswith("_nationality"):
            return keep_nat
        return f != "registrar_name" or registrar_column

    def choose(spec: tuple[tuple[str, float, bool], ...]) -> tuple[str, ...]:
        return tuple(f for f, _, required in spec if required or wanted(f))

    left, right = choose(LEFT_COLUMNS), choose(RIGHT_COLUMNS)
    for optional in ("_nationality", "_ethnicity"):  # drop pairs until both pages fit
        if max(_width(left), _width(right)) <= PAGE_WIDTH_UNITS:
            break
        left = tuple(f for f in left if not f.endswith(optional))
        right = tuple(f for f in right if not f.endswith(optional))
    return left, right


def _width(fields: tuple[str, ...]) -> float:
    return sum(COLUMN_WIDTH[f] for f in fields)


def _birth_date(rng: np.random.Generator, registered: date, age: int) -> date:
    """A date of birth making the person ``age`` full years old on ``registered``."""
    try:
        anniversary = registered.replace(year=registered.year - age)
    except ValueError:  # 29 February
        anniversary = date(registered.year - age, 2, 28)
    return anniversary - timedelta(days=int(rng.integers(0, 365)))


def _ages(rng: np.random.Generator) -> dict[str, int]:
    """The spouses' ages in full years: the husband mostly in his twenties, the wife a few
    years younger (or older), both of legal age; some later or second marriages."""
    husband = MIN_AGE["husband"] + int(rng.integers(1, 12))
    if chance(rng, 0.12):
        husband += int(rng.integers(5, 25))
    wife = max(MIN_AGE["wife"] + int(rng.integers(0, 3)), husband - int(rng.integers(-3, 9)))
    return {"husband": husband, "wife": wife}


def _id_document(
    rng: np.random.Generator, era: Era, code: str, sex: Sex, born: date, registered: date
) -> str:
    if era == "new" and (registered.year >= 2021 or chance(rng, 0.7)):
        return personal_id(code, sex, born, rng)
    return cmnd_number(rng, code)


def marriage_values(
    rng: np.random.Generator,
    commune: Commune,
    registered: date,
    number: int,
    clerk: str,
    style: BookStyle,
) -> dict[str, str]:
    """Every ket_hon field of one registration, in ground-truth form."""
    husband_eth = ethnicity(rng, commune)
    wife_eth = husband_eth if chance(rng, 0.85) else ethnicity(rng, commune)
    husband_family = surname(rng, husband_eth)
    wife_family = surname(rng, wife_eth, avoid=husband_family)
    home = nearby_commune(rng, commune, same=0.85)
    wife_home = home if chance(rng, 0.4) else nearby_commune(rng, commune, same=0.6)
    values = {
        "register_number": style.register_number(number),
        "book_number": style.book_number,
        "registration_date": registered.isoformat(),
        "registrar_name": clerk,
        "notes": "Đăng ký lại" if chance(rng, 0.03) else "",
    }
    parties: tuple[tuple[str, Sex, str, str, Commune], ...] = (
        ("husband", "Nam", husband_eth, husband_family, home),
        ("wife", "Nữ", wife_eth, wife_family, wife_home),
    )
    ages = _ages(rng)
    for spouse, sex, eth, family, place in parties:
        born = _birth_date(rng, registered, ages[spouse])
        values[f"{spouse}_name"] = full_name(rng, family, sex)
        values[f"{spouse}_date_of_birth"] = born.isoformat()
        values[f"{spouse}_ethnicity"] = eth
        values[f"{spouse}_nationality"] = "Việt Nam"
        values[f"{spouse}_residence"] = hamlet_address(rng, place)
        values[f"{spouse}_id_document"] = _id_document(
            rng, style.era, place.province.code, sex, born, registered
        )
    return values


def make_inconsistent(rng: np.random.Generator, entry: SampleEntry, rate: float) -> SampleEntry:
    """With probability ``rate``, make one printed field disagree with the rest: a wrong digit
    in a 12-digit ID (against the holder's sex or year of birth), or a spouse under age."""
    candidates = [
        f"{s}_id_document"
        for s in SPOUSES
        if len(entry.values.get(f"{s}_id_document", "")) == 12
        and entry.values.get(f"{s}_date_of_birth")
    ]
    if entry.values.get("registration_date"):
        candidates += [
            f"{s}_date_of_birth" for s in SPOUSES if entry.values.get(f"{s}_date_of_birth")
        ]
    if not candidates or rng.random() >= rate:
        return entry
    field = pick(rng, candidates)
    values = dict(entry.values)
    if field.endswith("_id_document"):
        values[field] = wrong_id_digit(rng, values[field])
    else:
        spouse = field.removesuffix("_date_of_birth")
        registered = date.fromisoformat(values["registration_date"])
        young = MIN_AGE[spouse] - int(rng.integers(2, 5))
        born = _birth_date(rng, registered, young)
        values[field] = born.isoformat()
        paper = values.get(f"{spouse}_id_document", "")
        if len(paper) == 12:  # the ID keeps agreeing with the (wrong) date of birth
            sex: Sex = "Nam" if spouse == "husband" else "Nữ"
            values[f"{spouse}_id_document"] = personal_id(paper[:3], sex, born, rng)
    return SampleEntry(values, (field,), dict(entry.printed_as))


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
    entries = []
    for i, day in enumerate(registration_dates(rng, style.year, count)):
        clerk = clerks[0] if i < count * 0.6 or len(clerks) == 1 else clerks[1]
        values = marriage_values(rng, commune, day, i + 1, clerk, style)
        entry = make_entry({k: clean_text(v) for k, v in values.items()}, style.fields)
        entries.append(make_inconsistent(rng, entry, inconsistent_rate))
    return entries
