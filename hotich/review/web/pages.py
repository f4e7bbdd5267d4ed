"""The server-rendered pages: the queue and the page view, and the forms they post.

Forms post here (with the session's CSRF token) and answer with a redirect; the page view's
script saves fields through the JSON API instead (``POST /api/entries/{id}/fields/{field}``) so
that the image keeps its zoom, and falls back to the form without script. The queue's filters
travel in the query string of every link and form, so that "approve and next" stays in the
filtered queue.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotich.db.models import EntryRow
from hotich.errors import BadInputError
from hotich.i18n import t
from hotich.review import actions, audit
from hotich.review.access import NotVisibleError
from hotich.review.entries import PageHead, page_entries
from hotich.review.images import ImageUnavailable
from hotich.review.queue import FACETS, QueueFilters, next_page, review_queue
from hotich.review.web.deps import (
    Caller,
    ReviewContext,
    context,
    entry_for,
    page_caller,
    page_for,
    require_csrf,
)

router = APIRouter()
PageCaller = Annotated[Caller, Depends(page_caller)]
Csrf = Annotated[str, Form()]
QUEUE_SCREEN = 50
DECISIONS = ("approve", "reject", "reopen")


def _filters(request: Request) -> QueueFilters:
    q = request.query_params
    return QueueFilters.of(**{facet: q.get(facet) for facet in FACETS})


def _url(path: str, params: dict[str, str], anchor: str = "") -> str:
    query = urlencode(params)
    return f"{path}?{query}{anchor}" if query else f"{path}{anchor}"


def _common(request: Request, caller: Caller) -> dict[str, Any]:
    ctx = context(request)
    return {
        "t": t,
        "caller": caller,
        "threshold": ctx.config.settings.review_threshold,
    }


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_view(
    request: Request,
    caller: PageCaller,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    ctx = context(request)
    filters = _filters(request)
    with ctx.write() as session:
        queue = review_queue(
            session,
            caller.scope,
            filters,
            limit=QUEUE_SCREEN,
            offset=offset,
            tone_style=ctx.config.settings.name_tone_style,
        )
    return ctx.templates.TemplateResponse(
        request,
        "queue.html",
        {
            **_common(request, caller),
            "queue": queue,
            "filters": filters,
            "facets": FACETS,
            "url": _url,
        },
    )


def _render_page(
    request: Request,
    ctx: ReviewContext,
    caller: Caller,
    page_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The page view, if ``caller`` may read the page, recorded; the scan is decoded outside
    the transaction, so that no lock is held meanwhile."""
    with ctx.write() as session:
        head = page_for(session, caller, page_id, "view_page", personal=True)
        views = page_entries(session, page_id, tone_style=ctx.config.settings.name_tone_style)
        audit.record(
            session,
            "view_page",
            username=caller.account.username,
            object_type="page",
            object_id=page_id,
            commune=head.commune,
            ip=caller.ip,
            detail={"entries": len(views)},
        )
    page = head.page
    size, problem = (page.width, page.height), None
    try:
        size = ctx.images.get(page, head.commune, head.book).size
    except ImageUnavailable as e:
        problem = t(f"review.image.{e.code}")
    params = _filters(request).params()
    return ctx.templates.TemplateResponse(
        request,
        "page.html",
        {
            **_common(request, caller),
            "head": head,
            "views": views,
            "width": size[0],
            "height": size[1],
            "image_problem": problem,
            "params": params,
            "query": ("?" + urlencode(params)) if params else "",
            "queue_url": _url("/queue", params),
            "error": error,
            "can_review": caller.scope.review,
        },
        status_code=status,
    )


@router.get("/pages/{page_id}")
def page_view(request: Request, caller: PageCaller, page_id: int) -> Response:
    return _render_page(request, context(request), caller, page_id)


def _after_decision(
    request: Request, session: Session, ctx: ReviewContext, caller: Caller, head: PageHead
) -> Response:
    """Back to the page while entries of it wait; else on to the next page of the queue."""
    filters = _filters(request)
    waiting = session.scalar(
        select(EntryRow.id)
        .where(
            EntryRow.page_id == head.page.id,
            EntryRow.superseded_at.is_(None),
            EntryRow.status == "needs_review",
        )
        .limit(1)
    )
    if waiting is not None:
        return RedirectResponse(_url(f"/pages/{head.page.id}", filters.params()), 303)
    following = next_page(
        session,
        caller.scope,
        filters,
        exclude=head.page.id,
        tone_style=ctx.config.settings.name_tone_style,
    )
    if following is None:
        return RedirectResponse(_url("/queue", filters.params()), 303)
    return RedirectResponse(_url(f"/pages/{following}", filters.params()), 303)


@router.post("/entries/{entry_id}/fields/{field}")
def correct_form(
    request: Request,
    caller: PageCaller,
    entry_id: int,
    field: str,
    csrf: Csrf = "",
    value: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(caller, csrf)
    ctx = context(request)
    with ctx.write() as session:
        _, head = entry_for(session, caller, entry_id, "correct", personal=True, review=True)
        page_id = head.page.id
        try:
            actions.correct(
                session,
                caller.actor,
                head,
                entry_id,
                field,
                value,
                tone_style=ctx.config.settings.name_tone_style,
            )
        except BadInputError as e:
            session.rollback()
            error = str(e)
        else:
            back = _url(f"/pages/{page_id}", _filters(request).params(), f"#f-{entry_id}-{field}")
            return RedirectResponse(back, 303)
    return _render_page(request, ctx, caller, page_id, error=error, status=400)


@router.post("/entries/{entry_id}/{decision}")
def decide_form(
    request: Request,
    caller: PageCaller,
    entry_id: int,
    decision: str,
    csrf: Csrf = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    if decision not in DECISIONS:
        raise NotVisibleError()
    require_csrf(caller, csrf)
    ctx = context(request)
    tone = ctx.config.settings.name_tone_style
    with ctx.write() as session:
        _, head = entry_for(session, caller, entry_id, decision, personal=True, review=True)
        page_id = head.page.id
        try:
            if decision == "approve":
                actions.approve(session, caller.actor, head, entry_id, tone_style=tone)
            elif decision == "reject":
                actions.reject(session, caller.actor, head, entry_id, reason)
            else:
                actions.reopen(session, caller.actor, head, entry_id)
        except BadInputError as e:
            session.rollback()
            error = str(e)
        else:
            return _after_decision(request, session, ctx, caller, head)
    return _render_page(request, ctx, caller, page_id, error=error, status=409)


@router.post("/pages/{page_id}/approve")
def approve_page_form(
    request: Request, caller: PageCaller, page_id: int, csrf: Csrf = ""
) -> Response:
    require_csrf(caller, csrf)
    ctx = context(request)
    with ctx.write() as session:
        head = page_for(session, caller, page_id, "approve", personal=True, review=True)
        try:
            actions.approve_page(
                session, caller.actor, head, tone_style=ctx.config.settings.name_tone_style
            )
        except BadInputError as e:
            session.rollback()
            error = str(e)
        else:
            return _after_decision(request, session, ctx, caller, head)
    return _render_page(request, ctx, caller, page_id, error=error, status=409)
