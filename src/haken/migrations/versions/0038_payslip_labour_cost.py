"""payslips keep their labour cost's parts

Revision ID: 0038_payslip_labour_cost
Revises: 0037_agency_offices
Create Date: 2026-12-04 05:00:00

Expand-only: ``payroll_payslips.commuting_pay``, ``paid_leave_pay``,
``employer_social_insurance`` and ``employer_employment_insurance`` (integers, 0 by default),
filled for the computed payslips already stored from their lines by
``haken.labor.margin.labour_cost`` (pure: the function the payroll run now calls when it
computes a payslip), the wage date being the run's period end or, for a bonus payslip, its pay
date. The margin report (and the dashboard's margin tile, which is the report) reads the
columns instead of every payslip's lines (docs/billing.md "Margins").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from haken.labor.margin import labour_cost

revision: str = "0038_payslip_labour_cost"
down_revision: str | Sequence[str] | None = "0037_agency_offices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
COLUMNS = (
    "commuting_pay",
    "paid_leave_pay",
    "employer_social_insurance",
    "employer_employment_insurance",
)


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column(
            "payroll_payslips",
            sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0")),
        )
    payslips = sa.table(
        "payroll_payslips",
        sa.column("id", sa.BigInteger),
        sa.column("run_id", sa.BigInteger),
        sa.column("pay_date", sa.Date),
        sa.column("status", sa.String),
        sa.column("gross", sa.Integer),
        sa.column("lines", sa.JSON),
        *(sa.column(name, sa.Integer) for name in COLUMNS),
    )
    runs = sa.table(
        "payroll_runs", sa.column("id", sa.BigInteger), sa.column("period_end", sa.Date)
    )
    wage_date = sa.func.coalesce(runs.c.period_end, payslips.c.pay_date)
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(payslips.c.id, payslips.c.gross, payslips.c.lines, wage_date)
            .select_from(payslips.outerjoin(runs, runs.c.id == payslips.c.run_id))
            .where(payslips.c.status == "ok", payslips.c.id > after)
            .order_by(payslips.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for payslip_id, gross, lines, paid_for in rows:
            cost = labour_cost(gross or 0, lines or [], paid_for)
            values.append(
                {
                    "slip_id": payslip_id,
                    "commuting": cost.commuting,
                    "paid_leave": cost.paid_leave,
                    "social": cost.employer_social,
                    "employment": cost.employer_employment,
                }
            )
        bind.execute(
            sa.update(payslips)
            .where(payslips.c.id == sa.bindparam("slip_id"))
            .values(
                commuting_pay=sa.bindparam("commuting"),
                paid_leave_pay=sa.bindparam("paid_leave"),
                employer_social_insurance=sa.bindparam("social"),
                employer_employment_insurance=sa.bindparam("employment"),
            ),
            values,
        )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("payroll_payslips") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
