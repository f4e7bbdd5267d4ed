"""What every normalizer returns, and the confidence rule attached to each issue code.

A normalizer never guesses silently: it returns the canonical value (or None when it cannot
make one), the raw OCR text it started from, the issues it found and a confidence ``factor``.
The caller multiplies the field's OCR confidence by ``factor`` and clamps to [0, 1]
(:meth:`Normalized.confidence`). Each issue code has one factor, listed in :data:`FACTORS`; a
result's factor is the product of its issues' factors, times any factor of a rule that raises
confidence (:data:`RAISES`). So a rule is documented in one place, and tests can check it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import prod

from hotich.i18n import t
from hotich.schema.entries import Issue

FACTORS: dict[str, float] = {
    # Dates. A value None means no ISO date could be made; the raw text stays.
    "date.unreadable": 0.3,
    "date.impossible": 0.3,  # 31/02/1985: the figures are certainly misread or miswritten
    "date.two_digit_year": 0.5,  # 15-03-85 with nothing to fix the century
    "date.century_inferred": 0.85,  # 15-03-85 read as 1985 from the reference year
    "date.ocr_repaired": 0.8,  # letters read for digits ("1S/O3") or a lost separator
    "date.out_of_range": 0.5,  # a year before 1850 or after the reference date
    "date.outside_book": 0.5,  # a registration date outside the years of its book
    "date_words.unreadable": 0.3,
    "date_words.impossible": 0.3,
    "date_words.ocr_repaired": 0.8,  # tone marks restored from the date the words say
    "date_words.misspelled": 0.7,  # a word is no number word: misread, not restorable
    "date.words_mismatch": 0.5,  # figures and words disagree, nothing says which is right
    "date.words_mismatch_resolved": 0.7,  # they disagree; OCR confidence picked one reading
    "date.figures_from_words": 0.7,  # figures unreadable: the date in words is the only reading
    "date_words.respelled_from_figures": 0.7,  # a misread word read as the figures say
    # Registration numbers (Số): "12", "03/2003".
    "register_number.unreadable": 0.3,
    "register_number.ocr_repaired": 0.8,
    "register_number.outside_book": 0.5,  # "07/2019" in the book of 2010
    # Years (parents' birth years).
    "year.unreadable": 0.3,
    "year.ocr_repaired": 0.8,
    # Personal ID.
    "personal_id.unreadable": 0.3,
    "personal_id.length": 0.5,
    "personal_id.ocr_repaired": 0.8,
    "personal_id.unknown_province": 0.5,
    "personal_id.century_implausible": 0.5,
    "personal_id.province_mismatch": 0.5,
    "personal_id.sex_mismatch": 0.5,
    "personal_id.century_mismatch": 0.5,
    "personal_id.birth_year_mismatch": 0.5,
    # Sex, ethnicity, nationality: "repaired" = matched only after OCR damage was undone.
    "sex.unknown": 0.3,
    "sex.repaired": 0.8,
    "ethnicity.unknown": 0.3,
    "ethnicity.repaired": 0.75,
    "ethnicity.ambiguous": 0.5,
    "nationality.unknown": 0.3,
    "nationality.repaired": 0.75,
    # Names.
    "name.bad_chars": 0.6,
    "name.mixed_case": 0.8,
    "name.impossible_syllable": 0.6,
    "name.one_word": 0.6,  # "ỀN": a surname or given name lost
    "name.text_after_dots": 0.8,  # "PHẠM VĂN BÌNH... dục": what follows the dots left out
    # Relationship, cause of death: a listed wording's tone marks restored.
    "term.repaired": 0.8,  # "LƯC": no syllable ends in c under that tone
    "name.surname_repaired": 0.8,  # "PHAM" read for PHẠM: marks restored from the surname list
    "name.surname_unusual": 0.7,  # no surname is spelled so; several fit but for marks
    # "NHỤNG" read for NHUNG, "MAT" for MAI, "VĂNHUY": restored from the listed name syllables
    "name.syllable_repaired": 0.8,
    # Places. The value stays the text as written; the issue says what could not be matched.
    "place.ocr_repaired": 0.85,  # tone marks of a matched unit's name restored
    "place.unmatched": 0.6,
    "place.truncated": 0.6,  # "…, huyện Ý Yên, tỉnh": the end of the address lost
    "place.district_unmatched": 0.7,
    "place.commune_unmatched": 0.7,
    "place.historic_split": 0.9,
    # Entry-level consistency: put on every field taking part in the conflict.
    "consistency.registration_before_birth": 0.6,
    "consistency.death_before_birth": 0.6,
    "consistency.registration_before_death": 0.6,
    "consistency.mother_age": 0.7,
    "consistency.father_age": 0.7,
    "consistency.husband_underage": 0.7,
    "consistency.wife_underage": 0.7,
}

RAISES: dict[str, float] = {
    # Two independent readings agree: the date in figures and the date in words.
    "date.words_agree": 1.1,
    # The personal ID agrees with sex, date of birth and place in all its checked digits.
    "personal_id.consistent": 1.05,
    # Lowering: a commune named that the unit list does not hold and no listed one is near:
    # nothing says it is misread, nothing confirms its spelling.
    "place.commune_unverified": 0.9,
    # Lowering: a relationship or cause of death in no listed wording (kept as read).
    "term.unlisted": 0.9,
    # Lowering: a date without its day or month (old books give less; OCR may have lost it).
    "date.partial": 0.85,
}
"""Rules that change confidence without an issue (nothing is known to be wrong)."""


def issue(code: str, /, **params: object) -> Issue:
    """An issue with its message from the catalog (``normalize.<code>``)."""
    if code not in FACTORS:
        raise KeyError(f"issue code without a confidence rule: {code}")
    return Issue(code=code, message=t(f"normalize.{code}", **params))


def factor_of(issues: Iterable[Issue], raises: Iterable[str] = ()) -> float:
    """The product of the factors of ``issues`` and of the raising rules named."""
    return prod(FACTORS[i.code] for i in issues) * prod(RAISES[r] for r in raises)


@dataclass(frozen=True, kw_only=True)
class Normalized:
    """One field's value as the normalizer leaves it."""

    value: str | None
    """Canonical value (contract form); ``""`` for a blank field; None when none can be made."""
    raw: str
    """The OCR text exactly as received."""
    issues: tuple[Issue, ...] = ()
    factor: float = 1.0
    """Multiplies the OCR confidence (see :data:`FACTORS` and :data:`RAISES`)."""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.issues)

    def confidence(self, ocr_confidence: float) -> float:
        """The field's confidence after this normalization, clamped to [0, 1]."""
        return min(1.0, max(0.0, ocr_confidence * self.factor))


def normalized(
    value: str | None, raw: str, issues: Iterable[Issue] = (), raises: Iterable[str] = ()
) -> Normalized:
    """A plain result whose factor follows from its issues and raising rules."""
    found = tuple(issues)
    return Normalized(value=value, raw=raw, issues=found, factor=factor_of(found, raises))


@dataclass(frozen=True)
class FieldCheck:
    """What an entry-level check says about one field: issues, raising rules, a new value."""

    issues: tuple[Issue, ...] = ()
    raises: tuple[str, ...] = ()
    value: str | None = None
    """A replacement value when the check decided one (date figures vs words); else None."""

    @property
    def factor(self) -> float:
        """Multiplies the field's confidence, like :attr:`Normalized.factor`."""
        return factor_of(self.issues, self.raises)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.issues)

    def merged(self, other: FieldCheck) -> FieldCheck:
        """Both checks' findings, each issue code and raising rule once."""
        seen = {i.code for i in self.issues}
        return FieldCheck(
            self.issues + tuple(i for i in other.issues if i.code not in seen),
            self.raises + tuple(r for r in other.raises if r not in self.raises),
            other.value if other.value is not None else self.value,
        )
