"""Logging in and out: the login form and ``POST /api/login``, logout for both.

A login checks name, password, second factor and address (:func:`hotich.review.login
.authenticate`, which records every attempt), then starts a server-held session whose token goes
in the HttpOnly, ``SameSite=Strict`` cookie (``Secure`` when the request came over HTTPS). Every
refusal answers alike (401, "wrong name, password or code"), except a missing second-factor
code, which is asked for.

The login form has its own CSRF token (there is no session yet): a random value in a short-lived
HttpOnly cookie, repeated in the form.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from hotich.i18n import t
from hotich.review.accounts import Account
from hotich.review.login import LoginError, MfaRequiredError, authenticate
from hotich.review.sessions import (
    COOKIE_NAME,
    NewSession,
    SessionError,
    cookie_max_age,
    create_session,
    end_session,
)
from hotich.review.web.deps import (
    ApiError,
    Caller,
    ReviewContext,
    api_caller,
    client_ip,
    context,
    is_https,
    json_body,
    require_csrf,
    session_caller,
    text_of,
)

LOGIN_COOKIE: Final = "hotich_login"
LOGIN_COOKIE_AGE: Final = 3600
MAX_CREDENTIAL: Final = 1024
"""Longest name, password or code looked at (anything longer is refused unread)."""

router = APIRouter()


def _log_in(
    ctx: ReviewContext, request: Request, username: str, password: str, totp: str | None
) -> tuple[Account, NewSession]:
    """The account and a new session for a good login; :class:`LoginError` otherwise (already
    recorded)."""
    if max(len(username), len(password), len(totp or "")) > MAX_CREDENTIAL:
        username, password = "", ""
    ip = client_ip(request)
    policy, clock = ctx.config.policy, ctx.config.clock
    with ctx.write() as session:
        try:
            account = authenticate(
                session, username, password, totp or None, ip, policy=policy, clock=clock
            )
        except LoginError:
            session.commit()
            raise
        return account, create_session(session, account, ip=ip, policy=policy, clock=clock)


def set_session_cookie(
    response: Response, request: Request, ctx: ReviewContext, new: NewSession
) -> None:
    response.set_cookie(
        COOKIE_NAME,
        new.token,
        max_age=cookie_max_age(ctx.config.policy),
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/",
    )


def _refusal(error: LoginError) -> str:
    if isinstance(error, MfaRequiredError):
        return t("users.login.mfa_required")
    return t("review.login.failed")


def _login_form(
    request: Request, *, error: str | None = None, username: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    ctx = context(request)
    response = ctx.templates.TemplateResponse(
        request,
        "login.html",
        {"t": t, "csrf": token, "error": error, "username": username, "caller": None},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=LOGIN_COOKIE_AGE,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_form(request)


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    totp: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf):
        return _login_form(request, error=t("review.csrf"), username=username, status=403)
    ctx = context(request)
    try:
        _, new = _log_in(ctx, request, username, password, totp)
    except LoginError as e:
        return _login_form(request, error=_refusal(e), username=username, status=401)
    response = RedirectResponse("/queue", status_code=303)
    set_session_cookie(response, request, ctx, new)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _end(request: Request, response: Response) -> None:
    ctx = context(request)
    token = request.cookies.get(COOKIE_NAME)
    with ctx.write() as session:
        end_session(session, token, ip=client_ip(request), clock=ctx.config.clock)
    response.delete_cookie(COOKIE_NAME, path="/")


@router.post("/logout")
def logout_submit(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    response = RedirectResponse("/login", status_code=303)
    try:
        caller = session_caller(request)
    except SessionError:
        response.delete_cookie(COOKIE_NAME, path="/")
        return response
    require_csrf(caller, csrf)
    _end(request, response)
    return response


@router.post("/api/login")
def api_login(request: Request, body: Annotated[dict[str, Any], Depends(json_body)]) -> Response:
    username = text_of(body, "username") or ""
    password = text_of(body, "password") or ""
    totp = text_of(body, "totp", required=False)
    ctx = context(request)
    try:
        account, new = _log_in(ctx, request, username, password, totp)
    except LoginError as e:
        error = ApiError(401, "review.login.failed")
        if isinstance(e, MfaRequiredError):
            error = ApiError(401, "users.login.mfa_required")
            error.extra["mfa_required"] = True
        raise error from e
    response = JSONResponse(
        {"username": account.username, "role": account.role, "communes": sorted(account.communes)}
    )
    set_session_cookie(response, request, ctx, new)
    return response


@router.post("/api/logout")
def api_logout(
    request: Request,
    caller: Annotated[Caller, Depends(api_caller)],
    body: Annotated[dict[str, Any], Depends(json_body)],
) -> Response:
    response = JSONResponse({"ok": True})
    _end(request, response)
    return response
