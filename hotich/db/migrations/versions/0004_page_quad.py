"""Pages photographed rather than scanned: where the page lies in the photo.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

``pages.quad`` holds the page's four corners in the decoded scan and the size it is flattened
to (``hotich.schema.page.PageQuad`` as JSON), or NULL for a flatbed scan: the stored page image
is the scan flattened to it, then turned by ``rotation_deg``. Existing pages are scans (NULL).
Self-contained on purpose (no import of the models or hotich types); a column is only added,
so SQLite needs no table rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pages", sa.Column("quad", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    op.drop_column("pages", "quad")
