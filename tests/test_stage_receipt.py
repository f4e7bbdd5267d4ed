"""``hotich stage receipt FILE``: the 158 side's answer per entry; rejected entries go back to
review with the reason, and can be staged again once fixed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from hotich.config.settings import Settings
from hotich.db import session_scope
from hotich.db.decisions import decide, latest_decisions
from hotich.db.models import AuditRow, Decision, EntryRow
from hotich.loaders.stage import build_packages
from tests.cli_helpers import hotich
from tests.stage_support import birth, engine_fixture, statuses, store_page  # noqa: F401


def _staged(engine: Engine, tmp_path: Path, n: int = 3) -> list[int]:
    ids = store_page(engine, tmp_path / "scans", 1, *(birth(i) for i in range(n)))
    report = build_packages(engine, tmp_path / "out", username="cli:t", settings=Settings())
    assert sorted(report.staged) == sorted(ids)
    return ids


def _receipt(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "ket-qua.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_accepted_stay_staged_rejected_go_back_to_review(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    a, b, c = _staged(engine, tmp_path)
    text = f"entry_id,result,reason\n{a},accepted\n{b},rejected,Sai ngày đăng ký\n{c},chấp nhận,\n"
    out = hotich("stage", "receipt", str(_receipt(tmp_path, text)), "--db", db_url, lang="en")
    assert out.code == 0, out.err
    assert "2 entries accepted, 1 rejected" in out.out
    state = statuses(engine)
    assert state[a][0] == state[c][0] == "staged" and state[a][1] is not None
    assert state[b] == ("needs_review", None)
    with session_scope(engine) as s:
        entry = s.get_one(EntryRow, b)
        assert (entry.staged_at, entry.approved_by) == (None, None)
        latest = latest_decisions(s, [a, b, c])
    assert (latest[b].action, latest[b].reason) == ("receipt_reject", "Sai ngày đăng ký")
    assert latest[a].action == latest[c].action == "receipt_accept"
    assert latest[a].batch == latest[b].batch and latest[a].username.startswith("cli:")
    with session_scope(engine) as s:
        (audited,) = s.scalars(select(AuditRow).where(AuditRow.action == "receipt"))
        assert audited.detail == {"accepted": 2, "rejected": 1}
    # fixed in review and approved again, the entry goes into a new package
    with session_scope(engine, write=True) as s:
        decide(s, b, "approve", "lan")
    again = build_packages(engine, tmp_path / "out", username="cli:t", settings=Settings())
    assert again.staged == (b,)


def test_semicolons_a_bom_and_vietnamese_words(engine: Engine, db_url: str, tmp_path: Path) -> None:
    a, b, _ = _staged(engine, tmp_path)
    path = _receipt(tmp_path, f"{a};Chấp nhận\r\n{b};Từ chối;Thiếu trang\r\n", "utf-8-sig")
    assert hotich("stage", "receipt", str(path), "--db", db_url).code == 0
    assert (statuses(engine)[a][0], statuses(engine)[b][0]) == ("staged", "needs_review")


def test_a_bad_file_records_nothing_and_names_every_bad_line(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    a, b, c = _staged(engine, tmp_path)
    with session_scope(engine, write=True) as s:
        decide(s, c, "receipt_reject", "cli:t", reason="x")  # no longer staged
    lines = [
        "entry_id,result",
        f"{a},accepted",
        f"{b},maybe",
        "abc,accepted",
        "99999,rejected",
        f"{a},rejected",
        f"{c},accepted",
    ]
    path = _receipt(tmp_path, "\n".join(lines))
    out = hotich("stage", "receipt", str(path), "--db", db_url, lang="en")
    assert out.code == 2
    assert "line 3: the result must be accepted or rejected" in out.err
    assert "line 4: entry_id must be a number" in out.err
    assert f"line 2: entry {a}" not in out.err
    # the lines that parse are then checked against the database, all at once
    path = _receipt(tmp_path, "\n".join(line for i, line in enumerate(lines) if i not in (2, 3)))
    out = hotich("stage", "receipt", str(path), "--db", db_url, lang="en")
    assert out.code == 2
    assert "line 3: there is no entry 99999" in out.err
    assert f"line 4: entry {a} is already on line 2" in out.err
    assert f"line 5: entry {c} is not staged (it is: needs review)" in out.err
    with session_scope(engine) as s:
        count = s.scalar(select(func.count()).where(Decision.action == "receipt_accept"))
    assert count == 0 and statuses(engine)[a][0] == "staged"


def test_unusable_files_are_bad_usage(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'hotich.db'}"
    assert hotich("stage", "receipt", str(tmp_path / "none.csv"), "--db", db_url).code == 2
    latin = _receipt(tmp_path, "1,từ chối", encoding="utf-16")
    out = hotich("stage", "receipt", str(latin), "--db", db_url, lang="en")
    assert out.code == 2 and "not UTF-8" in out.err
    empty = _receipt(tmp_path, "entry_id,result\n")
    out = hotich("stage", "receipt", str(empty), "--db", db_url, lang="en")
    assert out.code == 2 and "no result line" in out.err
