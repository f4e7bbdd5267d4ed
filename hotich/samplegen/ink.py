"""Putting ink on a page: fonts, text in each writing style, dotted lines, signatures, seals.

A :class:`Canvas` keeps one coverage mask per ink colour; :meth:`Canvas.compose` multiplies the
inks onto the paper, so a red seal over a blue signature darkens both, as real ink does.
All sizes are given in millimetres or points and converted at the canvas resolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Literal

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFont

RGB = tuple[int, int, int]
InkKind = Literal["label", "header", "typewriter", "pen", "print"]

BLACK: RGB = (22, 22, 24)
DOT_GREY: RGB = (70, 70, 72)
SEAL_RED: RGB = (205, 35, 45)


@cache
def _font_bytes(name: str) -> bytes:
    return resources.files(__package__).joinpath("fonts", name).read_bytes()


@cache
def font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A font shipped in ``samplegen/fonts`` (never a system font), at a pixel size."""
    return ImageFont.truetype(
        BytesIO(_font_bytes(name)), max(size_px, 4), layout_engine=ImageFont.Layout.BASIC
    )


@dataclass(frozen=True)
class Ink:
    """How one kind of text is written: font file, size in points, colour, manner."""

    kind: InkKind
    font: str
    size_pt: float
    color: RGB


@dataclass(frozen=True)
class Dots:
    """Printed fill-in dots: centre ``offset`` px (at 300 dpi) below the value's baseline."""

    offset_300: int
    pitch_mm: float
    diameter_mm: float


class Canvas:
    """A page being drawn at ``dpi``; inks are kept apart until :meth:`compose`."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int) -> None:
        self.dpi = dpi
        self.width = round(width_mm * dpi / 25.4)
        self.height = round(height_mm * dpi / 25.4)
        self._masks: dict[RGB, Image.Image] = {}

    # -- units -------------------------------------------------------------------------------
    def px(self, mm: float) -> float:
        return mm * self.dpi / 25.4

    def pt(self, points: float) -> int:
        return max(1, round(points * self.dpi / 72))

    def font(self, ink: Ink, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return font(ink.font, self.pt(ink.size_pt * scale))

    # -- layers ------------------------------------------------------------------------------
    def mask(self, color: RGB) -> Image.Image:
        if color not in self._masks:
            self._masks[color] = Image.new("L", (self.width, self.height), 0)
        return self._masks[color]

    def draw(self, color: RGB) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.mask(color))

    def compose(self, paper: RGB = (255, 255, 255)) -> np.ndarray:
        """The page as an RGB array: each ink multiplied onto the paper."""
        page = Image.new("RGB", (self.width, self.height), paper)
        for color, mask in self._masks.items():
            tint = Image.new("RGB", page.size, (255, 255, 255))
            tint.paste(color, (0, 0), mask)
            page = ImageChops.multiply(page, tint)
        return np.asarray(page).copy()

    # -- text --------------------------------------------------------------------------------
    def width_of(self, ink: Ink, text: str, scale: float = 1.0) -> float:
        return float(self.font(ink, scale).getlength(text))

    def text(
        self,
        ink: Ink,
        x: float,
        baseline: float,
        text: str,
        rng: np.random.Generator,
        *,
        scale: float = 1.0,
        anchor: str = "ls",
    ) -> float:
        """Write ``text`` with its baseline at ``baseline``; returns the x where it ends."""
        f = self.font(ink, scale)
        draw = self.draw(ink.color)
        if ink.kind == "typewriter":
            jitter = max(1, round(self.dpi / 250))
            for i, ch in enumerate(text):
                if ch == " ":
                    continue
                dx = f.getlength(text[:i])
                dy = float(rng.integers(-jitter, jitter + 1))
                shade = int(rng.integers(185, 256))
                draw.text((x + dx, baseline + dy), ch, font=f, fill=shade, anchor=anchor)
        elif ink.kind == "pen":
            wobble = self.px(0.25)
            start = 0
            for word in text.split(" "):
                if word:
                    dx = f.getlength(text[:start])
                    dy = float(rng.uniform(-wobble, wobble))
                    shade = int(rng.integers(200, 256))
                    draw.text((x + dx, baseline + dy), word, font=f, fill=shade, anchor=anchor)
                start += len(word) + 1
        else:
            draw.text((x, baseline), text, font=f, fill=255, anchor=anchor)
        return x + f.getlength(text)

    def wrap(self, ink: Ink, text: str, first: float, rest: float, scale: float = 1.0) -> list[str]:
        """``text`` broken at spaces into lines at most ``first`` (then ``rest``) px wide.
        A word wider than the line stands alone on its line."""
        f = self.font(ink, scale)
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}" if current else word
            limit = first if not lines else rest
            if current and f.getlength(trial) > limit:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def dotted(self, x0: float, x1: float, baseline: float, dots: Dots) -> None:
        """A row of small dots from ``x0`` to ``x1``, centred ``dots.offset_300`` px (scaled)
        below ``baseline``."""
        draw = self.draw(DOT_GREY)
        y = baseline + round(dots.offset_300 * self.dpi / 300)
        r = max(0.5, self.px(dots.diameter_mm) / 2)
        step = max(2.0, self.px(dots.pitch_mm))
        n = int((x1 - x0) // step)
        for i in range(n + 1):
            cx = x0 + i * step
            draw.ellipse((cx - r, y - r, cx + r, y + r), fill=255)

    # -- marks -------------------------------------------------------------------------------
    def signature(
        self, box: tuple[float, float, float, float], color: RGB, rng: np.random.Generator
    ) -> None:
        """Random smooth pen strokes inside ``box`` (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = box
        draw = self.draw(color)
        width = max(1, round(self.px(0.35)))
        mid = (y0 + y1) / 2
        amp = (y1 - y0) / 2
        for stroke in range(int(rng.integers(2, 4))):
            n = 80
            t = np.linspace(0.0, 1.0, n)
            start = x0 + (x1 - x0) * (0.0 if stroke == 0 else float(rng.uniform(0.1, 0.5)))
            end = start + (x1 - start) * float(rng.uniform(0.5, 1.0))
            xs = start + (end - start) * t
            ys = np.full(n, mid + float(rng.uniform(-0.2, 0.2)) * amp)
            for k in range(1, 4):
                ys += (
                    amp
                    * float(rng.uniform(0.1, 0.45))
                    / k
                    * np.sin(
                        2 * math.pi * (k * float(rng.uniform(0.8, 2.2)) * t + float(rng.random()))
                    )
                )
            xs += self.px(1.5) * np.sin(2 * math.pi * float(rng.uniform(2, 5)) * t)
            ys = np.clip(ys, y0, y1)
            draw.line(
                list(zip(xs.tolist(), ys.tolist(), strict=True)),
                fill=235,
                width=width,
                joint="curve",
            )
        flourish_y = y1 - amp * float(rng.uniform(0.1, 0.4))
        draw.line(
            [(x0 + (x1 - x0) * 0.15, flourish_y), (x1, flourish_y - amp * 0.3)],
            fill=220,
            width=width,
        )

    def seal(
        self,
        center: tuple[float, float],
        diameter_mm: float,
        text: str,
        rng: np.random.Generator,
        color: RGB = SEAL_RED,
    ) -> None:
        """A round office seal: two rings, ``text`` around the rim, a star in the middle."""
        radius = self.px(diameter_mm) / 2
        size = int(2 * radius + 8)
        local = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(local)
        c = size / 2
        ring = max(2, round(self.px(0.7)))
        draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
        inner = radius * 0.70
        draw.ellipse(
            (c - inner, c - inner, c + inner, c + inner), outline=255, width=max(1, ring // 2)
        )
        text_r = (radius + inner) / 2
        step = 340.0 / max(len(text), 1)
        spacing = 2 * math.pi * text_r * step / 360
        glyph_px = max(6, round(min(radius * 0.2, spacing * 1.25)))
        f = font("NotoSerif-Bold.ttf", glyph_px)
        start = float(rng.uniform(0, 360))
        for i, ch in enumerate(text):
            if ch == " ":
                continue
            angle = math.radians(start + i * step)
            g = Image.new("L", (glyph_px * 2, glyph_px * 2), 0)
            ImageDraw.Draw(g).text((glyph_px, glyph_px), ch, font=f, fill=255, anchor="mm")
            g = g.rotate(-math.degrees(angle), resample=Image.Resampling.BILINEAR)
            gx = c + text_r * math.sin(angle) - glyph_px
            gy = c - text_r * math.cos(angle) - glyph_px
            local.paste(255, (round(gx), round(gy)), g)
        star_r = inner * 0.45
        points = []
        for k in range(10):
            r = star_r if k % 2 == 0 else star_r * 0.4
            a = math.pi * k / 5 - math.pi / 2
            points.append((c + r * math.cos(a), c + r * math.sin(a)))
        draw.polygon(points, fill=255)
        # Stamped ink is uneven: thin it with smooth noise.
        noise = rng.uniform(0.45, 1.0, size=(max(1, size // 6), max(1, size // 6)))
        texture = Image.fromarray((noise * 255).astype(np.uint8)).resize(
            (size, size), Image.Resampling.BILINEAR
        )
        local = ImageChops.multiply(local, texture)
        cx, cy = center
        self.mask(color).paste(255, (round(cx - c), round(cy - c)), local)
