"""The audit log: one hash chain, append-only in the database, and ``verify`` finding a row that
was changed, deleted or moved, even by someone who dropped the triggers; ``hotich audit``."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from accounts_support import START, Clock, clock_fixture, engine_fixture
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from hotich.cli_audit import parse_since
from hotich.db import session_scope
from hotich.review import audit
from tests.cli_helpers import hotich

_ = (engine_fixture, clock_fixture)  # fixtures, used by name

REPO = Path(__file__).resolve().parents[1]
DROP_TRIGGERS = {
    "sqlite": (
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_delete",
    ),
    "postgresql": ("DROP TRIGGER audit_log_no_update_delete ON audit_log",),
}


def _fill(engine: Engine, clock: Clock, n: int = 5) -> None:
    """``n`` rows, one a minute: lan views pages 1…, every third by minh, one denied login."""
    with session_scope(engine, write=True) as s:
        audit.record(
            s,
            "login",
            username="lan",
            outcome="denied",
            ip="10.0.0.1",
            detail={"reason": "bad_credentials"},
            clock=clock,
        )
        for i in range(1, n):
            clock.advance(minutes=1)
            user = "minh" if i % 3 == 0 else "lan"
            audit.record(
                s,
                "view_page",
                username=user,
                object_type="page",
                object_id=i,
                commune="20227-dai-thanh",
                ip="10.0.0.2",
                clock=clock,
            )


def _tamper(engine: Engine, *statements: str) -> None:
    """Raw SQL, after dropping the triggers that refuse it."""
    with engine.begin() as connection:
        for statement in (*DROP_TRIGGERS[engine.dialect.name], *statements):
            connection.execute(text(statement))


def _verify(engine: Engine, anchor: str | None = None) -> audit.Verdict:
    with session_scope(engine) as s:
        return audit.verify(s, anchor=anchor)


def test_rows_form_one_chain_from_the_genesis(engine: Engine, clock: Clock) -> None:
    assert _verify(engine) == audit.Verdict(rows=0, head=audit.GENESIS)
    _fill(engine, clock)
    with session_scope(engine) as s:
        rows = audit.rows(s)
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    assert all(audit.row_digest(r) == r.row_hash for r in rows)
    assert rows[0].detail == {"reason": "bad_credentials"} and rows[0].created_at == START
    verdict = _verify(engine)
    assert verdict.ok and (verdict.rows, verdict.head) == (5, rows[-1].row_hash)


def test_the_database_refuses_to_change_or_delete_a_row(engine: Engine, clock: Clock) -> None:
    _fill(engine, clock)
    for statement in ("UPDATE audit_log SET outcome = 'ok'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_log"))
    assert _verify(engine).rows == 5


def test_verify_finds_an_altered_row(engine: Engine, clock: Clock) -> None:
    _fill(engine, clock)
    _tamper(engine, "UPDATE audit_log SET outcome = 'ok' WHERE id = 1")  # hide a failed login
    verdict = _verify(engine)
    assert (verdict.ok, verdict.bad_id, verdict.reason, verdict.rows) == (False, 1, "altered", 0)


def test_verify_finds_a_deleted_row(engine: Engine, clock: Clock) -> None:
    _fill(engine, clock)
    _tamper(engine, "DELETE FROM audit_log WHERE id = 3")
    verdict = _verify(engine)
    assert (verdict.bad_id, verdict.reason, verdict.rows) == (4, "chain", 2)


def test_verify_finds_a_reordered_row(engine: Engine, clock: Clock) -> None:
    _fill(engine, clock)
    _tamper(
        engine,
        "UPDATE audit_log SET id = 100 WHERE id = 2",
        "UPDATE audit_log SET id = 2 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 100",
    )
    verdict = _verify(engine)
    assert (verdict.bad_id, verdict.reason) == (2, "chain")


def test_a_rewritten_chain_or_a_cut_end_is_caught_by_the_anchor(
    engine: Engine, clock: Clock
) -> None:
    _fill(engine, clock)
    anchor = _verify(engine).head
    _tamper(engine, "DELETE FROM audit_log WHERE id = 5")  # the newest row
    assert _verify(engine).ok  # a chain cut at its end is still a chain…
    verdict = _verify(engine, anchor=anchor)  # …but the head noted earlier is gone
    assert (verdict.ok, verdict.reason) == (False, "anchor")

    with engine.begin() as connection:  # the whole chain recomputed after a change
        connection.execute(text("UPDATE audit_log SET outcome = 'ok' WHERE id = 1"))
    with session_scope(engine) as s:
        prev = audit.GENESIS
        for row in audit.rows(s):
            row.prev_hash = prev
            row.row_hash = audit.row_digest(row)
            prev = row.row_hash
    assert _verify(engine).ok
    assert _verify(engine, anchor=anchor).reason == "anchor"


def test_detail_holds_plain_values_only(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        with pytest.raises(TypeError):
            audit.record(s, "export", username="lan", detail={"at": datetime.now(UTC)})
        with pytest.raises(ValueError, match="unknown audit action"):
            audit.record(s, "telepathy", username="lan")
        with pytest.raises(ValueError, match="outcome"):
            audit.record(s, "export", username="lan", outcome="maybe")


def test_concurrent_appends_from_two_processes_keep_one_chain(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    go, n = tmp_path / "go", 60
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.audit_appender", db_url, str(n), name, str(go)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        go.touch()
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    verdict = _verify(engine)
    assert verdict.ok and verdict.rows == 2 * n
    with session_scope(engine) as s:
        names = [r.username for r in audit.rows(s)]
    assert names.count("one") == names.count("two") == n
    switches = sum(a != b for a, b in itertools.pairwise(names))
    assert switches > 1, "the two appenders did not overlap"


# --- hotich audit ---------------------------------------------------------------------------


def test_audit_list_filters_by_user_since_and_action(engine: Engine, db_url: str) -> None:
    clock = Clock(datetime.now(UTC) - timedelta(hours=2))  # five rows, a minute apart
    _fill(engine, clock)
    listed = hotich("audit", "list", "--json", "--db", db_url)
    assert listed.code == 0, listed
    assert [r["id"] for r in json.loads(listed.out)] == [1, 2, 3, 4, 5]
    by_minh = json.loads(hotich("audit", "list", "--user", "minh", "--json", "--db", db_url).out)
    assert [(r["id"], r["object_id"]) for r in by_minh] == [(4, "3")]
    since = (clock.now - timedelta(minutes=1)).isoformat()  # the last two rows
    recent = json.loads(hotich("audit", "list", "--since", since, "--json", "--db", db_url).out)
    assert [r["id"] for r in recent] == [4, 5]
    lan_recent = hotich(
        "audit", "list", "--user", "lan", "--since", since, "--json", "--db", db_url
    )
    assert [r["id"] for r in json.loads(lan_recent.out)] == [5]
    assert json.loads(hotich("audit", "list", "--since", "1h", "--json", "--db", db_url).out) == []
    logins = json.loads(hotich("audit", "list", "--action", "login", "--json", "--db", db_url).out)
    assert [(r["id"], r["outcome"], r["ip"]) for r in logins] == [(1, "denied", "10.0.0.1")]
    newest = json.loads(hotich("audit", "list", "--limit", "2", "--json", "--db", db_url).out)
    assert [r["id"] for r in newest] == [4, 5]
    table = hotich("audit", "list", "--user", "minh", "--db", db_url, lang="en")
    assert table.out.splitlines()[0].startswith("id\ttime (UTC)")
    assert "\tminh\tview_page\tok\tpage/3\t20227-dai-thanh\t10.0.0.2\t" in table.out
    bad = hotich("audit", "list", "--since", "last tuesday", "--db", db_url)
    assert bad.code == 2 and "last tuesday" in bad.err
    assert hotich("audit", "list", "--action", "telepathy", "--db", db_url).code == 2


def test_audit_verify_exits_0_when_intact_and_1_naming_the_first_bad_row(
    engine: Engine, db_url: str, clock: Clock
) -> None:
    _fill(engine, clock)
    intact = hotich("audit", "verify", "--db", db_url, lang="en")
    assert intact.code == 0, intact
    head = _verify(engine).head
    assert "5 rows" in intact.out and head in intact.out
    assert hotich("audit", "verify", "--anchor", head, "--db", db_url).code == 0
    _tamper(engine, "UPDATE audit_log SET username = 'ai.do' WHERE id = 4")
    broken = hotich("audit", "verify", "--db", db_url, lang="en")
    assert broken.code == 1, broken
    assert "row 4" in broken.err and "changed" in broken.err
    assert hotich("audit", "verify", "--anchor", head, "--db", db_url).code == 1


def test_parse_since() -> None:
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("30m", now) == now - timedelta(minutes=30)
    assert parse_since("2026-11-20T08:00+07:00", now) == datetime(2026, 11, 20, 1, tzinfo=UTC)
    local = parse_since("2026-11-20", now)  # a date alone: midnight, this machine's time
    assert local == datetime(2026, 11, 20).astimezone().astimezone(UTC)
