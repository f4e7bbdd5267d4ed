"""Corrected fields as OCR training data: ``hotich export --format groundtruth --out DIR``.

Each field a person corrected (or confirmed) becomes a pair of files in DIR, in the layout
Tesseract's training tools (tesstrain) read: ``NAME.png``, the field's crop of the stored page
image (its box with a small margin), and ``NAME.gt.txt``, one line: the text written there. With
them a province can fine-tune a model on its own books.

``NAME`` is ``<commune>_<book>_<page, 4 digits>_<entry index, 2 digits>_<field>`` (characters
other than ASCII letters, digits, ``.``, ``_`` and ``-`` turned into ``-``); running again rewrites
the same files.

Only fields whose stored value is the text as written go in: the app stores some values in a
canonical form that differs from the writing (a date ``15/3/1985`` is stored ``1985-03-15``; an
ethnicity or nationality is mapped to its standard name), so dates, ethnicities and
nationalities are left out, as are blank fields, fields without a box, and pages whose scan file
is gone or changed (:class:`GroundTruthReport` counts each). Only current entries count (not
those superseded by a newer reading of their page: their boxes are on another image).

The files hold personal data (names, ID numbers): keep DIR where the records are kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.config.settings import Settings
from hotich.db.models import Book, Commune, Correction, EntryRow, Page
from hotich.db.records import current_fields
from hotich.errors import BadInputError
from hotich.review.images import ImageUnavailable, StoredPage, crop, load_stored_page
from hotich.schema.normalize import FIELD_KINDS

NOT_TRANSCRIBED_KINDS: Final = frozenset({"date", "ethnicity", "nationality"})
"""Field kinds whose stored value may differ from what the page shows."""
SKIP_REASONS: Final = ("no_box", "not_transcript", "blank", "scan")
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class GroundTruthReport:
    out: Path
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Fields left out, by reason (:data:`SKIP_REASONS`)."""


def _safe(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-") or "x"


def line_name(commune: str, book: str, page_no: int, entry_index: int, name: str) -> str:
    return f"{_safe(commune)}_{_safe(book)}_{page_no:04d}_{entry_index:02d}_{_safe(name)}"


def transcribed(name: str) -> bool:
    """The field's stored value is the text as written on the page."""
    return FIELD_KINDS.get(name) not in NOT_TRANSCRIBED_KINDS


def export_groundtruth(session: Session, out: Path, *, settings: Settings) -> GroundTruthReport:
    """Write the crop and text of every corrected field of the current entries to ``out``."""
    if out.exists() and not out.is_dir():
        raise BadInputError("groundtruth.not_a_folder", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    report = GroundTruthReport(out)
    query = (
        select(EntryRow, Page, Book.key, Commune.key)
        .join(Page, EntryRow.page_id == Page.id)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .where(EntryRow.superseded_at.is_(None), EntryRow.id.in_(select(Correction.entry_id)))
        .order_by(Commune.key, Book.key, Page.page_no, EntryRow.entry_index)
    )
    rows = list(session.execute(query))
    fields = current_fields(session, [row[0].id for row in rows])
    pixels_of: dict[int, StoredPage | None] = {}
    for entry, page, book, commune in rows:
        corrected = {n: f for n, f in fields[entry.id].items() if f.corrected}
        if page.id not in pixels_of:
            try:
                pixels_of = {page.id: load_stored_page(page, commune, book, settings=settings)}
            except ImageUnavailable:
                pixels_of = {page.id: None}
        stored = pixels_of[page.id]
        for name, current in corrected.items():
            if not current.value:
                report.skipped["blank"] += 1
            elif not transcribed(name):
                report.skipped["not_transcript"] += 1
            elif stored is None:
                report.skipped["scan"] += 1
            else:
                image = crop(stored.pixels, current.bbox)
                if image is None:
                    report.skipped["no_box"] += 1
                    continue
                base = line_name(commune, book, page.page_no, entry.entry_index, name)
                Image.fromarray(image).save(out / f"{base}.png")
                (out / f"{base}.gt.txt").write_text(current.value + "\n", encoding="utf-8")
                report.written += 1
    return report
