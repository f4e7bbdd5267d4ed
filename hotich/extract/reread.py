"""A second reading of figures: numbers, dates and ID numbers read again on their own.

The page is read once with the Vietnamese model, which is good at words and weak at figures
(measured on generated pages: it takes many a typewritten 0 for a 9 and drops a lone figure in a
table cell). So every field whose value is figures is cut out of the cleaned page, trimmed to
its ink, and all of a page's cut-outs are stacked into one strip that is read in one call with
the figures model (``HOTICH_OCR_FIGURES_LANG``, English by default) restricted to digits and
date separators.

The two readings are then compared, field by field (:func:`choose`):

- the same value: kept, with the higher of the two confidences (two readers agree);
- only one reading is a valid value: that one;
- both valid and different: the figures reading (measured to be right more often), with the
  issue ``ocr.readings_differ`` naming the other reading, which sends the field to review;
- neither valid: the reading with fewer issues (the first on a tie); and where neither gave a
  value at all, the cut-out is read a third time on its own, as one word (:func:`_read_alone`).

A field written in words ("ngày mười lăm tháng ba …") is not read again: the whitelist would
lose its letters. A time ("14 giờ 30 phút") is read again in a call of its own, with the figures
and the letters of "gio", "phut" and "h" (:data:`TIME_WHITELIST`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import cv2
import numpy as np

from hotich.extract.fields import field_value
from hotich.extract.normalize_extra import refine
from hotich.i18n import t
from hotich.ocr.engine import FiguresReader
from hotich.schema.entries import Entry, FieldValue, Issue
from hotich.schema.normalize import FIELD_KINDS
from hotich.schema.ocr import BBox, OcrPage, OcrWord

FIGURE_KINDS = frozenset({"register_number", "date", "year", "personal_id"})
FIGURE_FIELDS = frozenset(
    {name for name, kind in FIELD_KINDS.items() if kind in FIGURE_KINDS}
    | {"book_number", "husband_id_document", "wife_id_document"}
)
WHITELIST = "0123456789/-."
TIME_FIELDS = frozenset({"time_of_death"})
TIME_WHITELIST = "0123456789giophut:"
"""A time is figures and the words "giờ", "phút" (or "14h30"): read without their marks, which
the time normalizer does not need."""
STRIP_PSM = 6  # a block of lines: one line per cut-out
WORD_PSM = 8  # one cut-out read alone, as a single word
ALONE_LIMIT = 12
"""Fields of a page read a third time at most (each is one engine call)."""
INK_LEVEL = 140  # the cleaned page is flattened: paper near 255, ink well below this
DIFFER_FACTOR = 0.5
"""Confidence factor when the two readings are both valid and differ."""

Region = Callable[[FieldValue], BBox | None]


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Cut(Generic[K]):
    """A region cut out of the page to be read again, trimmed to its ink."""

    key: K
    image: np.ndarray
    origin: tuple[int, int]  # where the cut-out's top-left lies on the page
    scale: float


def wants_reread(name: str, field: FieldValue) -> bool:
    """A figures field, unless it is a date whose first reading is in words; a time."""
    if name in TIME_FIELDS:
        return True
    if name not in FIGURE_FIELDS:
        return False
    if FIELD_KINDS.get(name) != "date":
        return True  # numbers are never written in words: letters there are misread figures
    letters = sum(ch.isalpha() for ch in field.raw)
    digits = sum(ch.isdigit() for ch in field.raw)
    return letters <= digits


def form_region(page_shape: tuple[int, ...]) -> Region:
    """Where a form field's figures are: its words' box, widened to the right (a figure OCR
    dropped at the end) and a little above and below."""
    height, width = int(page_shape[0]), int(page_shape[1])

    def region(field: FieldValue) -> BBox | None:
        x, y, w, h = field.bbox
        if w <= 0 or h <= 0:
            return None
        x0, x1 = max(0, x - h // 4), min(width, x + w + h)
        y0, y1 = max(0, y - h // 3), min(height, y + h + h // 3)
        return (x0, y0, x1 - x0, y1 - y0)

    return region


def ink_level(crop: np.ndarray) -> float:
    """The grey below which a pixel of ``crop`` is ink: :data:`INK_LEVEL`, or halfway between
    the paper and the darkest ink when the ink is faded. Faded figures are 150–170 grey with
    cores near 110: cut at 140, only their cores counted, and the cut-out lost a figure's
    light side ("9" read as "1") or whole figures at either end."""
    paper = float(np.percentile(crop, 90))
    return max(float(INK_LEVEL), (paper + float(crop.min())) / 2)


def _trim(crop: np.ndarray, level: float = INK_LEVEL) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The crop cut to its ink, and the offset of the cut; None if no ink."""
    ink = (crop < level).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 6]
    if not keep:
        return None
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in keep)
    y0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in keep)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in keep)
    y1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in keep)
    return crop[y0:y1, x0:x1], (x0, y0)


def _clear_below_baseline(crop: np.ndarray, level: float = INK_LEVEL) -> np.ndarray:
    """The crop with the band under the figures' baseline painted white.

    Figures have no descenders and no marks below the line, so a thin band of ink under them
    is a fill-in line's dots, stuck to the figures (which turns a typewritten 0 into a 9 for
    the reader). The figures' bottoms make the rows just above the baseline the inkiest of the
    lower half; the dots under them hold much less ink.
    """
    rows = np.count_nonzero(crop < level, axis=1)
    inked = np.nonzero(rows)[0]
    if len(inked) < 8:
        return crop
    top, bottom = int(inked[0]), int(inked[-1]) + 1
    gaps = np.flatnonzero(rows[top:bottom] == 0)
    if len(gaps) and bottom - (top + int(gaps[-1])) <= 0.2 * (bottom - top):
        # the dots stand apart, under a blank row: cut there
        out = crop.copy()
        out[top + int(gaps[-1]) :, :] = 255
        return out
    middle = top + (bottom - top) // 2
    lower = rows[middle:bottom]
    strong = np.nonzero(lower >= 0.5 * lower.max())[0]
    cut = middle + int(strong[-1]) + 1
    if cut >= bottom or bottom - cut > 0.2 * (bottom - top):
        return crop
    out = crop.copy()
    out[cut:, :] = 255
    return out


def cut_out(page: np.ndarray, key: K, box: BBox, *, figures_only: bool = True) -> Cut[K] | None:
    x, y, w, h = box
    crop = page[y : y + h, x : x + w]
    if crop.size == 0:
        return None
    level = ink_level(crop)
    trimmed = _trim(crop, level)
    if trimmed is not None and figures_only:  # words ("giờ") have descenders: keep them
        cleared = _clear_below_baseline(trimmed[0], level)
        again = _trim(cleared, level)
        if again is not None:
            (dx0, dy0), (dx1, dy1) = trimmed[1], again[1]
            trimmed = (again[0], (dx0 + dx1, dy0 + dy1))
    if trimmed is None:
        return None
    image, (dx, dy) = trimmed
    scale = 1.0
    if image.shape[0] < 24:  # too small for the recognizer: bring it to a readable height
        scale = 24.0 / image.shape[0]
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return Cut(key=key, image=image, origin=(x + dx, y + dy), scale=scale)


MARGIN = 30


def stack(cuts: Sequence[Cut[K]]) -> tuple[np.ndarray, list[int], int]:
    """The cut-outs stacked on white, one per line; the top of each in the strip; the white
    space between them (enough that no two are read as one line)."""
    margin = MARGIN
    gap = max(40, max(int(c.image.shape[0]) for c in cuts))
    width = max(c.image.shape[1] for c in cuts) + 2 * margin
    height = sum(c.image.shape[0] for c in cuts) + gap * (len(cuts) - 1) + 2 * margin
    strip = np.full((height, width), 255, np.uint8)
    tops: list[int] = []
    y = margin
    for cut in cuts:
        h, w = cut.image.shape[:2]
        strip[y : y + h, margin : margin + w] = cut.image
        tops.append(y)
        y += h + gap
    return strip, tops, gap


def _cuts(
    page: np.ndarray, requests: Sequence[tuple[tuple[int, str], BBox]], whitelist: str
) -> list[Cut[tuple[int, str]]]:
    figures_only = whitelist == WHITELIST
    return [
        c
        for key, box in requests
        if (c := cut_out(page, key, box, figures_only=figures_only)) is not None
    ]


def _read(
    cuts: Sequence[Cut[tuple[int, str]]], reader: FiguresReader, whitelist: str, psm: int
) -> dict[tuple[int, str], list[OcrWord]]:
    def recognize(strip: np.ndarray) -> OcrPage:
        return reader.recognize_figures(strip, psm=psm, whitelist=whitelist)

    return read_cuts(cuts, recognize)


def read_figures(
    page: np.ndarray,
    requests: Sequence[tuple[tuple[int, str], BBox]],
    reader: FiguresReader,
    *,
    whitelist: str = WHITELIST,
) -> dict[tuple[int, str], list[OcrWord]]:
    """Each requested region read as figures (the characters of ``whitelist``), in one engine
    call; words in page coordinates. A region with no ink is left out (nothing to read)."""
    return _read(_cuts(page, requests, whitelist), reader, whitelist, STRIP_PSM)


def read_cuts(
    cuts: Sequence[Cut[K]], recognize: Callable[[np.ndarray], OcrPage]
) -> dict[K, list[OcrWord]]:
    """The cut-outs stacked into one strip and read in one call; each cut-out's words, in page
    coordinates (a cut-out where nothing was read gets an empty list)."""
    if not cuts:
        return {}
    strip, tops, gap = stack(cuts)
    half_gap = gap // 2
    ocr = recognize(strip)
    found: dict[K, list[OcrWord]] = {c.key: [] for c in cuts}
    for line in ocr.lines:
        for word in line.words:
            x, y, w, h = word.bbox
            centre = y + h / 2
            for cut, top in zip(cuts, tops, strict=True):
                if top - half_gap <= centre < top + cut.image.shape[0] + half_gap:
                    ox, oy = cut.origin
                    box = (
                        ox + round((x - MARGIN) / cut.scale),
                        max(0, oy + round((y - top) / cut.scale)),
                        max(1, round(w / cut.scale)),
                        max(1, round(h / cut.scale)),
                    )
                    found[cut.key].append(word.model_copy(update={"bbox": box}))
                    break
    return found


def _valid(field: FieldValue) -> bool:
    return bool(field.value) and not field.issues


def choose(name: str, first: FieldValue, second: FieldValue) -> FieldValue:
    """The field from two readings of it (see the module docstring)."""
    if not second.raw:
        return first
    if first.value == second.value and _valid(first) and _valid(second):
        confidence = max(first.confidence, second.confidence)
        return first.model_copy(update={"confidence": confidence})
    if _valid(second) and not _valid(first):
        return second
    if _valid(first) and not _valid(second):
        return first
    if _valid(first) and _valid(second):
        issue = Issue(
            code="ocr.readings_differ",
            message=t("issue.ocr.readings_differ", first=first.value, second=second.value),
        )
        return second.model_copy(
            update={
                "issues": (*second.issues, issue),
                "confidence": round(second.confidence * DIFFER_FACTOR, 4),
            }
        )
    return second if len(second.issues) < len(first.issues) else first


def reread_entries(
    entries: Sequence[Entry], page: np.ndarray, reader: FiguresReader, region: Region
) -> list[Entry]:
    """``entries`` with their figures fields read a second time and the better reading kept."""
    figures: list[tuple[tuple[int, str], BBox]] = []
    times: list[tuple[tuple[int, str], BBox]] = []
    for k, entry in enumerate(entries):
        for name, field in entry.fields.items():
            if wants_reread(name, field) and (box := region(field)) is not None:
                (times if name in TIME_FIELDS else figures).append(((k, name), box))
    if not figures and not times:
        return list(entries)
    cuts = _cuts(page, figures, WHITELIST)
    words = _read(cuts, reader, WHITELIST, STRIP_PSM) if cuts else {}
    if times:  # a second call: the figures' whitelist would lose "giờ" and "phút"
        words |= read_figures(page, times, reader, whitelist=TIME_WHITELIST)
    out: list[Entry] = []
    unsettled: set[tuple[int, str]] = set()
    for k, entry in enumerate(entries):
        fields = dict(entry.fields)
        for name, field in entry.fields.items():
            again = words.get((k, name))
            if again is None:
                continue
            second = _figures_field(name, again)
            fields[name] = choose(name, field, second)
            if name not in TIME_FIELDS and _unread(field) and _unread(second):
                unsettled.add((k, name))
        out.append(entry.model_copy(update={"fields": fields}))
    alone = [c for c in cuts if c.key in unsettled][:ALONE_LIMIT]
    return _read_alone(out, alone, reader)


def _unread(field: FieldValue) -> bool:
    """No value was read: nothing, or figures that do not make one (a repaired value, such as
    zeros read as 9, is a value)."""
    return not field.value or any(
        i.code.endswith((".unreadable", ".length")) or i.code == "ocr.unread" for i in field.issues
    )


def _figures_field(name: str, words: Sequence[OcrWord]) -> FieldValue:
    # the figures model's confidences are low whatever it reads: no word is a stray
    return refine(name, field_value(name, words, label_confidence=1.0, strays=False))


def _read_alone(
    entries: list[Entry], cuts: Sequence[Cut[tuple[int, str]]], reader: FiguresReader
) -> list[Entry]:
    """The fields neither reading gave a value, read a third time each on its own, as one
    word.

    Tesseract's line finder loses figures that read well alone (an italic "1975" in a table
    cell came out "5" in the strip and "1975" alone). A valid third reading is taken, with
    ``ocr.readings_differ`` naming what was read before, so the field goes to review. (Used to
    choose between two valid readings that differ, it chose wrong as often as right on
    generated pages, so it is not.) One engine call per field, at most :data:`ALONE_LIMIT` a
    page."""
    for cut in cuts:
        k, name = cut.key
        third = _figures_field(name, _read([cut], reader, WHITELIST, WORD_PSM).get(cut.key, []))
        current = entries[k].fields[name]
        if not _valid(third):
            continue
        issue = Issue(
            code="ocr.readings_differ",
            message=t("issue.ocr.readings_differ", first=current.raw, second=third.value),
        )
        settled = third.model_copy(
            update={
                "issues": (*third.issues, issue),
                "confidence": round(third.confidence * DIFFER_FACTOR, 4),
            }
        )
        fields = dict(entries[k].fields) | {name: settled}
        entries[k] = entries[k].model_copy(update={"fields": fields})
    return entries
