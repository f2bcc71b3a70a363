"""Bill rates, fixed monthly items, invoices with their lines and payments, the counter.

* ``billing_rates``: append-only, effective-dated bill rates of a contract (``assignment_id``
  null) or of one assignment (which wins over the contract's): the base yen per hour, each
  time band's rate (``bands``: yen or a multiplier of the base; labor.invoicing) and the
  billable-minute rounding the contract states (per day, 1/15/30-minute units, down/nearest).
* ``billing_fixed_items``: a contract's monthly fee, transport or discount from a date on.
* ``billing_client_settings``: per client, the invoice layout and the coordinator in charge
  (担当: a coordinator reads the invoices of the clients they are in charge of).
* ``billing_batches``: a period's invoices drafted by a background job (issue 18): the month,
  the clients planned with their cut-offs, progress (clients done / total, invoices drafted)
  and the clients skipped with the reason; resumable from ``cursor`` (clients done).
* ``billing_invoices``: one per client, billing cut-off and period (kind ``invoice``; at most
  one not voided per client and period: the partial unique index ``uq_billing_invoices_open``), or a
  credit note (kind ``credit_note``) that cancels a voided invoice. States: draft → issued →
  paid, or void. Numbers are given on issue from ``billing_invoice_counters`` (one row per
  year, advanced with UPDATE … RETURNING inside the issuing transaction: gapless).
  The qualified-invoice facts (registration number, tax per rate) are copied in at issue.
* ``billing_invoice_lines``: per worker and time band, plus fixed items.
* ``billing_payments``: received amounts (partial payments add up to ``paid_amount``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from haken.platform.db import (
    Base,
    BigIntPK,
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    utcnow,
)

Money = Numeric(10, 2)
TaxRate = Numeric(4, 2)


class BillRate(IdMixin, Base):
    __tablename__ = "billing_rates"

    contract_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("dispatch_contracts.id", ondelete="CASCADE"), nullable=False
    )
    assignment_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=True
    )
    effective_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    base_rate: Mapped[Decimal] = mapped_column(Money, nullable=False)
    bands: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    rounding_unit: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1)
    rounding_mode: Mapped[str] = mapped_column(String(8), nullable=False, default="down")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_billing_rates_contract", "contract_id", "effective_from", "id"),)


class FixedItem(IdMixin, Base):
    __tablename__ = "billing_fixed_items"

    contract_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("dispatch_contracts.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # fee / transport / discount
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(TaxRate, nullable=False)
    effective_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    effective_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_billing_fixed_items_contract", "contract_id", "effective_from"),)


class ClientSettings(TimestampMixin, VersionedMixin, Base):
    __tablename__ = "billing_client_settings"

    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    layout: Mapped[str] = mapped_column(String(12), nullable=False, default="by_worker")
    coordinator_user_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # The client's 締め日 (0 = 末日, 1–28): a contract's own cut-off (1–27) wins over it.
    cutoff_day: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, default=0, server_default="0"
    )
    # The rounding of the invoice's tax (down / half_up / up); null = the agency's setting.
    tax_rounding: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The first day the closing day groups (0036): a day changed after work was invoiced
    # applies from the day after the last invoiced or closed billing period; null = all.
    cutoff_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index("ix_billing_client_settings_coordinator", "coordinator_user_id"),)


OPEN_INVOICE = "kind = 'invoice' AND state <> 'void'"
"""The rows the open-invoice key covers: an invoice (not a credit note) not voided."""
OPEN_INVOICE_KEY = ("client_id", "period_start", "period_end")
"""One open invoice per client and billing period (``uq_billing_invoices_open``): two
drafts of the same client and period, however they race, cannot both be written."""


class Invoice(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "billing_invoices"

    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="invoice")
    client_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("clients.id", ondelete="RESTRICT"), nullable=False
    )
    client_name: Mapped[str] = mapped_column(String(200), nullable=False)
    cutoff_day: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False, default="draft")
    number: Mapped[str | None] = mapped_column(String(20), nullable=True, unique=True)
    issue_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    layout: Mapped[str] = mapped_column(String(12), nullable=False, default="by_worker")
    registration_number: Mapped[str | None] = mapped_column(String(14), nullable=True)
    tax_rounding: Mapped[str] = mapped_column(String(8), nullable=False, default="down")
    subtotal: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    taxable_10: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    tax_10: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    taxable_8: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    tax_8: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    total: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_amount: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # A credit note names the invoice it cancels; a reissue names the invoice it replaces.
    credits_invoice_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("billing_invoices.id"), nullable=True
    )
    replaces_invoice_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("billing_invoices.id"), nullable=True
    )
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    issued_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_billing_invoices_period", "period_end", "id"),
        Index("ix_billing_invoices_client", "client_id", "period_end", "id"),
        Index("ix_billing_invoices_state", "state", "period_end", "id"),
        Index(
            "uq_billing_invoices_open",
            *OPEN_INVOICE_KEY,
            unique=True,
            postgresql_where=text(OPEN_INVOICE),
            sqlite_where=text(OPEN_INVOICE),
        ),
    )


class InvoiceLine(IdMixin, Base):
    __tablename__ = "billing_invoice_lines"

    invoice_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("billing_invoices.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # time / fee / transport / …
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contract_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    assignment_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    employee_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    employee_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    site_id: Mapped[int | None] = mapped_column(BigIntPK, nullable=True)
    site_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rate: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    tax_rate: Mapped[Decimal] = mapped_column(TaxRate, nullable=False)

    __table_args__ = (
        UniqueConstraint("invoice_id", "position", name="uq_billing_invoice_lines_position"),
    )


class Payment(IdMixin, Base):
    __tablename__ = "billing_payments"

    invoice_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("billing_invoices.id", ondelete="CASCADE"), nullable=False
    )
    amount: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_billing_payments_invoice", "invoice_id", "id"),)


class InvoiceCounter(Base):
    """The last invoice sequence per year (gapless: advanced in the issuing transaction)."""

    __tablename__ = "billing_invoice_counters"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class BillingBatch(IdMixin, TimestampMixin, VersionedMixin, Base):
    """The invoices of a month drafted in batches of clients by a job (``billing.batch``)."""

    __tablename__ = "billing_batches"

    month: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY-MM
    client_filter: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    # [[client id, [cut-off days]], …] in client order: what the batches draft.
    plan: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="running")
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    processed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    drafted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # [{"client_id", "cutoff_day", "reason", "detail"}, …]
    skipped: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    cursor: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    """How many clients of ``plan`` are done: the next batch starts there (resumable)."""
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_billing_batches_month", "month", "id"),)
