"""Images: a page's stored image and one field's crop, as PNG, for callers who may read the
page's personal data; each view recorded. Never cached by the browser or a proxy
(``Cache-Control: private, no-store``).

Routes take numeric ids and a field name only; the file read is the page's own scan, found
from the database and kept inside its scan folder (:func:`hotich.review.images.inside_root`).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request, Response

from hotich.db.records import current_fields
from hotich.review import audit
from hotich.review.access import NotVisibleError
from hotich.review.entries import PageHead
from hotich.review.images import ImageUnavailable, StoredPage, crop, png_bytes
from hotich.review.web.deps import (
    ApiError,
    Caller,
    ReviewContext,
    api_caller,
    context,
    entry_for,
    page_for,
)

router = APIRouter(prefix="/api")
ApiCaller = Annotated[Caller, Depends(api_caller)]
NO_STORE: Final = {"Cache-Control": "private, no-store"}


def _png(data: bytes) -> Response:
    return Response(data, media_type="image/png", headers=NO_STORE)


def _load(ctx: ReviewContext, head: PageHead) -> StoredPage:
    try:
        return ctx.images.get(head.page, head.commune, head.book)
    except ImageUnavailable as e:
        raise ApiError(410, f"review.image.{e.code}") from e


def _record(ctx: ReviewContext, caller: Caller, commune: str, kind: str, object_id: str) -> None:
    with ctx.write() as session:
        audit.record(
            session,
            "view_image",
            username=caller.account.username,
            object_type=kind,
            object_id=object_id,
            commune=commune,
            ip=caller.ip,
        )


@router.get("/pages/{page_id}/image")
def page_image(request: Request, caller: ApiCaller, page_id: int) -> Response:
    ctx = context(request)
    with ctx.write() as session:
        head = page_for(session, caller, page_id, "view_image", personal=True)
    stored = _load(ctx, head)  # decoded outside the transaction: no lock held meanwhile
    data = stored.png()
    _record(ctx, caller, head.commune, "page", str(page_id))
    return _png(data)


@router.get("/entries/{entry_id}/fields/{field}/crop")
def field_crop(request: Request, caller: ApiCaller, entry_id: int, field: str) -> Response:
    ctx = context(request)
    with ctx.write() as session:
        entry, head = entry_for(session, caller, entry_id, "view_image", personal=True)
        current = current_fields(session, [entry.id])[entry.id].get(field)
    if current is None:
        raise NotVisibleError()
    pixels = crop(_load(ctx, head).pixels, current.bbox)
    if pixels is None:
        raise NotVisibleError()
    data = png_bytes(pixels)
    _record(ctx, caller, head.commune, "field", f"{entry_id}/{field}"[:128])
    return _png(data)
