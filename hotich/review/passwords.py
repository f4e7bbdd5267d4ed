"""Password hashing: argon2id (argon2-cffi, RFC 9106 parameters), with re-hashing when the
parameters change. Checks of a new password's strength are in :mod:`password_policy`."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory: 3 passes, 64 MiB, 4 lanes)."""
    return PasswordHasher()


def hash_password(password: str, hasher: PasswordHasher) -> str:
    """The PHC string ``$argon2id$v=19$m=…,t=…,p=…$salt$hash`` of ``password``."""
    return hasher.hash(password)


def verify_password(stored: str, password: str, hasher: PasswordHasher) -> bool:
    """Whether ``password`` matches the ``stored`` hash (a damaged hash never matches)."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher) -> bool:
    """The stored hash was made with other parameters than ``hasher``'s: re-hash at login."""
    try:
        return hasher.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


_DUMMIES: dict[tuple[int, int, int], str] = {}


def burn_time(password: str, hasher: PasswordHasher) -> None:
    """Spend as long as checking a real password takes (a login for an unknown name), so the
    answer's delay does not tell which names exist."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMIES:
        _DUMMIES[key] = hasher.hash("hotich: no such account")
    verify_password(_DUMMIES[key], password, hasher)
