"""The database: schema migration, the writer (store), corrections, sessions and URLs."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, delete, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from test_db_support import (  # noqa: F401  (fixtures)
    BOOK,
    COMMUNE,
    THRESHOLD,
    engine_fixture,
    entry,
    fv,
    ref,
    result,
    session_fixture,
)

from hotich.db import (
    DatabaseError,
    add_correction,
    claim,
    current_fields,
    finish_run,
    known_pages,
    make_engine,
    open_db,
    resolve_url,
    save_quarantined_file,
    save_result,
    session_factory,
    session_scope,
    start_run,
    upgrade,
)
from hotich.db.migrate import current_revisions, head_revisions
from hotich.db.models import (
    AUTO,
    Base,
    Book,
    Commune,
    Correction,
    EntryRow,
    FieldRow,
    Page,
    QuarantinedFile,
    Run,
)
from hotich.db.store import PageKey
from hotich.errors import BadInputError, ExitCode
from hotich.schema import Issue, PageResult

# --- schema ---------------------------------------------------------------------------------


def test_migration_from_empty_equals_models(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert current_revisions(connection) == head_revisions()
            inspector = inspect(connection)
            tables = set(inspector.get_table_names())
            checks = {c["name"] for t in tables for c in inspector.get_check_constraints(t)}
        assert set(Base.metadata.tables) | {"alembic_version"} == tables
        # compare_metadata does not look at CHECK constraints: their names at least must match
        expected = {
            c.name
            for table in Base.metadata.tables.values()
            for c in table.constraints
            if isinstance(c, CheckConstraint)
        }
        assert checks == expected
        assert expected == {
            "ck_pages_status",
            "ck_entries_status",
            "ck_decisions_action",
            "ck_packages_status",
            "ck_users_role",
            "ck_audit_log_outcome",
        }
        upgrade(engine)  # idempotent: already at head
        with engine.connect() as connection:
            assert current_revisions(connection) == head_revisions()
    finally:
        engine.dispose()


def test_sqlite_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = open_db(f"sqlite:///{tmp_path / 'h.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_in_memory_sqlite_keeps_one_database() -> None:
    engine = open_db("sqlite://")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Page)) == 0
    engine.dispose()


def test_url_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTICH_DB", raising=False)
    assert resolve_url() == "sqlite:///hotich.db"
    monkeypatch.setenv("HOTICH_DB", "sqlite:///env.db")
    assert resolve_url() == "sqlite:///env.db"
    assert resolve_url("sqlite:///option.db") == "sqlite:///option.db"


def test_postgresql_url_gets_psycopg_driver() -> None:
    engine = make_engine("postgresql://u:secret@localhost/hotich")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql://u:secret@localhost/hotich"])
def test_bad_url_is_a_usage_error_without_password(url: str) -> None:
    with pytest.raises(BadInputError) as caught:
        make_engine(url)
    assert caught.value.exit_code == ExitCode.bad_args
    assert "secret" not in str(caught.value)


def test_unreachable_database_is_named_without_password(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://hotich:secret@/hotich?host={tmp_path}&port=1"
    with pytest.raises(DatabaseError) as caught:
        upgrade(url)
    message = str(caught.value)
    assert "secret" not in message and "***" in message
    assert caught.value.exit_code == ExitCode.failed


@pytest.mark.parametrize("how", ["store", "write_session"])
def test_sqlite_writer_waits_for_the_other_writer(tmp_path: Path, how: str) -> None:
    """Writers begin with BEGIN IMMEDIATE: they wait for the lock (busy timeout) instead of
    failing when another writer commits after they read. The store does it by itself, in any
    session; other writers ask with ``write=True``."""
    engine = open_db(f"sqlite:///{tmp_path / 'h.db'}")
    first = session_factory(engine)()
    first.add(Run(root="/a", started_at=datetime.now(UTC), counts={}, version=""))
    first.flush()  # holds the write lock
    done: list[int] = []

    def second_writer() -> None:
        if how == "store":
            with session_scope(engine) as s:  # reads, then writes
                done.append(save_result(s, result(1, entry(0)), None, THRESHOLD).page_id)
        else:
            with session_scope(engine, write=True) as s:
                s.scalar(select(func.count()).select_from(Run))  # reads first, then writes
                s.add(Run(root="/b", started_at=datetime.now(UTC), counts={}, version=""))
                s.flush()
                done.append(1)

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.3)
    assert done == []  # waiting, not failed
    first.commit()
    thread.join(timeout=10)
    assert len(done) == 1
    first.close()
    engine.dispose()


# --- the writer -----------------------------------------------------------------------------


def _current(session: Session) -> list[EntryRow]:
    query = select(EntryRow).where(EntryRow.superseded_at.is_(None)).order_by(EntryRow.id)
    return list(session.scalars(query))


def _snapshot(session: Session) -> list[tuple[object, ...]]:
    rows = session.execute(
        select(
            EntryRow.id,
            EntryRow.entry_index,
            EntryRow.status,
            FieldRow.id,
            FieldRow.name,
            FieldRow.value,
        )
        .join(FieldRow, FieldRow.entry_id == EntryRow.id)
        .order_by(FieldRow.id)
    )
    return [tuple(r) for r in rows]


def test_save_result_is_idempotent(session: Session) -> None:
    low = entry(1, full_name=fv("TRẦN VĂN AN", 0.5))
    page_result = result(3, entry(0), low)
    first = save_result(session, page_result, None, THRESHOLD)
    before = _snapshot(session)
    second = save_result(session, page_result, None, THRESHOLD)
    assert (first.written, second.written) == (2, 0)
    assert session.scalar(select(func.count()).select_from(Page)) == 1
    assert session.scalar(select(func.count()).select_from(Commune)) == 1
    assert session.scalar(select(func.count()).select_from(Book)) == 1
    assert session.scalar(select(func.count()).select_from(EntryRow)) == 2
    assert _snapshot(session) == before
    page = session.scalars(select(Page)).one()
    assert (page.status, page.page_no, page.sha256, page.generation) == ("done", 3, "a" * 64, 0)
    assert page.stages == ["deskew", "ocr"] and page.text == "SỔ ĐĂNG KÝ KHAI SINH"
    book = session.scalars(select(Book)).one()
    assert (book.key, book.register_type, book.commune.code) == (BOOK, "khai_sinh", "20227")
    statuses = [(e.entry_index, e.status, e.approved_by) for e in _current(session)]
    assert statuses == [(0, "approved", AUTO), (1, "needs_review", None)]


def test_entries_keep_issues_provenance_and_boxes(session: Session) -> None:
    issue = Issue(code="personal_id.birth_year_mismatch", message="năm sinh khác")
    page_result = result(1, entry(0, personal_id=fv("001085012345", 0.99, issue)))
    save_result(session, page_result, None, THRESHOLD)
    (row,) = _current(session)
    assert row.status == "needs_review"
    assert row.provenance["engine"] == "fake" and row.provenance["stages"] == ["deskew"]
    (field,) = row.fields
    assert field.bbox == (10, 20, 300, 40)
    assert field.issues == [{"code": "personal_id.birth_year_mismatch", "message": "năm sinh khác"}]


def test_changed_content_replaces_machine_entries(session: Session) -> None:
    save_result(session, result(1, entry(0), entry(1)), None, THRESHOLD)
    old_ids = {e.id for e in _current(session)}
    new = result(1, entry(0, full_name=fv("LÊ VĂN BÌNH")), sha256="b" * 64)
    report = save_result(session, new, None, THRESHOLD)
    assert (report.written, report.superseded, report.removed) == (1, 0, 2)
    current = _current(session)
    assert len(current) == 1 and current[0].id not in old_ids
    assert session.scalar(select(func.count()).select_from(EntryRow)) == 1
    assert {f.name: f.value for f in current[0].fields} == {"full_name": "LÊ VĂN BÌNH"}
    page = session.scalars(select(Page)).one()
    assert (page.sha256, page.generation) == ("b" * 64, 1)
    assert (current[0].page_sha256, current[0].generation) == ("b" * 64, 1)


def test_changed_content_keeps_peoples_work_as_superseded(session: Session) -> None:
    save_result(session, result(1, entry(0), entry(1), entry(2)), None, THRESHOLD)
    corrected, approved, untouched = _current(session)
    add_correction(session, corrected.id, "full_name", "NGUYỄN THỊ HOÀ", user="lan")
    approved.status, approved.approved_by = "approved", "minh"
    session.commit()
    report = save_result(session, result(1, entry(0), sha256="b" * 64), None, THRESHOLD)
    assert (report.written, report.superseded, report.removed) == (1, 2, 1)
    kept = session.scalars(select(EntryRow).where(EntryRow.superseded_at.is_not(None))).all()
    assert {e.id for e in kept} == {corrected.id, approved.id}
    assert session.get(EntryRow, untouched.id) is None
    assert session.scalar(select(func.count()).select_from(Correction)) == 1
    (new,) = _current(session)
    page = session.scalars(select(Page)).one()
    assert (new.generation, page.generation, new.entry_index) == (1, 1, 0)
    with pytest.raises(BadInputError):
        add_correction(session, corrected.id, "full_name", "X", user="lan")


def test_same_content_keeps_entries_unless_asked(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    (first,) = _current(session)
    add_correction(session, first.id, "full_name", "NGUYỄN THỊ HOÀ", user="lan")
    session.commit()
    other = result(1, entry(0, full_name=fv("KHÁC")), entry(1))
    assert save_result(session, other, None, THRESHOLD).written == 0
    assert [e.id for e in _current(session)] == [first.id]
    report = save_result(session, other, None, THRESHOLD, replace=True)
    assert (report.written, report.superseded) == (2, 1)
    assert [e.entry_index for e in _current(session)] == [0, 1]


def test_page_left_processing_is_not_done(engine: Engine) -> None:
    refs = [ref(1), ref(2)]
    with session_scope(engine) as s:
        run_id = start_run(s, "/scans")
        assert claim(s, refs, run_id) == refs
        save_result(s, result(1, entry(0), page_ref=refs[0]), run_id, THRESHOLD)
        # the process dies here: page 2 stays "processing"
    with session_scope(engine, write=False) as s:
        known = known_pages(s, "/scans")
    one, two = known[PageKey(COMMUNE, BOOK, 1)], known[PageKey(COMMUNE, BOOK, 2)]
    assert (one.status, two.status) == ("done", "processing")
    assert one.up_to_date(refs[0]) and not two.up_to_date(refs[1])
    assert not one.up_to_date(ref(1, file_sha256="e" * 64))
    assert not one.up_to_date(ref(1, index=1))
    assert (one.attempts, two.attempts, two.sha256) == (1, 1, "")
    with session_scope(engine) as s:
        rerun = start_run(s, "/scans")
        assert claim(s, refs, rerun, seen=known) == [refs[1]]  # page 1 is done
        assert known_pages(s, communes=["other"]) == {}
        assert known_pages(s)[PageKey(COMMUNE, BOOK, 2)].attempts == 2
        page = s.scalars(select(Page).where(Page.page_no == 2)).one()
        assert (page.status, page.run_id) == ("processing", rerun)
        assert page.claimed_at is not None


def test_moved_scan_folder_is_still_known(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    known = known_pages(session, "/mnt/elsewhere")
    assert known[PageKey(COMMUNE, BOOK, 1)].up_to_date(ref(1, root="/mnt/elsewhere"))


def test_unchanged_result_only_records_the_file(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    save_result(session, result(2, page_ref=ref(2)), None, THRESHOLD)  # a page without entries
    before = _snapshot(session)
    run_id = start_run(session, "/scans")
    for page_no in (1, 2):
        new_file = ref(page_no, file_sha256="e" * 64)
        assert claim(session, [new_file], run_id) == [new_file]
        same = PageResult(ref=new_file, sha256="a" * 64, unchanged=True, seconds=0.1)
        assert save_result(session, same, run_id, THRESHOLD).written == 0
    assert _snapshot(session) == before
    for page in session.scalars(select(Page)):
        assert (page.status, page.file_sha256) == ("done", "e" * 64)
        assert page.text == "SỔ ĐĂNG KÝ KHAI SINH" and page.stages == ["deskew", "ocr"]
    wrong = PageResult(ref=ref(1), sha256="d" * 64, unchanged=True)
    with pytest.raises(ValueError, match="unchanged"):
        save_result(session, wrong, None, THRESHOLD)


def test_failed_result_quarantines_the_page(session: Session) -> None:
    failed = result(1, sha256="", ok=False, error_code="decode.truncated", error_message="…")
    save_result(session, failed, None, THRESHOLD)
    page = session.scalars(select(Page)).one()
    assert (page.status, page.error_code, page.error_message) == (
        "quarantined",
        "decode.truncated",
        "…",
    )
    assert _current(session) == []
    save_result(session, result(1, entry(0)), None, THRESHOLD)  # fixed: entries come
    assert (page.status, page.error_code) == ("done", None)
    assert len(_current(session)) == 1
    save_result(session, failed, None, THRESHOLD)  # undecodable again: entries stay
    assert page.status == "quarantined" and len(_current(session)) == 1
    ocr_failed = result(1, sha256="c" * 64, ok=False, error_code="ocr.crash")
    save_result(session, ocr_failed, None, THRESHOLD)  # new content, unread: old entries go
    assert _current(session) == [] and page.sha256 == "c" * 64


def test_repeated_entry_index_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="repeat"):
        save_result(session, result(1, entry(0), entry(0)), None, THRESHOLD)
    assert session.scalar(select(func.count()).select_from(Page)) == 0


def test_quarantined_file_is_upserted(session: Session) -> None:
    run_id = start_run(session, "/scans")
    save_quarantined_file(session, "/scans", "x/notes.png", "scan.no_page_number", "…", run_id)
    save_quarantined_file(session, "/scans", "x/notes.png", "decode.truncated", "!", run_id)
    row = session.scalars(select(QuarantinedFile)).one()
    assert (row.code, row.message, row.run_id) == ("decode.truncated", "!", run_id)
    assert row.updated_at >= row.created_at


def test_runs_are_recorded(session: Session) -> None:
    run_id = start_run(session, Path("/scans"))
    finish_run(session, run_id, {"done": 3, "quarantined": 1}, 3)
    run = session.get_one(Run, run_id)
    assert (run.root, run.counts, run.exit_code) == ("/scans", {"done": 3, "quarantined": 1}, 3)
    assert run.finished_at is not None and run.finished_at >= run.started_at


def test_timestamps_come_back_utc_aware(engine: Engine) -> None:
    before = datetime.now(UTC)
    with session_scope(engine) as s:
        save_result(s, result(1, entry(0)), None, THRESHOLD)
    with session_scope(engine, write=False) as s:
        page = s.scalars(select(Page)).one()
        assert page.processed_at is not None and page.processed_at.tzinfo is not None
        assert page.processed_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= page.processed_at <= datetime.now(UTC)
        page.processed_at = datetime(2024, 1, 1, 12, 0)  # naive: refused
        with pytest.raises(Exception, match="naive"):
            s.flush()
        s.rollback()


# --- corrections ----------------------------------------------------------------------------


def test_corrections_are_rows_and_current_value_derives_from_them(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    (row,) = _current(session)
    first = add_correction(session, row.id, "full_name", "NGUYỄN  THỊ HOÀ ", user="lan")
    second = add_correction(
        session, row.id, "full_name", "NGUYỄN THỊ HÒA", user="minh", reason="sổ gốc"
    )
    added = add_correction(session, row.id, "sex", "Nữ", user="lan")
    session.commit()
    assert (first.old_value, first.new_value) == ("NGUYỄN THỊ HOA", "NGUYỄN THỊ HOÀ")
    assert (second.old_value, second.username, second.reason) == (
        "NGUYỄN THỊ HOÀ",
        "minh",
        "sổ gốc",
    )
    assert added.old_value is None
    assert session.scalar(select(func.count()).select_from(Correction)) == 3
    machine = session.scalars(select(FieldRow).where(FieldRow.name == "full_name")).one()
    assert machine.value == "NGUYỄN THỊ HOA"  # never overwritten
    fields = current_fields(session, [row.id])[row.id]
    assert fields["full_name"].value == "NGUYỄN THỊ HÒA" and fields["full_name"].corrected
    assert fields["full_name"].machine_value == "NGUYỄN THỊ HOA"
    assert fields["full_name"].bbox == (10, 20, 300, 40)
    assert fields["sex"].value == "Nữ" and fields["sex"].machine_value is None
    assert not fields["register_number"].corrected


def test_correction_of_unknown_field_or_entry_is_refused(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    (row,) = _current(session)
    with pytest.raises(BadInputError):
        add_correction(session, row.id, "wife_name", "X", user="lan")
    with pytest.raises(BadInputError):
        add_correction(session, row.id + 1000, "full_name", "X", user="lan")


def test_database_refuses_to_delete_a_corrected_entry(session: Session) -> None:
    save_result(session, result(1, entry(0)), None, THRESHOLD)
    (row,) = _current(session)
    add_correction(session, row.id, "full_name", "X", user="lan")
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(delete(EntryRow).where(EntryRow.id == row.id))
        session.flush()
    session.rollback()
