"""Claims: which run works on which page, so that runs on one database never do a page twice,
and a page a dead run was working on is redone.

A run *claims* a few pages at a time, just before working on them (:func:`claim`): in one
transaction it creates the pages' rows if need be, picks those that are still to do, and marks
them ``processing`` with its run id and the time. A page is to do when it is not finished from
this very file, nobody else finished it since the run looked (:class:`Seen`), and it is not
claimed by a run that is still alive. A claim by a dead run is stale: the page is redone.

Whether a run is alive is held outside the tables, by a :class:`RunLease` kept for the run's
whole life, which dies with its process however it dies:

* PostgreSQL: the run holds the session-level advisory lock ``(NAMESPACE, run id)`` on a
  connection of its own. Several runs may work at once; their claims select rows with
  ``FOR UPDATE SKIP LOCKED``, so two claims never take the same page, and a run is alive
  exactly while its lock is held (read from ``pg_locks``, which takes no lock itself).
* SQLite: one run per database file at a time, held by an exclusive ``flock`` on a file beside
  the database; a second run stops with a clear message. So any page still ``processing`` was
  left by a dead run. (``BEGIN IMMEDIATE`` serializes the claims themselves.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NamedTuple, Protocol

from sqlalchemy import Connection, Engine, Table, and_, or_, select, text, update
from sqlalchemy.orm import Session

from hotich.db.identity import commune_code
from hotich.db.models import Base, Book, Commune, Page
from hotich.db.session import begin_write, dialect_insert
from hotich.db.types import utcnow
from hotich.errors import HotichError
from hotich.schema.page import PageRef
from hotich.schema.registers import register_from_book

log = logging.getLogger(__name__)

TABLES: Final = Base.metadata.tables

NAMESPACE: Final = 0x686F7463
"""First key of a run's advisory lock ("hotc"); the second is the run id. (Two int4 keys: apart
from the one-bigint key :mod:`hotich.db.migrate` locks.)"""

_LEASE_SETTINGS: Final = text(
    # The lease's connection sits idle for the whole run: a server-side idle limit must not end
    # it, and if the run's machine dies without a word, the server should notice in about two
    # minutes (TCP keepalives), not hours, so that another run can redo its pages. Settings this
    # server does not have (idle_session_timeout before PostgreSQL 14) are left out.
    "SELECT set_config(s.name, v.value, false) FROM pg_settings AS s JOIN (VALUES"
    " ('idle_session_timeout', '0'), ('tcp_keepalives_idle', '60'),"
    " ('tcp_keepalives_interval', '10'), ('tcp_keepalives_count', '6')"
    ") AS v (name, value) ON v.name = s.name"
)
_LIVE_RUNS: Final = text(
    "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND objsubid = 2 AND classid::bigint = :ns"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class PageKey(NamedTuple):
    """A page's identity."""

    commune: str
    book: str
    page_no: int


class Seen(Protocol):
    """A page as the run saw it when it looked (a :class:`hotich.db.store.KnownPage`)."""

    @property
    def status(self) -> str: ...

    @property
    def attempts(self) -> int: ...


class RunLockedError(HotichError):
    """Another run holds the SQLite database (exit code 1)."""


def key_of(ref: PageRef) -> PageKey:
    return PageKey(ref.commune, ref.book, ref.page_no)


# --- claiming ------------------------------------------------------------------------------


def claim(
    session: Session,
    refs: Sequence[PageRef],
    run_id: int,
    limit: int | None = None,
    *,
    seen: Mapping[PageKey, Seen] | None = None,
) -> list[PageRef]:
    """Claim for run ``run_id`` the pages of ``refs`` that are still to do (at most ``limit``),
    in one transaction; the claimed refs, in the order given.

    A ref left out is finished, or being done by another live run (which will store it), or,
    on PostgreSQL, being claimed right now by another run. ``seen`` is what the run knew of
    each page when it decided to do it (a page missing from it was new): a page that is no
    longer as seen, and not ``processing``, was finished by another run since, and is left.
    """
    if not refs:
        return []
    begin_write(session)
    try:
        claimed = _claim(session, refs, run_id, limit, seen)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    log.debug("run %d claimed %d of %d pages", run_id, len(claimed), len(refs))
    return claimed


def _claim(
    session: Session,
    refs: Sequence[PageRef],
    run_id: int,
    limit: int | None,
    seen: Mapping[PageKey, Seen] | None,
) -> list[PageRef]:
    ids = _ensure_rows(session, refs)
    query = select(Page).where(Page.id.in_(set(ids.values()))).order_by(Page.id)
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    if on_postgresql:
        query = query.with_for_update(skip_locked=True)
    rows = {p.id: p for p in session.scalars(query.execution_options(populate_existing=True))}
    live = live_runs(session) if on_postgresql else set()
    now, claimed = utcnow(), []
    for ref in refs:
        page = rows.get(ids[key_of(ref)])
        if page is None or not _to_do(page, ref, run_id, live, seen):
            continue
        page.status, page.run_id, page.claimed_at = "processing", run_id, now
        page.attempts += 1
        page.root, page.source, page.source_index, page.kind = (
            ref.root,
            ref.source,
            ref.index,
            ref.kind,
        )
        claimed.append(ref)
        if limit is not None and len(claimed) >= limit:
            break
    session.flush()
    return claimed


def _to_do(
    page: Page, ref: PageRef, run_id: int, live: set[int], seen: Mapping[PageKey, Seen] | None
) -> bool:
    if page.status == "processing":  # by a live run: theirs (or ours already); else stale
        return page.run_id != run_id and (page.run_id is None or page.run_id not in live)
    if (
        page.status == "done"
        and page.file_sha256 == ref.file_sha256
        and page.source == ref.source
        and page.source_index == ref.index
    ):
        return False
    if seen is None:
        return True
    prior = seen.get(key_of(ref))
    return (page.status, page.attempts) == (
        (prior.status, prior.attempts) if prior is not None else ("pending", 0)
    )


def live_runs(session: Session) -> set[int]:
    """Ids of the runs alive now: those holding their advisory lock (PostgreSQL only; on
    SQLite the answer is empty, as no other run can be alive beside the caller)."""
    if session.get_bind().dialect.name != "postgresql":
        return set()
    return {int(n) for n in session.scalars(_LIVE_RUNS, {"ns": NAMESPACE})}


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT … ON CONFLICT DO NOTHING``: the rows that do not exist yet."""
    session.execute(dialect_insert(session, table).on_conflict_do_nothing(), rows)


def _ensure_rows(session: Session, refs: Sequence[PageRef]) -> dict[PageKey, int]:
    """Create the missing commune, book and page rows of ``refs`` (another run may be creating
    them too: a conflict means it did); the page id of each ref. Rows are inserted in key order,
    so two runs' transactions wait for each other in the same order."""
    communes = sorted({ref.commune for ref in refs})
    _insert_new(
        session, TABLES["communes"], [{"key": c, "code": commune_code(c)} for c in communes]
    )
    query = select(Commune.key, Commune.id).where(Commune.key.in_(communes))
    commune_ids = {key: commune_id for key, commune_id in session.execute(query)}
    hints = {(r.commune, r.book): r.register_hint or register_from_book(r.book) for r in refs}
    _insert_new(
        session,
        TABLES["books"],
        [
            {"commune_id": commune_ids[c], "key": b, "register_type": hints[c, b]}
            for c, b in sorted(hints)
        ],
    )
    wanted = or_(*(and_(Book.commune_id == commune_ids[c], Book.key == b) for c, b in hints))
    book_ids: dict[tuple[str, str], int] = {}
    for book_id, commune, book, register_type in session.execute(
        select(Book.id, Commune.key, Book.key, Book.register_type).join(Commune).where(wanted)
    ):
        book_ids[commune, book] = book_id
        if register_type is None and hints[commune, book] is not None:
            session.execute(
                update(Book).where(Book.id == book_id).values(register_type=hints[commune, book])
            )
    wanted_pages = sorted(
        {(book_ids[r.commune, r.book], r.page_no): r for r in refs}.items(), key=lambda kv: kv[0]
    )
    _insert_new(
        session,
        TABLES["pages"],
        [
            {"book_id": book_id, "page_no": page_no, "created_at": utcnow(), **_where(ref)}
            for (book_id, page_no), ref in wanted_pages
        ],
    )
    by_book: dict[int, list[int]] = {}
    for (book_id, page_no), _ref in wanted_pages:
        by_book.setdefault(book_id, []).append(page_no)
    pages = session.execute(
        select(Page.id, Page.book_id, Page.page_no).where(
            or_(*(and_(Page.book_id == b, Page.page_no.in_(nos)) for b, nos in by_book.items()))
        )
    )
    page_ids = {(book_id, page_no): page_id for page_id, book_id, page_no in pages}
    return {key_of(r): page_ids[book_ids[r.commune, r.book], r.page_no] for r in refs}


def _where(ref: PageRef) -> dict[str, Any]:
    return {"root": ref.root, "source": ref.source, "source_index": ref.index, "kind": ref.kind}


# --- a run's lease on life -----------------------------------------------------------------


_PRIVATE_FDS: set[int] = set()
"""Descriptors that must not outlive this process in its forked children (worker processes):
the run lock, the advisory lock's socket. A child that inherited them would keep the run
"alive" after the run itself died."""


def _forget_private_fds() -> None:
    if not _PRIVATE_FDS:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in _PRIVATE_FDS:  # /dev/null in their place: any later close stays harmless
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    finally:
        os.close(null)
    _PRIVATE_FDS.clear()


os.register_at_fork(after_in_child=_forget_private_fds)


def lock_path(engine: Engine) -> Path | None:
    """The SQLite database's run lock file (beside it), or None (in-memory, PostgreSQL)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    if database.startswith("file:"):  # a URI filename: no stable place beside it
        return None
    db = Path(database).resolve()
    return db.with_name(db.name + ".run.lock")


class RunLease:
    """What keeps a run alive in the others' eyes (see the module docstring). Use
    :func:`run_lease`; call :meth:`hold` once the run has an id."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.run_id: int | None = None
        self._lock_fd: int | None = None
        self._connection: Connection | None = None
        self._socket_fd: int | None = None

    def lock_database(self) -> None:
        """SQLite: take the database's run lock, or raise RunLockedError."""
        path = lock_path(self.engine)
        if path is None:
            return
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:
            raise HotichError("claims.lock_failed", path=str(path), error=e.strerror) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            db = path.with_name(path.name.removesuffix(".run.lock"))
            raise RunLockedError("claims.sqlite_busy", db=str(db), pid=holder) from e
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd
        _PRIVATE_FDS.add(fd)

    def hold(self, run_id: int) -> None:
        """PostgreSQL: take run ``run_id``'s advisory lock on a connection of its own, before
        the run claims anything."""
        self.run_id = run_id
        if self.engine.dialect.name != "postgresql":
            return
        connection = self.engine.connect()
        connection.execute(_LEASE_SETTINGS)
        connection.execute(
            text("SELECT pg_advisory_lock(CAST(:ns AS integer), CAST(:run AS integer))"),
            {"ns": NAMESPACE, "run": run_id},
        )
        connection.commit()
        self._connection = connection
        fileno = getattr(connection.connection.dbapi_connection, "fileno", None)
        if fileno is not None:
            self._socket_fd = int(fileno())
            _PRIVATE_FDS.add(self._socket_fd)

    def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            _PRIVATE_FDS.discard(self._socket_fd or -1)
            try:  # unlocked at once for all to see (closing alone would do it a moment later)
                connection.execute(
                    text("SELECT pg_advisory_unlock(CAST(:ns AS integer), CAST(:run AS integer))"),
                    {"ns": NAMESPACE, "run": self.run_id},
                )
            except Exception:  # pragma: no cover - the lock dies with the connection anyway
                log.warning("run %s: unlocking failed; closing its connection", self.run_id)
            connection.invalidate()  # never back to the pool: closed, and any lock with it
            connection.close()
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            _PRIVATE_FDS.discard(fd)
            os.close(fd)  # releases the flock


@contextlib.contextmanager
def run_lease(engine: Engine) -> Iterator[RunLease]:
    """A run's lease, released when the block ends. SQLite: raises RunLockedError at once when
    another run holds the database."""
    lease = RunLease(engine)
    lease.lock_database()
    try:
        yield lease
    finally:
        lease.release()
