"""The review web app (FastAPI, server-rendered Jinja2 pages, a little plain script).

:func:`create_app` builds it on an engine (the database, upgraded) and a
:class:`~hotich.review.web.deps.ReviewConfig`; ``hotich review`` serves it with uvicorn.

Routes: :mod:`.web.auth` (login, logout), :mod:`.web.pages` (queue, page view, forms),
:mod:`.web.api` (the JSON API), :mod:`.web.images` (page images and field crops). Every one but
the login form, the static files and ``/healthz`` needs a live session; every object is checked
against the caller's scope by its commune, and answers 404 outside it.

Every answer carries a strict Content-Security-Policy (scripts, styles and images from this
server only; no inline script), ``X-Frame-Options: DENY``, ``nosniff`` and no referrer; pages
and API answers are ``Cache-Control: no-store`` (they hold personal data). Nothing is loaded
from the internet. Application logs name ids and codes, never field values.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from hotich.db.decisions import DecisionRefused
from hotich.errors import BadInputError, HotichError
from hotich.i18n import t
from hotich.review.access import NotVisibleError
from hotich.review.web import api, auth, images, pages, progress
from hotich.review.web.deps import (
    ApiError,
    CsrfRefused,
    LoginRequired,
    ReviewConfig,
    ReviewContext,
    context,
)

log = logging.getLogger(__name__)

STATIC: Final = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(
    request: Request, status: int, text: str, extra: dict[str, object] | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse({"error": text, **(extra or {})}, status_code=status)
    try:
        ctx = context(request)
    except AttributeError:  # pragma: no cover - the app is always built with its context
        return Response(text, status_code=status, media_type="text/plain")
    return ctx.templates.TemplateResponse(
        request,
        "error.html",
        {"t": t, "caller": None, "message": text, "status": status},
        status_code=status,
    )


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotVisibleError)
    async def not_visible(request: Request, exc: NotVisibleError) -> Response:
        return _error(request, 404, t("access.not_found"))

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, str(exc), exc.extra)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        log.info("form refused: CSRF token missing or wrong (%s)", request.url.path)
        return _error(request, 403, str(exc))

    @app.exception_handler(HotichError)
    async def refused(request: Request, exc: HotichError) -> Response:
        if isinstance(exc, DecisionRefused):
            return _error(request, 409, str(exc))
        if isinstance(exc, BadInputError):
            return _error(request, 400, str(exc))
        log.error("review app: %s", exc.key)
        return _error(request, 500, t("review.error"))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # Which parameter was wrong, never the value sent.
        names = sorted({str(e.get("loc", ("?",))[-1]) for e in exc.errors()})
        return _error(request, 400, t("review.bad_request", names=", ".join(names)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error(request, 404, t("access.not_found"))
        if exc.status_code == 405:
            return _error(request, 405, t("review.not_allowed"))
        return _error(request, exc.status_code, t("review.error"))


async def _headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(engine: Engine, config: ReviewConfig) -> FastAPI:
    """The app on ``engine`` (a database already upgraded)."""
    app = FastAPI(
        title="hotich review",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.review = ReviewContext(config, engine)
    _handlers(app)
    app.middleware("http")(_headers)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for module in (auth, api, images, pages, progress):
        app.include_router(module.router)
    return app
