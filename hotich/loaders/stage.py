"""``hotich stage build``: approved entries → the Ministry's import files, in one package.

A build takes the current, approved, not yet staged entries (of one commune and register type
if asked), per book: one workbook row and one PDF each (:mod:`stage_rules`, :mod:`stage_xlsx`,
:mod:`stage_pdf`), the files named and laid out as :mod:`stage_files` says. An entry that breaks
the import's rules, or whose scan file is gone or changed, is left out, stays approved, and is
listed with its reasons (:class:`LeftEntry`); fix it in review and build again.

How a crash can never leave a half package counted as staged:

1. The package is recorded (``packages`` row, status ``building``) and committed first.
2. Its files are written into ``DIR/.hotich-tmp-<name>/``, synced to disk, with the manifest
   last; the folder is then renamed to ``DIR/<name>/`` (atomic) and the rename synced.
3. One transaction marks its entries staged (status, time, package, a ``stage`` decision each,
   batch = the package's name) and the package ``staged``, after checking that no entry changed
   meanwhile. If it fails, the folder is removed and the package marked ``abandoned``.

A build that dies between 2 and 3 leaves a complete folder no entry points to (an orphan). The
next build into the same DIR (builds into one DIR take turns: a lock on the folder) finds the
packages of that DIR still ``building``, moves their folders into ``DIR/.orphaned/``, removes
left-over temporary folders, and marks them ``abandoned``; their entries, still approved, go
into the new package. So each approved entry is staged once, in one package; a second build
with nothing new writes nothing.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, select

from hotich import __version__
from hotich.config.settings import Settings
from hotich.db.decisions import decide
from hotich.db.models import EntryRow, Package, Page
from hotich.db.session import session_scope
from hotich.db.types import utcnow
from hotich.errors import BadInputError, HotichError
from hotich.loaders import stage_files as files
from hotich.loaders.manifest import FORMAT, FORMAT_VERSION, describe_file, fsync_file
from hotich.loaders.manifest import write_manifest as write_manifest_file
from hotich.loaders.stage_pdf import ScanProblem, load_page_image, page_pdf
from hotich.loaders.stage_rules import Problem
from hotich.loaders.stage_select import (
    Candidate,
    Group,
    LeftEntry,
    fingerprints,
    select_entries,
    year_text,
)
from hotich.loaders.stage_xlsx import write_workbook

log = logging.getLogger(__name__)

StageHook = Callable[[str], None]
"""Called at named points of a build (``reserved``, ``file_written``, ``renamed``,
``committing``): a seam for tests that crash a build there."""
_CHUNK: Final = 500


class StageConflictError(HotichError):
    """Entries changed (a correction, a decision, a new reading) while their package was
    written: the package is discarded; build again."""


@dataclass(frozen=True, slots=True)
class StagedBook:
    commune: str
    book: str
    register_type: str
    xlsx: str
    zip: str
    entries: int


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did: the package written (None when nothing was new), what it holds, the
    entries left out, and the packages of dead builds moved aside."""

    package: str | None = None
    folder: Path | None = None
    books: tuple[StagedBook, ...] = ()
    staged: tuple[int, ...] = ()
    left: tuple[LeftEntry, ...] = ()
    recovered: tuple[str, ...] = ()


def _no_hook(point: str) -> None:
    del point


def build_packages(
    engine: Engine,
    out: Path,
    *,
    username: str,
    settings: Settings,
    commune: str | None = None,
    register: str | None = None,
    hook: StageHook | None = None,
    today: date | None = None,
) -> BuildReport:
    """Stage every approved, not yet staged entry (optionally of one commune, one register type)
    into one new package folder inside ``out``. See the module docstring."""
    hook = hook or _no_hook
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BadInputError("stage.out_unwritable", out=str(out), reason=e.strerror) from e
    out = out.resolve()
    with files.locked_folder(out):
        recovered = recover(engine, out)
        with session_scope(engine) as session:
            groups, left = select_entries(session, commune, register, today)
        if not any(g.candidates for g in groups):
            return BuildReport(left=tuple(left), recovered=recovered)
        when = utcnow()
        package_id, name = _reserve(engine, out, username, when)
        hook("reserved")
        final = out / name
        try:
            books, staged, manifest_sha, listing = _write(
                out, name, groups, left, settings, username, when, hook
            )
        except BaseException:
            _abandon(engine, package_id, out / f"{files.TMP_PREFIX}{name}")
            raise
        if not staged:
            _abandon(engine, package_id, None)
            return BuildReport(left=tuple(left), recovered=recovered)
        hook("renamed")
        try:
            _commit(engine, package_id, staged, username, manifest_sha, listing, hook)
        except BaseException:
            _abandon(engine, package_id, final)
            raise
    log.info("package %s: %d entries staged in %d books", name, len(staged), len(books))
    return BuildReport(
        package=name,
        folder=final,
        books=tuple(books),
        staged=tuple(c.entry_id for c in staged),
        left=tuple(left),
        recovered=recovered,
    )


# --- recovery -------------------------------------------------------------------------------


def recover(engine: Engine, out: Path) -> tuple[str, ...]:
    """Move aside the folders of packages in ``out`` that never counted (their build died or
    failed), remove left-over temporary folders, mark those packages ``abandoned``. Call it
    holding ``out``'s lock. The names of the packages moved aside."""
    moved: list[str] = []
    with session_scope(engine, write=True) as session:
        stale = session.scalars(
            select(Package).where(
                Package.out_dir == str(out), Package.status.in_(("building", "abandoned"))
            )
        )
        for package in stale:
            folder = out / package.name
            if folder.is_dir():
                files.move_aside(folder)
                moved.append(package.name)
                log.warning("package %s never counted: moved into %s", package.name, files.ORPHANS)
            package.status = "abandoned"
    for tmp in out.glob(f"{files.TMP_PREFIX}*"):
        files.remove_tree(tmp)
    return tuple(moved)


def _abandon(engine: Engine, package_id: int, folder: Path | None) -> None:
    """Remove what a failed build wrote (``folder``: its temporary folder, or its package
    folder once renamed into place) and mark its package ``abandoned`` (best effort: if the
    database cannot be reached, the next build's :func:`recover` finishes the job)."""
    if folder is not None:
        files.remove_tree(folder)
    try:
        with session_scope(engine, write=True) as session:
            package = session.get(Package, package_id)
            if package is not None and package.status == "building":
                package.status = "abandoned"
    except Exception:
        log.exception("package %d: could not be marked abandoned", package_id)


# --- writing --------------------------------------------------------------------------------


def _reserve(engine: Engine, out: Path, username: str, when: datetime) -> tuple[int, str]:
    """Record the package (status ``building``) before any of its files exist."""
    with session_scope(engine, write=True) as session:
        package = Package(
            name="", status="building", out_dir=str(out), created_at=when, username=username
        )
        session.add(package)
        session.flush()
        package.name = files.package_name(when, package.id)
        return package.id, package.name


@dataclass(slots=True)
class _PdfCache:
    """The last page's PDF (entries come in page order), and the scan files' hashes."""

    page_id: int = -1
    pdf: bytes | str = b""
    hashes: dict[Path, str] = field(default_factory=dict)

    def get(self, page: Page, group: Group, settings: Settings) -> bytes | str:
        """The PDF of ``page`` (bytes), or why it cannot be made (a ScanProblem code)."""
        if page.id != self.page_id:
            self.page_id = page.id
            try:
                image = load_page_image(
                    page, group.commune, group.book, settings=settings, hashes=self.hashes
                )
                self.pdf = page_pdf(image)
            except ScanProblem as e:
                self.pdf = e.code
        return self.pdf


def _write(
    out: Path,
    name: str,
    groups: list[Group],
    left: list[LeftEntry],
    settings: Settings,
    username: str,
    when: datetime,
    hook: StageHook,
) -> tuple[list[StagedBook], list[Candidate], str, list[dict[str, Any]]]:
    tmp = out / f"{files.TMP_PREFIX}{name}"
    tmp.mkdir()
    books: list[StagedBook] = []
    manifest_books: list[dict[str, Any]] = []
    staged: list[Candidate] = []
    stems: set[str] = set()
    cache = _PdfCache()
    for group in groups:
        stem = _unique_stem(group, stems)
        archive_path, xlsx_path = tmp / f"{stem}.zip", tmp / f"{stem}.xlsx"
        kept: list[Candidate] = []
        with zipfile.ZipFile(archive_path, "w", zipfile.ZIP_STORED) as archive:
            for c in group.candidates:
                pdf = cache.get(c.page, group, settings)
                if isinstance(pdf, str):
                    problem = Problem("", pdf, ())
                    left.append(
                        LeftEntry(c.entry_id, group.commune, group.book, c.page.page_no, (problem,))
                    )
                    continue
                info = zipfile.ZipInfo(c.member, date_time=when.timetuple()[:6])
                archive.writestr(info, pdf, compress_type=zipfile.ZIP_STORED)
                kept.append(c)
        if not kept:
            archive_path.unlink()
            continue
        fsync_file(archive_path)
        hook("file_written")
        write_workbook(xlsx_path, group.spec, [c.row.values for c in kept])
        fsync_file(xlsx_path)
        hook("file_written")
        staged += kept
        books.append(
            StagedBook(
                group.commune,
                group.book,
                group.spec.register_type,
                xlsx_path.name,
                archive_path.name,
                len(kept),
            )
        )
        manifest_books.append(_manifest_book(group, xlsx_path.name, archive_path.name, kept))
    if not staged:
        files.remove_tree(tmp)
        return [], [], "", []
    listing = [describe_file(path) for path in sorted(tmp.iterdir())]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package": name,
        "created_at": when.isoformat(),
        "created_by": username,
        "hotich_version": __version__,
        "entry_count": len(staged),
        "entry_ids": [c.entry_id for c in staged],
        "books": manifest_books,
        "files": listing,
    }
    manifest_sha = write_manifest_file(tmp, manifest)
    files.publish(tmp, out / name)
    return books, staged, manifest_sha, listing


def _unique_stem(group: Group, taken: set[str]) -> str:
    base = ".".join(
        (
            files.safe_part(group.commune),
            group.spec.code,
            year_text(group.year),
            group.label,
        )
    )
    stem, n = base, 1
    while stem in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem)
    return stem


def _manifest_book(group: Group, xlsx: str, archive: str, kept: list[Candidate]) -> dict[str, Any]:
    return {
        "commune": group.commune,
        "book": group.book,
        "register_type": group.spec.register_type,
        "sheet": group.spec.sheet,
        "xlsx": xlsx,
        "zip": archive,
        "entries": [
            {
                "id": c.entry_id,
                "page_no": c.page.page_no,
                "entry_index": c.entry_index,
                "row": row,
                "pdf": c.member,
            }
            for row, c in enumerate(kept, start=2)
        ],
    }


# --- the transaction that counts ------------------------------------------------------------


def _commit(
    engine: Engine,
    package_id: int,
    staged: list[Candidate],
    username: str,
    manifest_sha: str,
    listing: list[dict[str, Any]],
    hook: StageHook,
) -> None:
    ids = [c.entry_id for c in staged]
    with session_scope(engine, write=True) as session:
        entries: dict[int, EntryRow] = {}
        prints: dict[int, int] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = select(EntryRow).where(EntryRow.id.in_(chunk)).with_for_update()
            entries.update((e.id, e) for e in session.scalars(query))
            prints.update(fingerprints(session, chunk))
        for c in staged:
            entry = entries.get(c.entry_id)
            if (
                entry is None
                or entry.status != "approved"
                or entry.superseded_at is not None
                or prints.get(c.entry_id, 0) != c.fingerprint
            ):
                raise StageConflictError("stage.conflict", entry_id=c.entry_id)
        package = session.get_one(Package, package_id)
        now = utcnow()
        for c in staged:
            decide(
                session,
                entries[c.entry_id],
                "stage",
                username,
                batch=package.name,
                package_id=package_id,
                now=now,
            )
        package.status = "staged"
        package.entry_count = len(staged)
        package.manifest_sha256 = manifest_sha
        package.files = listing
        session.flush()
        hook("committing")
