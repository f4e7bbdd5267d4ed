"""Vietnamese field normalizers and validators: pure functions, raw OCR text in, result out.

Every normalizer takes the raw text of one field (and context where it needs it) and returns a
:class:`~hotich.schema.normalize.result.Normalized` (or a subclass with more detail): the
canonical value in the contract's form (``""`` for a blank field, None when none can be made),
the raw text unchanged, a tuple of :class:`~hotich.schema.entries.Issue` (code + message from
the catalog, ``hotich/i18n/*/normalize.toml``) and a confidence ``factor``. Entry-level
cross-checks (:func:`check_entry`) take the entry's canonical values and return a
:class:`~hotich.schema.normalize.result.FieldCheck` per field.

Usage
-----
>>> from hotich.schema.normalize import normalize_field, check_entry
>>> r = normalize_field("date_of_birth", "15/3/1985")
>>> r.value, r.issues, r.confidence(0.93)
('1985-03-15', (), 0.93)
>>> checks = check_entry("khai_sinh", {"date_of_birth": "1985-03-15",
...                                    "personal_id": "030185012345", "sex": "Nam"})
>>> checks["personal_id"].codes
('personal_id.sex_mismatch',)

Field kinds (:data:`FIELD_KINDS`, :func:`normalize_field`)
----------------------------------------------------------
- registration number (``register_number``): :func:`normalize_register_number` — ``12`` or
  ``03/2003`` as written; :func:`parse_register_number` gives (number, year).
- date (``date_of_birth``, ``registration_date``, ``date_of_death``, spouses' dates of birth):
  :func:`normalize_date` — ``15/3/1985``, ``15.03.1985``, ``15-03-85`` (century from the
  ``reference`` date, issue ``date.century_inferred``), ``3/1985`` → ``1985-03``, ``1985``,
  ``ngày 15 tháng 3 năm 1985``, or fully in words. Impossible dates (31/02) → None +
  ``date.impossible``; letters read for digits → repaired + ``date.ocr_repaired``.
- date in words (``date_of_birth_words``): :func:`normalize_date_words` — the value is the
  text (the contract keeps it as written), ``.iso`` the date it says. Variants read: mốt/một,
  lăm/năm/nhăm, tư/bốn, linh/lẻ/không trăm linh (or left out), nghìn/ngàn, mồng/mùng,
  giêng/chạp, hăm/băm, bảy/bẩy, "chục", any case, lost tone marks
  (:mod:`hotich.schema.vn_numbers`).
- year (parents' birth years): :func:`normalize_year`.
- personal ID: :func:`normalize_personal_id` — 12 digits checked for a known province code and
  a plausible century digit; 9-digit CMND kept as written.
- sex: :func:`normalize_sex` (Nam/Nữ; Trai/Gái known). Ethnicity: :func:`normalize_ethnicity`
  (the 54 groups with GSO code, variants and old names; ambiguous exonyms are issues).
  Nationality: :func:`normalize_nationality`. An unmatched value is an issue, never replaced.
- names: :func:`normalize_name` — NFC, case as written, tone-mark style ``keep``/``old``/``new``.
- relationship of the declarant, cause of death, notes: :func:`normalize_term` — tone marks of a
  common wording restored (``data/terms.toml``), anything else kept as read.
- places (place of birth, hometown, residences, place of death): :func:`normalize_place` —
  text kept, matched to pre-2025 units with codes and to the unit after the 1 July 2025 reform,
  offline (``vietnamadminunits`` data; its online geocoder is never called, and is replaced by
  one that raises :class:`OfflineGeocoderError`).

Validating an entry
-------------------
:mod:`.entry` says how a whole entry is validated, the same way by the pipeline and by the
review app: the reference date (:func:`entry_reference`), each field through
:func:`normalize_field`, then :func:`cross_check` (:func:`check_entry` with the ID province
codes of the commune keeping the book, :func:`registration_id_codes`).

Confidence rules
----------------
``factor`` multiplies the field's OCR confidence; :meth:`Normalized.confidence` applies and
clamps it. Each issue code has one factor (:data:`FACTORS` in ``result.py``: e.g. 0.3 for an
unreadable or impossible date, 0.5 for an ID that disagrees with the entry, 0.8 for an OCR
repair); a result with several issues multiplies them. Two rules raise confidence without an
issue (:data:`RAISES`): the date in figures agreeing with the date in words (×1.1) and an ID
agreeing with sex, year and place (×1.05). Every correction keeps the raw text and adds an
issue; a known variant mapped to its canonical value ("Mèo" → "Hmông", "VN" → "Việt Nam",
``15.03.1985`` → ``1985-03-15``) and a configured tone style are normalization, not correction,
and add none.

Settings
--------
``name_tone_style`` (``HOTICH_NAME_TONE_STYLE``): ``keep`` (default — names stay as written,
which is what the contract compares), ``old`` (hoà, thuỷ) or ``new`` (hòa, thủy). Pass it to
:func:`normalize_name` / :func:`normalize_field`; the functions themselves read no settings.
"""

from __future__ import annotations

from datetime import date

from hotich.schema.normalize.admin_units import AdminUnit, OfflineGeocoderError
from hotich.schema.normalize.book import BookYears, book_years
from hotich.schema.normalize.consistency import check_entry
from hotich.schema.normalize.dates import (
    DateResult,
    normalize_date,
    normalize_date_words,
    normalize_year,
    reconcile_date_words,
)
from hotich.schema.normalize.entry import (
    CROSS_CHECK_CODES,
    cross_check,
    entry_reference,
    is_cross_check,
)
from hotich.schema.normalize.ethnicity import EthnicityResult, normalize_ethnicity
from hotich.schema.normalize.names import normalize_name
from hotich.schema.normalize.nationality import NationalityResult, normalize_nationality
from hotich.schema.normalize.personal_id import (
    PersonalIdResult,
    build_personal_id,
    check_personal_id,
    normalize_personal_id,
)
from hotich.schema.normalize.places import (
    PlaceMatch,
    PlaceResult,
    normalize_place,
    registration_id_codes,
)
from hotich.schema.normalize.register_number import (
    normalize_register_number,
    parse_register_number,
)
from hotich.schema.normalize.result import (
    FACTORS,
    RAISES,
    FieldCheck,
    Normalized,
    normalized,
)
from hotich.schema.normalize.sex import normalize_sex
from hotich.schema.normalize.terms import TERM_KINDS, normalize_term
from hotich.schema.normalize.tone_style import ToneStyle, apply_tone_style
from hotich.schema.text import clean_text

__all__ = [
    "CROSS_CHECK_CODES",
    "FACTORS",
    "FIELD_KINDS",
    "RAISES",
    "AdminUnit",
    "BookYears",
    "DateResult",
    "EthnicityResult",
    "FieldCheck",
    "NationalityResult",
    "Normalized",
    "OfflineGeocoderError",
    "PersonalIdResult",
    "PlaceMatch",
    "PlaceResult",
    "ToneStyle",
    "apply_tone_style",
    "book_years",
    "build_personal_id",
    "check_entry",
    "check_personal_id",
    "cross_check",
    "entry_reference",
    "is_cross_check",
    "normalize_date",
    "normalize_date_words",
    "normalize_ethnicity",
    "normalize_field",
    "normalize_name",
    "normalize_nationality",
    "normalize_personal_id",
    "normalize_place",
    "normalize_register_number",
    "normalize_sex",
    "normalize_term",
    "normalize_year",
    "parse_register_number",
    "reconcile_date_words",
    "registration_id_codes",
]

_KINDS: dict[str, tuple[str, ...]] = {
    "register_number": ("register_number",),
    "date": (
        "date_of_birth",
        "registration_date",
        "date_of_death",
        "husband_date_of_birth",
        "wife_date_of_birth",
    ),
    "date_words": ("date_of_birth_words",),
    "year": ("mother_birth_year", "father_birth_year"),
    "personal_id": ("personal_id",),
    "sex": ("sex",),
    "ethnicity": (
        "ethnicity",
        "mother_ethnicity",
        "father_ethnicity",
        "husband_ethnicity",
        "wife_ethnicity",
    ),
    "nationality": (
        "nationality",
        "mother_nationality",
        "father_nationality",
        "husband_nationality",
        "wife_nationality",
    ),
    "name": (
        "full_name",
        "mother_name",
        "father_name",
        "declarant_name",
        "registrar_name",
        "husband_name",
        "wife_name",
    ),
    "relationship": ("declarant_relationship",),
    "cause_of_death": ("cause_of_death",),
    "notes": ("notes",),
    "place": (
        "place_of_birth",
        "hometown",
        "mother_residence",
        "father_residence",
        "parents_residence",
        "husband_residence",
        "wife_residence",
        "residence",
        "place_of_death",
    ),
}
FIELD_KINDS: dict[str, str] = {field: kind for kind, fields in _KINDS.items() for field in fields}
"""Field name → kind, for the fields with a normalizer; other fields are only cleaned."""


def normalize_field(
    field: str,
    raw: str,
    *,
    reference: date | None = None,
    tone_style: ToneStyle = "keep",
    typed: bool = False,
    within: BookYears | None = None,
) -> Normalized:
    """The normalizer of ``field``'s kind applied to ``raw``.

    ``typed``: the text was typed by a person (the review app), not read by OCR: repairs that
    would change what a person may have meant (a surname spelled unlike any in the list) are
    only flagged.

    ``reference`` is the registration date (or the book's last day): it fixes two-digit years,
    bounds dates and years, and tells places from the 2025 reform on to prefer new units.
    ``within``: the years of the book (:mod:`.book`), which the registration date and the year
    written after the registration number must fall in.
    """
    kind = FIELD_KINDS.get(field)
    if kind == "register_number":
        return normalize_register_number(raw, within=within)
    if field == "registration_date" and within is not None:
        return normalize_date(raw, reference=within.last_day, within=within)
    if kind == "date":
        return normalize_date(raw, reference=reference)
    if kind == "date_words":
        return normalize_date_words(raw)
    if kind == "year":
        return normalize_year(raw, reference=reference)
    if kind == "personal_id":
        return normalize_personal_id(raw)
    if kind == "sex":
        return normalize_sex(raw)
    if kind == "ethnicity":
        return normalize_ethnicity(raw)
    if kind == "nationality":
        return normalize_nationality(raw)
    if kind == "name":
        return normalize_name(raw, style=tone_style, typed=typed)
    if kind == "place":
        return normalize_place(raw, on=reference)
    if kind in TERM_KINDS:
        return normalize_term(raw, kind)
    return normalized(clean_text(raw), raw)
