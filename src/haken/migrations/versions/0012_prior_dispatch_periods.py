"""prior dispatch periods: a worker's earlier time in a client unit through other agencies

Revision ID: 0012_prior_dispatch_periods
Revises: 0011_leave
Create Date: 2026-12-10 12:00:00

Expand-only: one new table of the assignments area (the individual 抵触日 counts these
periods, 派遣法40条の3; docs/labor.md "Dispatch period limits").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_prior_dispatch_periods"
down_revision: str | Sequence[str] | None = "0011_leave"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
TABLE = "prior_dispatch_periods"


def _fk(name: str, referred: str, ondelete: str = "RESTRICT") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], [f"{referred}.id"], name=op.f(f"fk_{TABLE}_{name}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("employee_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_note", sa.String(length=200), nullable=False),
        sa.Column("entered_by", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_by", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _fk("employee_id", "employees", "CASCADE"),
        _fk("client_id", "clients"),
        _fk("site_id", "client_sites"),
        _fk("unit_id", "client_units"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(
        "ix_prior_dispatch_periods_employee", TABLE, ["employee_id", "unit_id", "start_date"]
    )
    op.create_index("ix_prior_dispatch_periods_site", TABLE, ["site_id", "employee_id"])


def downgrade() -> None:
    op.drop_index("ix_prior_dispatch_periods_site", table_name=TABLE)
    op.drop_index("ix_prior_dispatch_periods_employee", table_name=TABLE)
    op.drop_table(TABLE)
