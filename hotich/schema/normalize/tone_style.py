"""Tone-mark placement in a name: the old style (hoà, khoẻ, thuỷ) or the new one (hòa, khỏe,
thủy). Both spell the same name; :func:`apply_tone_style` rewrites to one of them, and
:func:`same_name` compares two spellings regardless of style."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

ToneStyle = Literal["keep", "old", "new"]
TONE_STYLES: tuple[ToneStyle, ...] = ("keep", "old", "new")

TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWEL_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _split(syllable: str) -> list[list[str]]:
    """NFD clusters: each base letter with the combining marks that follow it."""
    clusters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", syllable):
        if unicodedata.combining(ch) and clusters:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    return clusters


def _restyle(syllable: str, style: ToneStyle) -> str:
    clusters = _split(syllable)
    if len(clusters) < 2:
        return syllable
    first, second = clusters[-2], clusters[-1]
    pair = first[0].lower() + second[0].lower()
    if pair not in ("oa", "oe", "uy"):
        return syllable
    if any(m in _VOWEL_MARKS for m in first[1:] + second[1:]):
        return syllable
    if pair == "uy" and len(clusters) >= 3 and clusters[-3][0].lower() == "q":
        return syllable  # "quý": the u belongs to the consonant qu
    tones = [m for m in first[1:] + second[1:] if m in TONES]
    if len(tones) != 1:
        return syllable
    first[1:] = [m for m in first[1:] if m not in TONES]
    second[1:] = [m for m in second[1:] if m not in TONES]
    (second if style == "old" else first).append(tones[0])
    return unicodedata.normalize("NFC", "".join("".join(c) for c in clusters))


def apply_tone_style(text: str, style: ToneStyle) -> str:
    """``text`` with every open "oa"/"oe"/"uy" syllable marked in ``style`` ("keep": as is)."""
    if style == "keep":
        return text
    return _WORD.sub(lambda m: _restyle(m.group(0), style), text)


def same_name(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` spell the same name, whatever their case and tone style."""
    return apply_tone_style(a.lower(), "new") == apply_tone_style(b.lower(), "new")
