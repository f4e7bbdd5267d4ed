"""The second factor: time-based one-time codes (TOTP, RFC 6238, pyotp): 6 digits, 30 seconds,
one step of clock drift either way, and a code never accepted twice (the step of the last code
accepted is kept, and that step or an older one is refused)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import pyotp

ISSUER: Final = "hotich"
VALID_WINDOW: Final = 1
"""Codes of the previous and the next 30-second step are accepted too (clock drift)."""


@dataclass(frozen=True)
class TotpCheck:
    ok: bool
    step: int | None = None
    """The time step of the accepted code: store it, so the code cannot be used again."""
    replayed: bool = False
    """Right code, but of a step already used."""


def new_secret() -> str:
    """A random base32 secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://totp/hotich:NAME?secret=…&issuer=hotich`` URI an authenticator app
    reads (as text or as a QR code). Show it once; never log it."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at ``when``."""
    return pyotp.TOTP(secret).at(when)


def check_code(secret: str, code: str, *, last_step: int | None, now: datetime) -> TotpCheck:
    """Whether ``code`` is right at ``now`` and newer than ``last_step``."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return TotpCheck(ok=False)
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    replayed = False
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_step is not None and step <= last_step:
                replayed = True
                continue
            return TotpCheck(ok=True, step=step)
    return TotpCheck(ok=False, replayed=replayed)
