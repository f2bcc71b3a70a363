"""billing: bill rates, fixed items, client settings, invoices, lines, payments, counters

Revision ID: 0016_billing
Revises: 0015_payroll
Create Date: 2026-12-02 19:00:00

Expand-only: seven new tables of the billing area.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_billing"
down_revision: str | Sequence[str] | None = "0015_payroll"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(10, 2)
TAX = sa.Numeric(4, 2)


def _fk(table: str, name: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], [f"{referred}.id"], name=op.f(f"fk_{table}_{name}_{referred}"), ondelete=ondelete
    )


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", ID, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "billing_rates",
        sa.Column("contract_id", ID, nullable=False),
        sa.Column("assignment_id", ID, nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("base_rate", MONEY, nullable=False),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("rounding_unit", sa.SmallInteger(), nullable=False),
        sa.Column("rounding_mode", sa.String(length=8), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        _id(),
        _fk("billing_rates", "contract_id", "dispatch_contracts", "CASCADE"),
        _fk("billing_rates", "assignment_id", "assignments", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_rates")),
    )
    op.create_index(
        "ix_billing_rates_contract", "billing_rates", ["contract_id", "effective_from", "id"]
    )
    op.create_table(
        "billing_fixed_items",
        sa.Column("contract_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("tax_rate", TAX, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        _id(),
        _fk("billing_fixed_items", "contract_id", "dispatch_contracts", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_fixed_items")),
    )
    op.create_index(
        "ix_billing_fixed_items_contract",
        "billing_fixed_items",
        ["contract_id", "effective_from"],
    )
    op.create_table(
        "billing_client_settings",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("layout", sa.String(length=12), nullable=False),
        sa.Column("coordinator_user_id", ID, nullable=True),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("billing_client_settings", "client_id", "clients", "CASCADE"),
        _fk("billing_client_settings", "coordinator_user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_billing_client_settings")),
    )
    op.create_index(
        "ix_billing_client_settings_coordinator",
        "billing_client_settings",
        ["coordinator_user_id"],
    )
    op.create_table(
        "billing_invoices",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("cutoff_day", sa.SmallInteger(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("layout", sa.String(length=12), nullable=False),
        sa.Column("registration_number", sa.String(length=14), nullable=True),
        sa.Column("tax_rounding", sa.String(length=8), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("taxable_10", sa.BigInteger(), nullable=False),
        sa.Column("tax_10", sa.BigInteger(), nullable=False),
        sa.Column("taxable_8", sa.BigInteger(), nullable=False),
        sa.Column("tax_8", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("credits_invoice_id", ID, nullable=True),
        sa.Column("replaces_invoice_id", ID, nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("issued_at", TS, nullable=True),
        sa.Column("issued_by", sa.BigInteger(), nullable=True),
        sa.Column("voided_at", TS, nullable=True),
        sa.Column("voided_by", sa.BigInteger(), nullable=True),
        _id(),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("billing_invoices", "client_id", "clients", "RESTRICT"),
        # NO ACTION (checked at the end of the statement): documents are never deleted.
        _fk("billing_invoices", "credits_invoice_id", "billing_invoices", "NO ACTION"),
        _fk("billing_invoices", "replaces_invoice_id", "billing_invoices", "NO ACTION"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_billing_invoices_number")),
    )
    op.create_index("ix_billing_invoices_period", "billing_invoices", ["period_end", "id"])
    op.create_index(
        "ix_billing_invoices_client", "billing_invoices", ["client_id", "period_end", "id"]
    )
    op.create_index("ix_billing_invoices_state", "billing_invoices", ["state", "period_end", "id"])
    op.create_table(
        "billing_invoice_lines",
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=True),
        sa.Column("contract_id", ID, nullable=True),
        sa.Column("assignment_id", ID, nullable=True),
        sa.Column("employee_id", ID, nullable=True),
        sa.Column("employee_name", sa.String(length=200), nullable=False),
        sa.Column("site_id", ID, nullable=True),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("rate", MONEY, nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", TAX, nullable=False),
        _id(),
        _fk("billing_invoice_lines", "invoice_id", "billing_invoices", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoice_lines")),
        sa.UniqueConstraint("invoice_id", "position", name="uq_billing_invoice_lines_position"),
    )
    op.create_table(
        "billing_payments",
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        _id(),
        _fk("billing_payments", "invoice_id", "billing_invoices", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payments")),
    )
    op.create_index("ix_billing_payments_invoice", "billing_payments", ["invoice_id", "id"])
    op.create_table(
        "billing_invoice_counters",
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_billing_invoice_counters")),
    )


def downgrade() -> None:
    op.drop_table("billing_invoice_counters")
    op.drop_index("ix_billing_payments_invoice", table_name="billing_payments")
    op.drop_table("billing_payments")
    op.drop_table("billing_invoice_lines")
    for name in (
        "ix_billing_invoices_state",
        "ix_billing_invoices_client",
        "ix_billing_invoices_period",
    ):
        op.drop_index(name, table_name="billing_invoices")
    op.drop_table("billing_invoices")
    op.drop_index("ix_billing_client_settings_coordinator", table_name="billing_client_settings")
    op.drop_table("billing_client_settings")
    op.drop_index("ix_billing_fixed_items_contract", table_name="billing_fixed_items")
    op.drop_table("billing_fixed_items")
    op.drop_index("ix_billing_rates_contract", table_name="billing_rates")
    op.drop_table("billing_rates")
