"""Entry-level cross-checks: fields that must agree with each other.

:func:`check_entry` takes an entry's canonical values (field name → value, as the field
normalizers return them) and returns, per field, the issues found and the raising rules that
apply (:class:`FieldCheck`). Every field taking part in a conflict gets the issue, except the
personal ID checks, which put it on ``personal_id`` only (the number is the derived field).

Rules:
- the registration date is not before the birth (khai sinh, khai tử), nor before the death
  (khai tử); the death is not before the birth. Partial dates are compared on what both give.
- parents' birth years: the mother 12–60, the father 14–80 years old at the child's birth
  (by years only; plausibility bounds, :data:`MOTHER_AGES`, :data:`FATHER_AGES`, overridable
  in :func:`check_entry`).
- spouses' ages at the marriage registration: husband at least 20, wife at least 18 full years.
  This is Luật Hôn nhân và gia đình 2014 (from 1/1/2015, "từ đủ 20/18 tuổi"); the laws of
  2000, 1986 and 1959 also set 20 and 18, and the same full-years rule is applied to every
  era. Note (not applied, [M] unconfirmed): under the 2000 law, court guidance (Nghị quyết
  02/2000/NQ-HĐTP) is said to have read "từ hai mươi tuổi" as "entered the 20th year", so a
  marriage registered before 2015 a year under the limit may have been lawful; the issue then
  only asks a person to look. With a partial date of birth, the oldest possible age is used.
- the personal ID against sex, date of birth and place (see :mod:`.personal_id`); the province
  code may be that of the registering commune (``registration_province_codes``, from the
  book's commune) or of the place of birth or a parent's residence (a birth is registered where
  it happened or where a parent lives). The province is checked in the birth register only:
  in the death register the ID is checked against sex and date of birth (where the death is
  registered says nothing about where the birth was). ``husband_id_document`` and
  ``wife_id_document`` holding a 12-digit number are checked against the spouse's sex and
  date of birth.
- the date of birth in figures against the date in words (:func:`.dates.reconcile_date_words`);
  figures that could not be read are taken from the words, with an issue. This runs first:
  the other checks use the date of birth so decided.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date

from hotich.schema.entries import Issue
from hotich.schema.normalize.date_spelling import spelling_near
from hotich.schema.normalize.dates import normalize_date_words, reconcile_date_words
from hotich.schema.normalize.personal_id import check_personal_id
from hotich.schema.normalize.places import normalize_place
from hotich.schema.normalize.result import FieldCheck, issue
from hotich.schema.registers import RegisterType

MOTHER_AGES = (12, 60)
FATHER_AGES = (14, 80)
MARRIAGE_AGES = {"husband": 20, "wife": 18}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PLACES_OF_REGISTRATION = (
    "place_of_birth",
    "mother_residence",
    "father_residence",
    "parents_residence",
)

Parts = tuple[int, int | None, int | None]


def _parts(value: str | None) -> Parts | None:
    m = _ISO.match(value or "")
    if not m:
        return None
    return int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None


def _before(a: Parts, b: Parts) -> bool:
    """``a`` is certainly before ``b``: compared on the parts both give."""
    left: list[int] = [a[0]]
    right: list[int] = [b[0]]
    for x, y in ((a[1], b[1]), (a[2], b[2])):
        if x is None or y is None:
            break
        left.append(x)
        right.append(y)
    return left < right


def _max_age(born: Parts, on: Parts) -> int | None:
    """The oldest full-years age a person born ``born`` can have on ``on`` (a full date)."""
    if on[1] is None or on[2] is None:
        return None
    birth_month = born[1] if born[1] is not None else 1
    birth_day = born[2] if born[2] is not None else 1
    return on[0] - born[0] - ((on[1], on[2]) < (birth_month, birth_day))


class _Checks:
    def __init__(self) -> None:
        self.out: dict[str, FieldCheck] = {}

    def add(self, check: FieldCheck, *fields: str) -> None:
        for f in fields:
            self.out[f] = self.out.get(f, FieldCheck()).merged(check)

    def flag(self, found: Issue, *fields: str) -> None:
        self.add(FieldCheck((found,)), *fields)


def _order(checks: _Checks, values: Mapping[str, str | None], register: RegisterType) -> None:
    born = _parts(values.get("date_of_birth"))
    registered = _parts(values.get("registration_date"))
    died = _parts(values.get("date_of_death"))
    if register in ("khai_sinh", "khai_tu") and born and registered and _before(registered, born):
        found = issue(
            "consistency.registration_before_birth",
            registered=values["registration_date"],
            born=values["date_of_birth"],
        )
        checks.flag(found, "registration_date", "date_of_birth")
    if register == "khai_tu" and born and died and _before(died, born):
        found = issue(
            "consistency.death_before_birth",
            died=values["date_of_death"],
            born=values["date_of_birth"],
        )
        checks.flag(found, "date_of_death", "date_of_birth")
    if register == "khai_tu" and died and registered and _before(registered, died):
        found = issue(
            "consistency.registration_before_death",
            registered=values["registration_date"],
            died=values["date_of_death"],
        )
        checks.flag(found, "registration_date", "date_of_death")


def _parents(
    checks: _Checks,
    values: Mapping[str, str | None],
    mother_ages: tuple[int, int],
    father_ages: tuple[int, int],
) -> None:
    born = _parts(values.get("date_of_birth"))
    if not born:
        return
    for parent, (low, high) in (("mother", mother_ages), ("father", father_ages)):
        field = f"{parent}_birth_year"
        year = _parts(values.get(field))
        if not year:
            continue
        age = born[0] - year[0]
        if not low <= age <= high:
            found = issue(
                f"consistency.{parent}_age",
                year=year[0],
                born=values["date_of_birth"],
                age=age,
                low=low,
                high=high,
            )
            checks.flag(found, field, "date_of_birth")


def _spouses(checks: _Checks, values: Mapping[str, str | None]) -> None:
    registered = _parts(values.get("registration_date"))
    for spouse, minimum in MARRIAGE_AGES.items():
        field = f"{spouse}_date_of_birth"
        born = _parts(values.get(field))
        age = _max_age(born, registered) if born and registered else None
        if age is not None and age < minimum:
            found = issue(
                f"consistency.{spouse}_underage",
                born=values[field],
                registered=values["registration_date"],
                age=age,
                minimum=minimum,
            )
            checks.flag(found, field, "registration_date")
    for spouse, sex in (("husband", "Nam"), ("wife", "Nữ")):
        field = f"{spouse}_id_document"
        check = check_personal_id(
            values.get(field), sex=sex, date_of_birth=values.get(f"{spouse}_date_of_birth")
        )
        checks.add(check, field)


def _place_codes(values: Mapping[str, str | None]) -> set[str]:
    registered = _parts(values.get("registration_date"))
    on = None
    if registered and registered[1] is not None and registered[2] is not None:
        on = date(registered[0], registered[1], registered[2])
    codes: set[str] = set()
    for field in _PLACES_OF_REGISTRATION:
        text = values.get(field)
        if text:
            match = normalize_place(text, on=on).match
            if match is not None:
                codes |= set(match.id_codes)
    return codes


def _words_iso(value: str | None) -> str | None:
    """The date a date-in-words field says (its canonical value is the text as written)."""
    if not value:
        return None
    return value if _ISO.match(value) else normalize_date_words(value).iso


def _dates_of_birth(
    checks: _Checks,
    values: Mapping[str, str | None],
    conf: Mapping[str, float],
    raws: Mapping[str, str],
) -> Mapping[str, str | None]:
    """The date of birth in figures against the one in words; the values with the date of
    birth as decided (a reading chosen by confidence, or the words when figures are unread)."""
    words_iso = _words_iso(values.get("date_of_birth_words"))
    figures_iso, raw_words = values.get("date_of_birth"), raws.get("date_of_birth_words", "")
    if figures_iso and len(figures_iso) == 10 and figures_iso != words_iso and raw_words:
        # the words disagree with the figures, or could not be read at all
        near = spelling_near(raw_words, figures_iso)
        if near is not None:
            # The words hold a misread word that, one letter off, says the date in figures:
            # taken so, with an issue on both (a person confirms).
            found = issue("date_words.respelled_from_figures", raw=raw_words, value=near)
            checks.add(FieldCheck((found,), value=near), "date_of_birth_words")
            checks.flag(found, "date_of_birth")
            return values
    if "date_of_birth" in values and values["date_of_birth"] is None and words_iso:
        found = issue("date.figures_from_words", words=words_iso)
        checks.add(FieldCheck((found,), value=words_iso), "date_of_birth")
        checks.flag(found, "date_of_birth_words")
        return {**values, "date_of_birth": words_iso}
    figures, words = reconcile_date_words(
        values.get("date_of_birth"),
        words_iso,
        figures_confidence=conf.get("date_of_birth"),
        words_confidence=conf.get("date_of_birth_words"),
    )
    checks.add(figures, "date_of_birth")
    checks.add(words, "date_of_birth_words")
    if figures.value is not None:
        return {**values, "date_of_birth": figures.value}
    return values


def check_entry(
    register_type: RegisterType,
    values: Mapping[str, str | None],
    *,
    confidences: Mapping[str, float] | None = None,
    raws: Mapping[str, str] | None = None,
    registration_province_codes: Collection[str] = (),
    mother_ages: tuple[int, int] = MOTHER_AGES,
    father_ages: tuple[int, int] = FATHER_AGES,
) -> dict[str, FieldCheck]:
    """Issues and raising rules per field, for the fields that take part in a check.

    ``values`` holds canonical values (ISO dates, "Nam"/"Nữ", 12-digit IDs, places as written;
    "" for a blank field, or no key: left out of every check). None is a field that is there
    but could not be normalized: left out too, except a date of birth in figures that could not
    be read while the date in words could, which is then taken from the words (issue
    ``date.figures_from_words`` on both, the value as the check's replacement).
    ``confidences`` (field → OCR confidence) lets a figures/words disagreement be settled by
    the more confident reading; the other checks use the date of birth so decided. ``raws``
    (field → text as read) lets a date in words with a misread word be respelled as the date
    in figures when one letter separates them (``date_words.respelled_from_figures``).
    ``registration_province_codes`` are the ID province codes of the commune that keeps the
    book (used for ``khai_sinh`` only, see the module docstring;
    :func:`.places.registration_id_codes` gives them from the commune's key).
    """
    checks = _Checks()
    if register_type == "khai_sinh":
        values = _dates_of_birth(checks, values, confidences or {}, raws or {})
        _parents(checks, values, mother_ages, father_ages)
    _order(checks, values, register_type)
    if register_type == "ket_hon":
        _spouses(checks, values)
    if register_type in ("khai_sinh", "khai_tu"):
        # Only a birth register says where the birth was registered: a death is registered
        # where the person died or lived, which says nothing about the ID's province code.
        codes: set[str] = set()
        if register_type == "khai_sinh":
            codes = set(registration_province_codes) | _place_codes(values)
        check = check_personal_id(
            values.get("personal_id"),
            sex=values.get("sex"),
            date_of_birth=values.get("date_of_birth"),
            province_codes=codes,
        )
        checks.add(check, "personal_id")
    return {f: c for f, c in checks.out.items() if c.issues or c.raises or c.value is not None}
