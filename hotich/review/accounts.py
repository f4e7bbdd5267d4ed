"""Accounts as the rest of the app sees them: an immutable :class:`Account` (who, which role,
which communes, its :class:`~hotich.review.access.Scope`), and looking accounts up.

Changing accounts is :mod:`hotich.review.manage`; logging in is :mod:`hotich.review.login`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hotich.db.models import User
from hotich.errors import BadInputError
from hotich.review.access import Scope, scope_for

USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
"""3 to 64 characters: lower-case ASCII letters, digits, ``.``, ``_``, ``-`` (no accents, so a
name cannot be spelled two ways)."""


class UnknownUserError(BadInputError):
    def __init__(self, username: str) -> None:
        super().__init__("users.unknown", name=username)


@dataclass(frozen=True)
class Account:
    """A logged-in (or looked-up) account, detached from the database session."""

    id: int
    username: str
    role: str
    communes: frozenset[str]
    mfa_required: bool

    @property
    def scope(self) -> Scope:
        return scope_for(self.role, self.communes)


@dataclass(frozen=True)
class AccountSummary:
    """One line of ``hotich users list``."""

    username: str
    role: str
    communes: tuple[str, ...]
    networks: tuple[str, ...]
    mfa: bool
    locked_until: datetime | None
    disabled: bool
    created_at: datetime
    password_changed_at: datetime


def normalize_username(name: str) -> str:
    """The account name as stored: NFC, trimmed, lower case; a name outside :data:`USERNAME`
    is a usage error."""
    folded = unicodedata.normalize("NFC", name).strip().lower()
    if not USERNAME.fullmatch(folded):
        raise BadInputError("users.bad_username", name=name)
    return folded


def account_of(user: User) -> Account:
    return Account(
        id=user.id,
        username=user.username,
        role=user.role,
        communes=frozenset(c.commune_key for c in user.communes),
        mfa_required=user.mfa_required,
    )


def find_user(session: Session, username: str, *, for_update: bool = False) -> User | None:
    """The account named ``username`` (as typed: trimmed and lower-cased first), or None.
    ``for_update`` locks its row until the transaction ends (PostgreSQL; SQLite's writer
    holds the whole database already)."""
    name = unicodedata.normalize("NFC", username).strip().lower()
    query = select(User).where(User.username == name).options(selectinload(User.communes))
    if for_update:
        query = query.with_for_update(of=User)
    return session.scalars(query).one_or_none()


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise UnknownUserError(username)
    return user


def list_accounts(session: Session) -> list[AccountSummary]:
    query = select(User).order_by(User.username)
    users = session.scalars(query.options(selectinload(User.communes), selectinload(User.networks)))
    return [
        AccountSummary(
            username=u.username,
            role=u.role,
            communes=tuple(c.commune_key for c in u.communes),
            networks=tuple(n.cidr for n in u.networks),
            mfa=u.totp_secret is not None,
            locked_until=u.locked_until,
            disabled=u.disabled,
            created_at=u.created_at,
            password_changed_at=u.password_changed_at,
        )
        for u in users
    ]
