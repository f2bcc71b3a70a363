"""attendance: the ledger's days of statutory leave and employer closure

Revision ID: 0029_attendance_leave_kinds
Revises: 0028_documents_more
Create Date: 2026-12-03 11:00:00

Expand-only: five counts on attendance_ledger (days of 労災休業, 産前産後休業, 育児休業,
介護休業 and 使用者の責に帰すべき休業 in the period), zero for the rows already there. The
timecards' marker column (String 16) takes the new values as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_attendance_leave_kinds"
down_revision: str | Sequence[str] | None = "0028_documents_more"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "work_injury_days",
    "maternity_days",
    "childcare_days",
    "family_care_days",
    "closure_days",
)


def upgrade() -> None:
    with op.batch_alter_table("attendance_ledger") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("attendance_ledger") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
