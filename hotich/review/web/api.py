"""The JSON API (shared/CONTRACT.md, "Review app JSON API"), under the same sessions and scopes
as the pages. Writes take JSON bodies only; an object outside the caller's communes answers 404.

``GET /api/pages/{id}`` answers ``{"id", "commune", "book", "page_no", "register_type",
"width", "height", "entries": [...]}``: each entry in the export form, re-validated, with its
``id`` (what the write routes take). A correction, an approval and a rejection answer the entry
in the same form.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from hotich.db.decisions import DecisionRefused
from hotich.db.models import EntryRow
from hotich.loaders.progress import progress
from hotich.review import actions, audit
from hotich.review.access import NotVisibleError
from hotich.review.entries import PageHead, entry_json, entry_views, page_entries
from hotich.review.queue import PAGE_STATUSES, page_list
from hotich.review.web.deps import (
    ApiError,
    Caller,
    ReviewContext,
    api_caller,
    context,
    entry_for,
    json_body,
    page_for,
    text_of,
)

router = APIRouter(prefix="/api")
ApiCaller = Annotated[Caller, Depends(api_caller)]
Body = Annotated[dict[str, Any], Depends(json_body)]
LIMIT_DEFAULT: Final = 100


def _tone(ctx: ReviewContext) -> Literal["keep", "old", "new"]:
    return ctx.config.settings.name_tone_style


@router.get("/pages")
def list_pages(
    request: Request,
    caller: ApiCaller,
    status: str | None = None,
    commune: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = LIMIT_DEFAULT,
) -> list[dict[str, Any]]:
    if status is not None and status not in PAGE_STATUSES:
        raise ApiError(400, "review.api.bad_status", status=status, known=", ".join(PAGE_STATUSES))
    with context(request).write() as session:
        return page_list(session, caller.scope, status=status, commune=commune, limit=limit)


def _entry_answer(
    session: Session, ctx: ReviewContext, caller: Caller, entry_id: int, head: PageHead
) -> dict[str, Any]:
    entry = session.get_one(EntryRow, entry_id)
    (view,) = entry_views(session, [entry], tone_style=_tone(ctx))
    return entry_json(view, head, caller.scope)


@router.get("/pages/{page_id}")
def get_page(request: Request, caller: ApiCaller, page_id: int) -> dict[str, Any]:
    ctx = context(request)
    with ctx.write() as session:
        head = page_for(session, caller, page_id, "view_record")
        views = page_entries(session, page_id, tone_style=_tone(ctx), history=False)
        audit.record(
            session,
            "view_record",
            username=caller.account.username,
            object_type="page",
            object_id=page_id,
            commune=head.commune,
            ip=caller.ip,
            detail={"entries": len(views)},
        )
        page = head.page
        return {
            "id": page.id,
            "commune": head.commune,
            "book": head.book,
            "page_no": page.page_no,
            "register_type": page.register_type,
            "width": page.width,
            "height": page.height,
            "entries": [entry_json(v, head, caller.scope) for v in views],
        }


def _refused(error: DecisionRefused | actions.UnresolvedIssuesError) -> ApiError:
    answer = ApiError(409, error.key, **error.params)
    if isinstance(error, actions.UnresolvedIssuesError):
        answer.extra["fields"] = error.fields
    return answer


@router.post("/entries/{entry_id}/fields/{field}")
def correct_field(
    request: Request, caller: ApiCaller, body: Body, entry_id: int, field: str
) -> dict[str, Any]:
    value = text_of(body, "value") or ""
    ctx = context(request)
    with ctx.write() as session:
        _, head = entry_for(session, caller, entry_id, "correct", personal=True, review=True)
        view = actions.correct(
            session, caller.actor, head, entry_id, field, value, tone_style=_tone(ctx)
        )
        return entry_json(view, head, caller.scope)


@router.post("/entries/{entry_id}/approve")
def approve_entry(request: Request, caller: ApiCaller, body: Body, entry_id: int) -> dict[str, Any]:
    ctx = context(request)
    with ctx.write() as session:
        _, head = entry_for(session, caller, entry_id, "approve", personal=True, review=True)
        try:
            actions.approve(session, caller.actor, head, entry_id, tone_style=_tone(ctx))
        except (DecisionRefused, actions.UnresolvedIssuesError) as e:
            raise _refused(e) from e
        return _entry_answer(session, ctx, caller, entry_id, head)


@router.post("/entries/{entry_id}/reject")
def reject_entry(request: Request, caller: ApiCaller, body: Body, entry_id: int) -> dict[str, Any]:
    reason = (text_of(body, "reason", required=False) or "").strip()
    if not reason:
        raise ApiError(400, "decision.reason_required", entry_id=entry_id)
    ctx = context(request)
    with ctx.write() as session:
        _, head = entry_for(session, caller, entry_id, "reject", personal=True, review=True)
        try:
            actions.reject(session, caller.actor, head, entry_id, reason)
        except DecisionRefused as e:
            raise _refused(e) from e
        return _entry_answer(session, ctx, caller, entry_id, head)


@router.get("/progress")
def get_progress(
    request: Request,
    caller: ApiCaller,
    by: Literal["commune", "district", "province"] = "commune",
) -> list[dict[str, Any]]:
    """The ``hotich report --format json`` rows of the communes the caller sees."""
    scope = caller.scope
    if not scope.records:
        raise NotVisibleError()
    ctx = context(request)
    with ctx.write() as session:
        rows = progress(session, by, deadline=ctx.config.settings.deadline, communes=scope.communes)
    return [row.model_dump(mode="json") for row in rows]
