"""Bring a database to the current schema; every command calls :func:`upgrade` (or
:func:`open_db`) before touching the database.

The Alembic environment lives inside the package (``hotich/db/migrations``) and is run
programmatically, so it works after ``pip install .`` without an ``alembic.ini``. When the
database is already at the newest revision, :func:`upgrade` only reads the version table.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from hotich.db.session import DatabaseError, make_engine, safe_url, writing

log = logging.getLogger(__name__)

MIGRATIONS: Final = Path(__file__).with_name("migrations")
_PG_LOCK_KEY: Final = 0x686F74696368  # "hotich": one migration at a time per PostgreSQL database


def alembic_config(connection: Connection | None = None) -> Config:
    """A fresh Alembic configuration; with ``connection``, env.py migrates over it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def upgrade(target: str | Engine | None = None) -> None:
    """Upgrade the database at ``target`` (a URL, an engine, or None for the resolved default) to
    the newest schema, creating it when empty. Idempotent, and cheap when already up to date.
    Safe when two processes start together: the second waits for the first and finds nothing to do.
    """
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        _upgrade(engine)
    except OperationalError as e:
        raise DatabaseError(
            "db.unreachable", url=safe_url(engine.url), error=str(e.orig).strip().splitlines()[0]
        ) from e
    finally:
        if not isinstance(target, Engine):
            engine.dispose()


def _upgrade(engine: Engine) -> None:
    with engine.connect() as connection:
        if current_revisions(connection) == head_revisions():
            return
    with writing(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        before = current_revisions(connection)
        if before == head_revisions():  # another process did it while we waited for the lock
            return
        command.upgrade(alembic_config(connection), "head")
    log.info(
        "database %s upgraded from %s to %s",
        safe_url(engine.url),
        sorted(before) or "empty",
        sorted(head_revisions()),
    )


def open_db(url: str | None = None) -> Engine:
    """The engine for ``url`` (``--db``, else ``$HOTICH_DB``, else ``sqlite:///hotich.db``), with
    the schema brought up to date: what a command calls first."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
