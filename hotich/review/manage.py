"""Changing accounts: create, set or change the password (with history), reset the second
factor, disable, unlock. Every change is recorded in the audit log in the same transaction;
``actor`` is who made it (an account name, or ``cli:<system user>`` for the command line)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotich.db.models import ROLES, PasswordHistory, User, UserCommune, UserNetwork
from hotich.db.session import begin_write
from hotich.db.types import utcnow
from hotich.errors import BadInputError
from hotich.review import audit
from hotich.review.access import Role
from hotich.review.accounts import Account, account_of, find_user, get_user, normalize_username
from hotich.review.login import BadCredentialsError
from hotich.review.networks import parse_network
from hotich.review.password_policy import WeakPasswordError, check_password
from hotich.review.passwords import hash_password, verify_password
from hotich.review.policy import AuthPolicy, Clock
from hotich.review.sessions import end_user_sessions
from hotich.review.totp import new_secret, provisioning_uri

log = logging.getLogger(__name__)

COMMUNE_ROLES = (Role.clerk, Role.reviewer)
"""Roles that work on named communes (the others see all, or none)."""


class UserExistsError(BadInputError):
    def __init__(self, username: str) -> None:
        super().__init__("users.exists", name=username)


@dataclass(frozen=True)
class NewAccount:
    account: Account
    otpauth_uri: str | None
    """The second factor's ``otpauth://`` URI, for the new user's authenticator app: shown
    once, never stored elsewhere nor logged. None when the role needs no second factor."""


def _communes(role: Role, communes: Iterable[str]) -> list[str]:
    keys = sorted({c.strip() for c in communes if c.strip()})
    if role in COMMUNE_ROLES and not keys:
        raise BadInputError("users.communes_needed", role=role.value)
    if role not in COMMUNE_ROLES and keys:
        raise BadInputError("users.communes_not_for_role", role=role.value)
    return keys


def create_user(
    session: Session,
    username: str,
    role: str,
    password: str,
    *,
    communes: Iterable[str] = (),
    networks: Iterable[str] = (),
    policy: AuthPolicy,
    actor: str,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> NewAccount:
    """A new account. Clerks and reviewers need their communes; supervisors and admins take
    none. A role in ``policy.mfa_roles`` gets a TOTP secret (its URI is returned once)."""
    name = normalize_username(username)
    if role not in ROLES:
        raise BadInputError("users.bad_role", role=role, roles=", ".join(ROLES))
    keys = _communes(Role(role), communes)
    cidrs = sorted({parse_network(n) for n in networks})
    check_password(password, username=name, min_length=policy.min_password_length)
    begin_write(session)
    if find_user(session, name) is not None:
        raise UserExistsError(name)
    now = clock()
    secret = new_secret() if policy.needs_mfa(role) else None
    user = User(
        username=name,
        role=role,
        password_hash=hash_password(password, policy.hasher),
        totp_secret=secret,
        mfa_required=secret is not None,
        failed_logins=0,
        disabled=False,
        created_at=now,
        password_changed_at=now,
        communes=[UserCommune(commune_key=k) for k in keys],
        networks=[UserNetwork(cidr=c) for c in cidrs],
    )
    session.add(user)
    session.flush()
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    audit.record(
        session,
        "user_add",
        username=actor,
        object_type="user",
        object_id=name,
        ip=ip,
        detail={"role": role, "communes": keys, "networks": len(cidrs), "mfa": secret is not None},
        clock=clock,
    )
    log.info("account id %d created (role %s)", user.id, role)
    uri = provisioning_uri(secret, name) if secret is not None else None
    return NewAccount(account=account_of(user), otpauth_uri=uri)


def _check_history(session: Session, user: User, password: str, policy: AuthPolicy) -> None:
    query = (
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc())
        .limit(policy.history)
    )
    for old in session.scalars(query):
        if verify_password(old, password, policy.hasher):
            raise WeakPasswordError("users.password.reused", n=policy.history)


def set_password(
    session: Session,
    username: str,
    password: str,
    *,
    policy: AuthPolicy,
    actor: str,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> None:
    """Set a new password (an admin's reset, or the last step of a change): refused when weak
    or one of the last ``policy.history`` passwords. Ends every session of the account and
    clears a lockout."""
    begin_write(session)
    user = get_user(session, username)
    check_password(password, username=user.username, min_length=policy.min_password_length)
    _check_history(session, user, password, policy)
    now = clock()
    user.password_hash = hash_password(password, policy.hasher)
    user.password_changed_at = now
    user.failed_logins, user.locked_until = 0, None
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    session.flush()
    keep = (
        select(PasswordHistory.id)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc())
        .limit(policy.history)
    )
    session.execute(
        delete(PasswordHistory).where(
            PasswordHistory.user_id == user.id,
            PasswordHistory.id.not_in(list(session.scalars(keep))),
        )
    )
    ended = end_user_sessions(session, user.id, "password", clock=clock)
    log.info("password of account id %d changed; %d sessions ended", user.id, ended)
    audit.record(
        session,
        "password_change",
        username=actor,
        object_type="user",
        object_id=user.username,
        ip=ip,
        detail={"sessions_ended": ended, "by_self": actor == user.username},
        clock=clock,
    )


def change_password(
    session: Session,
    account: Account,
    old_password: str,
    new_password: str,
    *,
    policy: AuthPolicy,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> None:
    """A user changing their own password: the current one first (a wrong one is recorded and
    raises :class:`~hotich.review.login.BadCredentialsError`), then as :func:`set_password`."""
    begin_write(session)
    user = get_user(session, account.username)
    if not verify_password(user.password_hash, old_password, policy.hasher):
        audit.record(
            session,
            "password_change",
            username=account.username,
            outcome="denied",
            object_type="user",
            object_id=account.username,
            ip=ip,
            detail={"reason": "bad_password"},
            clock=clock,
        )
        session.commit()
        raise BadCredentialsError()
    set_password(
        session,
        account.username,
        new_password,
        policy=policy,
        actor=account.username,
        ip=ip,
        clock=clock,
    )


def reset_mfa(
    session: Session,
    username: str,
    *,
    actor: str,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> str:
    """A new TOTP secret (the old authenticator stops working, every session ends); the new
    ``otpauth://`` URI, to be shown once. The account needs a second factor from then on."""
    begin_write(session)
    user = get_user(session, username)
    user.totp_secret, user.totp_last_step, user.mfa_required = new_secret(), None, True
    ended = end_user_sessions(session, user.id, "mfa", clock=clock)
    audit.record(
        session,
        "mfa_reset",
        username=actor,
        object_type="user",
        object_id=user.username,
        ip=ip,
        detail={"sessions_ended": ended},
        clock=clock,
    )
    return provisioning_uri(user.totp_secret, user.username)


def disable_user(
    session: Session,
    username: str,
    *,
    actor: str,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> None:
    """The account can no longer log in; its sessions end. (Accounts are never deleted: the
    audit log names them.)"""
    begin_write(session)
    user = get_user(session, username)
    user.disabled = True
    ended = end_user_sessions(session, user.id, "disabled", clock=clock)
    audit.record(
        session,
        "user_disable",
        username=actor,
        object_type="user",
        object_id=user.username,
        ip=ip,
        detail={"sessions_ended": ended},
        clock=clock,
    )


def unlock_user(
    session: Session,
    username: str,
    *,
    actor: str,
    ip: str | None = None,
    clock: Clock = utcnow,
) -> None:
    """Lift a lockout before its time and clear the failure count."""
    begin_write(session)
    user = get_user(session, username)
    user.failed_logins, user.locked_until = 0, None
    audit.record(
        session,
        "user_unlock",
        username=actor,
        object_type="user",
        object_id=user.username,
        ip=ip,
        clock=clock,
    )
