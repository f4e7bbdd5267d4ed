"""The progress page: the figures of ``hotich report --format html`` for the communes the caller
sees (a supervisor: every commune; a clerk or reviewer: their own), in the app.

The report is one self-contained document with one inline stylesheet and one inline script of
our own; this answer's Content-Security-Policy allows exactly those two by their SHA-256 (user
text in the report is escaped, so no other script can appear) and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from hotich.loaders.progress import progress_report
from hotich.loaders.report_html import format_html
from hotich.review import audit
from hotich.review.access import NotVisibleError
from hotich.review.web.deps import Caller, context, page_caller

router = APIRouter()
PageCaller = Annotated[Caller, Depends(page_caller)]
_INLINE: Final = re.compile(r"<(style|script)>(.*?)</\1>", re.S)


def _digest(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def content_security_policy(document: str) -> str:
    """A policy allowing only the document's own inline style and script blocks."""
    styles = [_digest(body) for tag, body in _INLINE.findall(document) if tag == "style"]
    scripts = [_digest(body) for tag, body in _INLINE.findall(document) if tag == "script"]
    return (
        "default-src 'none'; img-src data:; "
        f"style-src {' '.join(styles) or chr(39) + 'none' + chr(39)}; "
        f"script-src {' '.join(scripts) or chr(39) + 'none' + chr(39)}; "
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )


@router.get("/progress")
def progress_view(
    request: Request,
    caller: PageCaller,
    by: Literal["commune", "district", "province"] = "commune",
) -> Response:
    scope = caller.scope
    ctx = context(request)
    with ctx.write() as session:
        if not scope.records:
            audit.record(
                session,
                "view_report",
                username=caller.account.username,
                outcome="denied",
                object_type="progress",
                object_id=by,
                ip=caller.ip,
            )
            session.commit()
            raise NotVisibleError()
        report = progress_report(
            session, by, deadline=ctx.config.settings.deadline, communes=scope.communes
        )
        audit.record(
            session,
            "view_report",
            username=caller.account.username,
            object_type="progress",
            object_id=by,
            ip=caller.ip,
            detail={"units": len(report.units)},
        )
    document = format_html(report)
    return HTMLResponse(
        document, headers={"Content-Security-Policy": content_security_policy(document)}
    )
