"""Ageing and scanning defects, as pure functions on RGB ``uint8`` arrays.

:func:`draw_params` draws one page's defects from a seeded generator for a difficulty;
:func:`degrade` applies them in a fixed order. Each step is usable on its own:

- clean: straight, white or light paper, crisp.
- moderate: skew ±0.5–3°, gaussian noise, uneven light (gradient, vignette), slight yellowing.
- hard: skew ±2–6°, strong yellowing, faded ink, coffee/water stains, blur, JPEG artefacts,
  dark and torn borders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from hotich.samplegen.rand import chance, pick, uniform

Difficulty = Literal["clean", "moderate", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("clean", "moderate", "hard")
RGB = tuple[int, int, int]
_WORK = 8  # smooth fields (light, stains, edges) are made at 1/8 size, then enlarged


@dataclass(frozen=True)
class Stain:
    cx: float
    cy: float
    """Centre, as fractions of the page width and height."""
    rx: float
    ry: float
    """Radii, as fractions of the page width."""
    strength: float
    ring: bool
    """A water ring (dark rim) rather than a blotch."""


@dataclass(frozen=True)
class DegradeParams:
    skew_deg: float = 0.0
    paper: RGB = (255, 255, 255)
    fade: float = 0.0
    stains: tuple[Stain, ...] = ()
    light_angle: float = 0.0
    light_strength: float = 0.0
    vignette: float = 0.0
    border_mm: float = 0.0
    torn: bool = False
    bite_mm: float = 8.0
    """Radius of the torn bite; kept inside the page margins (≥ 14 mm)."""
    blur_px_300: float = 0.0
    """Gaussian sigma in pixels at 300 dpi (scaled to the page's resolution)."""
    noise_sigma: float = 0.0
    jpeg_quality: int = 0
    """0 = no JPEG round trip."""
    seed: int = 0
    """For the noise and the shapes of stains and edges."""


def draw_params(rng: np.random.Generator, difficulty: Difficulty) -> DegradeParams:
    sign = 1.0 if chance(rng, 0.5) else -1.0
    seed = int(rng.integers(0, 2**31))
    if difficulty == "clean":
        return DegradeParams(
            paper=pick(rng, ((255, 255, 255), (252, 251, 247), (250, 250, 246))), seed=seed
        )
    if difficulty == "moderate":
        return DegradeParams(
            skew_deg=sign * uniform(rng, 0.5, 3.0),
            paper=(
                int(rng.integers(244, 251)),
                int(rng.integers(238, 246)),
                int(rng.integers(215, 230)),
            ),
            fade=uniform(rng, 0.0, 0.1),
            light_angle=uniform(rng, 0, 2 * np.pi),
            light_strength=uniform(rng, 0.04, 0.12),
            vignette=uniform(rng, 0.04, 0.12),
            blur_px_300=uniform(rng, 0.0, 0.6),
            noise_sigma=uniform(rng, 3.0, 6.0),
            seed=seed,
        )
    stains = tuple(
        Stain(
            uniform(rng, 0.1, 0.9),
            uniform(rng, 0.1, 0.9),
            uniform(rng, 0.04, 0.12),
            uniform(rng, 0.03, 0.1),
            uniform(rng, 0.15, 0.4),
            chance(rng, 0.4),
        )
        for _ in range(int(rng.integers(1, 4)))
    )
    return DegradeParams(
        skew_deg=sign * uniform(rng, 2.0, 6.0),
        paper=(
            int(rng.integers(230, 242)),
            int(rng.integers(210, 224)),
            int(rng.integers(168, 190)),
        ),
        fade=uniform(rng, 0.3, 0.55),
        stains=stains,
        light_angle=uniform(rng, 0, 2 * np.pi),
        light_strength=uniform(rng, 0.08, 0.2),
        vignette=uniform(rng, 0.1, 0.25),
        border_mm=uniform(rng, 2.0, 7.0),
        torn=chance(rng, 0.6),
        bite_mm=uniform(rng, 5.0, 10.0),
        blur_px_300=uniform(rng, 0.7, 1.4),
        noise_sigma=uniform(rng, 6.0, 11.0),
        jpeg_quality=int(rng.integers(18, 40)),
        seed=seed,
    )


def degrade(img: np.ndarray, params: DegradeParams, dpi: int) -> np.ndarray:
    """The page as scanned: the steps below in order, each skipped when its parameter is 0."""
    rng = np.random.default_rng(params.seed)
    out = fade_ink(img, params.fade)
    out = tint_paper(out, params.paper)
    out = add_stains(out, params.stains, rng)
    out = illuminate(out, params.light_angle, params.light_strength, params.vignette)
    background: RGB = (48, 46, 44) if params.border_mm else params.paper
    out = rotate(out, params.skew_deg, background)
    out = dark_borders(
        out,
        round(params.border_mm * dpi / 25.4),
        params.torn,
        rng,
        bite=round(params.bite_mm * dpi / 25.4),
    )
    out = blur(out, params.blur_px_300 * dpi / 300)
    out = add_noise(out, params.noise_sigma, rng)
    return jpeg_round_trip(out, params.jpeg_quality)


def _scale(
    img: np.ndarray, factor: np.ndarray, tint: tuple[float, ...] = (1.0, 1.0, 1.0)
) -> np.ndarray:
    """Each channel ``c`` multiplied by ``1 - (1 - factor) * tint[c]`` (saturating), ``factor``
    being a per-pixel (H×W) or per-column (W) float field."""
    h, w = img.shape[:2]
    f = factor.astype(np.float32)
    if f.ndim == 1:
        f = np.ascontiguousarray(np.broadcast_to(f[None, :], (h, w)))
    planes = []
    for plane, t in zip(cv2.split(img), tint, strict=True):
        fc = f if t == 1.0 else cv2.addWeighted(f, t, f, 0.0, 1.0 - t)
        planes.append(cv2.multiply(plane, fc, dtype=cv2.CV_8U))
    merged: np.ndarray = cv2.merge(planes)
    return merged


def _field(shape: tuple[int, ...], small: np.ndarray) -> np.ndarray:
    """A low-resolution field enlarged smoothly to the page size."""
    h, w = shape[:2]
    big: np.ndarray = cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    return big


def fade_ink(img: np.ndarray, amount: float) -> np.ndarray:
    """Ink lighter by ``amount`` (0–1): contrast pulled towards white."""
    if amount <= 0:
        return img
    lut = (255 - (255 - np.arange(256)) * (1 - amount)).clip(0, 255).astype(np.uint8)
    faded: np.ndarray = lut[img]
    return faded


def tint_paper(img: np.ndarray, paper: RGB) -> np.ndarray:
    """White paper turned to ``paper`` (ink multiplied likewise)."""
    if paper == (255, 255, 255):
        return img
    luts = [(np.arange(256) * p / 255).astype(np.uint8) for p in paper]
    return np.stack([luts[c][img[..., c]] for c in range(3)], axis=-1)


def add_stains(img: np.ndarray, stains: tuple[Stain, ...], rng: np.random.Generator) -> np.ndarray:
    """Coffee blotches and water rings: soft-edged, irregular, brownish."""
    if not stains:
        return img
    h, w = img.shape[:2]
    sh, sw = max(h // _WORK, 2), max(w // _WORK, 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    alpha = np.zeros((sh, sw), np.float32)
    for s in stains:
        raw = rng.normal(0, 1, (sh, sw)).astype(np.float32)
        wobble = np.asarray(cv2.GaussianBlur(raw, (0, 0), sw / 40), dtype=np.float32)
        wobble = wobble / max(float(np.abs(wobble).max()), 1e-6)
        d = np.sqrt(((xx - s.cx * sw) / (s.rx * sw)) ** 2 + ((yy - s.cy * sh) / (s.ry * sw)) ** 2)
        d = d + 0.25 * wobble
        if s.ring:
            a = np.exp(-(((d - 1.0) / 0.08) ** 2)) + 0.25 * (d < 1.0)
        else:
            a = np.clip((1.0 - d) * 3.0, 0, 1)
        alpha = np.maximum(alpha, s.strength * a.astype(np.float32))
    coffee = (0.45, 0.62, 0.8)  # how much each channel darkens under full stain
    return _scale(img, 1.0 - _field(img.shape, alpha), coffee)


def illuminate(img: np.ndarray, angle: float, strength: float, vignette: float) -> np.ndarray:
    """Uneven light: a linear gradient across the page and darker corners."""
    if strength <= 0 and vignette <= 0:
        return img
    h, w = img.shape[:2]
    sh, sw = max(h // _WORK, 2), max(w // _WORK, 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    u, v = xx / sw - 0.5, yy / sh - 0.5
    gradient = 1.0 - strength * (0.5 + u * np.cos(angle) + v * np.sin(angle))
    corners = 1.0 - vignette * (u**2 + v**2) * 2.0
    return _scale(img, _field(img.shape, gradient * corners))


def rotate(img: np.ndarray, degrees: float, background: RGB) -> np.ndarray:
    """Skewed on the scanner glass by ``degrees`` (counter-clockwise), same canvas size."""
    if degrees == 0:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    turned: np.ndarray = cv2.warpAffine(
        img,
        m,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=background,
    )
    return turned


def dark_borders(
    img: np.ndarray, width: int, torn: bool, rng: np.random.Generator, bite: int = 0
) -> np.ndarray:
    """Dark scanner background along ragged page edges, and a torn bite out of one edge."""
    if width <= 0:
        return img
    h, w = img.shape[:2]
    out = img.copy()
    dark = np.array([40, 38, 36], np.uint8)

    def profile(n: int) -> np.ndarray:
        raw = rng.normal(0, 1, max(n // _WORK, 4)).astype(np.float32)
        smooth = cv2.GaussianBlur(raw.reshape(1, -1), (0, 0), 3).ravel()
        depth = width * (0.6 + 0.6 * np.clip(smooth, -1, 1))
        edge: np.ndarray = np.interp(np.arange(n), np.linspace(0, n - 1, depth.size), depth)
        return edge.astype(int)

    top, bottom, left, right = profile(w), profile(w), profile(h), profile(h)
    rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
    mask = (rows < top[None, :]) | (rows >= h - bottom[None, :])
    mask |= (cols < left[:, None]) | (cols >= w - right[:, None])
    if torn and bite > 0:
        cx = float(rng.uniform(0.15, 0.85)) * w
        edge_y = 0 if chance(rng, 0.5) else h
        radius = float(bite)
        phase = float(rng.uniform(0, 6))
        y0, y1 = max(0, int(edge_y - 1.3 * radius)), min(h, int(edge_y + 1.3 * radius))
        x0, x1 = max(0, int(cx - 1.3 * radius)), min(w, int(cx + 1.3 * radius))
        ry, rx = np.arange(y0, y1)[:, None] - edge_y, np.arange(x0, x1)[None, :] - cx
        jag = 1.0 + 0.25 * np.sin(np.arctan2(ry, rx) * 9 + phase)
        mask[y0:y1, x0:x1] |= np.hypot(rx, ry) < radius * jag
    out[mask] = dark
    return out


def blur(img: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0.05:
        return img
    return cv2.GaussianBlur(img, (0, 0), sigma)


def add_noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian sensor noise (grey, same on all channels)."""
    if sigma <= 0:
        return img
    noise = rng.standard_normal(img.shape[:2], dtype=np.float32) * np.float32(sigma)
    planes = [cv2.add(plane, noise, dtype=cv2.CV_8U) for plane in cv2.split(img)]
    merged: np.ndarray = cv2.merge(planes)
    return merged


def jpeg_round_trip(img: np.ndarray, quality: int) -> np.ndarray:
    """Block artefacts of a low-quality JPEG (quality 1–100; 0 = unchanged)."""
    if quality <= 0:
        return img
    ok, buf = cv2.imencode(".jpg", img[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        return img
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if decoded is None:
        return img
    return np.ascontiguousarray(decoded[..., ::-1], dtype=np.uint8)


def gutter_shadow(img: np.ndarray, x: float, half_width: float, depth: float) -> np.ndarray:
    """The shadow of a book's binding: a dark band centred at column ``x``."""
    cols = np.arange(img.shape[1], dtype=np.float32)
    shade = 1.0 - depth * np.exp(-(((cols - x) / max(half_width, 1.0)) ** 2))
    return _scale(img, shade)
