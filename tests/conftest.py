"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

``db_url`` gives each test a fresh, empty database: a file in tmp_path, or the emptied test
database of a PostgreSQL server started once per session (:mod:`tests.pg`). Without PostgreSQL
binaries the PostgreSQL cases are skipped with the reason, except under CI (``$CI`` set), where
they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PgServer, PgUnavailable, start_server

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        server = start_server()
    except PgUnavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the database tests: {e}")
        pytest.skip(f"no PostgreSQL server: {e}")
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hotich.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    yield server.reset()
