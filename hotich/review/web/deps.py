"""What every route stands on: the app's context, the caller (a live session, checked on every
request), the scope check by the object's commune, CSRF for forms, JSON-only API writes.

* :func:`api_caller` / :func:`page_caller` — the session cookie validated
  (:func:`hotich.review.sessions.validate_session`); no live session answers 401 (API) or sends
  the browser to the login form (pages).
* :func:`guard` — the caller's scope asked about the object's commune; outside it, or no such
  object, answers 404 and the refusal is recorded in the audit log.
* :func:`require_csrf` — a form's CSRF token must belong to the caller's session (403).
* :func:`json_body` — API writes accept ``Content-Type: application/json`` only (415), so a
  cross-site HTML form, which can only send form encodings or text, cannot forge one.

The caller's address is ``request.client.host``: the peer of the connection. Behind a reverse
proxy that is the proxy; run ``hotich review --forwarded-allow-ips PROXY`` so that uvicorn takes
the client's address from the proxy's ``X-Forwarded-For`` header instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hotich.config.settings import Settings
from hotich.db.models import EntryRow
from hotich.db.session import session_scope
from hotich.db.types import utcnow
from hotich.errors import HotichError
from hotich.i18n import current_lang, t
from hotich.review import audit
from hotich.review.access import NotVisibleError, Scope
from hotich.review.accounts import Account
from hotich.review.actions import Actor
from hotich.review.entries import PageHead, entry_head, page_head
from hotich.review.images import ImageCache
from hotich.review.policy import AuthPolicy, Clock
from hotich.review.sessions import (
    COOKIE_NAME,
    SessionError,
    check_csrf,
    csrf_token,
    validate_session,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class ReviewConfig:
    """How the app runs: the settings (database, thresholds, name tone style), the account
    rules, the clock (tests pass their own) and how many pages' images stay in memory."""

    settings: Settings
    policy: AuthPolicy
    clock: Clock = utcnow
    image_cache_pages: int = 4


@dataclass
class ReviewContext:
    """Held by the app (``app.state.review``)."""

    config: ReviewConfig
    engine: Engine
    images: ImageCache = field(init=False)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        self.images = ImageCache(self.config.settings, self.config.image_cache_pages)
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.templates.env.globals.update(t=t, lang=current_lang())

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (SQLite: takes the write lock when it begins), committed at the
        end of the block."""
        with session_scope(self.engine, write=True) as session:
            yield session


class ApiError(HotichError):
    """An API answer other than 2xx: ``status`` and a message from the catalog."""

    def __init__(self, http_status: int, key: str, **params: Any) -> None:
        self.status = http_status
        self.extra: dict[str, Any] = {}
        super().__init__(key, **params)


class LoginRequired(Exception):
    """No live session on a page: go to the login form."""


class CsrfRefused(HotichError):
    def __init__(self) -> None:
        super().__init__("review.csrf")


@dataclass(frozen=True)
class Caller:
    account: Account
    token: str
    ip: str | None

    @property
    def scope(self) -> Scope:
        return self.account.scope

    @property
    def actor(self) -> Actor:
        return Actor(self.account.username, self.ip)

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)


def context(request: Request) -> ReviewContext:
    ctx: ReviewContext = request.app.state.review
    return ctx


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_caller(request: Request) -> Caller:
    """The caller of a live session; :class:`SessionError` otherwise."""
    ctx = context(request)
    token = request.cookies.get(COOKIE_NAME)
    ip = client_ip(request)
    with ctx.write() as session:
        account = validate_session(
            session, token, ip=ip, policy=ctx.config.policy, clock=ctx.config.clock
        )
    return Caller(account, token or "", ip)


def api_caller(request: Request) -> Caller:
    try:
        return session_caller(request)
    except SessionError as e:
        raise ApiError(401, "users.session.invalid") from e


def page_caller(request: Request) -> Caller:
    try:
        return session_caller(request)
    except SessionError as e:
        raise LoginRequired() from e


def guard(
    session: Session,
    caller: Caller,
    commune: str | None,
    action: str,
    *,
    object_type: str,
    object_id: str | int,
    personal: bool = False,
    review: bool = False,
) -> None:
    """Raise :class:`NotVisibleError` (404) unless ``caller`` may reach an object of
    ``commune`` (None: there is no such object); a refusal is recorded and committed first."""
    try:
        if commune is None:
            raise NotVisibleError()
        caller.scope.require(commune, personal=personal, review=review)
    except NotVisibleError:
        audit.record(
            session,
            action,
            username=caller.account.username,
            outcome="denied",
            object_type=object_type,
            object_id=object_id,
            commune=commune,
            ip=caller.ip,
        )
        session.commit()
        raise


def require_csrf(caller: Caller, submitted: str | None) -> None:
    if not check_csrf(caller.token, submitted):
        raise CsrfRefused()


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 415 unless it is sent as ``application/json``."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ApiError(415, "review.api.json_only")
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as e:
        raise ApiError(400, "review.api.bad_json") from e
    if not isinstance(data, dict):
        raise ApiError(400, "review.api.bad_json")
    return data


def text_of(body: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    """A string member of a JSON body (400 when it is missing or not a string)."""
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ApiError(400, "review.api.bad_member", name=key)
    return value


def page_for(
    session: Session,
    caller: Caller,
    page_id: int,
    action: str,
    *,
    personal: bool = False,
    review: bool = False,
) -> PageHead:
    """The page ``page_id`` if ``caller`` may reach it (else 404, recorded)."""
    head = page_head(session, page_id)
    commune = None if head is None else head.commune
    guard(
        session,
        caller,
        commune,
        action,
        object_type="page",
        object_id=page_id,
        personal=personal,
        review=review,
    )
    if head is None:  # pragma: no cover - guard refused it
        raise NotVisibleError()
    return head


def entry_for(
    session: Session,
    caller: Caller,
    entry_id: int,
    action: str,
    *,
    personal: bool = False,
    review: bool = False,
) -> tuple[EntryRow, PageHead]:
    """The current entry ``entry_id`` and its page if ``caller`` may reach it (else 404)."""
    found = entry_head(session, entry_id)
    commune = None if found is None else found[1].commune
    guard(
        session,
        caller,
        commune,
        action,
        object_type="entry",
        object_id=entry_id,
        personal=personal,
        review=review,
    )
    if found is None:  # pragma: no cover - guard refused it
        raise NotVisibleError()
    return found
