"""The multi-entry table page: an A3 landscape two-page spread (two A4 pages side by side,
with the binding's shadow between them) carrying one ruled table across both pages.

The left page holds the register, registration date and subject columns, the right page the
parents, declarant, registrar and notes; every entry is one row across both pages. Headers and
values are wrapped inside their cells (values in at most three lines, shrunk if need be).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hotich.samplegen.degrade import gutter_shadow
from hotich.samplegen.ink import BLACK, Canvas, Ink
from hotich.samplegen.page import RenderedPage
from hotich.samplegen.rand import uniform
from hotich.samplegen.styles import BookStyle
from hotich.samplegen.values import SampleEntry

SPREAD_MM = (420.0, 297.0)
MARGIN_MM = {"outer": 14.0, "inner": 16.0, "top": 15.0, "bottom": 14.0}
PAD_MM = 1.2
MAX_VALUE_LINES = 3
MAX_HEADER_LINES = 5
SCALES = (1.0, 0.92, 0.85, 0.78, 0.7, 0.62)


def fit(
    canvas: Canvas, ink: Ink, text: str, width: float, max_lines: int
) -> tuple[list[str], float]:
    """``text`` wrapped to ``width`` in at most ``max_lines``, shrinking the type if needed."""
    lines: list[str] = []
    for scale in SCALES:
        lines = canvas.wrap(ink, text, width, width, scale)
        widest = max((canvas.width_of(ink, line, scale) for line in lines), default=0.0)
        if len(lines) <= max_lines and widest <= width:
            return lines, scale
    return lines, SCALES[-1]


def _columns(
    canvas: Canvas, x0: float, x1: float, fields: Sequence[str], widths: Mapping[str, float]
) -> list[tuple[str, float, float]]:
    total = sum(widths[f] for f in fields)
    out, x = [], x0
    for f in fields:
        w = (x1 - x0) * widths[f] / total
        out.append((f, x, x + w))
        x += w
    return out


def render_table(
    style: BookStyle,
    entries: Sequence[SampleEntry],
    widths: Mapping[str, float],
    rng: np.random.Generator,
    dpi: int,
) -> RenderedPage:
    canvas = Canvas(*SPREAD_MM, dpi)
    half = canvas.px(SPREAD_MM[0] / 2)
    pad = canvas.px(PAD_MM)
    halves = [
        (canvas.px(MARGIN_MM["outer"]), half - canvas.px(MARGIN_MM["inner"]), style.left),
        (
            half + canvas.px(MARGIN_MM["inner"]),
            canvas.width - canvas.px(MARGIN_MM["outer"]),
            style.right,
        ),
    ]
    columns = [c for x0, x1, fields in halves for c in _columns(canvas, x0, x1, fields, widths)]

    title_scale = 1.6
    y = canvas.px(MARGIN_MM["top"]) + canvas.pt(style.header_ink.size_pt * title_scale)
    left_x0, left_x1, _ = halves[0]
    title_w = canvas.width_of(style.header_ink, style.title, title_scale)
    canvas.text(
        style.header_ink, (left_x0 + left_x1 - title_w) / 2, y, style.title, rng, scale=title_scale
    )
    top = y + canvas.px(6)
    bottom = canvas.height - canvas.px(MARGIN_MM["bottom"])

    headers = {
        f: fit(canvas, style.header_ink, style.columns[f], x1 - x0 - 2 * pad, MAX_HEADER_LINES)
        for f, x0, x1 in columns
    }
    head_pitch = canvas.pt(style.header_ink.size_pt) * 1.25
    header_h = max(canvas.px(10), max(len(h[0]) for h in headers.values()) * head_pitch + 2 * pad)
    body_top = top + header_h
    row_h = (bottom - body_top) / style.rows

    _rules(canvas, halves, columns, top, body_top, row_h, style.rows)
    for f, x0, x1 in columns:
        lines, scale = headers[f]
        block = len(lines) * head_pitch * scale
        ly = top + (header_h - block) / 2 + canvas.pt(style.header_ink.size_pt * scale) * 0.9
        for line in lines:
            w = canvas.width_of(style.header_ink, line, scale)
            canvas.text(style.header_ink, (x0 + x1 - w) / 2, ly, line, rng, scale=scale)
            ly += head_pitch * scale

    text = [style.title, " ".join(style.columns[f] for f, _, _ in columns)]
    value_pt = style.value_ink.size_pt
    for r, entry in enumerate(entries[: style.rows]):
        row_top = body_top + r * row_h
        cells = []
        for f, x0, x1 in columns:
            value = entry.printed(f, style)
            if not value:
                continue
            cells.append(value)
            lines, scale = fit(canvas, style.value_ink, value, x1 - x0 - 2 * pad, MAX_VALUE_LINES)
            pitch = canvas.pt(value_pt * scale) * 1.3
            ly = row_top + pad + canvas.pt(value_pt * scale) + canvas.px(uniform(rng, 0.5, 2.5))
            for line in lines:
                canvas.text(style.value_ink, x0 + pad, ly, line, rng, scale=scale)
                ly += pitch
        text.append(" ".join(cells))

    image = canvas.compose()
    image = gutter_shadow(image, half, canvas.px(uniform(rng, 9, 16)), uniform(rng, 0.25, 0.45))
    return RenderedPage(image, tuple(text), SPREAD_MM)


def _rules(
    canvas: Canvas,
    halves: list[tuple[float, float, tuple[str, ...]]],
    columns: list[tuple[str, float, float]],
    top: float,
    body_top: float,
    row_h: float,
    rows: int,
) -> None:
    """The printed ruling: frame, header rule, one line per row, one per column."""
    draw = canvas.draw(BLACK)
    thin = max(1, round(canvas.px(0.22)))
    thick = max(1, round(canvas.px(0.45)))
    bottom = body_top + rows * row_h
    for x0, x1, _ in halves:
        draw.rectangle((x0, top, x1, bottom), outline=255, width=thick)
        draw.line((x0, body_top, x1, body_top), fill=255, width=thick)
        for r in range(1, rows):
            y = body_top + r * row_h
            draw.line((x0, y, x1, y), fill=255, width=thin)
    for _, cx0, _ in columns:
        if all(abs(cx0 - x0) > 1 for x0, _, _ in halves):
            draw.line((cx0, top, cx0, bottom), fill=255, width=thin)
