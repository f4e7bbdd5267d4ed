"""The database schema (SQLAlchemy 2 typed ORM), portable to SQLite and PostgreSQL.

Identity is natural: a commune by its folder name, a book by (commune, folder name), a page by
(book, page number); a page's content identity is the SHA-256 of the decoded page. Integer
surrogate keys only link the tables.

Machine output and people's work are kept apart:

* ``entries`` / ``field_values`` hold what the machine read. They are written once per page
  content; a person never updates them.
* ``corrections`` hold what people changed, one row per change (who, when, old and new value).
  A field's current value is the newest correction's ``new_value``, else the machine value
  (see :mod:`hotich.db.records`).
* When a page's content changes (a rescan), its machine entries are replaced. Entries that carry
  people's work (a correction, an approval by a person, a rejection, a staging) are not deleted
  but *superseded*: ``superseded_at`` is set and they stay, with their corrections, as history.
  Each content version of a page is a ``generation``; an entry's identity is
  (page, generation, entry index), and the current entries are those not superseded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hotich.db.types import UtcDateTime, utcnow

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PAGE_STATUSES: Final = ("pending", "processing", "done", "quarantined")
ENTRY_STATUSES: Final = ("needs_review", "approved", "rejected", "staged")
PACKAGE_STATUSES: Final = ("building", "staged", "abandoned")
DECISIONS: Final = ("approve", "reject", "reopen", "stage", "receipt_accept", "receipt_reject")
"""What a ``Decision`` row records: a person's (or a bulk command's) approval or rejection, a
reopening for review, the staging of an entry into a package, the 158 side's receipt."""
AUTO: Final = "auto"
"""``approved_by`` of an entry the machine accepted (every field confident, no issue)."""


NEVER_REUSE: Final = {"sqlite_autoincrement": True}
"""SQLite otherwise hands a deleted row's id to the next row: an entry id in a review link or
the audit log must never come to mean another entry. (PostgreSQL sequences never reuse.)"""


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Commune(Base):
    """A commune: one folder of SCANS. Name, district and province come with the inventory."""

    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    """The folder name, e.g. ``20227-dai-thanh``."""
    code: Mapped[str | None] = mapped_column(String(16))
    """The official commune code: the folder name's leading digits, if any."""
    name: Mapped[str | None] = mapped_column(String(255))
    district: Mapped[str | None] = mapped_column(String(255))
    province: Mapped[str | None] = mapped_column(String(255))

    books: Mapped[list[Book]] = relationship(back_populates="commune")


class Book(Base):
    """A ledger book: one folder inside a commune's folder."""

    __tablename__ = "books"
    __table_args__ = (UniqueConstraint("commune_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    key: Mapped[str] = mapped_column(String(255))
    """The folder name, e.g. ``khai-sinh-1998-q01``."""
    register_type: Mapped[str | None] = mapped_column(String(16))
    """Fixed by the folder name when it starts with a register's name; else detected per page."""
    year_from: Mapped[int | None] = mapped_column(Integer)
    year_to: Mapped[int | None] = mapped_column(Integer)
    expected_pages: Mapped[int | None] = mapped_column(Integer)
    """Pages the book holds, from the inventory: the denominator of percent done. None for a
    book that was scanned but is not (yet) in the inventory."""
    expected_entries: Mapped[int | None] = mapped_column(Integer)
    """Registrations the book holds, where the inventory knows it (the Ministry's own measure)."""
    inventory_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When an inventory row last set the figures above; None for books only seen in scans."""

    commune: Mapped[Commune] = relationship(back_populates="books")
    pages: Mapped[list[Page]] = relationship(back_populates="book")


class Run(Base):
    """One ``hotich run``: when, over which folder, what it counted, how it ended."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    root: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    exit_code: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32), default="")
    """The hotich version that ran."""


class Page(Base):
    """One page of a book, identified by (book, page number), and its processing state."""

    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("book_id", "page_no"),
        CheckConstraint(_in("status", PAGE_STATUSES), name="status"),
        Index(None, "status"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"))
    page_no: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(Text, default="")
    """The scan folder (SCANS) the page was last read from; identity never depends on it."""
    source: Mapped[str] = mapped_column(Text, default="")
    """The page file, relative to ``root``, with forward slashes."""
    source_index: Mapped[int] = mapped_column(Integer, default=0)
    """Index of the page inside a PDF or multi-page TIFF (0 for a single image)."""
    kind: Mapped[str] = mapped_column(String(8), default="image")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    """SHA-256 of the page file as last processed (lets a rerun skip it without decoding)."""
    sha256: Mapped[str] = mapped_column(String(64), default="")
    """SHA-256 of the decoded page: the content the current entries were read from."""
    generation: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped each time the page's machine entries are replaced (see the module docstring)."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    register_type: Mapped[str | None] = mapped_column(String(16))
    design: Mapped[str] = mapped_column(String(16), default="unknown")
    text: Mapped[str] = mapped_column(Text, default="")
    """The full OCR text of the page, lines separated by ``\\n``."""
    rotation_deg: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    quad: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    """Where the page lies in a photographed scan (``hotich.schema.page.PageQuad`` as JSON):
    flattened from it before the turn by ``rotation_deg``; NULL for a flatbed scan."""
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """How many times a run has claimed this page (a page that keeps crashing shows here)."""
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    """The run that claimed the page last (while ``processing``), or stored it."""
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When a run last claimed the page (see :mod:`hotich.db.claims`)."""

    book: Mapped[Book] = relationship(back_populates="pages")
    entries: Mapped[list[EntryRow]] = relationship(back_populates="page")


class EntryRow(Base):
    """One registration read from a page (named to stay apart from the schema's ``Entry``)."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("page_id", "generation", "entry_index"),
        CheckConstraint(_in("status", ENTRY_STATUSES), name="status"),
        Index(None, "status"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    generation: Mapped[int] = mapped_column(Integer, default=0)
    entry_index: Mapped[int] = mapped_column(Integer)
    page_sha256: Mapped[str] = mapped_column(String(64), default="")
    """The decoded page's SHA-256 this entry was read from."""
    register_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="needs_review")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    """The machine's confidence: that of its least confident field."""
    issues: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    approved_by: Mapped[str | None] = mapped_column(String(128))
    """``auto`` when the machine accepted it; else who approved it."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Set when a new reading of the page replaced this entry; null for current entries."""
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When it became ``approved`` (by the machine or a person); kept when it is staged.
    Progress over time is counted from it."""
    staged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    package_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The ``packages`` row that staged it (no foreign key: SQLite cannot add one to an
    existing table without rebuilding it)."""

    page: Mapped[Page] = relationship(back_populates="entries")
    fields: Mapped[list[FieldRow]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True
    )
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="entry", order_by="Correction.id"
    )

    @property
    def has_human_work(self) -> bool:
        """A person decided or changed something here (so it must never be deleted)."""
        if self.status in ("rejected", "staged"):
            return True
        return self.status == "approved" and self.approved_by not in (None, AUTO)


class FieldRow(Base):
    """The MACHINE value of one field of an entry; people's changes are ``Correction`` rows."""

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("entry_id", "name"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    bbox_x: Mapped[int] = mapped_column(Integer, default=0)
    bbox_y: Mapped[int] = mapped_column(Integer, default=0)
    bbox_w: Mapped[int] = mapped_column(Integer, default=0)
    bbox_h: Mapped[int] = mapped_column(Integer, default=0)
    issues: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)

    entry: Mapped[EntryRow] = relationship(back_populates="fields")

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return (self.bbox_x, self.bbox_y, self.bbox_w, self.bbox_h)


class Correction(Base):
    """A person's change to one field of an entry. Never updated, never deleted."""

    __tablename__ = "corrections"
    __table_args__ = (Index(None, "entry_id", "field"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No ON DELETE: the database refuses to delete an entry that people have corrected.
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    """The field's current value before this change; null when the field had none."""
    new_value: Mapped[str] = mapped_column(Text)
    username: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[EntryRow] = relationship(back_populates="corrections")


class Decision(Base):
    """A decision about an entry: who, when, from which status to which, why. Never updated, never
    deleted; the entry's ``status`` is the newest decision's ``new_status``. A bulk command's
    decisions share a ``batch`` (e.g. one ``hotich approve`` run, one staging package)."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_in("action", DECISIONS), name="action"),
        Index(None, "entry_id"),
        Index(None, "created_at"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No ON DELETE: the database refuses to delete an entry that has decisions.
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    action: Mapped[str] = mapped_column(String(32))
    old_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(String(64))

    entry: Mapped[EntryRow] = relationship()


class Package(Base):
    """One staging package written by ``hotich stage build`` (a folder with a manifest).

    ``status`` is ``building`` from before its files are written until the transaction that
    marks its entries staged (then ``staged``); a build that fails or dies leaves it
    ``building``, and the next build into the same folder moves such a package's files aside
    and marks it ``abandoned`` (see :mod:`hotich.loaders.stage`)."""

    __tablename__ = "packages"
    __table_args__ = (
        CheckConstraint(_in("status", PACKAGE_STATUSES), name="status"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    """The package folder's name (its identity in receipts and in the manifest)."""
    status: Mapped[str] = mapped_column(String(16), default="building")
    out_dir: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(128))
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    manifest_sha256: Mapped[str] = mapped_column(String(64), default="")
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class QuarantinedFile(Base):
    """A file under SCANS that has no page identity (so no ``pages`` row can hold its error)."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("root", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    root: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    """Relative to ``root``, with forward slashes."""
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    """When the file was first quarantined."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    """When a run last found it still unusable."""


# --- accounts and the audit log (the review app; issue 5) -----------------------------------

ROLES: Final = ("clerk", "reviewer", "supervisor", "admin")
"""Who an account is (see :mod:`hotich.review.access` for what each role may see)."""
AUDIT_OUTCOMES: Final = ("ok", "denied", "failed")
"""``ok``: done; ``denied``: refused (wrong password, outside the caller's communes…);
``failed``: went wrong."""


class User(Base):
    """An account of the review app. Never deleted (the audit log names it): disabled instead."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    """argon2id, in the PHC string form (parameters and salt included)."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """Base32 TOTP secret; null while the account has no second factor."""
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The TOTP time step of the last code accepted: a code of that step or older is a replay."""
    mfa_required: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    """Failed attempts since the last success or lockout."""
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    communes: Mapped[list[UserCommune]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="UserCommune.commune_key"
    )
    networks: Mapped[list[UserNetwork]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="UserNetwork.cidr"
    )


class UserCommune(Base):
    """A commune an account works on, by key (an account may come before the commune's scans)."""

    __tablename__ = "user_communes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    commune_key: Mapped[str] = mapped_column(String(255), primary_key=True)


class UserNetwork(Base):
    """An allowed network (CIDR) of an account; an account without any may log in from anywhere."""

    __tablename__ = "user_networks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    cidr: Mapped[str] = mapped_column(String(64), primary_key=True)


class PasswordHistory(Base):
    """The hashes of an account's latest passwords (the current one included)."""

    __tablename__ = "password_history"
    __table_args__ = (Index(None, "user_id"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LoginSession(Base):
    """A login of the review app, held on the server: the cookie carries a random token whose
    SHA-256 is ``token_hash``. Ending a session (logout, expiry, password change) is final."""

    __tablename__ = "sessions"
    __table_args__ = (Index(None, "user_id"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class AuditRow(Base):
    """One row of the append-only audit log. ``row_hash`` is the SHA-256 of the row's fields and
    ``prev_hash`` (the previous row's ``row_hash``), so a changed, deleted or reordered row breaks
    the chain (see :mod:`hotich.review.audit`). The database refuses UPDATE and DELETE (triggers),
    and two rows cannot follow the same one (``prev_hash`` is unique)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("outcome", AUDIT_OUTCOMES), name="outcome"),
        Index(None, "created_at"),
        Index(None, "username"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    username: Mapped[str | None] = mapped_column(String(128))
    """Who acted (the name typed, for a failed login); null when nobody is known."""
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(128))
    commune: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Codes and counts only: never a name, an ID number, a date of birth or a password."""
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)
