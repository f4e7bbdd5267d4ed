"""A small world for the review app's tests: two communes with scanned pages on disk (stored as
a run stores them), an account of every role, and the app on the database (``TestClient``), on
SQLite and PostgreSQL (``db_url``).

Commune A (``20227-dai-thanh``): page 1 (an ID the machine flagged), page 2 (a date of birth
read at low confidence), page 3 (approved by the machine). Commune B (``20230-tan-lap``): page 1
waiting for review. Accounts: ``rev.a`` (reviewer of A, second factor), ``clerk.a`` and
``clerk.b`` (clerks of A and B), ``rev.b`` (reviewer of B), ``sup`` (supervisor), ``adm``
(admin, second factor).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from hotich.config.settings import Settings
from hotich.db import open_db, session_scope
from hotich.db.models import AuditRow, Page, User
from hotich.review.app import create_app
from hotich.review.manage import create_user
from hotich.review.totp import code_at
from hotich.review.web.deps import ReviewConfig
from hotich.schema import Entry, FieldValue, Issue, Provenance
from tests.accounts_support import STRONG, Clock, policy
from tests.stage_support import BIRTH, store_page

A = "20227-dai-thanh"
B = "20230-tan-lap"
BOOK_A = "khai-sinh-1998-q01"
BOOK_B = "khai-sinh-2001-q02"
IP = "10.20.0.5"
FLAG = Issue(code="personal_id.length", message="Số định danh có 11 chữ số")
ACCOUNTS = {
    "rev.a": ("reviewer", [A]),
    "rev.b": ("reviewer", [B]),
    "clerk.a": ("clerk", [A]),
    "clerk.b": ("clerk", [B]),
    "sup": ("supervisor", []),
    "adm": ("admin", []),
}


def box(i: int) -> tuple[int, int, int, int]:
    """Field ``i``'s box: one line of the page each."""
    return (24, 24 + i * 36, 420, 30)


def entry(
    index: int = 0,
    *,
    confidence: float = 0.97,
    low: dict[str, float] | None = None,
    issues: dict[str, Issue] | None = None,
    raw: dict[str, str] | None = None,
    **values: str,
) -> Entry:
    """A birth entry (:data:`tests.stage_support.BIRTH` with ``values`` over it), each field in
    its own box."""
    fields = {**BIRTH, "register_number": str(7 + index), **values}
    low, issues, raw = low or {}, issues or {}, raw or {}
    return Entry(
        register_type="khai_sinh",
        entry_index=index,
        fields={
            name: FieldValue(
                value=value,
                raw=raw.get(name, value),
                confidence=low.get(name, confidence),
                bbox=box(i),
                issues=(issues[name],) if name in issues else (),
            )
            for i, (name, value) in enumerate(fields.items())
        },
        provenance=Provenance(engine="fake"),
    )


@dataclass
class World:
    engine: Engine
    url: str
    root: Path
    clock: Clock
    pages: dict[str, int] = field(default_factory=dict)
    """``"A1"`` → page id."""
    entries: dict[str, list[int]] = field(default_factory=dict)
    """``"A1"`` → the page's entry ids."""
    secrets: dict[str, str] = field(default_factory=dict)

    def app(self) -> Any:
        config = ReviewConfig(settings=Settings(db=self.url), policy=policy(), clock=self.clock)
        return create_app(self.engine, config)

    def client(self, ip: str = IP) -> TestClient:
        """A browser-like client (cookies kept, redirects not followed) from ``ip``."""
        return TestClient(self.app(), client=(ip, 50000), follow_redirects=False)

    def totp(self, name: str) -> str | None:
        """A fresh code (the clock moves a step on, since a code is never accepted twice)."""
        if name not in self.secrets:
            return None
        return code_at(self.secrets[name], self.clock.advance(seconds=30))

    def login(self, client: TestClient, name: str) -> TestClient:
        body: dict[str, str] = {"username": name, "password": STRONG}
        code = self.totp(name)
        if code is not None:
            body["totp"] = code
        answer = client.post("/api/login", json=body)
        assert answer.status_code == 200, answer.text
        return client

    def as_user(self, name: str) -> TestClient:
        return self.login(self.client(), name)

    def audit(self, action: str | None = None) -> list[AuditRow]:
        with session_scope(self.engine) as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if action is not None:
                query = query.where(AuditRow.action == action)
            return list(session.scalars(query))


def build_world(db_url: str, root: Path) -> World:
    engine = open_db(db_url)
    world = World(engine, db_url, root, Clock(datetime.now(UTC)))
    flagged = {"personal_id": FLAG}
    world.entries["A1"] = store_page(
        engine, root, 1, entry(0, personal_id="00119801234", issues=flagged), commune=A, book=BOOK_A
    )
    world.entries["A2"] = store_page(
        engine,
        root,
        2,
        entry(0, confidence=0.95, low={"date_of_birth": 0.41}),
        entry(1, confidence=0.96, full_name="TRẦN VĂN BÌNH", sex="Nam", personal_id="001098012346"),
        commune=A,
        book=BOOK_A,
    )
    world.entries["A3"] = store_page(engine, root, 3, entry(0), commune=A, book=BOOK_A)
    world.entries["B1"] = store_page(
        engine, root, 1, entry(0, confidence=0.5, full_name="LÝ THỊ MAI"), commune=B, book=BOOK_B
    )
    with session_scope(engine, write=True) as session:
        for key, (commune, book) in {
            "A1": (A, BOOK_A),
            "A2": (A, BOOK_A),
            "A3": (A, BOOK_A),
            "B1": (B, BOOK_B),
        }.items():
            source = f"{commune}/{book}/{int(key[1:]):04d}.png"
            world.pages[key] = session.scalars(select(Page.id).where(Page.source == source)).one()
        for name, (role, communes) in ACCOUNTS.items():
            created = create_user(
                session, name, role, STRONG, communes=communes, policy=policy(), actor="cli:test"
            )
            if created.otpauth_uri is not None:
                secret = re.search(r"secret=([A-Z2-7]+)", created.otpauth_uri)
                assert secret is not None
                world.secrets[name] = secret[1]
    return world


@pytest.fixture(name="world")
def world_fixture(db_url: str, tmp_path: Path) -> Iterator[World]:
    world = build_world(db_url, tmp_path / "scans")
    yield world
    world.engine.dispose()


def user_row(world: World, name: str) -> User:
    with session_scope(world.engine) as session:
        return session.scalars(select(User).where(User.username == name)).one()
