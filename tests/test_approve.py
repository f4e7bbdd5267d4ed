"""``hotich approve --min-confidence X [--commune KEY]``: a recorded bulk approval."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from hotich.db import session_scope
from hotich.db.models import AuditRow, Decision
from tests.cli_helpers import hotich
from tests.stage_support import FLAG, birth, engine_fixture, statuses, store_page  # noqa: F401


def test_approve_approves_confident_clean_entries_as_the_user(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = store_page(
        engine,
        tmp_path,
        1,
        birth(0, confidence=0.88),
        birth(1, confidence=0.88, flagged="personal_id"),
        birth(2, confidence=0.8),
    )
    (elsewhere,) = store_page(
        engine, tmp_path, 1, birth(0, confidence=0.88), commune="30001-an-binh"
    )
    monkeypatch.setenv("HOTICH_USER", "lan")
    out = hotich(
        "approve",
        "--min-confidence",
        "0.85",
        "--commune",
        "20227-dai-thanh",
        "--db",
        db_url,
        lang="en",
    )
    assert out.code == 0, out.err
    assert "Approved 1 entries" in out.out
    assert "2 entries still need review: 1 with a field flagged, 1 below 0.85" in out.out
    assert "NGUYỄN" not in out.out + out.err  # counts, never personal data
    assert statuses(engine)[ids[0]] == ("approved", None)
    assert {statuses(engine)[i][0] for i in (ids[1], ids[2], elsewhere)} == {"needs_review"}
    with session_scope(engine) as s:
        (decision,) = s.scalars(select(Decision))
        assert (decision.entry_id, decision.username) == (ids[0], "cli:lan")
        assert decision.batch and decision.batch.startswith("approve-")
        (row,) = s.scalars(select(AuditRow).where(AuditRow.action == "approve"))
        assert (row.username, row.object_id, row.detail["entries"]) == (
            "cli:lan",
            decision.batch,
            1,
        )
    again = hotich("approve", "--min-confidence", "0.85", "--db", db_url)
    assert again.code == 0 and "Đã duyệt 1 trường hợp" in again.out  # the other commune's


def test_approve_without_a_user_setting_records_the_login_name(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_page(engine, tmp_path, 1, birth(0, confidence=0.88))
    monkeypatch.delenv("HOTICH_USER", raising=False)
    assert hotich("approve", "--min-confidence", "0.5", "--db", db_url).code == 0
    with session_scope(engine) as s:
        assert s.scalars(select(Decision.username)).one() == f"cli:{getpass.getuser()}"


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc"])
def test_a_confidence_outside_0_1_is_bad_usage(value: str, tmp_path: Path) -> None:
    out = hotich("approve", "--min-confidence", value, "--db", f"sqlite:///{tmp_path / 'h.db'}")
    assert out.code == 2
    if value != "abc":  # typer's own message for a value that is not a number
        assert "từ 0 đến 1" in out.err and value in out.err


def test_an_unknown_commune_is_bad_usage(engine: Engine, db_url: str) -> None:
    out = hotich(
        "approve", "--min-confidence", "0.9", "--commune", "no-such", "--db", db_url, lang="en"
    )
    assert out.code == 2 and "no commune 'no-such'" in out.err
