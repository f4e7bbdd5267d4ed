"""How one ledger book looks: its era, label wording, writing style, date form, dots.

Everything that is the same on every page of a book is chosen once per book from the seed:
one wording per label (from ``config/labels/<register>.toml``), one style for the values
(typewriter, blue pen or print), one date separator, one way of writing dates in words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

from hotich.samplegen.ink import BLACK, Dots, Ink
from hotich.samplegen.rand import chance, pick, pick_weighted, uniform
from hotich.schema.registers import RegisterType
from hotich.schema.text import nfc

Era = Literal["old", "mid", "new"]
"""Books before 1999 (NĐ 83/1998 and earlier), 1999–2015, and from 2016 (Luật Hộ tịch)."""
PageDesign = Literal["form", "table"]
ValueStyle = Literal["typewriter", "pen", "print"]

BLUE_INKS: tuple[tuple[int, int, int], ...] = ((30, 40, 140), (25, 45, 120), (40, 45, 155))
NAME_GROUP_SIZE = 4  # name labels (subject, mother, father) share a wording index
NAME_FIELDS = frozenset({"full_name", "mother_name", "father_name", "husband_name", "wife_name"})


def era_of(year: int) -> Era:
    return "old" if year < 1999 else "mid" if year < 2016 else "new"


@dataclass(frozen=True)
class Wording:
    """One [[label]] of a register's TOML file."""

    variants: tuple[str, ...]
    fields: dict[str, str]
    """section → field (``"*"``: any section); empty for a heading or a value of no field."""
    opens: str | None = None
    then: dict[str, str] = field(default_factory=dict)
    """word → field: the printed value goes on with another field after that word."""
    name: str | None = None
    """Names a label of no field (``death_notice``): form lines print it as ``~name``."""
    eras: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """era → the variants books of that era print (all of them for an era not listed)."""

    def printed_in(self, era: Era) -> tuple[str, ...]:
        return self.eras.get(era, self.variants)


@dataclass(frozen=True)
class LabelData:
    """The printed wording of one register type, as listed in its TOML file."""

    titles: tuple[str, ...]
    labels: tuple[Wording, ...]
    columns: dict[str, tuple[str, ...]]
    """field → header variants, per [[column]]."""
    column_eras: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    """field → era → the header variants books of that era print (when not all)."""

    def column_variants(self, f: str, era: Era) -> tuple[str, ...]:
        return self.column_eras.get(f, {}).get(era, self.columns[f])


@cache
def label_data(register: RegisterType) -> LabelData:
    path = resources.files("hotich.config").joinpath("labels", f"{register}.toml")
    raw: dict[str, Any] = tomllib.loads(nfc(path.read_text(encoding="utf-8")))
    return LabelData(
        titles=tuple(raw["titles"]),
        labels=tuple(
            Wording(
                variants=tuple(lab["variants"]),
                fields=dict(lab["fields"]),
                opens=lab.get("opens"),
                then=dict(lab.get("then", {})),
                name=lab.get("name"),
                eras={k: tuple(v) for k, v in lab.get("eras", {}).items()},
            )
            for lab in raw["label"]
        ),
        columns={col["field"]: tuple(col["variants"]) for col in raw.get("column", [])},
        column_eras={
            col["field"]: {k: tuple(v) for k, v in col["eras"].items()}
            for col in raw.get("column", [])
            if "eras" in col
        },
    )


def heading(section: str) -> str:
    """The form-line entry of a section heading ("BÊN CHỒNG" above the husband's lines)."""
    return f"@{section}"


def printed_only(name: str) -> str:
    """The form-line entry of a labelled value that is not a record field (``~name``)."""
    return f"~{name}"


def joined(first: str, second: str) -> str:
    """The form-line entry of two fields printed after one label ("Chết lúc: … ngày …")."""
    return f"{first}&{second}"


def record_fields(line_fields: tuple[str, ...]) -> tuple[str, ...]:
    """The record fields among form-line entries: headings and printed-only values left out,
    joined fields split."""
    out: list[str] = []
    for f in line_fields:
        if f[0] not in "@~":
            out += f.split("&")
    return tuple(out)


@dataclass(frozen=True)
class BookStyle:
    register_type: RegisterType
    design: PageDesign
    year: int
    book_no: int
    era: Era
    title: str
    book_number: str
    """As printed and in ground truth: ``01/1998`` or ``01``."""
    number_format: str
    """``{n}`` or ``{n:02d}/{year}``."""
    labels: dict[str, str]
    """field → printed label (without the colon)."""
    columns: dict[str, str]
    """field → printed table header."""
    lines: tuple[tuple[str, ...], ...]
    """Form pages: the fields of each line, top to bottom."""
    left: tuple[str, ...]
    right: tuple[str, ...]
    """Table pages: the columns on the left and the right page of the spread."""
    date_sep: str
    words: dict[str, Any]
    """Options of ``date_to_words`` for this book."""
    value_ink: Ink
    label_ink: Ink
    header_ink: Ink
    dots: Dots
    rows: int
    """Table pages: entries per page."""
    seal_text: str
    """Around the rim of the commune's seal."""
    joins: dict[str, str] = field(default_factory=dict)
    """Joined form-line entries (``a&b``) → the word printed before the second value."""

    @property
    def value_style(self) -> str:
        return self.value_ink.kind

    @property
    def fields(self) -> tuple[str, ...]:
        if self.design == "table":
            return self.left + self.right
        return record_fields(tuple(f for line in self.lines for f in line))

    def register_number(self, n: int) -> str:
        return self.number_format.format(n=n, year=self.year)

    def print_date(self, iso: str) -> str:
        """``15/03/1985`` for ``1985-03-15``; a partial date as much as it gives."""
        return self.date_sep.join(reversed(iso.split("-")))


def choose_labels(
    rng: np.random.Generator, data: LabelData, fields: tuple[str, ...], era: Era
) -> tuple[dict[str, str], dict[str, str]]:
    """One wording per [[label]] for this book, among those its era prints; name labels keep
    one wording index, and so do section headings. Returns (form-line entry → label, joined
    entry → joining word).

    A field takes the label that names it in any section ("*"), unless a heading of its
    section is printed (then the plain label of that section: "Họ và tên" under "BÊN VỢ"); a
    joined entry ``a&b`` takes the label whose value goes on with ``b``, a single field one
    that does not.
    """
    name_index = int(rng.integers(0, NAME_GROUP_SIZE))
    chosen: list[str] = []
    for lab in data.labels:
        is_name = bool(NAME_FIELDS & set(lab.fields.values()))
        variants = lab.printed_in(era)
        chosen.append(
            variants[min(name_index, len(variants) - 1)] if is_name else pick(rng, variants)
        )
    headings = [i for i, lab in enumerate(data.labels) if lab.opens and not lab.fields]
    if headings:
        index = int(rng.integers(0, max(len(data.labels[i].variants) for i in headings)))
        for i in headings:
            chosen[i] = data.labels[i].variants[min(index, len(data.labels[i].variants) - 1)]
    open_sections = {f[1:] for f in fields if f.startswith("@")}
    out: dict[str, str] = {}
    joins: dict[str, str] = {}
    for entry in fields:
        if entry[0] in "@~":
            key = entry[1:]
            found = [
                i
                for i, lab in enumerate(data.labels)
                if not lab.fields and (lab.opens if entry[0] == "@" else lab.name) == key
            ]
            if found:
                out[entry] = chosen[found[0]]
            continue
        f, _, then = entry.partition("&")
        groups = [
            i
            for i, lab in enumerate(data.labels)
            if f in lab.fields.values() and (then in lab.then.values() if then else True)
        ]
        if not then:
            groups = [i for i in groups if not data.labels[i].then] or groups
        if not groups:
            continue
        exact = [i for i in groups if data.labels[i].fields.get("*") == f]
        sectional = [
            i for i in groups if any(data.labels[i].fields.get(s) == f for s in open_sections)
        ]
        best = (sectional or exact or groups)[0]
        out[entry] = chosen[best]
        if then:
            joins[entry] = next(w for w, g in data.labels[best].then.items() if g == then)
    return out, joins


def choose_value_ink(rng: np.random.Generator, era: Era, design: PageDesign) -> Ink:
    weights = {"old": (0.45, 0.55, 0.0), "mid": (0.2, 0.6, 0.2), "new": (0.0, 0.4, 0.6)}[era]
    style: ValueStyle = pick_weighted(rng, ("typewriter", "pen", "print"), weights)
    small = 0.82 if design == "table" else 1.0
    if style == "typewriter":
        return Ink(
            "typewriter", "LiberationMono-Regular.ttf", uniform(rng, 11, 12) * small, (35, 35, 40)
        )
    if style == "pen":
        face = pick(rng, ("NotoSerif-Italic.ttf", "LiberationSerif-Italic.ttf"))
        size = uniform(rng, 12, 13.5) if face.startswith("Noto") else uniform(rng, 13, 14.5)
        return Ink("pen", face, size * small, pick(rng, BLUE_INKS))
    return Ink("print", "DejaVuSans.ttf", uniform(rng, 10.5, 11.5) * small, (15, 15, 18))


def choose_style(
    rng: np.random.Generator,
    register: RegisterType,
    design: PageDesign,
    year: int,
    book_no: int,
    lines: tuple[tuple[str, ...], ...],
    columns: tuple[tuple[str, ...], tuple[str, ...]],
    seal_text: str,
) -> BookStyle:
    """The look of one book. ``lines``/``columns`` come from the register's own module."""
    data = label_data(register)
    era = era_of(year)
    fields = columns[0] + columns[1] if design == "table" else tuple(f for ln in lines for f in ln)
    ink = choose_value_ink(rng, era, design)
    label_face = pick(rng, ("NotoSerif-Regular.ttf", "LiberationSerif-Regular.ttf"))
    label_pt = uniform(rng, 11, 12) if design == "form" else uniform(rng, 8, 9)
    old_sep = era == "old" and chance(rng, 0.5)
    words: dict[str, Any] = {
        "mong": pick(rng, ("", "", "mồng", "mùng")),
        "gieng": chance(rng, 0.2),
        "capitalize": chance(rng, 0.4),
        "nghin": "ngàn" if chance(rng, 0.25) else "nghìn",
        "linh": "lẻ" if chance(rng, 0.25) else "linh",
        "four": "bốn" if chance(rng, 0.3) else "tư",
        "five": "lăm",
        "short_zero": chance(rng, 0.3),
    }
    col_variants = {f: pick(rng, data.column_variants(f, era)) for f in fields if f in data.columns}
    for f in col_variants:  # the wife's headers in the wording of the husband's
        twin = f"husband_{f.removeprefix('wife_')}"
        if f.startswith("wife_") and twin in col_variants:
            mine, theirs = data.column_variants(f, era), data.column_variants(twin, era)
            col_variants[f] = mine[min(theirs.index(col_variants[twin]), len(mine) - 1)]
    # Drawn in this order (book number, number form, labels), so that a book looks the same
    # as before registers other than khai_sinh were added.
    book_number = f"{book_no:02d}/{year}" if chance(rng, 0.6) else f"{book_no:02d}"
    number_format = "{n}" if chance(rng, 0.7) else "{n:02d}/{year}"
    labels, joins = choose_labels(rng, data, fields, era)
    return BookStyle(
        register_type=register,
        design=design,
        year=year,
        book_no=book_no,
        era=era,
        title=data.titles[0],
        book_number=book_number,
        number_format=number_format,
        labels=labels,
        columns=col_variants,
        lines=lines if design == "form" else (),
        left=columns[0] if design == "table" else (),
        right=columns[1] if design == "table" else (),
        date_sep="-" if old_sep else "/",
        words=words,
        value_ink=ink,
        label_ink=Ink("label", label_face, label_pt, BLACK),
        header_ink=Ink("header", "NotoSerif-Bold.ttf", label_pt, BLACK),
        dots=Dots(int(rng.integers(2, 7)), uniform(rng, 0.7, 1.1), uniform(rng, 0.18, 0.28)),
        rows=int(rng.integers(4, 7)),
        seal_text=seal_text,
        joins=joins,
    )
