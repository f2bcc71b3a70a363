"""payslips keep the employer's shares of their premiums

Revision ID: 0038_payslip_employer_shares
Revises: 0037_agency_offices
Create Date: 2026-12-04 05:00:00

Expand-only: ``payroll_payslips.employer_social_insurance`` and
``employer_employment_insurance`` (integers, 0 by default), filled for the computed payslips
already stored from their lines' basis by ``haken.labor.margin.employer_shares`` (pure, the
function the payroll run now calls when it computes a payslip), the wage date being the
run's period end or, for a bonus payslip, its pay date. The margin report and the dashboard's
margin tile read the columns (docs/billing.md "Margins").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from haken.labor.margin import employer_shares

revision: str = "0038_payslip_employer_shares"
down_revision: str | Sequence[str] | None = "0037_agency_offices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    for name in ("employer_social_insurance", "employer_employment_insurance"):
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
        sa.column("lines", sa.JSON),
        sa.column("employer_social_insurance", sa.Integer),
        sa.column("employer_employment_insurance", sa.Integer),
    )
    runs = sa.table(
        "payroll_runs", sa.column("id", sa.BigInteger), sa.column("period_end", sa.Date)
    )
    wage_date = sa.func.coalesce(runs.c.period_end, payslips.c.pay_date)
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(
            sa.select(payslips.c.id, payslips.c.lines, wage_date)
            .select_from(payslips.outerjoin(runs, runs.c.id == payslips.c.run_id))
            .where(payslips.c.status == "ok", payslips.c.id > after)
            .order_by(payslips.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for payslip_id, lines, paid_for in rows:
            social, employment = employer_shares(lines or [], paid_for)
            values.append({"slip_id": payslip_id, "social": social, "employment": employment})
        bind.execute(
            sa.update(payslips)
            .where(payslips.c.id == sa.bindparam("slip_id"))
            .values(
                employer_social_insurance=sa.bindparam("social"),
                employer_employment_insurance=sa.bindparam("employment"),
            ),
            values,
        )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("payroll_payslips") as batch:
        batch.drop_column("employer_employment_insurance")
        batch.drop_column("employer_social_insurance")
