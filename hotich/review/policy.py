"""The account rules of the review app (lockout, sessions, passwords, second factor), read once
from the settings (``HOTICH_*``), and the clock the account code reads the time from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from argon2 import PasswordHasher, Type

from hotich.config.settings import Settings
from hotich.db.models import ROLES
from hotich.errors import BadInputError
from hotich.review.passwords import default_hasher

Clock = Callable[[], datetime]
"""Gives the current time, timezone-aware UTC (:func:`hotich.db.types.utcnow`; tests pass
their own)."""

HISTORY: Final = 5
"""A new password may not be any of the account's last five (the current one included)."""


def parse_roles(text: str) -> frozenset[str]:
    """``"admin,reviewer"`` → the set of roles; an unknown role is a usage error."""
    roles = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise BadInputError("users.bad_mfa_roles", roles=", ".join(unknown), known=", ".join(ROLES))
    return roles


@dataclass(frozen=True)
class AuthPolicy:
    """What the account functions enforce. :meth:`from_settings` reads the environment; tests
    build one directly (e.g. with a cheaper argon2id hasher)."""

    min_password_length: int = 12
    lockout_threshold: int = 5
    lockout: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=8)
    session_idle: timedelta = timedelta(minutes=30)
    mfa_roles: frozenset[str] = frozenset({"admin", "reviewer"})
    history: int = HISTORY
    hasher: PasswordHasher = field(default_factory=default_hasher)

    def __post_init__(self) -> None:
        if self.hasher.type is not Type.ID:
            raise ValueError("passwords are hashed with argon2id only")

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AuthPolicy:
        s = settings or Settings()
        return cls(
            min_password_length=s.password_min_length,
            lockout_threshold=s.lockout_threshold,
            lockout=timedelta(minutes=s.lockout_minutes),
            session_lifetime=timedelta(hours=s.session_hours),
            session_idle=timedelta(minutes=s.session_idle_minutes),
            mfa_roles=parse_roles(s.mfa_roles),
        )

    def needs_mfa(self, role: str) -> bool:
        return role in self.mfa_roles
