"""The database: the single source of truth for pages, entries, corrections and runs.

Open it with :func:`open_db` (engine + schema upgrade), work in :func:`session_scope`; the
pipeline runner writes results only through :mod:`hotich.db.store`.
"""

from hotich.db.claims import RunLockedError, claim, run_lease
from hotich.db.migrate import open_db, upgrade
from hotich.db.models import (
    Base,
    Book,
    Commune,
    Correction,
    Decision,
    EntryRow,
    FieldRow,
    Package,
    Page,
    QuarantinedFile,
    Run,
)
from hotich.db.records import CurrentField, add_correction, current_fields, page_records
from hotich.db.session import (
    DatabaseError,
    make_engine,
    resolve_url,
    safe_url,
    session_factory,
    session_scope,
)
from hotich.db.store import (
    KnownPage,
    PageKey,
    SaveReport,
    finish_run,
    known_pages,
    save_quarantined_file,
    save_result,
    start_run,
)

__all__ = [
    "Base",
    "Book",
    "Commune",
    "Correction",
    "CurrentField",
    "DatabaseError",
    "Decision",
    "EntryRow",
    "FieldRow",
    "KnownPage",
    "Package",
    "Page",
    "PageKey",
    "QuarantinedFile",
    "Run",
    "RunLockedError",
    "SaveReport",
    "add_correction",
    "claim",
    "current_fields",
    "finish_run",
    "known_pages",
    "make_engine",
    "open_db",
    "page_records",
    "resolve_url",
    "run_lease",
    "safe_url",
    "save_quarantined_file",
    "save_result",
    "session_factory",
    "session_scope",
    "start_run",
    "upgrade",
]
