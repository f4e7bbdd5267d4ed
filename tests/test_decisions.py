"""Decisions about entries: allowed transitions only, one Decision row each, in the caller's
transaction; the bulk approval ``hotich approve`` makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from hotich.db import add_correction, session_scope
from hotich.db.decisions import (
    TRANSITIONS,
    DecisionRefused,
    bulk_approve,
    decide,
    latest_decisions,
)
from hotich.db.models import Decision, EntryRow, Package
from hotich.db.types import utcnow
from hotich.errors import BadInputError, ExitCode
from tests.stage_support import FLAG, birth, engine_fixture, store_page  # noqa: F401

STATUSES = ("needs_review", "approved", "rejected", "staged")


def _package(engine: Engine) -> int:
    with session_scope(engine) as s:
        package = Package(name="p", out_dir="/out", username="cli:test", status="building")
        s.add(package)
        s.flush()
        return package.id


def _decisions(engine: Engine, entry_id: int) -> list[tuple[str, str, str, str, str | None]]:
    with session_scope(engine) as s:
        rows = s.scalars(
            select(Decision).where(Decision.entry_id == entry_id).order_by(Decision.id)
        )
        return [(d.action, d.old_status, d.new_status, d.username, d.reason) for d in rows]


def test_a_life_of_decisions(engine: Engine, tmp_path: Path) -> None:
    (entry_id,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.5))
    package_id = _package(engine)
    steps = [
        ("approve", "lan", None, "approved"),
        ("reject", "hung", "ảnh mờ, không đọc được ngày sinh", "rejected"),
        ("reopen", "hung", None, "needs_review"),
        ("approve", "lan", None, "approved"),
        ("stage", "cli:lan", None, "staged"),
        ("receipt_accept", "cli:lan", None, "staged"),
        ("receipt_reject", "cli:lan", "Sai ngày đăng ký", "needs_review"),
    ]
    for action, user, reason, status in steps:
        with session_scope(engine, write=True) as s:
            decision = decide(s, entry_id, action, user, reason=reason, package_id=package_id)
            assert decision.new_status == status
        with session_scope(engine) as s:
            entry = s.get_one(EntryRow, entry_id)
            assert entry.status == status
            if action == "approve":
                assert entry.approved_by == user and entry.approved_at is not None
            if action == "stage":
                assert entry.package_id == package_id and entry.staged_at is not None
                assert entry.approved_by == "lan"  # who approved it is kept while staged
            if status in ("needs_review", "rejected"):
                assert (entry.approved_by, entry.approved_at) == (None, None)
                assert (entry.package_id, entry.staged_at) == (None, None)
    previous = "needs_review"
    recorded = _decisions(engine, entry_id)
    for (action, user, reason, status), row in zip(steps, recorded, strict=True):
        assert row == (action, previous, status, user, reason)
        previous = status


def test_only_allowed_transitions(engine: Engine, tmp_path: Path) -> None:
    (entry_id,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.5))
    package_id = _package(engine)
    refused = 0
    for action, (allowed, _) in TRANSITIONS.items():
        for status in STATUSES:
            if status in allowed:
                continue
            with session_scope(engine) as s:
                s.get_one(EntryRow, entry_id).status = status
            with session_scope(engine, write=True) as s, pytest.raises(DecisionRefused) as e:
                decide(s, entry_id, action, "lan", reason="x", package_id=package_id)
            assert e.value.exit_code == ExitCode.bad_args
            assert str(entry_id) in str(e.value)
            refused += 1
    assert refused == 16
    assert _decisions(engine, entry_id) == []


def test_reject_needs_a_reason_stage_a_package(engine: Engine, tmp_path: Path) -> None:
    (entry_id,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.5))
    with session_scope(engine, write=True) as s:
        with pytest.raises(DecisionRefused, match=str(entry_id)):
            decide(s, entry_id, "reject", "lan", reason="  ")
        with pytest.raises(DecisionRefused):
            decide(s, entry_id + 100, "approve", "lan")
        with pytest.raises(ValueError, match="unknown decision"):
            decide(s, entry_id, "bless", "lan")
        decide(s, entry_id, "approve", "lan")
        with pytest.raises(ValueError, match="package"):
            decide(s, entry_id, "stage", "lan")


def test_a_superseded_entry_takes_only_receipts(engine: Engine, tmp_path: Path) -> None:
    (entry_id,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.5))
    with session_scope(engine) as s:
        entry = s.get_one(EntryRow, entry_id)
        entry.status, entry.superseded_at = "staged", utcnow()
    with session_scope(engine, write=True) as s:
        decide(s, entry_id, "receipt_accept", "cli:lan")
        s.get_one(EntryRow, entry_id).status = "needs_review"
        with pytest.raises(DecisionRefused, match="lần đọc mới"):
            decide(s, entry_id, "approve", "lan")


def test_a_decision_is_part_of_the_callers_transaction(engine: Engine, tmp_path: Path) -> None:
    (entry_id,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.5))
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        decide(s, entry_id, "approve", "lan")
        s.flush()
        raise RuntimeError("the audit record could not be written")
    with session_scope(engine) as s:
        assert s.get_one(EntryRow, entry_id).status == "needs_review"
        assert s.scalar(select(func.count()).select_from(Decision)) == 0


def test_latest_decision_carries_the_reason(engine: Engine, tmp_path: Path) -> None:
    first, second = store_page(engine, tmp_path, 1, birth(0, confidence=0.5), birth(1))
    with session_scope(engine, write=True) as s:
        decide(s, first, "reject", "hung", reason="mờ")
        decide(s, first, "reopen", "hung")
        decide(s, first, "reject", "hung", reason="thiếu trang")
    with session_scope(engine) as s:
        latest = latest_decisions(s, [first, second])
    assert list(latest) == [first]
    assert (latest[first].action, latest[first].reason) == ("reject", "thiếu trang")


# --- bulk approval ---------------------------------------------------------------------------


def test_bulk_approve_takes_confident_entries_without_issues(
    engine: Engine, tmp_path: Path
) -> None:
    ids = store_page(
        engine,
        tmp_path,
        1,
        birth(0),  # every field 0.97: the machine approved it already
        birth(1, confidence=0.85),  # approved at 0.8
        birth(2, confidence=0.85, flagged="personal_id"),  # a field issue
        birth(3, confidence=0.85, issues=(FLAG,)),  # an entry issue
        birth(4, low={"full_name": 0.6}),  # below 0.8 …
        birth(5, low={"full_name": 0.6}),  # … but a person corrects that field
        birth(6, low={"sex": 0.79}),
    )
    (other,) = store_page(engine, tmp_path, 1, birth(0, confidence=0.85), commune="30001-an-binh")
    with session_scope(engine, write=True) as s:
        add_correction(s, ids[5], "full_name", "NGUYỄN THỊ HOÀ", user="lan")
    with session_scope(engine, write=True) as s:
        done = bulk_approve(s, 0.8, "cli:lan", commune="20227-dai-thanh")
    assert done.approved == (ids[1], ids[5])
    assert done.left == {"entry_issues": 1, "field_issues": 1, "below_confidence": 2}
    assert done.left_total == 4
    with session_scope(engine) as s:
        decisions = list(s.scalars(select(Decision).order_by(Decision.id)))
        assert [(d.entry_id, d.action, d.username, d.batch) for d in decisions] == [
            (ids[1], "approve", "cli:lan", done.batch),
            (ids[5], "approve", "cli:lan", done.batch),
        ]
        assert s.get_one(EntryRow, other).status == "needs_review"  # another commune
        assert s.get_one(EntryRow, ids[0]).approved_by == "auto"
    with session_scope(engine, write=True) as s:
        again = bulk_approve(s, 0.8, "cli:lan")
    assert again.approved == (other,) and again.batch != done.batch


def test_bulk_approve_refuses_a_confidence_outside_0_1(engine: Engine) -> None:
    with session_scope(engine, write=True) as s:
        for bad in (-0.1, 1.01, float("nan")):
            with pytest.raises(BadInputError):
                bulk_approve(s, bad, "cli:lan")
