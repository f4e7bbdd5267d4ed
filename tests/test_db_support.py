"""Fixtures and builders shared by test_db*.py, test_export*.py and test_report*.py.

A test module imports the fixture functions (``engine_fixture``, ``session_fixture``) and asks
for them by name (``engine``, ``session``). They stand on ``db_url`` (tests/conftest.py), so
each test runs on SQLite and on PostgreSQL, in a fresh empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hotich.db import open_db, session_factory
from hotich.schema import Entry, FieldValue, Issue, PageRef, PageResult, Provenance

COMMUNE = "20227-dai-thanh"
BOOK = "khai-sinh-1998-q01"
THRESHOLD = 0.9


@pytest.fixture(name="engine")
def engine_fixture(db_url: str) -> Iterator[Engine]:
    engine = open_db(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(name="session")
def session_fixture(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


def ref(
    page_no: int = 1,
    *,
    commune: str = COMMUNE,
    book: str = BOOK,
    file_sha256: str = "f" * 64,
    root: str = "/scans",
    index: int = 0,
) -> PageRef:
    suffix = ".png"
    return PageRef(
        commune=commune,
        book=book,
        page_no=page_no,
        root=root,
        source=f"{commune}/{book}/{page_no:04d}{suffix}",
        index=index,
        file_sha256=file_sha256,
    )


def fv(value: str, confidence: float = 0.97, *issues: Issue) -> FieldValue:
    return FieldValue(
        value=value, raw=value, confidence=confidence, bbox=(10, 20, 300, 40), issues=issues
    )


def entry(index: int = 0, register_type: str = "khai_sinh", /, **fields: FieldValue) -> Entry:
    if not fields:
        fields = {"register_number": fv(str(index + 1)), "full_name": fv("NGUYỄN THỊ HOA")}
    return Entry.model_validate(
        {
            "register_type": register_type,
            "entry_index": index,
            "fields": fields,
            "provenance": Provenance(engine="fake", stages=("deskew",)),
        }
    )


def result(
    page_no: int = 1,
    *entries: Entry,
    sha256: str = "a" * 64,
    page_ref: PageRef | None = None,
    **kwargs: Any,
) -> PageResult:
    return PageResult(
        ref=page_ref or ref(page_no),
        sha256=sha256,
        register_type="khai_sinh",
        entries=entries,
        text="SỔ ĐĂNG KÝ KHAI SINH",
        stages=("deskew", "ocr"),
        **kwargs,
    )
