"""Personal ID number (số định danh cá nhân): 12 digits ``PPP G YY RRRRRR``.

``PPP`` is the province (or centrally-run city) where the birth was registered (the 63 codes
of ``hotich/schema/data/province_codes.toml``), ``G`` gives century and sex (1900s: Nam 0 /
Nữ 1; 2000s: 2 / 3; 2100s: 4 / 5 …), ``YY`` the last two digits of the birth year; the last six
are a serial with no checksum (domain README §3.1). Old 9-digit CMND numbers are kept as
written and not checked. :func:`check_personal_id` compares the number with the entry's sex,
date of birth and place; a mismatch is an issue on the ID naming the field it disagrees with.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache

from hotich.schema.entries import Issue
from hotich.schema.normalize.dates import DIGIT_LOOKALIKES, strip_leaders
from hotich.schema.normalize.result import FieldCheck, Normalized, factor_of, issue
from hotich.schema.normalize.vocab import load_data

_SEPARATORS = re.compile(r"[\s.\-–_]+")
_LABEL = re.compile(r"(?i)^(số\s*định\s*danh(\s*cá\s*nhân)?|cccd|cmnd|số)\s*[:.]?\s*")


@dataclass(frozen=True, kw_only=True)
class PersonalIdResult(Normalized):
    old_cmnd: bool = False
    """A 9-digit number of the old identity card, kept as written and not checked."""


@cache
def id_provinces() -> dict[str, str]:
    """ID province code ("001") → province name ("Hà Nội"), the 63 units before July 2025."""
    return {p["code"]: p["name"] for p in load_data("province_codes.toml")["province"]}


def century_sex_digit(sex: str, year: int) -> str:
    """The ``G`` digit for a person of ``sex`` ("Nam"/"Nữ") born in ``year`` (1900–2399)."""
    century = year // 100 - 19
    if not 0 <= century <= 4 or sex not in ("Nam", "Nữ"):
        raise ValueError(f"no century/sex digit for {sex!r}, {year}")
    return str(2 * century + (1 if sex == "Nữ" else 0))


def build_personal_id(province_code: str, sex: str, born: date, serial: str) -> str:
    """The 12-digit number for a birth registered in ``province_code``: for tests and samples."""
    if province_code not in id_provinces() or not re.fullmatch(r"\d{6}", serial):
        raise ValueError(f"bad province code or serial: {province_code!r}, {serial!r}")
    return f"{province_code}{century_sex_digit(sex, born.year)}{born.year % 100:02d}{serial}"


def _result(
    raw: str, value: str | None, issues: list[Issue], old: bool = False
) -> PersonalIdResult:
    found = tuple(issues)
    return PersonalIdResult(
        value=value, raw=raw, issues=found, factor=factor_of(found), old_cmnd=old
    )


def normalize_personal_id(raw: str) -> PersonalIdResult:
    """Digits only; 12 digits checked on their own (province code, century digit)."""
    text = _SEPARATORS.sub("", _LABEL.sub("", strip_leaders(raw)))
    if not text:
        return _result(raw, "", [])
    issues: list[Issue] = []
    if not text.isdigit():
        repaired = text.translate(DIGIT_LOOKALIKES)
        if not (repaired.isascii() and repaired.isdigit()):
            return _result(raw, None, [issue("personal_id.unreadable", raw=raw)])
        text = repaired
        issues.append(issue("personal_id.ocr_repaired", raw=raw, value=text))
    if len(text) == 9:
        return _result(raw, text, issues, old=True)
    if len(text) != 12:
        return _result(raw, None, [*issues, issue("personal_id.length", raw=raw, n=len(text))])
    if text[:3] not in id_provinces():
        issues.append(issue("personal_id.unknown_province", raw=raw, code=text[:3]))
    if text[3] not in "0123":
        issues.append(issue("personal_id.century_implausible", raw=raw, digit=text[3]))
    return _result(raw, text, issues)


def _year(iso: str | None) -> int | None:
    if iso and re.match(r"^\d{4}", iso):
        return int(iso[:4])
    return None


def check_personal_id(
    pid: str | None,
    *,
    sex: str | None = None,
    date_of_birth: str | None = None,
    province_codes: Collection[str] = (),
) -> FieldCheck:
    """Issues on a 12-digit ID that disagrees with the entry.

    ``sex`` is "Nam"/"Nữ", ``date_of_birth`` an ISO date (partial is enough: only the year is
    used), ``province_codes`` the ID codes the registration place allows (empty: not checked).
    An ID that agrees with sex and year (and the place, when given) raises confidence.
    """
    if not pid or not re.fullmatch(r"\d{12}", pid):
        return FieldCheck()
    issues: list[Issue] = []
    g = int(pid[3])
    id_century, id_sex = 1900 + 100 * (g // 2), ("Nữ" if g % 2 else "Nam")
    year = _year(date_of_birth)
    checked_sex = sex in ("Nam", "Nữ")
    if checked_sex and id_sex != sex:
        issues.append(issue("personal_id.sex_mismatch", id=pid, id_sex=id_sex, sex=sex))
    if year is not None:
        if year // 100 * 100 != id_century:
            issues.append(issue("personal_id.century_mismatch", id=pid, digit=pid[3], year=year))
        if int(pid[4:6]) != year % 100:
            issues.append(
                issue("personal_id.birth_year_mismatch", id=pid, digits=pid[4:6], year=year)
            )
    if province_codes and pid[:3] not in province_codes:
        names = id_provinces()
        expected = ", ".join(f"{c} {names.get(c, '?')}" for c in sorted(province_codes))
        issues.append(
            issue(
                "personal_id.province_mismatch",
                id=pid,
                code=pid[:3],
                province=names.get(pid[:3], "?"),
                expected=expected,
            )
        )
    consistent = not issues and checked_sex and year is not None
    return FieldCheck(tuple(issues), ("personal_id.consistent",) if consistent else ())
