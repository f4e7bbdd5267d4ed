"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql`` binaries, a temporary
data folder, a free loopback port, no durability (``fsync=off``), gone when the session ends.

As root, ``initdb`` refuses to run, so the server runs as the ``postgres`` system user (which
the Debian package creates) in a folder that user owns. The cluster Debian creates itself is
never used or started.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Final

import psycopg

SEARCH: Final = Path("/usr/lib/postgresql")
SUPERUSER: Final = "postgres"
TEST_DB: Final = "hotich_test"
SETTINGS: Final = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c shared_buffers=32MB"
)


class PgUnavailable(Exception):
    """No PostgreSQL server can be started here (the message says why)."""


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with ``initdb`` and ``pg_ctl``, else the
    folder of an ``initdb`` on PATH, else None."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    for bindir in sorted(SEARCH.glob("*/bin"), key=version, reverse=True):
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    initdb = shutil.which("initdb")
    bindir = Path(initdb).resolve().parent if initdb else None
    return bindir if bindir is not None and (bindir / "pg_ctl").is_file() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One server: :meth:`start`, then :meth:`reset` for each test's empty database (its URL),
    then :meth:`stop`, which removes everything."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = 0
        self._as: dict[str, Any] = {}
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(SUPERUSER)
            except KeyError as e:
                raise PgUnavailable(f"running as root and there is no {SUPERUSER!r} user") from e
            self._as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
        # as root, in /tmp: $TMPDIR may be a folder the postgres user cannot enter
        self.root = Path(tempfile.mkdtemp(prefix="hotich-pg-", dir="/tmp" if owner else None))
        self.data = self.root / "data"
        if owner is not None:
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str | os.PathLike[str]) -> None:
        try:
            subprocess.run(
                [str(a) for a in args],
                cwd=self.root,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
                **self._as,
            )
        except subprocess.CalledProcessError as e:
            raise PgUnavailable(f"{Path(args[0]).name} failed: {e.stdout}{e.stderr}") from e

    def start(self) -> None:
        self._run(
            self.bindir / "initdb",
            "-D",
            self.data,
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )
        for _attempt in range(3):  # the free port may be taken before the server binds it
            self.port = _free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.root} {SETTINGS}"
            )
            try:
                log = self.root / "server.log"
                self._pg_ctl("start", "-w", "-t", "60", "-l", log, "-o", options)
                break
            except PgUnavailable:
                if "could not bind" not in (log.read_text() if log.exists() else ""):
                    raise
        self.create_database(TEST_DB)

    def _pg_ctl(self, *args: str | os.PathLike[str]) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, *args)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = TEST_DB) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, *statements: str, database: str = "postgres") -> None:
        dsn = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"
        with psycopg.connect(dsn, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement.encode())

    def create_database(self, name: str) -> None:
        self._admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")

    def reset(self, name: str = TEST_DB) -> str:
        """Empty a database (ending every other session on it: a killed run's, a leaked
        engine's), as fresh as a new one but ten times faster to get; its URL."""
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            "DROP SCHEMA public CASCADE",
            "CREATE SCHEMA public",
            database=name,
        )
        return self.url(name)


def start_server() -> PgServer:
    """A started server, or PgUnavailable saying why there cannot be one."""
    bindir = find_bindir()
    if bindir is None:
        raise PgUnavailable(
            f"PostgreSQL server binaries not found (no initdb under {SEARCH}/*/bin or on PATH); "
            "install Debian's postgresql package"
        )
    server = PgServer(bindir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
