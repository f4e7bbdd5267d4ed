"""Printed label wording (``config/labels/<register>.toml``) and fuzzy, accent-blind matching."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

from rapidfuzz import fuzz

from hotich.schema.registers import RegisterType
from hotich.schema.text import strip_accents

_NON_WORD = re.compile(r"[^0-9a-z]+")
_GAP_LETTERS = 6
"""A damaged header is named from the columns' order only if this many letters are left."""
_PLACE_SCORE = 25.0
"""A header that still has letters is named by its place alone only if it is this near."""


def tokens(text: str) -> list[str]:
    """Accent-free lower-case word tokens: 'Ngày, tháng, năm sinh:' -> ngay thang nam sinh."""
    return [tok for tok in _NON_WORD.split(strip_accents(text)) if tok]


def norm_token(word: str) -> str:
    return "".join(tokens(word))


@dataclass(frozen=True)
class Label:
    """A printed form label; ``fields`` maps a section (or '*') to the field it introduces.

    A label with no field is a heading ("BÊN CHỒNG": it only ``opens`` a section) or names a
    printed value that is not a record field (it still ends the value before it). ``then``
    splits the value: the words after the word ``w`` (accent-free token) go to ``then[w]``
    ("Chết lúc: 14 giờ 30 phút, ngày 12/03/2005").
    """

    variants: tuple[tuple[str, ...], ...]
    fields: dict[str, str]
    opens: str | None = None
    then: tuple[tuple[str, str], ...] = ()

    def field_in(self, section: str) -> str | None:
        return self.fields.get(section) or self.fields.get("*")


@dataclass(frozen=True)
class Column:
    """A table column header and the field of its cells."""

    field: str
    variants: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class LabelSet:
    register_type: RegisterType
    titles: tuple[str, ...]
    labels: tuple[Label, ...]
    columns: tuple[Column, ...]
    sections: tuple[str, ...] = ("subject",)
    """The sections of a form page, the first being where reading starts."""
    wordings: tuple[str, ...] = ()
    """Everything printed, as printed: titles, label and column wordings, the national
    heading (``printed.toml``)."""

    def label_variants(self) -> list[tuple[tuple[str, ...], Label]]:
        """Every (variant tokens, label), longest first, so 'Quyển số' wins over 'Số'."""
        pairs = [(variant, label) for label in self.labels for variant in label.variants]
        return sorted(pairs, key=lambda pair: (-len(pair[0]), -len("".join(pair[0]))))

    def column_scores(self, header: str) -> dict[str, float]:
        """How well ``header`` matches each column's wording (0–100), per field."""
        text = " ".join(tokens(header))
        scores: dict[str, float] = {}
        if not text:
            return scores
        for column in self.columns:
            for variant in column.variants:
                wording = " ".join(variant)
                score = fuzz.ratio(text, wording)
                if len(text) >= 4 and len(text) < len(wording):
                    # OCR may drop the second line of a wrapped header ("Giới | tính").
                    score = max(score, 0.9 * fuzz.partial_ratio(text, wording))
                scores[column.field] = max(score, scores.get(column.field, 0.0))
        return scores

    def match_column(self, header: str, *, min_score: float = 80.0) -> str | None:
        """The field whose header wording best matches ``header`` (None if none is close)."""
        scores = self.column_scores(header)
        best = max(scores, key=lambda f: scores[f], default=None)
        return best if best is not None and scores[best] > min_score else None

    def match_columns(
        self,
        headers: Sequence[str],
        *,
        min_score: float = 80.0,
        gap_score: float = 45.0,
        empty: frozenset[int] = frozenset(),
        place: bool = True,
    ) -> dict[int, str]:
        """The field of each column of a table, from its header wording (see
        :func:`hotich.extract.table`): first the closest matches, each field and column once,
        best first, in the order the columns are printed in; then columns whose header is too
        damaged to match alone ("ơi thườn trú c ồn") get a field that the page order of the
        columns leaves for them, if their header is still nearer to it than ``gap_score`` and
        has :data:`_GAP_LETTERS` letters left. Last, where the named columns leave between
        them as many columns as the order leaves fields (columns in ``empty``, with nothing
        written under the header, such as the binding between two pages, aside), each takes
        its field by place when its header is unreadable (stains and marks: fewer letters than
        :data:`_GAP_LETTERS`) or still somewhat near it (:data:`_PLACE_SCORE`); ``place=False``
        leaves this last step to the caller (:meth:`by_place`), who may name columns by what
        their cells hold first."""
        scores = [self.column_scores(h) for h in headers]
        pairs = sorted(
            ((score, c, field) for c, row in enumerate(scores) for field, score in row.items()),
            key=lambda p: (-p[0], p[1]),
        )
        order = [column.field for column in self.columns]
        rank = {field: k for k, field in enumerate(order)} if len(set(order)) == len(order) else {}

        def in_order(c: int, field: str, out: dict[int, str]) -> bool:
            """Whether ``field`` in column ``c`` keeps the page order of the columns named."""
            k = rank.get(field)
            if k is None:
                return True
            return all((rank.get(f, k) < k) == (col < c) for col, f in out.items())

        out: dict[int, str] = {}
        for score, c, field in pairs:
            if score <= min_score or c in out or field in out.values():
                continue
            if in_order(c, field, out):
                out[c] = field
        if not rank or not out:
            return out
        for c in range(len(headers)):
            if c in out or len("".join(tokens(headers[c]))) < _GAP_LETTERS:
                continue  # a header of a few letters matches anything a little
            left = max((order.index(out[k]) for k in out if k < c), default=-1)
            right = min((order.index(out[k]) for k in out if k > c), default=len(order))
            between = [f for f in order[left + 1 : right] if f not in out.values()]
            best = max(between, key=lambda f: scores[c].get(f, 0.0), default=None)
            if best is not None and scores[c].get(best, 0.0) >= gap_score:
                out[c] = best
        return self.by_place(headers, out, empty=empty) if place else out

    def by_place(
        self, headers: Sequence[str], named: dict[int, str], *, empty: frozenset[int] = frozenset()
    ) -> dict[int, str]:
        """``named`` with the columns that their place alone names (see ``match_columns``).
        The last column, when nothing names it, is the notes ("Ghi chú" closes every register's
        table) if its header is unreadable or still somewhat near that wording."""
        order = [column.field for column in self.columns]
        if len(set(order)) != len(order) or not named:
            return dict(named)
        scores = [self.column_scores(h) for h in headers]
        named = _notes_last(headers, scores, order, named)
        return _by_place(headers, scores, order, named, empty)


def _readable(header: str) -> bool:
    return len("".join(tokens(header))) >= _GAP_LETTERS


def _notes_last(
    headers: Sequence[str],
    scores: Sequence[dict[str, float]],
    order: list[str],
    named: dict[int, str],
) -> dict[int, str]:
    last = len(headers) - 1
    if order[-1] != "notes" or "notes" in named.values() or last in named or last < 0:
        return named
    if not headers[last].strip():
        return named
    if _readable(headers[last]) and scores[last].get("notes", 0.0) < _PLACE_SCORE:
        return named
    return {**named, last: "notes"}


def _by_place(
    headers: Sequence[str],
    scores: Sequence[dict[str, float]],
    order: list[str],
    named: dict[int, str],
    empty: frozenset[int] = frozenset(),
) -> dict[int, str]:
    out = dict(named)
    marks = sorted(named.items())
    bounds = [(-1, -1), *((c, order.index(f)) for c, f in marks), (len(headers), len(order))]
    for (c0, k0), (c1, k1) in pairwise(bounds):
        # a column without a header, or without writing, is no printed column: the binding
        columns = [c for c in range(c0 + 1, c1) if c not in empty and headers[c].strip()]
        fields = [f for f in order[k0 + 1 : k1] if f not in named.values()]
        if not columns or len(columns) != len(fields):
            continue
        for c, f in zip(columns, fields, strict=True):
            if not _readable(headers[c]) or scores[c].get(f, 0.0) >= _PLACE_SCORE:
                out[c] = f
    return out


@cache
def load_labels(register_type: RegisterType) -> LabelSet:
    path = resources.files("hotich.config").joinpath("labels", f"{register_type}.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = tuple(
        Label(
            variants=tuple(tuple(tokens(v)) for v in item["variants"]),
            fields=dict(item["fields"]),
            opens=item.get("opens"),
            then=tuple((norm_token(w), f) for w, f in item.get("then", {}).items()),
        )
        for item in data.get("label", [])
    )
    columns = tuple(
        Column(field=item["field"], variants=tuple(tuple(tokens(v)) for v in item["variants"]))
        for item in data.get("column", [])
    )
    printed = resources.files("hotich.config").joinpath("labels", "printed.toml")
    wordings = [
        *tomllib.loads(printed.read_text(encoding="utf-8"))["lines"],
        *data.get("titles", []),
        *(v for item in data.get("label", []) for v in item["variants"]),
        *(v for item in data.get("column", []) for v in item["variants"]),
    ]
    return LabelSet(
        register_type=register_type,
        titles=tuple(data.get("titles", [])),
        labels=labels,
        columns=columns,
        sections=tuple(data.get("sections", ["subject"])),
        wordings=tuple(dict.fromkeys(wordings)),
    )
