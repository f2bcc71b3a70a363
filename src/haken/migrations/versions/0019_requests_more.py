"""requests more: which half of the day a half day of paid leave is (午前 / 午後)

Revision ID: 0019_requests_more
Revises: 0017_archived_at
Create Date: 2026-12-03 03:00:00

Expand-only: one nullable column on leave_takings (``am`` / ``pm`` for a half day, empty
for a whole day or hours; half days recorded before it read as the morning).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_requests_more"
down_revision: str | Sequence[str] | None = "0017_archived_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("leave_takings", sa.Column("half", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leave_takings") as batch:
        batch.drop_column("half")
