"""Engines and sessions: SQLite (WAL) or PostgreSQL (psycopg 3), chosen by URL.

The URL comes from the ``--db`` option, else ``$HOTICH_DB``, else ``sqlite:///hotich.db`` in the
current folder (:func:`resolve_url`).

SQLite is set up for one writer beside readers (the review app, reports): write-ahead logging so
readers never block the writer, foreign keys on, a busy timeout instead of an immediate "database
is locked", and transactions that really begin with ``BEGIN``. A transaction that writes should
begin with ``BEGIN IMMEDIATE`` (:func:`begin_write`; the writer in :mod:`hotich.db.store` does
it itself): it then takes the write lock up front and waits for it, where a transaction that
read first would fail at once if another writer committed in between.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from hotich.config.settings import Settings
from hotich.errors import BadInputError, HotichError

log = logging.getLogger(__name__)

DEFAULT_URL: Final = "sqlite:///hotich.db"
BACKENDS: Final = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
_BEGIN_OPTION: Final = "hotich_sqlite_begin"


class DatabaseError(HotichError):
    """The database cannot be reached or set up (the message names it, without password)."""


def resolve_url(option: str | None = None) -> str:
    """The database URL: the ``--db`` option, else ``$HOTICH_DB``, else ``sqlite:///hotich.db``."""
    if option:
        return option
    return Settings().db or DEFAULT_URL


def safe_url(url: str | URL) -> str:
    """The URL as it may be shown or logged: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def parse_url(url: str) -> URL:
    """Parse and check a database URL; a bad or unsupported one is a usage error (exit 2)."""
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise BadInputError("db.bad_url", url=safe_url(url)) from e
    if parsed.get_backend_name() not in BACKENDS:
        raise BadInputError(
            "db.unsupported_backend", url=safe_url(parsed), backends=", ".join(BACKENDS)
        )
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver hotich installs; SQLAlchemy 2.0 would pick psycopg2 for a
        # bare ``postgresql://``. An explicit ``+driver`` is left as given.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    """An engine for ``url`` (resolved as in :func:`resolve_url` when None)."""
    parsed = parse_url(resolve_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    return create_engine(parsed, echo=echo, pool_pre_ping=True)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {}
    if in_memory:  # one shared connection, or each connection would see its own empty database
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN, instead of the sqlite3 module's own
        # transaction guessing (which starts transactions late and breaks SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                # Safe with WAL: an application crash loses nothing committed; a power cut may
                # lose the last pages, which the next run then redoes.
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


WRITE_OPTIONS: Final = {_BEGIN_OPTION: "IMMEDIATE"}


def begin_write(session: Session) -> None:
    """Begin the session's transaction as a writer (SQLite: ``BEGIN IMMEDIATE``). Does nothing
    when a transaction is already under way (it began as it began) or on PostgreSQL."""
    if not session.in_transaction():
        session.connection(execution_options=WRITE_OPTIONS)


def writing(engine: Engine) -> Engine:
    """The same engine, whose transactions take SQLite's write lock when they begin.

    A SQLite transaction that reads and then writes cannot wait for a lock another writer holds
    (it fails at once); beginning with ``BEGIN IMMEDIATE`` makes it wait, up to the busy timeout.
    No effect on PostgreSQL.
    """
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**WRITE_OPTIONS)


def session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``write=True`` for sessions whose transactions write (every
    transaction then takes SQLite's write lock when it begins).

    Objects stay usable after a commit (``expire_on_commit=False``): the writer commits after
    every page and keeps going.
    """
    bind = writing(engine) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises.

    By default its transactions begin as readers, so a long export or report never holds
    SQLite's write lock. The functions of :mod:`hotich.db.store` take the lock themselves;
    other code that reads and then writes (the review app) should pass ``write=True``.
    """
    session = session_factory(engine, write=write)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """``INSERT`` in the session's dialect, for ``ON CONFLICT DO NOTHING / DO UPDATE``
    (the same spelling on SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
