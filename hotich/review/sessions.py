"""Login sessions, held on the server.

The cookie carries a random token; the database keeps only its SHA-256, so a copy of the
database opens no session. A session ends at logout, after ``session_lifetime`` from login,
after ``session_idle`` unused, when the password changes or the account is disabled; once ended
it never comes back (a cookie replayed after logout is refused).

CSRF: the token for forms is an HMAC of the session token (:func:`csrf_token`): bound to the
session, never stored, and unknowable to another site, which cannot read the HttpOnly cookie.
The cookie itself: :data:`COOKIE_NAME`, ``HttpOnly``, ``SameSite=Strict``, ``Max-Age`` from
:func:`cookie_max_age`, ``Secure`` behind HTTPS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from hotich.db.models import LoginSession, User, UserNetwork
from hotich.db.types import utcnow
from hotich.errors import HotichError
from hotich.review import audit
from hotich.review.accounts import Account, account_of
from hotich.review.networks import canonical_ip, ip_allowed
from hotich.review.policy import AuthPolicy, Clock

COOKIE_NAME: Final = "hotich_session"
TOUCH_EVERY: Final = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often (not on every request)."""
_CSRF_CONTEXT: Final = b"hotich csrf v1"


class SessionError(HotichError):
    """No valid session for this token: log in again. ``reason`` says why (for the audit)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__("users.session.invalid")


@dataclass(frozen=True)
class NewSession:
    token: str
    """Goes in the cookie, and nowhere else (never logged)."""
    csrf_token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(token: str) -> str:
    """The CSRF token of the session whose cookie holds ``token``."""
    return hmac.new(token.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def check_csrf(token: str, submitted: str | None) -> bool:
    """Whether a form's CSRF token belongs to the session of ``token``."""
    return submitted is not None and hmac.compare_digest(csrf_token(token), submitted)


def cookie_max_age(policy: AuthPolicy) -> int:
    return int(policy.session_lifetime.total_seconds())


def create_session(
    session: Session,
    account: Account,
    *,
    ip: str | None,
    policy: AuthPolicy,
    clock: Clock = utcnow,
) -> NewSession:
    """A new session for ``account`` (just authenticated); the caller commits and sets the
    cookie."""
    now = clock()
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=token_hash(token),
        user_id=account.id,
        created_at=now,
        expires_at=now + policy.session_lifetime,
        last_seen_at=now,
        ip=canonical_ip(ip),
    )
    session.add(row)
    session.flush()
    return NewSession(token=token, csrf_token=csrf_token(token), expires_at=row.expires_at)


def _end(row: LoginSession, reason: str, now: datetime) -> None:
    row.ended_at, row.end_reason = now, reason


def _end_now(session: Session, row: LoginSession, reason: str, now: datetime) -> SessionError:
    """End the session for good (committed: the caller's rollback must not revive it)."""
    _end(row, reason, now)
    session.commit()
    return SessionError(reason)


def validate_session(
    session: Session,
    token: str | None,
    *,
    ip: str | None,
    policy: AuthPolicy,
    clock: Clock = utcnow,
) -> Account:
    """The account of a live session, for every request; :class:`SessionError` otherwise
    (unknown token, ended, expired, idle too long, account disabled, or ``ip`` now outside the
    account's allowed networks). A session found expired, idle or of a disabled account is
    ended, and that is committed before the error is raised; otherwise the caller commits (the
    time it was last seen)."""
    if not token:
        raise SessionError("missing")
    query = select(LoginSession).where(LoginSession.token_hash == token_hash(token))
    row = session.scalars(
        query.options(selectinload(LoginSession.user).selectinload(User.communes))
    ).one_or_none()
    if row is None:
        raise SessionError("unknown")
    if row.ended_at is not None:
        raise SessionError("ended")
    now = clock()
    if now >= row.expires_at:
        raise _end_now(session, row, "expired", now)
    if now >= row.last_seen_at + policy.session_idle:
        raise _end_now(session, row, "idle", now)
    user = row.user
    if user.disabled:
        raise _end_now(session, row, "disabled", now)
    networks = session.scalars(select(UserNetwork.cidr).where(UserNetwork.user_id == user.id))
    if not ip_allowed(ip, list(networks)):
        raise SessionError("ip_not_allowed")
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return account_of(user)


def end_session(
    session: Session, token: str | None, *, ip: str | None, clock: Clock = utcnow
) -> bool:
    """Logout: end the session of ``token`` and record it. False when there was none live."""
    if not token:
        return False
    query = select(LoginSession).where(LoginSession.token_hash == token_hash(token))
    row = session.scalars(query.options(selectinload(LoginSession.user))).one_or_none()
    if row is None or row.ended_at is not None:
        return False
    now = clock()
    _end(row, "logout", now)
    audit.record(
        session,
        "logout",
        username=row.user.username,
        ip=ip,
        object_type="session",
        object_id=row.id,
        clock=clock,
    )
    return True


def end_user_sessions(session: Session, user_id: int, reason: str, *, clock: Clock = utcnow) -> int:
    """End every live session of an account (password changed, account disabled); how many."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=clock(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)
