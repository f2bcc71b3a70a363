"""Use cases of the billing area: bill rates, invoices from the attendance ledger, payments.

An invoice is built per client, billing cut-off and period from the approved cards the
attendance ledger's billing rows count (``attendance_service.billing_days``: per placement
and day), priced with the bill rate in force on the period's last day (an assignment's own
rate wins over its contract's), plus the contracts' fixed monthly items. Billable minutes
are rounded per day and band as the rate row states (labor.invoicing.round_daily).

States: draft → issued → paid; a draft or an issued invoice can be voided. An issued
invoice is never edited: voiding it issues a credit note (赤伝: the same lines negated, its
own number) and, when asked, starts a new draft of the period (a reissue gets a new number).
Numbers are gapless per year: the counter row is advanced inside the issuing transaction.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from haken.labor import closing
from haken.labor.invoicing import (
    Band,
    BandRate,
    MinuteRounding,
    RateKind,
    TaxRounding,
    billed_minutes,
    invoice_totals,
    is_valid_registration_number,
    line_amount,
)
from haken.labor.invoicing import BillRate as RateTerms
from haken.labor.margin import NO_COST, LabourCost, allocate, margin_rate
from haken.modules.assignments.schemas import (
    BILLING_CUTOFF_MONTH_END,
    BILLING_CUTOFF_OF_CLIENT,
    ContractRead,
)
from haken.modules.assignments.service import assignments_service
from haken.modules.attendance.service import attendance_service
from haken.modules.audit.service import audit_service
from haken.modules.billing.errors import (
    BillingCutoffDraftError,
    BillingCutoffInvoicedError,
    BillingInvoiceExistsError,
    BillingNothingToBillError,
    BillingPaymentTooLargeError,
    BillingRateMissingError,
    BillingRegistrationNumberError,
    BillingStateError,
)
from haken.modules.billing.models import (
    BillRate,
    ClientSettings,
    FixedItem,
    Invoice,
    InvoiceLine,
    Payment,
)
from haken.modules.billing.repository import BillingRepository, MarginCell
from haken.modules.billing.schemas import (
    BillRateCreate,
    BillRateRead,
    ClientSettingsRead,
    ClientSettingsUpdate,
    FixedItemCreate,
    FixedItemRead,
    InvoiceDetail,
    InvoiceDraftCreate,
    InvoiceFilter,
    InvoiceIssue,
    InvoiceLineRead,
    InvoiceRead,
    InvoiceVoid,
    MarginCrumb,
    MarginFilter,
    MarginLevel,
    MarginRateFilter,
    MarginRateReport,
    MarginRateRow,
    MarginReport,
    MarginRow,
    PaymentCreate,
    PaymentRead,
)
from haken.modules.clients.service import clients_service
from haken.modules.employees.schemas import EmployeeBrief
from haken.modules.employees.service import employees_service
from haken.modules.identity.service import identity_service
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.db import reader_beside
from haken.platform.editing import check_version, snapshot
from haken.platform.errors import NotFoundError, ValidationFailedError
from haken.platform.exports import neutralise_row
from haken.platform.pagination import PageRequest, PageResult
from haken.platform.repository import utcnow

ENTITY = "invoice"
FIXED_LABELS = {"fee": "月額料金", "transport": "交通費", "discount": "値引き"}
CSV_COLUMNS = (
    "number",
    "kind",
    "issue_date",
    "client_id",
    "client_name",
    "period_start",
    "period_end",
    "taxable_10",
    "tax_10",
    "taxable_8",
    "tax_8",
    "subtotal",
    "tax",
    "total",
    "state",
    "paid_amount",
    "paid_on",
    "credits_number",
    "registration_number",
)


_Priced = tuple[ContractRead, int, int, Band, int, Decimal]


@dataclass(frozen=True)
class _Batch:
    """What the drafts of a batch of clients read (``BillingService._gather``)."""

    open_clients: set[int]
    contracts: dict[int, list[ContractRead]]  # by client, in line order
    days: dict[int, dict[tuple[int, int], list[dict[str, int]]]]  # by contract
    rates: dict[int, list[BillRate]]  # by contract, oldest first
    fixed: dict[int, list[FixedItem]]  # by contract
    names: dict[int, EmployeeBrief]
    settings: dict[int, ClientSettings]  # by client
    # by client, where a changed cut-off starts its invoice after the period's first day
    period_starts: dict[int, dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class DraftBatch:
    """The outcome of ``create_drafts``."""

    invoices: list[InvoiceRead]
    lines: int
    existing: list[int] = field(default_factory=list)  # clients with an open invoice
    nothing_to_bill: list[int] = field(default_factory=list)


def _snapshot(row: Any) -> dict[str, Any]:
    return snapshot(row, ("created_at", "updated_at"))


def _terms(row: BillRate) -> RateTerms:
    bands = {
        Band(name): BandRate(RateKind(value["kind"]), Decimal(str(value["value"])))
        for name, value in (row.bands or {}).items()
    }
    return RateTerms(
        base=Decimal(row.base_rate),
        bands=bands,
        rounding_unit=row.rounding_unit,
        rounding=MinuteRounding(row.rounding_mode),
    )


def _rate_read(row: BillRate) -> BillRateRead:
    return BillRateRead(
        id=row.id,
        contract_id=row.contract_id,
        assignment_id=row.assignment_id,
        effective_from=row.effective_from,
        base_rate=row.base_rate,
        bands={k: {"kind": v["kind"], "value": str(v["value"])} for k, v in row.bands.items()},
        rounding_unit=row.rounding_unit,
        rounding_mode=row.rounding_mode,
    )


@dataclass(slots=True)
class _NewLine:
    """A new invoice line: the columns of ``InvoiceLine`` (its id aside) as a plain object. A
    batch builds ~20,000 of them for one multi-row Core INSERT (repository.insert_lines),
    and an ORM object's instrumented attributes cost several times as much to set and read."""

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
    invoice_id: int = 0
    """Set when its draft is written (``BillingService._insert``)."""


def _apply_totals(
    invoice: Invoice, lines: Sequence[InvoiceLine | _NewLine], rounding: TaxRounding
) -> None:
    totals = invoice_totals(((line.amount, Decimal(line.tax_rate)) for line in lines), rounding)
    invoice.subtotal = totals.subtotal
    invoice.taxable_10 = invoice.tax_10 = invoice.taxable_8 = invoice.tax_8 = 0
    for tax in totals.taxes:
        if tax.rate == Decimal("0.10"):
            invoice.taxable_10, invoice.tax_10 = tax.taxable, tax.tax
        else:
            invoice.taxable_8, invoice.tax_8 = tax.taxable, tax.tax
    invoice.total = totals.total


def _margin_key(level: MarginLevel, cell: MarginCell) -> tuple[int | None, str]:
    if level is MarginLevel.CLIENT:
        return cell.client_id, cell.client_name
    if level is MarginLevel.SITE:
        return cell.site_id, cell.site_name
    if level is MarginLevel.CONTRACT:
        return cell.contract_id, cell.contract_number
    return cell.employee_id, cell.employee_name


def _margin_row(
    key: int | None, name: str, billed: int, minutes: int, cost: LabourCost
) -> MarginRow:
    margin = billed - cost.total
    pct = None
    if billed > 0:
        pct = (Decimal(margin) * 100 / billed).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return MarginRow(
        key=key,
        name=name,
        billed=billed,
        minutes=minutes,
        gross=cost.gross,
        commuting=cost.commuting,
        paid_leave=cost.paid_leave,
        employer_social=cost.employer_social,
        employer_employment=cost.employer_employment,
        labour_cost=cost.total,
        margin=margin,
        margin_pct=pct,
    )


def effective_cutoff(contract_cutoff: int, settings: ClientSettings | None) -> int:
    """The billing cut-off a contract's work and invoices group under (``labor.closing``:
    ``MONTH_END`` or 1–28): the contract's own 締め日 where it states one (1–27, or
    ``BILLING_CUTOFF_MONTH_END``: 末日), else its client's closing day (billing settings;
    末日 until saved). The one rule: invoices, batches and attendance's billing periods
    all resolve through it (``BillingService.contract_cutoffs``)."""
    if contract_cutoff == BILLING_CUTOFF_MONTH_END:
        return closing.MONTH_END
    if contract_cutoff != BILLING_CUTOFF_OF_CLIENT:
        return contract_cutoff
    return settings.cutoff_day if settings is not None else closing.MONTH_END


def contract_cutoffs_for(cutoff: int) -> list[int]:
    """The stored ``billing_cutoff_day`` values that may resolve to ``cutoff``: the contract's
    own day (31 for 末日) and "the client's" (kept only where the client's day matches)."""
    own = BILLING_CUTOFF_MONTH_END if cutoff == closing.MONTH_END else cutoff
    return [BILLING_CUTOFF_OF_CLIENT, own]


def effective_since(
    contract_cutoff: int, contract_from: dt.date | None, settings: ClientSettings | None
) -> dt.date | None:
    """The first day a contract's effective cut-off groups (``closing.ChangedCutoff``): its
    own ``billing_cutoff_from``, and for a contract following its client also the client's
    ``cutoff_from`` (the later of the two); None: every day."""
    found = [contract_from] if contract_from is not None else []
    following = contract_cutoff == BILLING_CUTOFF_OF_CLIENT
    if following and settings is not None and settings.cutoff_from is not None:
        found.append(settings.cutoff_from)
    return max(found) if found else None


@dataclass(frozen=True, slots=True)
class OfficeCells:
    """Which billed cells belong to one 派遣元事業所: those of its contracts, and for the
    default office also the cells of no contract (the fixed items of an invoice)."""

    name: str
    contract_ids: frozenset[int]
    is_default: bool

    def holds(self, contract_id: int | None) -> bool:
        if contract_id is None:
            return self.is_default
        return contract_id in self.contract_ids


class BillingService:
    def __init__(self) -> None:
        self.registration_number: str | None = None
        self.corporation = True
        self.tax_rounding = TaxRounding.DOWN
        self.agency_name = ""

    def configure(
        self,
        *,
        registration_number: str | None,
        corporation: bool = True,
        tax_rounding: str = "down",
        agency_name: str = "",
    ) -> None:
        self.registration_number = registration_number or None
        self.corporation = corporation
        self.tax_rounding = TaxRounding(tax_rounding)
        self.agency_name = agency_name

    async def contract_cutoffs(
        self, session: AsyncSession, contracts: Sequence[tuple[int, int, int]]
    ) -> dict[int, int]:
        """``(contract id, client id, stored billing_cutoff_day)`` → the contract's billing
        cut-off (``effective_cutoff``), by contract id: the client settings read only for
        contracts following their client (one statement, none when all state their own).
        Attendance groups its billing periods with it, so they match the invoices'."""
        following = sorted({c for _, c, day in contracts if day == BILLING_CUTOFF_OF_CLIENT})
        settings = await BillingRepository(session).client_settings_of(following)
        return {
            contract_id: effective_cutoff(day, settings.get(client_id))
            for contract_id, client_id, day in contracts
        }

    async def contract_calendars(
        self, session: AsyncSession, contracts: Sequence[tuple[int, int, int, dt.date | None]]
    ) -> dict[int, closing.ChangedCutoff]:
        """``contract_cutoffs`` with the first day each cut-off groups: ``(contract id, client
        id, stored billing_cutoff_day, billing_cutoff_from)`` → ``closing.ChangedCutoff``, by
        contract id (the same one read of the client settings, none when all state their own).
        Attendance's billing periods (the ledger, the close) come from it."""
        following = sorted({c for _, c, day, _ in contracts if day == BILLING_CUTOFF_OF_CLIENT})
        settings = await BillingRepository(session).client_settings_of(following)
        return {
            contract_id: closing.ChangedCutoff(
                effective_cutoff(day, settings.get(client_id)),
                effective_since(day, since, settings.get(client_id)),
            )
            for contract_id, client_id, day, since in contracts
        }

    async def contract_calendar(
        self, session: AsyncSession, *, contract_id: int
    ) -> closing.ChangedCutoff:
        """One contract's ``contract_calendars``; NOT_FOUND for an unknown contract."""
        client_id, day, since = await assignments_service.billing_cutoff_terms(
            session, contract_id=contract_id
        )
        found = await self.contract_calendars(session, [(contract_id, client_id, day, since)])
        return found[contract_id]

    async def _regroup(
        self,
        session: AsyncSession,
        *,
        client_id: int,
        contracts: dict[int, dt.date | None],
        new_cutoff: int,
        floor: dt.date | None,
    ) -> dt.date | None:
        """A closing day changed to ``new_cutoff`` for ``contracts`` (id →
        their own ``billing_cutoff_from``) of one client, in the caller's transaction: the
        first day the new day groups (returned, stored by the caller) is the day after the
        last invoiced (issued or paid) or closed billing period of these contracts, never
        before ``floor`` (the previous change's); the attendance ledger's billing rows from
        that day are regrouped under the new day (``attendance_service.regroup_billing``);
        issued invoices and the periods before are never touched. Refused, before any row
        moves, when an open invoice is in the way: a draft holding the work to regroup or of
        the new day's periods (``BILLING_CUTOFF_DRAFT_OPEN``), or an issued invoice of the new
        day ending on or after it (``BILLING_CUTOFF_INVOICED``, its number named). Seven
        statements whatever the number of cards (docs/billing.md)."""
        ids = sorted(contracts)
        repo = BillingRepository(session)
        ends = [
            end
            for end in (
                await repo.billed_until(ids),
                await attendance_service.last_closed_billing_end(session, contract_ids=ids),
            )
            if end is not None
        ]
        since = max(ends) + dt.timedelta(days=1) if ends else None
        if floor is not None and (since is None or since < floor):
            since = floor
        for invoice in await repo.invoices_in_the_way(client_id, ids, new_cutoff, since):
            if invoice.state == "draft":
                raise BillingCutoffDraftError(
                    period_start=invoice.period_start, period_end=invoice.period_end
                )
            raise BillingCutoffInvoicedError(
                since=since or invoice.period_start,
                number=invoice.number,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
            )
        calendars = {
            contract_id: closing.ChangedCutoff(
                new_cutoff,
                max((d for d in (since, own) if d is not None), default=None),
            )
            for contract_id, own in contracts.items()
        }
        await attendance_service.regroup_billing(session, calendars=calendars, since=since)
        return since

    async def contract_cutoff_changed(
        self,
        session: AsyncSession,
        *,
        contract_id: int,
        client_id: int,
        old_day: int,
        new_day: int,
        since: dt.date | None,
    ) -> dt.date | None:
        """A dispatch contract's stored ``billing_cutoff_day`` changed from ``old_day`` to
        ``new_day`` (the assignments area's contract edit, in its transaction): when its
        effective cut-off changes, its billing periods are regrouped (``_regroup``) and the
        first day the new cut-off groups is returned for ``billing_cutoff_from``; else
        ``since`` (the stored one) unchanged."""
        settings = await BillingRepository(session).client_settings(client_id)
        old_cutoff = effective_cutoff(old_day, settings)
        new_cutoff = effective_cutoff(new_day, settings)
        if old_cutoff == new_cutoff:
            return since
        return await self._regroup(
            session,
            client_id=client_id,
            contracts={contract_id: None},
            new_cutoff=new_cutoff,
            floor=effective_since(old_day, since, settings),
        )

    async def contract_cutoff(self, session: AsyncSession, *, contract_id: int) -> int:
        """One contract's billing cut-off (``contract_cutoffs``); NOT_FOUND for an unknown
        contract."""
        client_id, day = await assignments_service.billing_cutoff_day(
            session, contract_id=contract_id
        )
        found = await self.contract_cutoffs(session, [(contract_id, client_id, day)])
        return found[contract_id]

    def rounding_of(self, settings: ClientSettings | None) -> TaxRounding:
        """The client's tax rounding where set, else the agency's."""
        if settings is not None and settings.tax_rounding:
            return TaxRounding(settings.tax_rounding)
        return self.tax_rounding

    # --- reads ------------------------------------------------------------------------------

    async def list_invoices(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: InvoiceFilter,
        request: PageRequest,
    ) -> PageResult[InvoiceRead]:
        period_end = None
        if filters.month is not None:
            year, month = (int(p) for p in filters.month.split("-"))
            first = dt.date(year, month, 1)
            period_end = (first, closing.period_ending_in(year, month, closing.MONTH_END).end)
        result = await BillingRepository(session).page_invoices(
            principal,
            period_end=period_end,
            client_id=filters.client_id,
            state=filters.state.value if filters.state else None,
            request=request,
        )
        return result.with_items([InvoiceRead.model_validate(r) for r in result.items])

    async def get_invoice(
        self, session: AsyncSession, principal: Principal, *, invoice_id: int
    ) -> InvoiceDetail:
        repo = BillingRepository(session)
        row = await repo.readable_or_404(principal, invoice_id)
        return await self._detail(repo, row)

    async def _detail(self, repo: BillingRepository, row: Invoice) -> InvoiceDetail:
        lines = await repo.lines_of(row.id)
        payments = await repo.payments_of(row.id)
        credit = await repo.credit_note_of(row.id) if row.state == "void" else None
        return InvoiceDetail(
            **InvoiceRead.model_validate(row).model_dump(),
            lines=[InvoiceLineRead.model_validate(line) for line in lines],
            payments=[PaymentRead.model_validate(p) for p in payments],
            credit_note_id=credit,
        )

    # --- margins ---------------------------------------------------------------------------

    @staticmethod
    def _months(month: str, until: str | None) -> tuple[dt.date, dt.date]:
        year, first_month = (int(p) for p in month.split("-"))
        last_year, last_month = (int(p) for p in (until or month).split("-"))
        first = dt.date(year, first_month, 1)
        last = closing.period_ending_in(last_year, last_month, closing.MONTH_END).end
        if last < first:
            raise ValidationFailedError(
                details=[{"loc": ["query", "until"], "msg": "before month"}]
            )
        return first, last

    async def _costed_cells(
        self, session: AsyncSession, principal: Principal | None, first: dt.date, last: dt.date
    ) -> tuple[list[tuple[MarginCell, LabourCost]], dict[int, LabourCost]]:
        """Every billed cell of the months with its share of the worker's labour cost, and
        the labour cost of the workers paid but not billed (admins and the agency only;
        ``principal`` None: the agency, for the dashboard). Matched month by
        month (two statements a month): a worker billed in April but not yet in May must not
        carry May's pay on April's bill (a year's マージン率 read 30 points low that way)."""
        costed: list[tuple[MarginCell, LabourCost]] = []
        unbilled: dict[int, LabourCost] = {}
        month_first = first
        while month_first <= last:
            month_last = min(
                closing.period_ending_in(
                    month_first.year, month_first.month, closing.MONTH_END
                ).end,
                last,
            )
            month_costed, month_unbilled = await self._costed_month(
                session, principal, month_first, month_last
            )
            costed.extend(month_costed)
            for employee_id, cost in month_unbilled.items():
                unbilled[employee_id] = unbilled.get(employee_id, NO_COST) + cost
            month_first = month_last + dt.timedelta(days=1)
        return costed, unbilled

    async def _costed_month(
        self, session: AsyncSession, principal: Principal | None, first: dt.date, last: dt.date
    ) -> tuple[list[tuple[MarginCell, LabourCost]], dict[int, LabourCost]]:
        """One month of :meth:`_costed_cells`. Two statements; for the whole agency (admins,
        the dashboard) independent of each other, so on PostgreSQL sent at the same time, the
        payslips' on a reader session of its own (``db.reader_beside``: another backend), as
        the dashboard's figures are."""
        repo = BillingRepository(session)
        everyone = principal is None or principal.role >= Role.ADMIN
        if everyone and session.get_bind().dialect.name == "postgresql":
            async with reader_beside(session) as beside:
                cells, costs = await asyncio.gather(
                    repo.margin_cells(principal, first, last),
                    payroll_service.labour_costs(beside, first=first, last=last),
                )
        else:
            cells = await repo.margin_cells(principal, first, last)
            workers = sorted({c.employee_id for c in cells if c.employee_id is not None})
            costs = await payroll_service.labour_costs(
                session, first=first, last=last, employee_ids=None if everyone else workers
            )
        by_worker: dict[int, list[MarginCell]] = {}
        for cell in cells:
            if cell.employee_id is not None:
                by_worker.setdefault(cell.employee_id, []).append(cell)
        shares: dict[int, LabourCost] = {}
        for employee_id, own in by_worker.items():
            cost = costs.get(employee_id, NO_COST)
            if len(own) == 1:  # billed on one contract: the whole cost is that cell's
                shares[id(own[0])] = cost
                continue
            weights = [c.minutes for c in own]
            if not any(weights):
                weights = [max(c.billed, 0) for c in own]
            parts = [
                allocate(value, weights)
                for value in (
                    cost.gross,
                    cost.commuting,
                    cost.paid_leave,
                    cost.employer_social,
                    cost.employer_employment,
                )
            ]
            for index, cell in enumerate(own):
                shares[id(cell)] = LabourCost(*(part[index] for part in parts))
        costed = [(cell, shares.get(id(cell), NO_COST)) for cell in cells]
        unbilled = {e: c for e, c in costs.items() if e not in by_worker} if everyone else {}
        return costed, unbilled

    async def margins(
        self, session: AsyncSession, principal: Principal | None, *, filters: MarginFilter
    ) -> MarginReport:
        """Billing − labour cost per client, site, contract or worker (docs/billing.md);
        ``principal`` None: the agency's, every client (the dashboard's margin tile: the
        callers check access themselves)."""
        first, last = self._months(filters.month, filters.until)
        costed, unbilled = await self._costed_cells(session, principal, first, last)
        level = MarginLevel.CLIENT
        chosen = [(c, k) for c, k in costed if c.visible]
        if filters.contract_id is not None:
            level = MarginLevel.WORKER
            chosen = [(c, k) for c, k in chosen if c.contract_id == filters.contract_id]
        elif filters.site_id is not None:
            level = MarginLevel.CONTRACT
            chosen = [(c, k) for c, k in chosen if c.site_id == filters.site_id]
        elif filters.client_id is not None:
            level = MarginLevel.SITE
            chosen = [(c, k) for c, k in chosen if c.client_id == filters.client_id]
        for key, wanted in (("client_id", filters.client_id), ("site_id", filters.site_id)):
            if wanted is not None:  # a deeper level still within the named client and site
                chosen = [(c, k) for c, k in chosen if getattr(c, key) == wanted]
        trail: list[MarginCrumb] = []
        for crumb_level, wanted, attribute in (
            (MarginLevel.CLIENT, filters.client_id, "client_name"),
            (MarginLevel.SITE, filters.site_id, "site_name"),
            (MarginLevel.CONTRACT, filters.contract_id, "contract_number"),
        ):
            if wanted is not None and chosen:
                name = next((getattr(c, attribute) for c, _ in chosen if getattr(c, attribute)), "")
                trail.append(MarginCrumb(level=crumb_level, key=wanted, name=name))
        groups: dict[int | None, tuple[str, int, int, LabourCost]] = {}
        for cell, cost in chosen:
            key, name = _margin_key(level, cell)
            known, billed, minutes, total = groups.get(key, (name, 0, 0, NO_COST))
            groups[key] = (known or name, billed + cell.billed, minutes + cell.minutes,
                           total + cost)  # fmt: skip
        rows = [
            _margin_row(key, name, billed, minutes, cost)
            for key, (name, billed, minutes, cost) in groups.items()
        ]
        rows.sort(key=lambda r: (r.key is None, r.name, r.key or 0))
        if level is MarginLevel.CLIENT and unbilled:
            cost = NO_COST
            for value in unbilled.values():
                cost = cost + value
            rows.append(_margin_row(None, "", 0, 0, cost))
        total_cost = NO_COST
        for row in rows:
            total_cost = total_cost + LabourCost(
                row.gross, row.commuting, row.paid_leave, row.employer_social,
                row.employer_employment,
            )  # fmt: skip
        total = _margin_row(
            None, "", sum(r.billed for r in rows), sum(r.minutes for r in rows), total_cost
        )
        return MarginReport(
            first=first,
            last=last,
            level=level,
            client_id=filters.client_id,
            site_id=filters.site_id,
            contract_id=filters.contract_id,
            trail=trail,
            rows=rows,
            total=total,
        )

    async def margin_rate(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        filters: MarginRateFilter,
        office: OfficeCells | None = None,
    ) -> MarginRateReport:
        """マージン率 of the agency's office for the months (派遣法23条5項; JP_DISPATCH §1.8):
        the weighted averages per 8-hour worker-day of the fees billed and the wages paid.
        ``office`` keeps the cells of one 派遣元事業所's contracts (the annual report per
        office; a worker's pay is shared over all their billed cells first, so a worker
        billed on contracts of two offices counts in each with the share of their minutes)."""
        first, last = self._months(filters.month, filters.until)
        costed, _ = await self._costed_cells(session, principal, first, last)
        if office is not None:
            costed = [pair for pair in costed if office.holds(pair[0].contract_id)]
        fees = sum(cell.billed for cell, _ in costed)
        wages = sum(cost.gross for _, cost in costed)
        minutes = sum(cell.minutes for cell, _ in costed)
        rate = margin_rate(fees, wages, minutes)
        row = MarginRateRow(
            office=office.name if office is not None else self.agency_name,
            workers=len({c.employee_id for c, _ in costed if c.employee_id is not None}),
            clients=len({c.client_id for c, _ in costed}),
            worker_days=rate.worker_days,
            fees=fees,
            wages=wages,
            average_fee=rate.average_fee,
            average_wage=rate.average_wage,
            margin_rate_pct=rate.rate_pct,
        )
        return MarginRateReport(first=first, last=last, offices=[row])

    # --- drafts -----------------------------------------------------------------------------

    async def create_draft(
        self, session: AsyncSession, principal: Principal, *, data: InvoiceDraftCreate
    ) -> InvoiceDetail:
        repo = BillingRepository(session)
        if not await repo.coordinates(principal, data.client_id):
            raise NotFoundError()
        year, month = (int(p) for p in data.month.split("-"))
        period = closing.period_ending_in(year, month, data.cutoff_day)
        row = await self._build(session, principal, repo, data.client_id, data.cutoff_day, period)
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=row.id, action="create",
            after=_snapshot(row),
        )  # fmt: skip
        return await self._detail(repo, row)

    async def create_drafts(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_ids: Sequence[int],
        month: str,
        cutoff_day: int = 0,
    ) -> DraftBatch:
        """Draft the period's invoice of many clients at once (issue 18: invoicing a month):
        the same lines as ``create_draft`` of each client, read and written in a constant
        number of statements per batch (docs/billing.md). Clients with an open invoice of
        the period, or nothing to bill, are skipped and named; a missing bill rate fails the
        whole batch (one transaction). Every client must be one the principal coordinates."""
        repo = BillingRepository(session)
        wanted = sorted(set(client_ids))
        if principal.role < Role.ADMIN:
            settings = await repo.client_settings_of(wanted)
            for client_id in wanted:
                found = settings.get(client_id)
                if (
                    principal.role is not Role.COORDINATOR
                    or found is None
                    or found.coordinator_user_id != principal.user_id
                ):
                    raise NotFoundError()
        year, number = (int(p) for p in month.split("-"))
        period = closing.period_ending_in(year, number, cutoff_day)
        batch = await self._gather(session, principal, repo, wanted, cutoff_day, period)
        made: list[tuple[Invoice, list[_NewLine]]] = []
        empty: list[int] = []
        for client_id in wanted:
            if client_id in batch.open_clients:
                continue
            priced, fixed = self._price(batch, client_id, period)
            if not priced and not fixed:
                empty.append(client_id)
                continue
            made.append(self._assemble(batch, client_id, cutoff_day, period, priced, fixed, None))
        stored = await self._insert(repo, made)
        for invoice, _ in stored:
            await audit_service.record(
                session, principal, entity_type=ENTITY, entity_id=invoice.id, action="create",
                after=_snapshot(invoice),
            )  # fmt: skip
        # Already invoiced: seen by the check, or refused by the key (a concurrent batch).
        written = {invoice.client_id for invoice, _ in stored}
        refused = {invoice.client_id for invoice, _ in made} - written
        return DraftBatch(
            invoices=[InvoiceRead.model_validate(invoice) for invoice, _ in stored],
            lines=sum(len(lines) for _, lines in stored),
            existing=sorted(c for c in wanted if c in batch.open_clients or c in refused),
            nothing_to_bill=empty,
        )

    async def _gather(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: BillingRepository,
        client_ids: Sequence[int],
        cutoff_day: int,
        period: closing.ClosingPeriod,
    ) -> _Batch:
        """Everything the clients' drafts of the period read: at most 8 statements whatever
        the number of clients, contracts and workers."""
        open_clients = await repo.open_invoice_clients(client_ids, period.start, period.end)
        todo = [c for c in client_ids if c not in open_clients]
        if len(todo) == 1:  # the single draft: the identity map may hold it already
            one = await repo.client_settings(todo[0])
            settings = {todo[0]: one} if one is not None else {}
        else:
            settings = await repo.client_settings_of(todo)
        # A contract without its own cut-off follows its client's closing day.
        contracts = await assignments_service.billing_contracts(
            session, principal, client_ids=todo, cutoff_day=contract_cutoffs_for(cutoff_day),
            start=period.start, end=period.end,
        )  # fmt: skip
        # A contract whose cut-off changed bills from the first day the new one groups
        # (closing.ChangedCutoff: the short 移行期間), none of a period ending before it.
        starts: dict[int, dt.date] = {}
        kept: list[ContractRead] = []
        for c in contracts:
            found = settings.get(c.client_id)
            if effective_cutoff(c.billing_cutoff_day, found) != cutoff_day:
                continue
            since = effective_since(c.billing_cutoff_day, c.billing_cutoff_from, found)
            part = closing.ChangedCutoff(cutoff_day, since).clip(period)
            if part is None:
                continue
            if part.start != period.start:
                starts[c.id] = part.start
            kept.append(c)
        contracts = sorted(kept, key=lambda c: (c.site_name, c.contract_number, c.id))
        ids = [c.id for c in contracts]
        days = await attendance_service.billing_days_of_contracts(
            session, contract_ids=[i for i in ids if i not in starts], start=period.start,
            end=period.end,
        )  # fmt: skip
        for start in sorted(set(starts.values())):  # usually none, else one: the change's day
            days.update(
                await attendance_service.billing_days_of_contracts(
                    session,
                    contract_ids=[i for i, s in starts.items() if s == start],
                    start=start,
                    end=period.end,
                )
            )
        rates = await repo.rates_of_contracts(sorted(days), period.end)
        fixed = await repo.fixed_items_of(ids, period.start, period.end) if ids else []
        workers = sorted({e for worker_days in days.values() for _, e in worker_days})
        names = await employees_service.get_briefs(session, workers) if workers else {}
        by_client: dict[int, list[ContractRead]] = {}
        for contract in contracts:
            by_client.setdefault(contract.client_id, []).append(contract)
        fixed_by: dict[int, list[FixedItem]] = {}
        for item in fixed:
            fixed_by.setdefault(item.contract_id, []).append(item)
        period_starts = {
            client_id: min(starts.get(c.id, period.start) for c in of_client)
            for client_id, of_client in by_client.items()
            if any(c.id in starts for c in of_client)
        }
        return _Batch(
            open_clients, by_client, days, rates, fixed_by, names, settings, period_starts
        )

    @staticmethod
    def _price(
        batch: _Batch, client_id: int, period: closing.ClosingPeriod
    ) -> tuple[list[_Priced], list[FixedItem]]:
        """A client's priced time (labor.invoicing) and fixed items, in line order."""
        priced: list[_Priced] = []
        fixed: list[FixedItem] = []
        contracts = batch.contracts.get(client_id, [])
        for contract in contracts:
            days = batch.days.get(contract.id)
            if not days:
                continue
            rates = batch.rates.get(contract.id, [])
            by_assignment = {r.assignment_id: r for r in rates}  # the last row of each wins
            terms_of: dict[int, RateTerms] = {}
            # Placements of one span pattern share one day list (attendance's billing days):
            # the list (alive in the batch) and the rounding name its billed minutes.
            billed: dict[tuple[int, int, str], dict[Band, int]] = {}
            for (assignment_id, employee_id), worker_days in days.items():
                rate_row = by_assignment.get(assignment_id) or by_assignment.get(None)
                if rate_row is None:
                    raise BillingRateMissingError(
                        contract_number=contract.contract_number, date=period.end
                    )
                terms = terms_of.get(id(rate_row))
                if terms is None:
                    terms = terms_of[id(rate_row)] = _terms(rate_row)
                key = (id(worker_days), terms.rounding_unit, terms.rounding.value)
                bands = billed.get(key)
                if bands is None:
                    bands = billed[key] = billed_minutes(
                        worker_days, terms.rounding_unit, terms.rounding
                    )
                for band, minutes in bands.items():
                    if minutes:
                        priced.append(
                            (contract, assignment_id, employee_id, band, minutes,
                             terms.hourly(band))
                        )  # fmt: skip
        for contract in sorted(contracts, key=lambda c: c.id):
            fixed.extend(batch.fixed.get(contract.id, []))
        return priced, fixed

    def _assemble(
        self,
        batch: _Batch,
        client_id: int,
        cutoff_day: int,
        period: closing.ClosingPeriod,
        priced: Sequence[_Priced],
        fixed: Sequence[FixedItem],
        replaces: int | None,
    ) -> tuple[Invoice, list[_NewLine]]:
        """The draft and its lines (not yet added; ``invoice_id`` is set on insert)."""
        contracts = batch.contracts[client_id]
        settings = batch.settings.get(client_id)
        invoice = Invoice(
            kind="invoice",
            client_id=client_id,
            client_name=contracts[0].client_name,
            cutoff_day=cutoff_day,
            period_start=batch.period_starts.get(client_id, period.start),
            period_end=period.end,
            state="draft",
            layout=settings.layout if settings else "by_worker",
            tax_rounding=self.rounding_of(settings).value,
            replaces_invoice_id=replaces,
        )
        lines: list[_NewLine] = []
        for contract, assignment_id, employee_id, band, minutes, hourly in priced:
            brief = batch.names.get(employee_id)
            lines.append(
                _NewLine(
                    position=len(lines) + 1,
                    kind="time",
                    band=band.value,
                    contract_id=contract.id,
                    assignment_id=assignment_id,
                    employee_id=employee_id,
                    employee_name=(brief.name_kanji or brief.name_kana) if brief else "",
                    site_id=contract.site_id,
                    site_name=contract.site_name,
                    description=contract.contract_number,
                    minutes=minutes,
                    rate=hourly.quantize(Decimal("0.01")),
                    amount=line_amount(minutes, hourly),
                    tax_rate=Decimal("0.10"),
                )
            )
        by_id = {c.id: c for c in contracts}
        for item in fixed:
            contract = by_id[item.contract_id]
            sign = -1 if item.kind == "discount" else 1
            lines.append(
                _NewLine(
                    position=len(lines) + 1,
                    kind=item.kind,
                    band=None,  # every column set: the lines go in one multi-row INSERT
                    contract_id=contract.id,
                    assignment_id=None,
                    employee_id=None,
                    employee_name="",
                    minutes=None,
                    rate=None,
                    site_id=contract.site_id,
                    site_name=contract.site_name,
                    description=item.label or FIXED_LABELS.get(item.kind, item.kind),
                    amount=sign * item.amount,
                    tax_rate=item.tax_rate,
                )
            )
        _apply_totals(invoice, lines, TaxRounding(invoice.tax_rounding))
        return invoice, lines

    @staticmethod
    async def _insert(
        repo: BillingRepository, made: Sequence[tuple[Invoice, list[_NewLine]]]
    ) -> list[tuple[Invoice, list[_NewLine]]]:
        """The drafts (one multi-row INSERT on the open-invoice key, read back in one
        SELECT), then the lines of those written in one multi-row INSERT: three statements
        a batch on both backends. A draft the key refused (its client and period got an
        open invoice from a concurrent batch after this one's check) is left out with its
        lines: nothing of it is written."""
        if not made:
            return []
        stored = await repo.insert_drafts([invoice for invoice, _ in made])
        kept: list[tuple[Invoice, list[_NewLine]]] = []
        for invoice, (_, lines) in zip(stored, made, strict=True):
            if invoice is None:
                continue
            for line in lines:
                line.invoice_id = invoice.id
            kept.append((invoice, lines))
        await repo.insert_lines([line for _, lines in kept for line in lines])
        return kept

    async def _build(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: BillingRepository,
        client_id: int,
        cutoff_day: int,
        period: closing.ClosingPeriod,
        *,
        replaces: int | None = None,
    ) -> Invoice:
        batch = await self._gather(session, principal, repo, [client_id], cutoff_day, period)
        if client_id in batch.open_clients:
            raise BillingInvoiceExistsError(period_end=period.end)
        priced, fixed = self._price(batch, client_id, period)
        if not priced and not fixed:
            raise BillingNothingToBillError()
        made = self._assemble(batch, client_id, cutoff_day, period, priced, fixed, replaces)
        stored = await self._insert(repo, [made])
        if not stored:  # the key: a concurrent draft of the same client and period won
            raise BillingInvoiceExistsError(period_end=period.end)
        return stored[0][0]

    # --- state changes ----------------------------------------------------------------------

    async def _locked(
        self, repo: BillingRepository, principal: Principal, invoice_id: int, version: int
    ) -> Invoice:
        await repo.readable_or_404(principal, invoice_id)
        row = await repo.lock(invoice_id)
        if row is None:
            raise NotFoundError()
        check_version(row, version)
        return row

    async def _number(self, repo: BillingRepository, issue_date: dt.date) -> str:
        seq = await repo.next_number(f"{issue_date.year:04d}")
        return f"{issue_date.year:04d}-{seq:06d}"

    def _registration(self) -> str:
        number = self.registration_number
        if number is None or not is_valid_registration_number(number, corporation=self.corporation):
            raise BillingRegistrationNumberError()
        return number

    async def issue(
        self, session: AsyncSession, principal: Principal, *, invoice_id: int, data: InvoiceIssue
    ) -> InvoiceDetail:
        repo = BillingRepository(session)
        row = await self._locked(repo, principal, invoice_id, data.version)
        if row.state != "draft":
            raise BillingStateError(state=row.state)
        before = _snapshot(row)
        row.registration_number = self._registration()
        row.number = await self._number(repo, data.issue_date)
        row.issue_date = data.issue_date
        row.state = "issued"
        row.issued_at = utcnow()
        row.issued_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=row.id, action="issue",
            before=before, after=_snapshot(row),
        )  # fmt: skip
        return await self._detail(repo, row)

    async def void(
        self, session: AsyncSession, principal: Principal, *, invoice_id: int, data: InvoiceVoid
    ) -> InvoiceDetail:
        """Void a draft, or an issued invoice with a credit note; ``reissue``: a new draft."""
        repo = BillingRepository(session)
        row = await self._locked(repo, principal, invoice_id, data.version)
        if row.kind != "invoice" or row.state not in ("draft", "issued"):
            raise BillingStateError(state=row.state)
        if row.paid_amount:
            raise BillingStateError(state="partly paid")
        before = _snapshot(row)
        was_issued = row.state == "issued"
        row.state = "void"
        row.void_reason = data.reason
        row.voided_at = utcnow()
        row.voided_by = principal.user_id
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=row.id, action="void",
            before=before, after=_snapshot(row),
        )  # fmt: skip
        if was_issued:
            await self._credit_note(session, principal, repo, row, data.issue_date)
        if data.reissue:
            period = closing.ClosingPeriod(row.period_start, row.period_end)
            new = await self._build(
                session, principal, repo, row.client_id, row.cutoff_day, period, replaces=row.id
            )
            await audit_service.record(
                session, principal, entity_type=ENTITY, entity_id=new.id, action="create",
                after=_snapshot(new),
            )  # fmt: skip
        return await self._detail(repo, row)

    async def _credit_note(
        self,
        session: AsyncSession,
        principal: Principal,
        repo: BillingRepository,
        row: Invoice,
        issue_date: dt.date,
    ) -> Invoice:
        note = Invoice(
            kind="credit_note",
            client_id=row.client_id,
            client_name=row.client_name,
            cutoff_day=row.cutoff_day,
            period_start=row.period_start,
            period_end=row.period_end,
            state="issued",
            layout=row.layout,
            registration_number=row.registration_number or self._registration(),
            tax_rounding=row.tax_rounding,
            credits_invoice_id=row.id,
            number=await self._number(repo, issue_date),
            issue_date=issue_date,
            issued_at=utcnow(),
            issued_by=principal.user_id,
        )
        repo.add(note)
        await repo.flush()
        lines = []
        for line in await repo.lines_of(row.id):
            values = {c: getattr(line, c) for c in InvoiceLineRead.model_fields if c != "position"}
            values["amount"] = -line.amount
            lines.append(InvoiceLine(invoice_id=note.id, position=line.position, **values))
        repo.add_all(lines)
        _apply_totals(note, lines, TaxRounding(row.tax_rounding))
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=note.id, action="credit_note",
            after=_snapshot(note),
        )  # fmt: skip
        return note

    async def record_payment(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        invoice_id: int,
        data: PaymentCreate,
    ) -> InvoiceDetail:
        repo = BillingRepository(session)
        row = await self._locked(repo, principal, invoice_id, data.version)
        if row.kind != "invoice" or row.state != "issued":
            raise BillingStateError(state=row.state)
        balance = row.total - row.paid_amount
        if data.amount > balance:
            raise BillingPaymentTooLargeError(amount=data.amount, balance=balance)
        before = _snapshot(row)
        repo.add(
            Payment(
                invoice_id=row.id,
                amount=data.amount,
                received_on=data.received_on,
                note=data.note,
                created_by=principal.user_id,
            )
        )
        row.paid_amount += data.amount
        row.paid_on = data.received_on
        if row.paid_amount == row.total:
            row.state = "paid"
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id=row.id, action="payment",
            before=before, after=_snapshot(row),
        )  # fmt: skip
        return await self._detail(repo, row)

    # --- documents --------------------------------------------------------------------------

    async def pdf(self, session: AsyncSession, principal: Principal, *, invoice_id: int) -> bytes:
        from haken.modules.billing.pdf import render_invoice

        detail = await self.get_invoice(session, principal, invoice_id=invoice_id)
        credited = None
        if detail.credits_invoice_id is not None:
            original = await BillingRepository(session).get(detail.credits_invoice_id)
            credited = original.number if original else None
        return render_invoice(detail, agency_name=self.agency_name, credited_number=credited)

    async def export_csv(
        self, session: AsyncSession, principal: Principal, *, first: dt.date, last: dt.date
    ) -> str:
        """Issued invoices and credit notes by issue date (docs/billing.md: the columns)."""
        if last < first:
            raise ValidationFailedError(details=[{"loc": ["query", "to"], "msg": "before from"}])
        repo = BillingRepository(session)
        rows = await repo.issued_between(principal, first, last)
        numbers = {r.id: r.number for r in rows}
        missing = {r.credits_invoice_id for r in rows if r.credits_invoice_id} - numbers.keys()
        for invoice_id in sorted(i for i in missing if i is not None):
            original = await repo.get(invoice_id)
            numbers[invoice_id] = original.number if original else None
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            writer.writerow(  # every cell, not only the names (issue 13 item 6)
                neutralise_row(
                    [
                        r.number,
                        r.kind,
                        r.issue_date.isoformat() if r.issue_date else "",
                        r.client_id,
                        r.client_name,
                        r.period_start.isoformat(),
                        r.period_end.isoformat(),
                        r.taxable_10,
                        r.tax_10,
                        r.taxable_8,
                        r.tax_8,
                        r.subtotal,
                        r.tax_10 + r.tax_8,
                        r.total,
                        r.state,
                        r.paid_amount,
                        r.paid_on.isoformat() if r.paid_on else "",
                        numbers.get(r.credits_invoice_id) if r.credits_invoice_id else "",
                        r.registration_number or "",
                    ]
                )
            )
        await audit_service.record(
            session, principal, entity_type=ENTITY, entity_id="list", action="export",
            after={"format": "csv", "from": first.isoformat(), "to": last.isoformat()},
        )  # fmt: skip
        return out.getvalue()

    # --- setup (admins) ---------------------------------------------------------------------

    async def create_rate(
        self, session: AsyncSession, principal: Principal, *, data: BillRateCreate
    ) -> BillRateRead:
        if data.rounding_unit not in (1, 15, 30):
            raise ValidationFailedError(
                details=[{"loc": ["body", "rounding_unit"], "msg": "1, 15 or 30"}]
            )
        await assignments_service.get_contract(session, principal, contract_id=data.contract_id)
        if data.assignment_id is not None:
            terms = await assignments_service.attendance_terms(session, [data.assignment_id])
            found = terms.get(data.assignment_id)
            if found is None or found.contract_id != data.contract_id:
                raise NotFoundError()
        row = BillRate(
            contract_id=data.contract_id,
            assignment_id=data.assignment_id,
            effective_from=data.effective_from,
            base_rate=data.base_rate,
            bands={
                band.value: {"kind": rate.kind.value, "value": str(rate.value)}
                for band, rate in data.bands.items()
            },
            rounding_unit=data.rounding_unit,
            rounding_mode=data.rounding_mode.value,
            created_by=principal.user_id,
        )
        repo = BillingRepository(session)
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type="bill_rate", entity_id=row.id, action="create",
            after=snapshot(row, ("created_at",)),
        )  # fmt: skip
        return _rate_read(row)

    async def list_rates(
        self, session: AsyncSession, principal: Principal, *, contract_id: int
    ) -> list[BillRateRead]:
        await assignments_service.get_contract(session, principal, contract_id=contract_id)
        return [_rate_read(r) for r in await BillingRepository(session).rate_rows(contract_id)]

    async def create_fixed_item(
        self, session: AsyncSession, principal: Principal, *, data: FixedItemCreate
    ) -> FixedItemRead:
        if data.tax_rate not in (Decimal("0.10"), Decimal("0.08")):
            raise ValidationFailedError(
                details=[{"loc": ["body", "tax_rate"], "msg": "0.10 or 0.08"}]
            )
        if data.effective_to is not None and data.effective_to < data.effective_from:
            raise ValidationFailedError(
                details=[{"loc": ["body", "effective_to"], "msg": "before effective_from"}]
            )
        await assignments_service.get_contract(session, principal, contract_id=data.contract_id)
        row = FixedItem(**data.model_dump(mode="python"))
        row.kind = data.kind.value
        repo = BillingRepository(session)
        repo.add(row)
        await repo.flush()
        await audit_service.record(
            session, principal, entity_type="bill_fixed_item", entity_id=row.id,
            action="create", after=snapshot(row, ("created_at",)),
        )  # fmt: skip
        return FixedItemRead.model_validate(row)

    async def list_fixed_items(
        self, session: AsyncSession, principal: Principal, *, contract_id: int
    ) -> list[FixedItemRead]:
        """A contract's fixed monthly items, newest first."""
        await assignments_service.get_contract(session, principal, contract_id=contract_id)
        rows = await BillingRepository(session).fixed_item_rows(contract_id)
        return [FixedItemRead.model_validate(r) for r in rows]

    async def get_client_settings(
        self, session: AsyncSession, principal: Principal, *, client_id: int
    ) -> ClientSettingsRead:
        """The client's billing settings (the defaults until saved once: version 0)."""
        await clients_service.get_client(session, principal, client_id=client_id)
        row = await BillingRepository(session).client_settings(client_id)
        if row is None:
            return ClientSettingsRead(
                client_id=client_id,
                layout="by_worker",
                coordinator_user_id=None,
                cutoff_day=closing.MONTH_END,
                tax_rounding=None,
                version=0,
            )
        return ClientSettingsRead.model_validate(row)

    async def coordinators_of_clients(
        self, session: AsyncSession, client_ids: Sequence[int]
    ) -> dict[int, int]:
        """The coordinator responsible for each client (its billing settings), by client id:
        one query, unscoped (the leave area's duty alerts reach the worker's coordinator)."""
        return await BillingRepository(session).coordinators_of(client_ids)

    async def put_client_settings(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        client_id: int,
        data: ClientSettingsUpdate,
    ) -> ClientSettingsRead:
        await clients_service.get_client(session, principal, client_id=client_id)
        if data.coordinator_user_id is not None:
            user = await identity_service.get_user(session, principal, data.coordinator_user_id)
            if user.role != Role.COORDINATOR:
                raise ValidationFailedError(
                    details=[{"loc": ["body", "coordinator_user_id"], "msg": "not a coordinator"}]
                )
        repo = BillingRepository(session)
        row = await repo.client_settings(client_id)
        before = _snapshot(row) if row else None
        if row is None:
            row = ClientSettings(client_id=client_id)
            repo.add(row)
        old_cutoff = row.cutoff_day if before else closing.MONTH_END
        row.layout = data.layout.value
        row.coordinator_user_id = data.coordinator_user_id
        row.cutoff_day = data.cutoff_day
        row.tax_rounding = data.tax_rounding.value if data.tax_rounding else None
        await repo.flush()
        if data.cutoff_day != old_cutoff:
            # The contracts following the client regroup their billing periods (issue 18).
            following = await assignments_service.contracts_following_client(
                session, client_id=client_id
            )
            if following:
                row.cutoff_from = await self._regroup(
                    session,
                    client_id=client_id,
                    contracts=dict(following),
                    new_cutoff=data.cutoff_day,
                    floor=row.cutoff_from,
                )
                await repo.flush()
        await audit_service.record(
            session, principal, entity_type="bill_client", entity_id=client_id,
            action="update" if before else "create", before=before, after=_snapshot(row),
        )  # fmt: skip
        return ClientSettingsRead.model_validate(row)


billing_service = BillingService()
