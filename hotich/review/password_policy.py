"""What a new password must be (NIST SP 800-63B style): long enough, not a common password (a
list shipped in ``data/common_passwords.txt``, see ``data/COMMON_PASSWORDS_LICENSE.txt``) nor
one with digits or signs around it, not built on the account's name, not a run or a repetition.
No rule about character classes: length and the list do the work."""

from __future__ import annotations

import itertools
import string
import unicodedata
from functools import cache
from importlib import resources
from typing import Final

from hotich.errors import BadInputError

MAX_LENGTH: Final = 256
"""Longer is refused: hashing is deliberately slow, and a megabyte "password" is an attack."""

CONTEXT_WORDS: Final = frozenset(
    {"hotich", "hotichtuphap", "tuphap", "sotuphap", "matkhau", "anhyeuem", "emyeuanh", "vietnam"}
)
"""Words anyone would try first here (without accents: "mật khẩu" is "matkhau")."""

_AROUND: Final = string.digits + string.punctuation + string.whitespace
_KEYBOARD: Final = (
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1234567890qwertyuiop",
)
"""Keyboard walks (``qwertyuiop``, ``1qaz2wsx3edc``): a password that is a piece of one of
these, either way round, is refused."""


class WeakPasswordError(BadInputError):
    """The new password is refused; the message says why (never the password)."""


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _plain(text: str) -> str:
    """Lower case, accents and spaces removed: ``Mật Khẩu`` → ``matkhau``."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def _is_common(word: str) -> bool:
    return word in common_passwords() or _plain(word) in CONTEXT_WORDS


def _predictable(text: str) -> bool:
    """Mostly runs and repeats (``123456789012``, ``aaaabbbbcccc``, ``abcabcabcabc``), a
    keyboard walk, or a short piece repeated (``passwordpassword``)."""
    steps = [abs(ord(b) - ord(a)) <= 1 for a, b in itertools.pairwise(text)]
    if steps and sum(steps) >= 0.75 * len(steps):
        return True
    core = "".join(c for c in text if not c.isspace())
    if any(core in row or core in row[::-1] for row in _KEYBOARD):
        return True
    n = len(text)
    return len(set(text)) < 5 or any(
        n % size == 0 and text == text[:size] * (n // size) for size in range(1, n // 2 + 1)
    )


def check_password(password: str, *, username: str, min_length: int) -> None:
    """Raise :class:`WeakPasswordError` if ``password`` may not be used by ``username``."""
    text = unicodedata.normalize("NFC", password)
    if len(text) < min_length:
        raise WeakPasswordError("users.password.too_short", min=min_length)
    if len(text) > MAX_LENGTH:
        raise WeakPasswordError("users.password.too_long", max=MAX_LENGTH)
    folded = text.casefold()
    core = folded.strip(_AROUND)
    if _is_common(folded) or (core and _is_common(core)):
        raise WeakPasswordError("users.password.common")
    name = username.casefold()
    if len(name) >= 3 and (name in folded or name[::-1] in folded or _plain(name) in _plain(text)):
        raise WeakPasswordError("users.password.has_username")
    if _predictable(folded):
        raise WeakPasswordError("users.password.predictable")
