"""Logging in: name, password, second factor and address checked, every attempt recorded.

:func:`authenticate` returns the :class:`~hotich.review.accounts.Account` or raises a
:class:`LoginError` subclass saying why. The web app answers every one of them alike (401,
"wrong name, password or code"), except :class:`MfaRequiredError`, which asks for the code.

Order of the checks, and what counts as a failure towards the lockout:

1. unknown name → :class:`BadCredentialsError` (as long to answer as a wrong password);
2. disabled account → :class:`AccountDisabledError`;
3. address outside the account's allowed networks → :class:`IpNotAllowedError`, before the
   password is even looked at, and not counted (a stranger cannot lock the account out);
4. locked account → :class:`AccountLockedError` (the password is not tried while locked);
5. wrong password → :class:`BadCredentialsError`, counted;
6. second factor: none given → :class:`MfaRequiredError` (not counted); wrong or already used
   code → :class:`BadTotpError`, counted.

``lockout_threshold`` counted failures in a row lock the account for ``lockout`` (then the count
starts again). A success clears the count, stores the TOTP step used and re-hashes the password
if the argon2 parameters changed.

Failures are committed before the error is raised (the failure count and the audit row must
outlive the caller's rollback). On success nothing is committed: the caller creates the session
and commits.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import User, UserNetwork
from hotich.db.session import begin_write
from hotich.db.types import utcnow
from hotich.errors import HotichError
from hotich.review import audit
from hotich.review.accounts import USERNAME, Account, account_of, find_user
from hotich.review.networks import ip_allowed
from hotich.review.passwords import burn_time, hash_password, needs_rehash, verify_password
from hotich.review.policy import AuthPolicy, Clock
from hotich.review.totp import check_code

log = logging.getLogger(__name__)


class LoginError(HotichError):
    """A refused login. ``reason`` is the code recorded in the audit log."""

    reason = "refused"

    def __init__(self, **params: Any) -> None:
        super().__init__(f"users.login.{self.reason}", **params)


class BadCredentialsError(LoginError):
    reason = "bad_credentials"


class AccountDisabledError(LoginError):
    reason = "disabled"


class IpNotAllowedError(LoginError):
    reason = "ip_not_allowed"


class AccountLockedError(LoginError):
    reason = "locked"

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(until=until.strftime("%Y-%m-%d %H:%M UTC"))


class MfaRequiredError(LoginError):
    reason = "mfa_required"


class MfaNotEnrolledError(LoginError):
    reason = "mfa_not_enrolled"


class BadTotpError(LoginError):
    reason = "bad_totp"


def _refuse(
    session: Session,
    error: LoginError,
    *,
    username: str | None,
    ip: str | None,
    clock: Clock,
    **detail: str | int | bool,
) -> LoginError:
    audit.record(
        session,
        "login",
        username=username,
        outcome="denied",
        ip=ip,
        detail={"reason": error.reason, **detail},
        clock=clock,
    )
    session.commit()
    log.info("login refused: %s", error.reason)  # no name, address or password in the log
    return error


def _count_failure(user: User, policy: AuthPolicy, now: datetime) -> bool:
    """Count a failed attempt; True when it locks the account."""
    user.failed_logins += 1
    if user.failed_logins < policy.lockout_threshold:
        return False
    user.failed_logins, user.locked_until = 0, now + policy.lockout
    log.warning("account id %d locked for %s after failed logins", user.id, policy.lockout)
    return True


def authenticate(
    session: Session,
    username: str,
    password: str,
    totp: str | None,
    ip: str | None,
    *,
    policy: AuthPolicy,
    clock: Clock = utcnow,
) -> Account:
    """Check a login attempt (see the module's docstring); record it in the audit log."""
    begin_write(session)  # SQLite: a writer from the start, not a reader upgraded later
    now = clock()
    user = find_user(session, username, for_update=True)  # one attempt at a time counts
    if user is None:
        burn_time(password, policy.hasher)
        # The name as typed, if it could be an account name at all: what does not look like one
        # may be a password typed in the wrong box, and is not kept.
        typed = unicodedata.normalize("NFC", username).strip().lower()
        raise _refuse(
            session,
            BadCredentialsError(),
            username=typed if USERNAME.fullmatch(typed) else None,
            ip=ip,
            clock=clock,
            unknown_user=True,
        )
    name = user.username
    if user.disabled:
        raise _refuse(session, AccountDisabledError(), username=name, ip=ip, clock=clock)
    networks = session.scalars(select(UserNetwork.cidr).where(UserNetwork.user_id == user.id))
    if not ip_allowed(ip, list(networks)):
        raise _refuse(session, IpNotAllowedError(), username=name, ip=ip, clock=clock)
    if user.locked_until is not None and now < user.locked_until:
        raise _refuse(
            session, AccountLockedError(user.locked_until), username=name, ip=ip, clock=clock
        )
    if not verify_password(user.password_hash, password, policy.hasher):
        locked = _count_failure(user, policy, now)
        raise _refuse(
            session, BadCredentialsError(), username=name, ip=ip, clock=clock, locked=locked
        )
    if user.mfa_required:
        if user.totp_secret is None:
            raise _refuse(session, MfaNotEnrolledError(), username=name, ip=ip, clock=clock)
        if not totp:
            raise _refuse(session, MfaRequiredError(), username=name, ip=ip, clock=clock)
        check = check_code(user.totp_secret, totp, last_step=user.totp_last_step, now=now)
        if not check.ok:
            locked = _count_failure(user, policy, now)
            raise _refuse(
                session,
                BadTotpError(),
                username=name,
                ip=ip,
                clock=clock,
                replayed=check.replayed,
                locked=locked,
            )
        user.totp_last_step = check.step
    user.failed_logins, user.locked_until = 0, None
    if needs_rehash(user.password_hash, policy.hasher):
        user.password_hash = hash_password(password, policy.hasher)
    audit.record(session, "login", username=name, ip=ip, clock=clock)
    log.info("login of account id %d", user.id)
    return account_of(user)
