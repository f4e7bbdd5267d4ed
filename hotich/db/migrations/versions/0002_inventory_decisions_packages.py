"""Book inventory figures, decisions (approve, reject, stage, receipts), staging packages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Self-contained on purpose (no import of the models or hotich types). Columns are only added,
never altered, so SQLite needs no table rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("books", sa.Column("year_from", sa.Integer(), nullable=True))
    op.add_column("books", sa.Column("year_to", sa.Integer(), nullable=True))
    op.add_column("books", sa.Column("expected_pages", sa.Integer(), nullable=True))
    op.add_column("books", sa.Column("expected_entries", sa.Integer(), nullable=True))
    op.add_column("books", sa.Column("inventory_at", TIMESTAMP, nullable=True))
    op.add_column("entries", sa.Column("approved_at", TIMESTAMP, nullable=True))
    op.add_column("entries", sa.Column("staged_at", TIMESTAMP, nullable=True))
    op.add_column("entries", sa.Column("package_id", sa.Integer(), nullable=True))
    op.create_index("ix_entries_package_id", "entries", ["package_id"], unique=False)
    # Entries approved before this revision: the machine approved them when it stored them.
    op.execute("UPDATE entries SET approved_at = created_at WHERE status IN ('approved', 'staged')")
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=False),
        sa.Column("new_status", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "action IN ('approve', 'reject', 'reopen', 'stage', 'receipt_accept', "
            "'receipt_reject')",
            name=op.f("ck_decisions_action"),
        ),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"], name="fk_decisions_entry_id_entries"),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sqlite_autoincrement=True,  # ids are never reused
    )
    op.create_index("ix_decisions_entry_id", "decisions", ["entry_id"], unique=False)
    op.create_index("ix_decisions_created_at", "decisions", ["created_at"], unique=False)
    op.create_table(
        "packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('building', 'staged', 'abandoned')", name=op.f("ck_packages_status")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_packages"),
        sqlite_autoincrement=True,  # ids are never reused
    )


def downgrade() -> None:
    op.drop_table("packages")
    op.drop_index("ix_decisions_created_at", table_name="decisions")
    op.drop_index("ix_decisions_entry_id", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_entries_package_id", table_name="entries")
    for column in ("package_id", "staged_at", "approved_at"):
        op.drop_column("entries", column)
    for column in ("inventory_at", "expected_entries", "expected_pages", "year_to", "year_from"):
        op.drop_column("books", column)
