"""Builders shared by test_accounts*.py and test_audit*.py: a clock the tests move, account
rules with a cheaper argon2id (the same algorithm; fewer passes and less memory, so that a
test creating accounts takes milliseconds), and an engine on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from hotich.db import open_db
from hotich.review.policy import AuthPolicy

START = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)
STRONG = "sông hồng chảy về xuôi"
"""A password every check accepts (and nobody uses: it is in a public test file)."""


class Clock:
    """The time the code under test reads; ``advance`` moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def cheap_hasher(time_cost: int = 1) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=1024, parallelism=1)


def policy(**overrides: object) -> AuthPolicy:
    values: dict[str, object] = {"hasher": cheap_hasher(), "lockout_threshold": 3}
    values.update(overrides)
    return AuthPolicy(**values)  # type: ignore[arg-type]


@pytest.fixture(name="engine")
def engine_fixture(db_url: str) -> Iterator[Engine]:
    engine = open_db(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()
