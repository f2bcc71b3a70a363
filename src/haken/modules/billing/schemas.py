"""Request and response schemas of the billing area."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from haken.labor.invoicing import Band, MinuteRounding, RateKind, TaxRounding
from haken.platform.schemas import Day, InputModel, ListFilter
from haken.platform.types import YearMonth


class InvoiceState(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Layout(StrEnum):
    BY_WORKER = "by_worker"
    BY_SITE = "by_site"
    SUMMARY = "summary"


class FixedKind(StrEnum):
    FEE = "fee"
    TRANSPORT = "transport"
    DISCOUNT = "discount"


TaxRateIn = Annotated[Decimal, Field(description="0.10 or 0.08")]


class BandRateIn(InputModel):
    kind: RateKind
    value: Annotated[Decimal, Field(ge=0, le=100000, max_digits=10, decimal_places=4)]


class BillRateCreate(InputModel):
    contract_id: int = Field(ge=1)
    assignment_id: int | None = Field(default=None, ge=1)
    effective_from: Day
    base_rate: Annotated[Decimal, Field(ge=0, le=100000, max_digits=10, decimal_places=2)]
    bands: dict[Band, BandRateIn] = Field(default_factory=dict)
    rounding_unit: int = Field(default=1, description="billable minutes per day in 1/15/30")
    rounding_mode: MinuteRounding = MinuteRounding.DOWN


class BillRateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contract_id: int
    assignment_id: int | None
    effective_from: dt.date
    base_rate: Decimal
    bands: dict[str, dict[str, str]]
    rounding_unit: int
    rounding_mode: str


class FixedItemCreate(InputModel):
    contract_id: int = Field(ge=1)
    kind: FixedKind
    label: Annotated[str, Field(max_length=100)] = ""
    amount: int = Field(ge=1, le=100_000_000, description="yen; a discount is subtracted")
    tax_rate: Decimal = Decimal("0.10")
    effective_from: Day
    effective_to: Day | None = None


class FixedItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    contract_id: int
    kind: str
    label: str
    amount: int
    tax_rate: Decimal
    effective_from: dt.date
    effective_to: dt.date | None


class ClientSettingsUpdate(InputModel):
    layout: Layout = Layout.BY_WORKER
    coordinator_user_id: int | None = Field(default=None, ge=1)
    cutoff_day: int = Field(
        default=0,
        ge=0,
        le=28,
        description=(
            "the client's 締め日: 0 = month end, 1–28; a contract's own cut-off wins. A change "
            "applies from the day after the last invoiced (issued or paid) or closed billing "
            "period of the contracts following the client (returned as cutoff_from; the first "
            "period under the new day is the short one starting there) and regroups their "
            "attendance billing periods from that day in the same transaction; refused (409) "
            "while a draft invoice holds that work (BILLING_CUTOFF_DRAFT_OPEN) or an issued "
            "invoice of the new day's periods ends on or after it (BILLING_CUTOFF_INVOICED)"
        ),
    )
    tax_rounding: TaxRounding | None = Field(
        default=None, description="the rounding of the invoice's tax; null = the agency's"
    )


class ClientSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    client_id: int
    layout: str
    coordinator_user_id: int | None
    cutoff_day: int = 0
    cutoff_from: dt.date | None = Field(
        default=None,
        description=(
            "the first day the closing day groups (set by a change after work was invoiced: "
            "the day after the last invoiced or closed billing period); null = every day"
        ),
    )
    tax_rounding: str | None = None
    version: int


class BatchCreate(InputModel):
    month: YearMonth = Field(description="the month of the billing cut-offs to invoice")
    client_ids: list[Annotated[int, Field(ge=1)]] | None = Field(
        default=None, max_length=1000, description="only these clients (default: every client)"
    )


class BatchSkip(BaseModel):
    client_id: int
    client_name: str = ""
    cutoff_day: int
    reason: str  # nothing_to_bill / already_invoiced / rate_missing
    detail: str = ""


class BatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    month: str
    client_filter: list[int] | None
    status: str
    total: int
    processed: int
    drafted: int
    lines: int
    skipped_count: int = 0
    attempt: int
    started_by: int | None
    finished_at: dt.datetime | None
    created_at: dt.datetime
    version: int


class BatchDetail(BatchRead):
    skipped: list[BatchSkip]


class InvoiceDraftCreate(InputModel):
    client_id: int = Field(ge=1)
    month: YearMonth = Field(description="the month of the billing cut-off")
    cutoff_day: int = Field(default=0, ge=0, le=28, description="0 = month end")


class InvoiceIssue(InputModel):
    version: int = Field(ge=1)
    issue_date: Day


class InvoiceVoid(InputModel):
    version: int = Field(ge=1)
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    issue_date: Day = Field(description="the credit note's date")
    reissue: bool = Field(default=False, description="start a new draft of the same period")


class PaymentCreate(InputModel):
    version: int = Field(ge=1)
    amount: int = Field(ge=1, le=10_000_000_000)
    received_on: Day
    note: Annotated[str, Field(max_length=200)] = ""


class InvoiceFilter(ListFilter):
    month: YearMonth | None = Field(default=None, description="invoices whose period ends then")
    client_id: Annotated[int | None, Field(ge=1)] = None
    state: InvoiceState | None = None


class InvoiceLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    position: int
    kind: str
    band: str | None
    contract_id: int | None
    assignment_id: int | None
    employee_id: int | None
    employee_name: str
    site_id: int | None
    site_name: str
    description: str
    minutes: int | None
    rate: Decimal | None
    amount: int
    tax_rate: Decimal


class PaymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    amount: int
    received_on: dt.date
    note: str


class InvoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: InvoiceKind
    client_id: int
    client_name: str
    cutoff_day: int
    period_start: dt.date
    period_end: dt.date
    state: InvoiceState
    number: str | None
    issue_date: dt.date | None
    layout: str
    registration_number: str | None
    tax_rounding: str = "down"
    subtotal: int
    taxable_10: int
    tax_10: int
    taxable_8: int
    tax_8: int
    total: int
    paid_amount: int
    paid_on: dt.date | None
    credits_invoice_id: int | None
    replaces_invoice_id: int | None
    void_reason: str | None
    version: int

    @property
    def balance(self) -> int:
        return self.total - self.paid_amount


class InvoiceDetail(InvoiceRead):
    lines: list[InvoiceLineRead]
    payments: list[PaymentRead]
    credit_note_id: int | None = None


class MarginLevel(StrEnum):
    CLIENT = "client"
    SITE = "site"
    CONTRACT = "contract"
    WORKER = "worker"


class MarginFilter(ListFilter):
    """The months (by the last day of the invoice's billing period and of the payroll
    period) and the drill-down: no id → clients; ``client_id`` → its sites; ``site_id`` →
    its contracts; ``contract_id`` → its workers."""

    month: YearMonth = Field(description="the first month of the report")
    until: YearMonth | None = Field(default=None, description="the last month (default: month)")
    client_id: Annotated[int | None, Field(ge=1)] = None
    site_id: Annotated[int | None, Field(ge=1)] = None
    contract_id: Annotated[int | None, Field(ge=1)] = None


class MarginRow(BaseModel):
    key: int | None = Field(description="the client, site, contract or employee; null: none")
    name: str
    billed: int = Field(description="invoiced amount, tax excluded")
    minutes: int = Field(description="billed minutes (a late-night addition not counted twice)")
    gross: int = Field(description="gross pay (commuting and paid-leave pay included)")
    commuting: int
    paid_leave: int
    employer_social: int = Field(description="the employer's share of social insurance")
    employer_employment: int = Field(description="the employer's share of employment insurance")
    labour_cost: int
    margin: int
    margin_pct: Decimal | None = Field(description="margin ÷ billed × 100, one decimal")


class MarginCrumb(BaseModel):
    level: MarginLevel
    key: int
    name: str


class MarginReport(BaseModel):
    first: dt.date
    last: dt.date
    level: MarginLevel
    client_id: int | None
    site_id: int | None
    contract_id: int | None
    trail: list[MarginCrumb] = Field(description="the client, site and contract drilled into")
    rows: list[MarginRow]
    total: MarginRow


class MarginRateFilter(ListFilter):
    month: YearMonth = Field(description="the first month (e.g. the business year's first)")
    until: YearMonth | None = Field(default=None, description="the last month (default: month)")


class MarginRateRow(BaseModel):
    office: str = Field(description="the agency's office (派遣元事業所)")
    workers: int = Field(description="dispatched workers billed in the period")
    clients: int = Field(description="clients billed in the period")
    worker_days: Decimal = Field(description="8-hour worker-days (billed minutes ÷ 480)")
    fees: int = Field(description="dispatch fees billed, tax excluded")
    wages: int = Field(description="gross pay of the workers billed")
    average_fee: int = Field(description="per worker per 8-hour day, whole yen")
    average_wage: int = Field(description="per worker per 8-hour day, whole yen")
    margin_rate_pct: Decimal | None = Field(description="(fee − wage) ÷ fee × 100")


class MarginRateReport(BaseModel):
    first: dt.date
    last: dt.date
    offices: list[MarginRateRow]


class BillRateForm(InputModel):
    """The page's form of a bill rate: the API's body flattened (one kind and value per band;
    a band left empty keeps the statutory ratio)."""

    assignment_id: int | None = Field(default=None, ge=1)
    effective_from: Day
    base_rate: Annotated[Decimal, Field(ge=0, le=100000, max_digits=10, decimal_places=2)]
    rounding_unit: int = Field(default=1)
    rounding_mode: MinuteRounding = MinuteRounding.DOWN
    overtime_kind: RateKind = RateKind.MULTIPLIER
    overtime_value: Annotated[Decimal | None, Field(ge=0, le=100000)] = None
    overtime_over_60h_kind: RateKind = RateKind.MULTIPLIER
    overtime_over_60h_value: Annotated[Decimal | None, Field(ge=0, le=100000)] = None
    late_night_kind: RateKind = RateKind.MULTIPLIER
    late_night_value: Annotated[Decimal | None, Field(ge=0, le=100000)] = None
    rest_day_kind: RateKind = RateKind.MULTIPLIER
    rest_day_value: Annotated[Decimal | None, Field(ge=0, le=100000)] = None

    def to_create(self, contract_id: int) -> BillRateCreate:
        bands: dict[Band, BandRateIn] = {}
        for band in (Band.OVERTIME, Band.OVERTIME_OVER_60H, Band.LATE_NIGHT, Band.REST_DAY):
            value = getattr(self, f"{band.value}_value")
            if value is not None:
                bands[band] = BandRateIn(kind=getattr(self, f"{band.value}_kind"), value=value)
        return BillRateCreate(
            contract_id=contract_id,
            assignment_id=self.assignment_id,
            effective_from=self.effective_from,
            base_rate=self.base_rate,
            bands=bands,
            rounding_unit=self.rounding_unit,
            rounding_mode=self.rounding_mode,
        )
