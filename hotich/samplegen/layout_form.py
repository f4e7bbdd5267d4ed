"""The one-entry form page (A4 portrait): printed labels, written values, dotted lines,
the registrar's signature and the commune's seal.

Geometry (for the dot-removal stage): every value shares its label's baseline; the dots under
it are centred ``style.dots.offset_300 * dpi / 300`` px (2–6 px at 300 dpi) below that baseline,
from just after the label's colon to the end of the value area (the next label on the line, or
the right margin). Continuation lines of a wrapped value have dots across the whole width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hotich.samplegen.ink import BLACK, Canvas, Ink
from hotich.samplegen.page import RenderedPage
from hotich.samplegen.rand import uniform
from hotich.samplegen.styles import BookStyle
from hotich.samplegen.values import SampleEntry

A4_MM = (210.0, 297.0)
MARGIN_MM = {"left": 22.0, "right": 18.0, "top": 14.0, "bottom": 14.0}
HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
SEAL_MM = (30.0, 34.0)
ROW_MM = (7.5, 10.5)
MIN_ROW_MM = 6.0


@dataclass(frozen=True)
class Cell:
    """One ``Label: value`` on a printed line (``label`` empty on a continuation line)."""

    label: str
    label_x: float
    value: str
    value_x: float
    dots_x0: float
    dots_x1: float


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    signature_after: bool = False
    heading: bool = False
    """A section heading ("BÊN CHỒNG"): bold, without colon, value or dots."""

    @property
    def text(self) -> str:
        parts = []
        for c in self.cells:
            parts += [p for p in (c.label, c.value) if p]
        return " ".join(parts)


def _value_gap(canvas: Canvas, ink: Ink, rng: np.random.Generator) -> float:
    return canvas.px(uniform(rng, 2.0, 6.0) if ink.kind == "pen" else 2.0)


def _printed(style: BookStyle, entry: SampleEntry, item: str) -> str:
    """The value printed after the label of one form-line entry (a field, ``~name`` or
    ``a&b``: "14 giờ 30 phút, ngày 12/03/2005")."""
    first, joined, second = item.partition("&")
    if not joined:
        return entry.printed(item, style)
    before, after = entry.printed(first, style), entry.printed(second, style)
    tail = f"{style.joins[item]} {after}" if after else ""
    return ", ".join(p for p in (before, tail) if p)


def _layout_line(
    canvas: Canvas,
    style: BookStyle,
    entry: SampleEntry,
    fields: tuple[str, ...],
    rng: np.random.Generator,
) -> list[Row]:
    """The rows one template line takes: shared when its cells fit, else one per field,
    with long values wrapped onto continuation rows."""
    x0 = canvas.px(MARGIN_MM["left"])
    x1 = canvas.width - canvas.px(MARGIN_MM["right"])
    width = x1 - x0
    spacing = canvas.px(5)
    if len(fields) == 1 and fields[0].startswith("@"):
        title = style.labels[fields[0]].upper()
        return [Row((Cell(title, x0, "", x0, x0, x0),), heading=True)]
    items = []
    for f in fields:
        label = f"{style.labels[f]}:"
        value = _printed(style, entry, f)
        label_w = canvas.width_of(style.label_ink, label)
        gap = _value_gap(canvas, style.value_ink, rng)
        items.append((f, label, value, label_w, gap, canvas.width_of(style.value_ink, value)))

    if len(items) > 1:
        starts, x = [], x0
        for i, (_, _, _, lw, gap, vw) in enumerate(items):
            x = max(x, x0 + width * i / len(items))
            starts.append(x)
            x += lw + gap + max(vw, canvas.px(12)) + spacing
        if x - spacing <= x1:
            cells = []
            for i, (_, label, value, lw, gap, _) in enumerate(items):
                end = starts[i + 1] - spacing if i + 1 < len(items) else x1
                cells.append(
                    Cell(
                        label,
                        starts[i],
                        value,
                        starts[i] + lw + gap,
                        starts[i] + lw + canvas.px(1),
                        end,
                    )
                )
            return [Row(tuple(cells))]

    rows: list[Row] = []
    for f, label, value, lw, gap, _ in items:
        indent = canvas.px(4) if style.value_ink.kind == "pen" else 0.0
        pieces = canvas.wrap(style.value_ink, value, x1 - (x0 + lw + gap), width - indent)
        first = pieces[0] if pieces else ""
        rows.append(
            Row(
                (Cell(label, x0, first, x0 + lw + gap, x0 + lw + canvas.px(1), x1),),
                signature_after=f == "registrar_name",
            )
        )
        rows += [Row((Cell("", x0, more, x0 + indent, x0, x1),)) for more in pieces[1:]]
    return rows


def _header(canvas: Canvas, style: BookStyle, rng: np.random.Generator) -> tuple[float, list[str]]:
    """Draws the national motto and the title; returns the y below them and their lines."""
    cx = canvas.width / 2
    y = canvas.px(MARGIN_MM["top"]) + canvas.pt(style.header_ink.size_pt)
    lines = [*HEADER, style.title]
    scales = (1.0, 1.0, 1.45)
    gaps = (canvas.px(6.5), canvas.px(12), canvas.px(10))
    for text, scale, gap in zip(lines, scales, gaps, strict=True):
        w = canvas.width_of(style.header_ink, text, scale)
        canvas.text(style.header_ink, cx - w / 2, y, text, rng, scale=scale)
        if text == HEADER[1]:
            rule_y = y + canvas.px(1.6)
            canvas.draw(BLACK).line(
                (cx - w / 2, rule_y, cx + w / 2, rule_y),
                fill=255,
                width=max(1, round(canvas.px(0.25))),
            )
        y += gap
    return y, lines


def render_form(
    style: BookStyle, entry: SampleEntry, rng: np.random.Generator, dpi: int
) -> RenderedPage:
    canvas = Canvas(*A4_MM, dpi)
    top, text = _header(canvas, style, rng)
    rows: list[Row] = []
    for fields in style.lines:
        rows += _layout_line(canvas, style, entry, fields, rng)

    seal_mm = uniform(rng, *SEAL_MM)
    band = canvas.px(seal_mm + 6) if any(r.signature_after for r in rows) else 0.0
    bottom = canvas.height - canvas.px(MARGIN_MM["bottom"])
    pitch = (bottom - top - band) / max(len(rows), 1)
    pitch = min(max(pitch, canvas.px(ROW_MM[0])), canvas.px(ROW_MM[1]))
    if top + len(rows) * pitch + band > bottom:  # a long page: tighten rather than overflow
        pitch = max((bottom - top - band) / max(len(rows), 1), canvas.px(MIN_ROW_MM))

    y = top
    for row in rows:
        if row.heading:
            canvas.text(style.header_ink, row.cells[0].label_x, y, row.cells[0].label, rng)
            text.append(row.text)
            y += pitch
            continue
        for cell in row.cells:
            if cell.label:
                canvas.text(style.label_ink, cell.label_x, y, cell.label, rng)
            canvas.dotted(cell.dots_x0, cell.dots_x1, y, style.dots)
            if cell.value:
                canvas.text(style.value_ink, cell.value_x, y, cell.value, rng)
        text.append(row.text)
        if row.signature_after:
            _sign_and_seal(canvas, style, y + canvas.px(3), band - canvas.px(3), seal_mm, rng)
            y += band
        y += pitch
    return RenderedPage(canvas.compose(), tuple(text), A4_MM)


def _sign_and_seal(
    canvas: Canvas,
    style: BookStyle,
    top: float,
    height: float,
    seal_mm: float,
    rng: np.random.Generator,
) -> None:
    """A signature in the right half of the band below the registrar, the seal over its left
    part; both stay inside the band, away from the printed lines."""
    x0 = canvas.px(MARGIN_MM["left"])
    x1 = canvas.width - canvas.px(MARGIN_MM["right"])
    sig_x0 = x0 + (x1 - x0) * uniform(rng, 0.5, 0.58)
    sig_x1 = sig_x0 + canvas.px(uniform(rng, 38, 52))
    mid = top + height / 2
    sig_h = canvas.px(uniform(rng, 10, 16))
    pen = style.value_ink.color if style.value_ink.kind == "pen" else (30, 40, 140)
    canvas.signature((sig_x0, mid - sig_h / 2, min(sig_x1, x1), mid + sig_h / 2), pen, rng)
    seal_x = sig_x0 + canvas.px(uniform(rng, -4, 6))
    seal_y = mid + canvas.px(uniform(rng, -1.5, 1.5))
    canvas.seal((seal_x, seal_y), seal_mm, style.seal_text, rng)
