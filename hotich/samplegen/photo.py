"""Phone photos of a page (``hotich samples --capture photo``).

A3 ledgers do not fit the scanners, so clerks photograph them on a table. :func:`photograph`
takes an aged page (paper defects only: the scanner's skew, borders, blur and noise belong to
the other kind of capture, see :func:`paper_only`) and shows it as a phone would: the page's
plane tilted by up to 15° to the camera and turned a little, seen through a pinhole camera, on a
darker desk, under uneven, slightly warm light with a soft shadow across it, a little out of
focus, with sensor noise and the phone's JPEG compression.

The page keeps most of its resolution (80–100 % at its centre: a photo of a 300-dpi page reads
at 240–300 dpi where it is flattened). Every draw comes from the generator given to
:func:`draw_photo_params`; the same parameters give the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

import cv2
import numpy as np

from hotich.samplegen.degrade import (
    RGB,
    DegradeParams,
    add_noise,
    blur,
    degrade,
    jpeg_round_trip,
)
from hotich.samplegen.rand import pick, uniform

Capture = Literal["scan", "photo", "spread"]
CAPTURES: tuple[Capture, ...] = ("scan", "photo", "spread")
"""scan: a flatbed scan of each page; photo: a phone photo of it (:func:`take_photo`); spread:
an open form book scanned two pages at a time (:mod:`.layout_spread`; a table page is a
spread already)."""
MAX_TILT_DEG: Final = 15.0
Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]
_WORK = 8  # smooth fields (light, shadow, desk grain) are made at 1/8 size, then enlarged
_DESKS: tuple[RGB, ...] = (
    (92, 66, 46),  # dark wood
    (118, 86, 58),  # lighter wood
    (104, 104, 100),  # grey laminate
    (52, 72, 60),  # green desk pad
    (46, 46, 50),  # black
)


@dataclass(frozen=True)
class PhotoParams:
    tilt_deg: float = 0.0
    """Angle between the page's plane and the camera's image plane (0 = straight on)."""
    tilt_axis: float = 0.0
    """Direction (radians, in the page's plane) of the axis the page is tilted about."""
    roll_deg: float = 0.0
    """The page turned in the photo (counter-clockwise positive)."""
    focal: float = 1.0
    """Focal length as a multiple of the page's long side."""
    scale: float = 1.0
    """The page's resolution in the photo at its centre, relative to the rendered page."""
    shift: tuple[float, float] = (0.0, 0.0)
    """The page's centre off the camera's axis, as fractions of the page's width and height."""
    margins: tuple[float, float] = (0.06, 0.06)
    """Desk shown beyond the page's farthest corner, as fractions of its width and height."""
    desk: RGB = (92, 66, 46)
    grain: float = 0.0
    """Strength of the desk's wood grain (grey levels)."""
    light: RGB = (255, 255, 255)
    """Colour of the light (a warm lamp is yellowish)."""
    light_angle: float = 0.0
    light_strength: float = 0.0
    """Light falling off across the frame by this share from one side to the other."""
    vignette: float = 0.0
    shadow: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """A soft shadow (of the clerk, the phone): centre x, y and radius as fractions of the
    frame's width, and depth (share of light taken)."""
    blur_px_300: float = 0.0
    noise_sigma: float = 0.0
    jpeg_quality: int = 0
    seed: int = 0


def draw_photo_params(rng: np.random.Generator) -> PhotoParams:
    """A clerk's photo: tilt up to 15°, at about the difficulty of a moderate scan."""
    side = pick(rng, (-1.0, 1.0))
    return PhotoParams(
        tilt_deg=uniform(rng, 4.0, MAX_TILT_DEG),
        tilt_axis=uniform(rng, 0.0, 2 * math.pi),
        roll_deg=uniform(rng, -5.0, 5.0),
        focal=uniform(rng, 0.9, 1.4),
        scale=uniform(rng, 0.8, 1.0),
        shift=(uniform(rng, -0.04, 0.04), uniform(rng, -0.04, 0.04)),
        margins=(uniform(rng, 0.04, 0.1), uniform(rng, 0.04, 0.1)),
        desk=pick(rng, _DESKS),
        grain=uniform(rng, 4.0, 14.0),
        light=(255, int(rng.integers(244, 256)), int(rng.integers(225, 250))),
        light_angle=uniform(rng, 0, 2 * math.pi),
        light_strength=uniform(rng, 0.08, 0.22),
        vignette=uniform(rng, 0.05, 0.15),
        shadow=(
            0.5 + side * uniform(rng, 0.35, 0.6),
            uniform(rng, 0.2, 0.8),
            uniform(rng, 0.3, 0.5),
            uniform(rng, 0.12, 0.3),
        ),
        blur_px_300=uniform(rng, 0.5, 1.0),
        noise_sigma=uniform(rng, 3.0, 6.0),
        jpeg_quality=int(rng.integers(72, 90)),
        seed=int(rng.integers(0, 2**31)),
    )


def paper_only(params: DegradeParams) -> DegradeParams:
    """The page's own ageing (paper, ink, stains, light) without the scanner's defects."""
    return replace(
        params,
        skew_deg=0.0,
        border_mm=0.0,
        torn=False,
        blur_px_300=0.0,
        noise_sigma=0.0,
        jpeg_quality=0,
    )


def photograph(page: np.ndarray, params: PhotoParams, dpi: int) -> tuple[np.ndarray, Corners]:
    """The photo of ``page`` (RGB uint8) and where the page's corners are in it (top-left,
    top-right, bottom-right, bottom-left, in pixels)."""
    rng = np.random.default_rng(params.seed)
    h, w = page.shape[:2]
    projected = _project(w, h, params)
    reach_x = float(np.abs(projected[:, 0]).max()) + params.margins[0] * w * params.scale
    reach_y = float(np.abs(projected[:, 1]).max()) + params.margins[1] * h * params.scale
    frame_w, frame_h = 2 * math.ceil(reach_x), 2 * math.ceil(reach_y)
    corners = projected + np.array([frame_w / 2, frame_h / 2])
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    size = (frame_w, frame_h)
    warped = cv2.warpPerspective(page, matrix, size, flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(
        np.full((h, w), 1.0, np.float32), matrix, size, flags=cv2.INTER_LINEAR
    )
    desk = _desk(frame_h, frame_w, params, rng)
    photo: np.ndarray = cv2.blendLinear(warped, desk, cover, 1.0 - cover)
    photo = _light(photo, params)
    photo = blur(photo, params.blur_px_300 * dpi / 300)
    photo = add_noise(photo, params.noise_sigma, rng)
    photo = jpeg_round_trip(photo, params.jpeg_quality)
    points = tuple((round(float(x), 2), round(float(y), 2)) for x, y in corners)
    return photo, points  # type: ignore[return-value]


def _project(w: int, h: int, params: PhotoParams) -> np.ndarray:
    """The page's corners (4×2), seen by a pinhole camera, relative to its axis."""
    f = params.focal * max(w, h)
    half = np.array(
        [[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]]
    )
    axis = np.array([math.cos(params.tilt_axis), math.sin(params.tilt_axis), 0.0])
    tilt, _ = cv2.Rodrigues(axis * math.radians(params.tilt_deg))
    roll, _ = cv2.Rodrigues(np.array([0.0, 0.0, -math.radians(params.roll_deg)]))
    offset = np.array([params.shift[0] * w, params.shift[1] * h, f])
    camera = half @ (roll @ tilt).T + offset
    points: np.ndarray = params.scale * f * camera[:, :2] / camera[:, 2:3]
    return points


def _smooth(shape: tuple[int, int], small: np.ndarray) -> np.ndarray:
    big: np.ndarray = cv2.resize(
        small.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC
    )
    return big


def _desk(h: int, w: int, params: PhotoParams, rng: np.random.Generator) -> np.ndarray:
    """The table under the page: its colour with a soft, streaky grain."""
    sh, sw = max(h // _WORK, 2), max(w // _WORK, 2)
    raw = rng.normal(0, 1, (sh, sw)).astype(np.float32)
    streaks = np.asarray(cv2.GaussianBlur(raw, (0, 0), sigmaX=sw / 8, sigmaY=1.5), np.float32)
    streaks *= np.float32(params.grain / max(float(np.abs(streaks).max()), 1e-6))
    grain = _smooth((h, w), streaks)
    # |grain + colour| saturated to uint8: the grain (≤ 14) never takes a desk colour below 0.
    planes = [cv2.convertScaleAbs(grain, alpha=1.0, beta=float(c)) for c in params.desk]
    desk: np.ndarray = cv2.merge(planes)
    return desk


def _light(img: np.ndarray, params: PhotoParams) -> np.ndarray:
    """Light falling off across the frame, darker corners and a soft shadow, in the light's
    colour."""
    h, w = img.shape[:2]
    sh, sw = max(h // _WORK, 2), max(w // _WORK, 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    u, v = xx / sw - 0.5, yy / sh - 0.5
    a = params.light_angle
    field = 1.0 - params.light_strength * (0.5 + u * math.cos(a) + v * math.sin(a))
    field *= 1.0 - params.vignette * (u**2 + v**2) * 2.0
    cx, cy, radius, depth = params.shadow
    if depth > 0:
        d = np.hypot(xx / sw - cx, (yy - cy * sh) / sw) / radius
        soft = np.clip((1.2 - d) / 0.4, 0.0, 1.0)
        field *= 1.0 - depth * soft * soft * (3 - 2 * soft)
    big = _smooth((h, w), field)
    planes = [
        cv2.multiply(plane, big, scale=c / 255, dtype=cv2.CV_8U)
        for plane, c in zip(cv2.split(img), params.light, strict=True)
    ]
    lit: np.ndarray = cv2.merge(planes)
    return lit


def take_photo(
    rendered: np.ndarray, params: DegradeParams, rng: np.random.Generator, dpi: int
) -> tuple[np.ndarray, dict[str, Any]]:
    """A rendered page aged by ``params`` (paper only), then photographed with parameters
    drawn from ``rng``; with what the ground truth records of the capture."""
    aged = degrade(rendered, paper_only(params), dpi)
    photo, corners = photograph(aged, draw_photo_params(rng), dpi)
    return photo, {"capture": "photo", "page_corners": [list(c) for c in corners]}
