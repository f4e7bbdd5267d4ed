"""Seeded randomness: every draw in the generator comes from a stream derived from the seed.

Streams are keyed (``stream(seed, "page", 3)``), so the content of a page does not depend on
how many draws other pages made, nor on the difficulty or the resolution asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def stream(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent generator for ``keys`` under ``seed``."""
    text = "/".join(str(k) for k in (seed, *keys)).encode()
    words = np.frombuffer(hashlib.sha256(text).digest(), dtype=np.uint32)
    return np.random.default_rng(np.random.SeedSequence(words.tolist()))


def pick(rng: np.random.Generator, items: Sequence[T]) -> T:
    """One item, uniformly."""
    return items[int(rng.integers(0, len(items)))]


def pick_weighted(rng: np.random.Generator, items: Sequence[T], weights: Sequence[float]) -> T:
    """One item, with probability proportional to its weight."""
    w = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(rng.uniform(low, high))
