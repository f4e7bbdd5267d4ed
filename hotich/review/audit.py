"""The audit log: append-only, one hash chain.

Each row's ``row_hash`` is the SHA-256 of a canonical serialization of its fields and of
``prev_hash``, the previous row's ``row_hash`` (the first row follows :data:`GENESIS`). Changing
a row, deleting one or moving one breaks the chain where it happened, and :func:`verify` names
that row. The database refuses UPDATE and DELETE on the table (triggers, migration 0003);
someone who drops the triggers is still caught by :func:`verify`. Someone who rewrites every
hash after a change is caught only against a head hash noted elsewhere (``anchor``): print it
with ``hotich audit verify`` and keep it outside the database.

Appends form one chain even when processes append at once: on PostgreSQL :func:`record` takes a
transaction-level advisory lock before reading the head (held until the caller's transaction
ends), on SQLite the transaction takes the database's write lock first (``BEGIN IMMEDIATE``);
and no two rows may follow the same row (``prev_hash`` is unique).

A row names who did what to which object, in which commune, from which address, and how it
ended; ``detail`` holds codes and counts, never a name, ID number, date of birth or password.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hotich.db.models import AUDIT_OUTCOMES, AuditRow
from hotich.db.session import begin_write
from hotich.db.types import utcnow
from hotich.review.networks import canonical_ip
from hotich.review.policy import Clock

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first row."""
FORMAT: Final = "hotich-audit-v1"
"""Names the serialization below, so that a later one can be told apart."""

ACTIONS: Final = (
    "login",
    "logout",
    "password_change",
    "mfa_reset",
    "user_add",
    "user_disable",
    "user_unlock",
    "view_page",
    "view_image",
    "view_record",
    "view_report",
    "correct",
    "approve",
    "reject",
    "reopen",
    "export",
    "stage",
    "receipt",
)
"""What a row records. Add an action here when new code records a new kind of event."""

_PG_LOCK: Final = (0x686F7461, 1)
"""Two-int4 advisory lock key ("hota", 1): apart from the keys of :mod:`hotich.db.migrate`
(one bigint) and :mod:`hotich.db.claims` ("hotc", run id)."""

Detail = Mapping[str, str | int | float | bool | list[str] | list[int] | None]


def _check_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    """Plain JSON of codes and counts only (so that it serializes one way, always)."""

    def plain(value: Any) -> bool:
        if isinstance(value, float):
            return math.isfinite(value)
        return value is None or isinstance(value, str | int | bool)

    for key, value in detail.items():
        values = value if isinstance(value, list) else [value]
        if not isinstance(key, str) or not all(plain(v) for v in values):
            raise TypeError(f"audit detail {key!r}: only str, int, float, bool, None or lists")
    return dict(detail)


def _timestamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_digest(row: AuditRow) -> str:
    """SHA-256 (hex) of the row's fields and its ``prev_hash``, in one canonical form: a JSON
    array in a fixed order, keys of ``detail`` sorted, UTF-8, no spaces."""
    fields = [
        FORMAT,
        _timestamp(row.created_at),
        row.username,
        row.action,
        row.object_type,
        row.object_id,
        row.commune,
        row.ip,
        row.outcome,
        row.detail,
        row.prev_hash,
    ]
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> None:
    begin_write(session)  # SQLite: the write lock before the head is read
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:a AS integer), CAST(:b AS integer))"),
            {"a": _PG_LOCK[0], "b": _PG_LOCK[1]},
        )


def head(session: Session) -> str:
    """The ``row_hash`` of the newest row (:data:`GENESIS` when the log is empty)."""
    newest = session.scalar(select(AuditRow.row_hash).order_by(AuditRow.id.desc()).limit(1))
    return newest or GENESIS


def record(
    session: Session,
    action: str,
    *,
    username: str | None,
    outcome: str = "ok",
    object_type: str | None = None,
    object_id: str | int | None = None,
    commune: str | None = None,
    ip: str | None = None,
    detail: Detail | None = None,
    clock: Clock = utcnow,
) -> AuditRow:
    """Append a row in the session's transaction (it is kept only if that transaction commits:
    what is recorded and the record of it stand or fall together)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if outcome not in AUDIT_OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    _lock_head(session)
    row = AuditRow(
        created_at=clock(),
        username=username[:128] if username is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:128],
        commune=commune,
        ip=canonical_ip(ip),
        outcome=outcome,
        detail=_check_detail(detail or {}),
        prev_hash=head(session),
    )
    row.row_hash = row_digest(row)
    session.add(row)
    session.flush()
    return row


def rows(
    session: Session,
    *,
    user: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[AuditRow]:
    """Rows oldest first, filtered; with ``limit``, the newest ``limit`` of them."""
    query = select(AuditRow)
    if user is not None:
        query = query.where(AuditRow.username == user)
    if since is not None:
        query = query.where(AuditRow.created_at >= since)
    if until is not None:
        query = query.where(AuditRow.created_at < until)
    if action is not None:
        query = query.where(AuditRow.action == action)
    if limit is not None:
        newest = list(session.scalars(query.order_by(AuditRow.id.desc()).limit(limit)))
        return newest[::-1]
    return list(session.scalars(query.order_by(AuditRow.id)))


def as_dict(row: AuditRow) -> dict[str, Any]:
    """A row as plain JSON (``hotich audit list --json``)."""
    return {
        "id": row.id,
        "created_at": _timestamp(row.created_at),
        "username": row.username,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "commune": row.commune,
        "ip": row.ip,
        "outcome": row.outcome,
        "detail": row.detail,
        "row_hash": row.row_hash,
    }


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found."""

    rows: int
    """Rows checked (up to the first bad one)."""
    head: str
    """The ``row_hash`` of the last good row (:data:`GENESIS` for an empty log)."""
    bad_id: int | None = None
    """The first row that breaks the chain; None when the log is intact."""
    reason: str | None = None
    """Why: ``altered`` (the row differs from its hash), ``chain`` (the row does not follow the
    one before it: a row was deleted, inserted or moved there), ``anchor`` (the anchor hash is
    not in the log: rows at its end were removed or the chain rewritten)."""

    @property
    def ok(self) -> bool:
        return self.reason is None


def _in_order(session: Session) -> Iterator[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=1000)
    yield from session.scalars(query)


def verify(session: Session, *, anchor: str | None = None) -> Verdict:
    """Walk the chain from the first row; stop at the first row that breaks it. With ``anchor``
    (a ``row_hash`` noted earlier), the log must still contain that row."""
    expected, count, anchor_seen = GENESIS, 0, anchor is None or anchor == GENESIS
    for row in _in_order(session):
        if row.prev_hash != expected:
            return Verdict(count, expected, row.id, "chain")
        if row_digest(row) != row.row_hash:
            return Verdict(count, expected, row.id, "altered")
        expected, count = row.row_hash, count + 1
        anchor_seen = anchor_seen or row.row_hash == anchor
    if not anchor_seen:
        return Verdict(count, expected, None, "anchor")
    return Verdict(count, expected)
