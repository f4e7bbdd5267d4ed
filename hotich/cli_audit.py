"""``hotich audit list|verify``: read the append-only audit log, check its hash chain
(issue 5). Thin: :mod:`hotich.review.audit` does the work."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from hotich.cli_common import DbOption, settings_for
from hotich.errors import BadInputError, HotichError
from hotich.i18n import t

audit_app = typer.Typer(help=t("cli.audit.help"), no_args_is_help=True)

_DURATION = re.compile(r"(\d+)\s*([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class AuditBrokenError(HotichError):
    """``hotich audit verify`` found a break in the chain (exit 1, naming the row)."""


def parse_since(value: str, now: datetime) -> datetime:
    """``7d`` / ``12h`` / ``30m`` back from ``now``; or an ISO date or time (without a zone:
    this machine's local time)."""
    text = value.strip().lower()
    duration = _DURATION.fullmatch(text)
    if duration:
        return now - timedelta(**{_UNITS[duration.group(2)]: int(duration.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as e:
        raise BadInputError("audit.cli.bad_since", value=value) from e
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time, as a person at this machine means it
    return moment.astimezone(UTC)


def _show(value: object) -> str:
    return "" if value is None else str(value)


@audit_app.command("list", help=t("cli.audit.list.help"))
def list_cmd(
    user: Annotated[str | None, typer.Option("--user", help=t("cli.audit.opt.user"))] = None,
    since: Annotated[str | None, typer.Option("--since", help=t("cli.audit.opt.since"))] = None,
    action: Annotated[str | None, typer.Option("--action", help=t("cli.audit.opt.action"))] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help=t("cli.audit.opt.limit"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.json"))] = False,
    db: DbOption = None,
) -> None:
    from hotich.db.migrate import open_db
    from hotich.db.session import session_scope
    from hotich.db.types import utcnow
    from hotich.review import audit

    if action is not None and action not in audit.ACTIONS:
        raise BadInputError("audit.cli.bad_action", action=action, actions=", ".join(audit.ACTIONS))
    start = parse_since(since, utcnow()) if since is not None else None
    engine = open_db(settings_for(db).db)
    try:
        with session_scope(engine) as session:
            found = audit.rows(session, user=user, since=start, action=action, limit=limit)
            rows = [audit.as_dict(row) for row in found]
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo(t("audit.cli.none"))
        return
    typer.echo(t("audit.cli.header"))
    for r in rows:
        target = "/".join(_show(r[k]) for k in ("object_type", "object_id") if r[k] is not None)
        detail = json.dumps(r["detail"], ensure_ascii=False, sort_keys=True) if r["detail"] else ""
        cells = [r["id"], r["created_at"], r["username"], r["action"], r["outcome"], target]
        typer.echo("\t".join(_show(c) for c in [*cells, r["commune"], r["ip"], detail]))


@audit_app.command("verify", help=t("cli.audit.verify.help"))
def verify_cmd(
    anchor: Annotated[str | None, typer.Option("--anchor", help=t("cli.audit.opt.anchor"))] = None,
    db: DbOption = None,
) -> None:
    from hotich.db.migrate import open_db
    from hotich.db.session import session_scope
    from hotich.review import audit

    engine = open_db(settings_for(db).db)
    try:
        with session_scope(engine) as session:
            verdict = audit.verify(session, anchor=anchor.strip().lower() if anchor else None)
    finally:
        engine.dispose()
    if not verdict.ok:
        raise AuditBrokenError(
            f"audit.verify.{verdict.reason}", id=verdict.bad_id, rows=verdict.rows, anchor=anchor
        )
    typer.echo(t("audit.verify.ok", rows=verdict.rows, head=verdict.head))
