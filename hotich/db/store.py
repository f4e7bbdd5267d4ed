"""The writer: the only code that writes page results (called by the pipeline runner).

A run claims pages just before working on them (:func:`claim`, from :mod:`hotich.db.claims`),
then stores each page's result here (:func:`save_result`).

Every function here is one transaction: it commits before returning and rolls back if it
raises, so a crash loses at most the page being written. On SQLite it begins with
``BEGIN IMMEDIATE`` (:func:`hotich.db.session.begin_write`), waiting for the write lock rather
than failing half-way when the review app writes at the same time. Give it a session with no
transaction under way (a fresh ``session_scope(engine)`` per call, or one session reused).

Everything is idempotent: saving the same result twice leaves one page and the same entries.
Rows are found by their natural identity and updated in place (an upsert), never duplicated.

How a page's entries evolve (see also :mod:`hotich.db.models`):

* They are written when the page is first read, and then only when its decoded content changes
  (a new ``sha256``), or when the page has none yet (it failed before), or when asked
  (``replace=True``, e.g. to re-extract with a better extractor).
* Replacing never destroys people's work. A current entry that has a correction, an approval by
  a person, a rejection or a staging is kept and marked superseded; the others (machine output
  nobody touched, including auto-approved entries) are deleted. The page's ``generation`` goes
  up and the new entries belong to it.
* A failed result (``ok`` False) quarantines the page and writes no entries. If the page could
  be decoded and its content differs, the old entries are retired as above (they no longer
  describe the page); if it could not be decoded, they are left as they are.
* An ``unchanged`` result (the file changed, the decoded page did not) touches nothing but the
  file's hash and the status.

The page's content (OCR text, geometry, design, stages) is written together with its entries,
so the boxes of the current entries always refer to the stored page image.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from hotich import __version__
from hotich.db.claims import PageKey as PageKey
from hotich.db.claims import claim as claim
from hotich.db.identity import pages_for
from hotich.db.models import (
    AUTO,
    Base,
    Book,
    Commune,
    Correction,
    Decision,
    EntryRow,
    FieldRow,
    Page,
    QuarantinedFile,
    Run,
)
from hotich.db.session import begin_write, dialect_insert
from hotich.db.types import utcnow
from hotich.schema.entries import Entry
from hotich.schema.page import PageRef, PageResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the database knows of a page, enough to skip it without decoding."""

    id: int
    status: str
    file_sha256: str
    sha256: str
    index: int
    source: str
    root: str
    attempts: int

    def up_to_date(self, ref: PageRef, *, include_quarantined: bool = False) -> bool:
        """The page was finished from this very file (same file hash, same place in it).

        A page left ``processing`` by a crash is never up to date; a quarantined one only when
        ``include_quarantined`` (the runner decides whether to retry those).
        """
        finished = ("done", "quarantined") if include_quarantined else ("done",)
        return (
            self.status in finished
            and bool(ref.file_sha256)
            and ref.file_sha256 == self.file_sha256
            and ref.index == self.index
        )


@dataclass(frozen=True, slots=True)
class SaveReport:
    """What :func:`save_result` did to one page."""

    page_id: int
    status: str
    written: int
    """Entries written (0 when the existing entries were kept)."""
    superseded: int
    """Old entries kept as history because they carry people's work."""
    removed: int
    """Old machine entries deleted."""


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    begin_write(session)  # SQLite: take the write lock first, and wait for it if need be
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def known_pages(
    session: Session,
    root: str | PathLike[str] | None = None,
    *,
    communes: Collection[str] | None = None,
) -> dict[PageKey, KnownPage]:
    """Every page the database knows, by identity, to decide what a run can skip.

    Pages are matched by identity, never by where SCANS is mounted, so a scan folder that was
    moved or is mounted elsewhere is not processed again: ``root`` does not filter (each
    ``KnownPage`` says where it was last read from). ``communes`` limits the answer to those
    commune keys, for a run over part of a large database.
    """
    del root  # accepted for the runner's call; see the docstring
    query = (
        select(Commune.key, Book.key, Page)
        .join(Book, Page.book_id == Book.id)
        .join(Commune, Book.commune_id == Commune.id)
        .execution_options(yield_per=2000)
    )
    if communes is not None:
        query = query.where(Commune.key.in_(list(communes)))
    known: dict[PageKey, KnownPage] = {}
    for commune, book, page in session.execute(query):
        known[PageKey(commune, book, page.page_no)] = KnownPage(
            id=page.id,
            status=page.status,
            file_sha256=page.file_sha256,
            sha256=page.sha256,
            index=page.source_index,
            source=page.source,
            root=page.root,
            attempts=page.attempts,
        )
    return known


def save_result(
    session: Session,
    result: PageResult,
    run_id: int | None,
    review_threshold: float,
    *,
    replace: bool = False,
) -> SaveReport:
    """Store one page's result (see the module docstring for what happens to its entries).

    An entry's status comes from ``Entry.status(review_threshold)``; one the machine accepts is
    ``approved`` with ``approved_by="auto"``. An ``unchanged`` result (the page file changed but
    decodes to the stored page) only records the file and sets the page back to ``done``.
    """
    _check_entries(result)
    with _transaction(session):
        ((ref, page),) = pages_for(session, [result.ref])
        if result.unchanged:
            report = _keep_unchanged(page, result)
        else:
            report = _store(session, page, result, review_threshold, replace=replace)
            page.seconds = result.seconds
            page.processed_at = utcnow()
        page.file_sha256 = ref.file_sha256
        page.run_id = run_id
        session.flush()
    log.info(
        "page %s: %s, %d entries written, %d superseded, %d removed",
        ref.label,
        report.status,
        report.written,
        report.superseded,
        report.removed,
    )
    return report


def save_quarantined_file(
    session: Session,
    root: str | PathLike[str],
    rel_path: str,
    code: str,
    message: str,
    run_id: int | None,
) -> None:
    """Record a file under ``root`` that has no page identity (upserted by (root, path))."""
    values = {"code": code, "message": message, "run_id": run_id, "updated_at": utcnow()}
    insert = dialect_insert(session, Base.metadata.tables[QuarantinedFile.__tablename__])
    with _transaction(session):  # an upsert: another run may be recording the same file
        session.execute(
            insert.values(
                root=str(root), path=rel_path, created_at=values["updated_at"], **values
            ).on_conflict_do_update(index_elements=["root", "path"], set_=values)
        )
    log.info("file %s quarantined: %s", rel_path, code)


def clear_resolved_files(
    session: Session, root: str | PathLike[str], still_bad: Collection[str]
) -> int:
    """Forget quarantined files under ``root`` that are no longer a problem (fixed, renamed or
    removed since): only the files of ``still_bad`` stay listed. Returns how many were cleared."""
    root_s = str(root)
    with _transaction(session):
        query = delete(QuarantinedFile).where(QuarantinedFile.root == root_s)
        if still_bad:
            query = query.where(QuarantinedFile.path.not_in(list(still_bad)))
        cleared = cast(CursorResult[Any], session.execute(query)).rowcount
    return int(cleared or 0)


def start_run(session: Session, root: str | PathLike[str]) -> int:
    """Record the start of a run over ``root``; the run's id."""
    with _transaction(session):
        run = Run(root=str(root), started_at=utcnow(), counts={}, version=__version__)
        session.add(run)
        session.flush()
        run_id = run.id
    log.info("run %d started", run_id)
    return run_id


def finish_run(session: Session, run_id: int, counts: Mapping[str, Any], exit_code: int) -> None:
    """Record how a run ended: its counts (pages done, skipped, …; any JSON) and exit code."""
    with _transaction(session):
        run = session.get_one(Run, run_id)
        run.finished_at = utcnow()
        run.counts = dict(counts)
        run.exit_code = int(exit_code)
    log.info("run %d finished with exit code %d", run_id, exit_code)


# --- helpers -------------------------------------------------------------------------------


def _check_entries(result: PageResult) -> None:
    indexes = [e.entry_index for e in result.entries]
    if len(indexes) != len(set(indexes)):
        raise ValueError(f"page {result.ref.label}: entry indexes repeat: {sorted(indexes)}")


def _keep_unchanged(page: Page, result: PageResult) -> SaveReport:
    if result.sha256 and result.sha256 != page.sha256:
        raise ValueError(f"page {result.ref.label}: 'unchanged' but its sha256 differs")
    if page.status == "processing":
        page.status = "done"
    return SaveReport(page.id, page.status, 0, 0, 0)


def _store(
    session: Session, page: Page, result: PageResult, review_threshold: float, *, replace: bool
) -> SaveReport:
    """Write a result's status, and its content and entries when they are to be (re)written."""
    current = list(
        session.scalars(
            select(EntryRow).where(EntryRow.page_id == page.id, EntryRow.superseded_at.is_(None))
        )
    )
    content_changed = bool(result.sha256) and result.sha256 != page.sha256
    written = superseded = removed = 0
    if content_changed or (result.ok and (replace or not current)):
        superseded, removed = _retire(session, current)
        if current:
            page.generation += 1
        if result.sha256:
            page.sha256 = result.sha256
        _set_content(page, result)
        if result.ok:
            for entry in result.entries:
                session.add(_entry_row(page, entry, review_threshold))
            written = len(result.entries)
    page.status = "done" if result.ok else "quarantined"
    page.error_code = None if result.ok else (result.error_code or "unknown")
    page.error_message = None if result.ok else result.error_message
    return SaveReport(page.id, page.status, written, superseded, removed)


def _retire(session: Session, entries: list[EntryRow]) -> tuple[int, int]:
    """Take a page's current entries out: supersede those with people's work, delete the rest.
    Returns (superseded, removed)."""
    if not entries:
        return 0, 0
    ids = [e.id for e in entries]
    corrected = set(
        session.scalars(select(Correction.entry_id).where(Correction.entry_id.in_(ids)).distinct())
    )
    corrected |= set(
        session.scalars(select(Decision.entry_id).where(Decision.entry_id.in_(ids)).distinct())
    )
    now = utcnow()
    keep = [e for e in entries if e.has_human_work or e.id in corrected]
    for entry in keep:
        entry.superseded_at = now
    drop = [e.id for e in entries if e not in keep]
    if drop:
        session.execute(delete(FieldRow).where(FieldRow.entry_id.in_(drop)))
        session.execute(delete(EntryRow).where(EntryRow.id.in_(drop)))
    return len(keep), len(drop)


def _set_content(page: Page, result: PageResult) -> None:
    page.register_type = result.register_type
    page.design = result.design
    page.text = result.text
    page.rotation_deg = result.geometry.rotation_deg
    page.width, page.height = result.geometry.width, result.geometry.height
    quad = result.geometry.quad
    page.quad = None if quad is None else quad.model_dump(mode="json")
    page.stages = list(result.stages)


def _entry_row(page: Page, entry: Entry, review_threshold: float) -> EntryRow:
    status = entry.status(review_threshold)
    now = utcnow()
    row = EntryRow(
        page_id=page.id,
        generation=page.generation,
        entry_index=entry.entry_index,
        page_sha256=page.sha256,
        register_type=entry.register_type,
        status=status,
        confidence=entry.confidence,
        issues=[issue.model_dump() for issue in entry.issues],
        provenance=entry.provenance.model_dump(mode="json"),
        approved_by=AUTO if status == "approved" else None,
        created_at=now,
        approved_at=now if status == "approved" else None,
    )
    row.fields = [
        FieldRow(
            name=name,
            value=field.value,
            raw=field.raw,
            confidence=field.confidence,
            bbox_x=field.bbox[0],
            bbox_y=field.bbox[1],
            bbox_w=field.bbox[2],
            bbox_h=field.bbox[3],
            issues=[issue.model_dump() for issue in field.issues],
        )
        for name, field in entry.fields.items()
    ]
    return row
