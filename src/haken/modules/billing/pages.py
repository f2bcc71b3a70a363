"""Web pages of billing: the period's invoices with their state, one invoice, and its
actions — issue and void through a confirmation step, record a payment — and the PDF;
invoicing a whole month as a job (admins: list, confirmation, progress polled by htmx).

Same access names and services as the API (``billing/auth.py``): coordinators see the
invoices of the clients they are in charge of, admins all, site managers none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from haken.modules.assignments.service import assignments_service
from haken.modules.audit.service import audit_service
from haken.modules.billing.auth import (
    BatchesRead,
    BatchesWrite,
    BillingSetup,
    InvoicesRead,
    InvoicesWrite,
    MarginRateRead,
    MarginsRead,
)
from haken.modules.billing.batches import batch_service
from haken.modules.billing.schemas import (
    BatchCreate,
    BillRateForm,
    ClientSettingsUpdate,
    FixedItemCreate,
    InvoiceDraftCreate,
    InvoiceFilter,
    InvoiceIssue,
    InvoiceState,
    InvoiceVoid,
    MarginFilter,
    MarginRateFilter,
    MarginRow,
    PaymentCreate,
)
from haken.modules.billing.service import billing_service
from haken.modules.clients.schemas import ClientFilter
from haken.modules.clients.service import clients_service
from haken.modules.identity.service import identity_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.formatting import format_yearmonth
from haken.platform.pagination import PageRequest
from haken.platform.ratelimit import ExpensiveRateLimit, admin_limit, default_limit
from haken.platform.types import YEAR_MONTH_PATTERN
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormState, parse_form, save_or_reject
from haken.web.i18n import N_, gettext_
from haken.web.lists import Column, csv_response, export_filename, parse_filters, xlsx_response
from haken.web.registry import NavItem, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(prefix="/billing", include_in_schema=False)
MonthQuery = Annotated[str | None, Query(pattern=YEAR_MONTH_PATTERN)]
STATE_LABELS = {
    "draft": N_("Draft"),
    "issued": N_("Issued"),
    "paid": N_("Paid"),
    "void": N_("Void"),
}


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("/invoices", dependencies=[Depends(default_limit)])
async def invoices(
    request: Request,
    principal: InvoicesRead,
    session: SessionDep,
    month: MonthQuery = None,
    state: Annotated[InvoiceState | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Any:
    """The invoices of a month (by the period's cut-off) with their state."""
    filters = InvoiceFilter(month=month, state=state)
    found = await billing_service.list_invoices(
        session, principal, filters=filters, request=PageRequest(limit=50, cursor=cursor)
    )
    return render(
        request,
        "billing/list.html",
        {
            "invoices": found.items,
            "next_cursor": found.next_cursor,
            "month": month or "",
            "state": state.value if state else "",
            "states": STATE_LABELS,
            "can_batch": principal.is_at_least(Role.ADMIN),
        },
        block="results",
    )


async def _draft_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    clients = await clients_service.list_clients(
        session, principal, filters=ClientFilter(), request=PageRequest(limit=200)
    )
    return render(
        request,
        "billing/new.html",
        {
            "form": state,
            "clients": [(str(c.id), c.name) for c in clients.items],
            "cutoffs": [("0", gettext_("Month end"))] + [(str(d), str(d)) for d in range(1, 29)],
        },
        status_code=status_code,
    )


@router.get("/invoices/new", dependencies=[Depends(default_limit)])
async def new_invoice(request: Request, principal: InvoicesWrite, session: SessionDep) -> Any:
    """A draft invoice of one client and billing cut-off from the period's approved work."""
    values = {"month": _last_month(request), "cutoff_day": "0"}
    for name in ("client_id", "month", "cutoff_day"):
        if request.query_params.get(name):
            values[name] = request.query_params[name]
    return await _draft_form(request, session, principal, FormState(values=values))


@router.post("/invoices", dependencies=[Depends(default_limit)])
async def create_invoice(
    request: Request, principal: InvoicesWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(InvoiceDraftCreate, await request.form())
    saved = await save_or_reject(
        state,
        lambda data: billing_service.create_draft(session, principal, data=data),
        lambda: _draft_form(request, session, principal, state, status_code=422),
    )
    flash(request, "success", gettext_("The draft invoice was made."))
    return redirect(request, f"/billing/invoices/{saved.id}")


async def _detail_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    invoice_id: int,
    payment: FormState[Any] | None = None,
    status_code: int = 200,
    problems: list[str] | None = None,
) -> Any:
    invoice = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    form = payment or FormState(values={"received_on": _today(request).isoformat()})
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "states": STATE_LABELS,
            "payment": form,
            "problems": problems or [],
            "can_write": principal.is_at_least(Role.COORDINATOR),
        },
        status_code=status_code,
    )


@router.get("/invoices/{invoice_id:int}", dependencies=[Depends(default_limit)])
async def invoice(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    return await _detail_page(request, session, principal, invoice_id)


@router.get("/invoices/{invoice_id:int}/pdf", dependencies=[Depends(default_limit)])
async def invoice_pdf(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Response:
    content = await billing_service.pdf(session, principal, invoice_id=invoice_id)
    return Response(
        content=content,
        media_type="application/pdf",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'attachment; filename="invoice-{invoice_id}.pdf"',
        },
    )


@router.get("/invoices/{invoice_id:int}/issue", dependencies=[Depends(default_limit)])
async def confirm_issue(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    """The confirmation step of issuing: an issued invoice is never edited again."""
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    today = _today(request)
    return confirmation(
        request,
        title=gettext_("Issue the invoice to %(client)s", client=found.client_name),
        question=gettext_(
            "The invoice gets the next number and today's date (%(date)s).", date=today
        ),
        consequences=[
            gettext_("An issued invoice cannot be edited: correct it by voiding and reissuing.")
        ],
        action=f"/billing/invoices/{invoice_id}/issue",
        button=gettext_("Issue"),
        cancel=f"/billing/invoices/{invoice_id}",
        hidden=[("version", str(found.version)), ("issue_date", today.isoformat())],
    )


@router.post("/invoices/{invoice_id:int}/issue", dependencies=[Depends(default_limit)])
async def issue(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(InvoiceIssue, await request.form())
    saved = await save_or_reject(
        state,
        lambda data: billing_service.issue(session, principal, invoice_id=invoice_id, data=data),
        lambda: _detail_page(
            request,
            session,
            principal,
            invoice_id,
            status_code=409,
            problems=[*state.general, *state.errors.values()],
        ),
    )
    flash(request, "success", gettext_("Invoice %(number)s was issued.", number=saved.number))
    return redirect(request, f"/billing/invoices/{invoice_id}")


async def _void_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    invoice_id: int,
    state: FormState[Any],
    status_code: int = 200,
) -> Any:
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    return render(
        request,
        "billing/void.html",
        {"invoice": found, "form": state},
        status_code=status_code,
    )


@router.get("/invoices/{invoice_id:int}/void", dependencies=[Depends(default_limit)])
async def confirm_void(
    request: Request, invoice_id: int, principal: InvoicesRead, session: SessionDep
) -> Any:
    """The confirmation step of voiding, with the reason (an issued one gets a credit note)."""
    found = await billing_service.get_invoice(session, principal, invoice_id=invoice_id)
    state: FormState[Any] = FormState(
        values={"version": str(found.version), "issue_date": _today(request).isoformat()}
    )
    return await _void_form(request, session, principal, invoice_id, state)


@router.post("/invoices/{invoice_id:int}/void", dependencies=[Depends(default_limit)])
async def void(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(InvoiceVoid, await request.form())
    await save_or_reject(
        state,
        lambda data: billing_service.void(session, principal, invoice_id=invoice_id, data=data),
        lambda: _void_form(request, session, principal, invoice_id, state, status_code=422),
    )
    flash(request, "success", gettext_("The invoice was voided."))
    return redirect(request, f"/billing/invoices/{invoice_id}")


@router.post("/invoices/{invoice_id:int}/payments", dependencies=[Depends(default_limit)])
async def record_payment(
    request: Request,
    invoice_id: int,
    principal: InvoicesWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(PaymentCreate, await request.form())
    await save_or_reject(
        state,
        lambda data: billing_service.record_payment(
            session, principal, invoice_id=invoice_id, data=data
        ),
        lambda: _detail_page(request, session, principal, invoice_id, state, status_code=422),
    )
    flash(request, "success", gettext_("The payment was recorded."))
    return redirect(request, f"/billing/invoices/{invoice_id}")


# --- margins -----------------------------------------------------------------------------

MARGIN_LEVELS = {
    "client": N_("Client"),
    "site": N_("Site"),
    "contract": N_("Dispatch contract"),
    "worker": N_("Worker"),
}


def _margin_columns(level: str) -> tuple[Column[MarginRow], ...]:
    return (
        Column("name", MARGIN_LEVELS[level], lambda r: r.name),
        Column("billed", N_("Billed (tax excluded)"), lambda r: r.billed, numeric=True),
        Column("minutes", N_("Billed minutes"), lambda r: r.minutes, numeric=True),
        Column("gross", N_("Gross pay"), lambda r: r.gross, numeric=True),
        Column("commuting", N_("Of which commuting"), lambda r: r.commuting, numeric=True),
        Column("paid_leave", N_("Of which paid leave pay"), lambda r: r.paid_leave, numeric=True),
        Column(
            "employer_social",
            N_("Employer's social insurance"),
            lambda r: r.employer_social,
            numeric=True,
        ),
        Column(
            "employer_employment",
            N_("Employer's employment insurance"),
            lambda r: r.employer_employment,
            numeric=True,
        ),
        Column("labour_cost", N_("Labour cost"), lambda r: r.labour_cost, numeric=True),
        Column("margin", N_("Margin"), lambda r: r.margin, numeric=True),
        Column(
            "margin_pct",
            N_("Margin %"),
            lambda r: "" if r.margin_pct is None else str(r.margin_pct),
            numeric=True,
        ),
    )


def _setup_links(trail: Any) -> list[tuple[str, str]]:
    links = []
    for crumb in trail:
        if crumb.level.value == "client":
            links.append(
                (gettext_("Client billing settings"), f"/billing/clients/{crumb.key}/settings")
            )
        elif crumb.level.value == "contract":
            links.append((gettext_("Bill rates"), f"/billing/contracts/{crumb.key}/rates"))
    return links


def _last_month(request: Request) -> str:
    first = _today(request).replace(day=1)
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def _margin_filter(request: Request) -> MarginFilter:
    params = dict(request.query_params)
    params.setdefault("month", _last_month(request))
    if not params.get("month"):
        params["month"] = _last_month(request)
    found = parse_filters(MarginFilter, params)
    if found.until is not None and found.until < found.month:
        found = found.model_copy(update={"until": None})
    return found


@router.get("/margins", dependencies=[Depends(default_limit)])
async def margins(request: Request, principal: MarginsRead, session: SessionDep) -> Any:
    """Billing − labour cost of the months, drilled down client → site → contract → worker."""
    filters = _margin_filter(request)
    report = await billing_service.margins(session, principal, filters=filters)
    query = filters.model_dump(mode="json", exclude_none=True)
    months = {k: v for k, v in query.items() if k in ("month", "until")}
    crumbs = [(gettext_("All clients"), "/billing/margins?" + urlencode(months))]
    for crumb in report.trail:
        months[f"{crumb.level.value}_id"] = crumb.key
        crumbs.append((crumb.name or f"#{crumb.key}", "/billing/margins?" + urlencode(months)))
    return render(
        request,
        "billing/margins.html",
        {
            "report": report,
            "filters": filters,
            "params": query,
            "crumbs": crumbs,
            "columns": _margin_columns(report.level.value),
            "levels": MARGIN_LEVELS,
            "next_level": {"client": "client_id", "site": "site_id", "contract": "contract_id"}.get(
                report.level.value
            ),
            "can_see_rate": principal.is_at_least(Role.ADMIN),
            "setup_links": _setup_links(report.trail) if principal.is_at_least(Role.ADMIN) else [],
        },
    )


@router.get("/margins/export.{file_format}")
async def export_margins(
    request: Request,
    principal: MarginsRead,
    _limit: ExpensiveRateLimit,
    session: SessionDep,
    file_format: Annotated[Literal["csv", "xlsx"], Path()],
) -> Any:
    """The margin report on screen as CSV or Excel with the screen's labels (audited)."""
    filters = _margin_filter(request)
    await audit_service.record_export(
        session,
        principal,
        entity_type="billing_margin",
        filters=filters,
        sort="name",
        file_format=file_format,
    )
    report = await billing_service.margins(session, principal, filters=filters)
    columns = _margin_columns(report.level.value)

    async def rows() -> AsyncIterator[list[MarginRow]]:
        yield [*report.rows, report.total.model_copy(update={"name": gettext_("Total")})]

    filename = export_filename(
        f"margins-{filters.month}-{filters.until or filters.month}", file_format, _today(request)
    )
    if file_format == "csv":
        return csv_response(columns, rows(), filename)
    return await xlsx_response(columns, rows(), filename, sheet_title=gettext_("Margins"))


@router.get("/margin-rate", dependencies=[Depends(default_limit)])
async def margin_rate_page(request: Request, principal: MarginRateRead, session: SessionDep) -> Any:
    """The agency's マージン率 for the months (disclosure, annual report)."""
    params = dict(request.query_params)
    if not params.get("month"):  # the business year (April on) up to last month
        last = _last_month(request)
        year, month = (int(p) for p in last.split("-"))
        params["month"] = f"{year if month >= 4 else year - 1}-04"
        params["until"] = last
    filters = parse_filters(MarginRateFilter, params)
    if filters.until is not None and filters.until < filters.month:
        filters = filters.model_copy(update={"until": None})
    report = await billing_service.margin_rate(session, principal, filters=filters)
    return render(
        request,
        "billing/margin_rate.html",
        {"report": report, "filters": filters},
    )


# --- setup: bill rates, fixed items, the client's settings (admins) -----------------------

BAND_FIELDS = (
    ("overtime", N_("Overtime")),
    ("overtime_over_60h", N_("Overtime beyond 60 hours")),
    ("late_night", N_("Late-night addition")),
    ("rest_day", N_("Statutory rest day")),
)
RATE_KINDS = {"multiplier": N_("Multiplier of the base rate"), "yen": N_("Yen per hour")}
ROUNDING_MODES = {"down": N_("Round down"), "nearest": N_("Round to nearest")}
FIXED_KINDS = {"fee": N_("Monthly fee"), "transport": N_("Transport"), "discount": N_("Discount")}
TAX_ROUNDINGS = {"down": N_("Round down"), "half_up": N_("Round half up"), "up": N_("Round up")}
LAYOUTS = {
    "by_worker": N_("By worker"),
    "by_site": N_("By site"),
    "summary": N_("Summary with attachment"),
}


async def _rates_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    contract_id: int,
    *,
    rate_form: FormState[Any] | None = None,
    item_form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    contract = await assignments_service.get_contract(session, principal, contract_id=contract_id)
    rates = await billing_service.list_rates(session, principal, contract_id=contract_id)
    items = await billing_service.list_fixed_items(session, principal, contract_id=contract_id)
    first = _today(request).replace(day=1).isoformat()
    return render(
        request,
        "billing/rates.html",
        {
            "contract": contract,
            "rates": rates,
            "items": items,
            "rate_form": rate_form
            or FormState(values={"effective_from": first, "rounding_unit": "15"}),
            "item_form": item_form
            or FormState(values={"effective_from": first, "tax_rate": "0.10"}),
            "band_fields": BAND_FIELDS,
            "rate_kinds": [(k, gettext_(v)) for k, v in RATE_KINDS.items()],
            "rounding_modes": [(k, gettext_(v)) for k, v in ROUNDING_MODES.items()],
            "rounding_units": [("1", "1"), ("15", "15"), ("30", "30")],
            "fixed_kinds": [(k, gettext_(v)) for k, v in FIXED_KINDS.items()],
            "fixed_labels": FIXED_KINDS,
            "rounding_labels": ROUNDING_MODES,
            "tax_rates": [("0.10", "10%"), ("0.08", "8%")],
            "tax_rounding": gettext_(TAX_ROUNDINGS[billing_service.tax_rounding.value]),
        },
        status_code=status_code,
    )


@router.get("/contracts/{contract_id:int}/rates", dependencies=[Depends(default_limit)])
async def contract_rates(
    request: Request, contract_id: int, principal: BillingSetup, session: SessionDep
) -> Any:
    """A contract's bill rates by band (effective-dated) and fixed monthly items."""
    return await _rates_page(request, session, principal, contract_id)


@router.post("/contracts/{contract_id:int}/rates", dependencies=[Depends(default_limit)])
async def add_rate(
    request: Request,
    contract_id: int,
    principal: BillingSetup,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(BillRateForm, await request.form())
    await save_or_reject(
        state,
        lambda data: billing_service.create_rate(
            session, principal, data=data.to_create(contract_id)
        ),
        lambda: _rates_page(
            request, session, principal, contract_id, rate_form=state, status_code=422
        ),
    )
    flash(request, "success", gettext_("The bill rate was added."))
    return redirect(request, f"/billing/contracts/{contract_id}/rates")


@router.post("/contracts/{contract_id:int}/fixed-items", dependencies=[Depends(default_limit)])
async def add_fixed_item(
    request: Request,
    contract_id: int,
    principal: BillingSetup,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(FixedItemCreate, await request.form(), extra={"contract_id": contract_id})
    await save_or_reject(
        state,
        lambda data: billing_service.create_fixed_item(session, principal, data=data),
        lambda: _rates_page(
            request, session, principal, contract_id, item_form=state, status_code=422
        ),
    )
    flash(request, "success", gettext_("The fixed item was added."))
    return redirect(request, f"/billing/contracts/{contract_id}/rates")


async def _settings_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    client_id: int,
    *,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    client = await clients_service.get_client(session, principal, client_id=client_id)
    current = await billing_service.get_client_settings(session, principal, client_id=client_id)
    coordinators = await identity_service.list_users(
        session, principal, search=None, role=Role.COORDINATOR, request=PageRequest(limit=200)
    )
    values = {
        "layout": current.layout,
        "coordinator_user_id": str(current.coordinator_user_id or ""),
        "cutoff_day": str(current.cutoff_day),
        "tax_rounding": current.tax_rounding or "",
    }
    agency = gettext_(TAX_ROUNDINGS[billing_service.tax_rounding.value])
    return render(
        request,
        "billing/client_settings.html",
        {
            "client": client,
            "settings": current,
            "form": form or FormState(values=values),
            "layouts": [(k, gettext_(v)) for k, v in LAYOUTS.items()],
            "coordinators": [("", gettext_("None"))]
            + [(str(u.id), u.display_name or u.email) for u in coordinators.items],
            "tax_rounding": agency,
            "cutoffs": [("0", gettext_("Month end"))] + [(str(d), str(d)) for d in range(1, 29)],
            "roundings": [("", gettext_("The agency's (%(rounding)s)", rounding=agency))]
            + [(k, gettext_(v)) for k, v in TAX_ROUNDINGS.items()],
        },
        status_code=status_code,
    )


@router.get("/clients/{client_id:int}/settings", dependencies=[Depends(default_limit)])
async def client_settings(
    request: Request, client_id: int, principal: BillingSetup, session: SessionDep
) -> Any:
    """The client's invoice layout, coordinator in charge, closing day and tax rounding."""
    return await _settings_page(request, session, principal, client_id)


@router.post("/clients/{client_id:int}/settings", dependencies=[Depends(default_limit)])
async def save_client_settings(
    request: Request,
    client_id: int,
    principal: BillingSetup,
    _csrf: CsrfProtected,
    session: SessionDep,
) -> Any:
    state = parse_form(ClientSettingsUpdate, await request.form())
    await save_or_reject(
        state,
        lambda data: billing_service.put_client_settings(
            session, principal, client_id=client_id, data=data
        ),
        lambda: _settings_page(request, session, principal, client_id, form=state, status_code=422),
    )
    flash(request, "success", gettext_("The billing settings were saved."))
    return redirect(request, f"/billing/clients/{client_id}/settings")


# --- invoicing a month (a job) ---------------------------------------------------------------

SKIP_REASONS = {
    "already_invoiced": N_("Already invoiced for the period"),
    "nothing_to_bill": N_("Nothing to bill"),
    "rate_missing": N_("No bill rate in force"),
}


async def _batches_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    form: FormState[Any] | None = None,
    cursor: str | None = None,
    status_code: int = 200,
) -> Any:
    found = await batch_service.list_batches(
        session, principal, request=PageRequest(limit=50, cursor=cursor)
    )
    clients = await clients_service.list_clients(
        session, principal, filters=ClientFilter(), request=PageRequest(limit=200)
    )
    return render(
        request,
        "billing/batches.html",
        {
            "batches": found.items,
            "next_cursor": found.next_cursor,
            "form": form or FormState(values={"month": _last_month(request)}),
            "clients": [(str(c.id), c.name) for c in clients.items],
        },
        status_code=status_code,
    )


@router.get("/batches", dependencies=[Depends(default_limit)])
async def batches(
    request: Request,
    principal: BatchesRead,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Any:
    """The months' invoicing batches and the form to invoice a month."""
    return await _batches_page(request, session, principal, cursor=cursor)


@router.get("/batches/new", dependencies=[Depends(default_limit)])
async def confirm_batch(request: Request, principal: BatchesWrite, session: SessionDep) -> Any:
    """The confirmation of invoicing a month (the list's form comes here first)."""
    state = parse_form(BatchCreate, request.query_params, lists={"client_ids"})  # type: ignore[arg-type]
    if state.data is None:
        return await _batches_page(request, session, principal, form=state, status_code=422)
    data = state.data
    year, month = (int(p) for p in data.month.split("-"))
    names = await clients_service.client_names(session, data.client_ids or [])
    consequences = [
        gettext_("Clients already invoiced for the period are skipped, never drafted twice."),
        gettext_("The drafts are checked and issued one by one afterwards."),
    ]
    if data.client_ids:
        consequences.insert(
            0,
            gettext_("Only these clients: %(clients)s.", clients="、".join(
                names.get(c, str(c)) for c in data.client_ids
            )),
        )  # fmt: skip
    return confirmation(
        request,
        title=gettext_("Invoice a month"),
        question=gettext_(
            "Draft the invoices of every client whose billing cut-off falls in %(month)s?",
            month=format_yearmonth(dt.date(year, month, 1)),
        ),
        consequences=consequences,
        action="/billing/batches",
        button=gettext_("Draft the invoices"),
        cancel="/billing/batches",
        hidden=[("month", data.month)] + [("client_ids", str(c)) for c in data.client_ids or []],
    )


@router.post("/batches", dependencies=[Depends(admin_limit)])
async def start_batch(
    request: Request, principal: BatchesWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(BatchCreate, await request.form(), lists={"client_ids"})
    saved = await save_or_reject(
        state,
        lambda data: batch_service.start_batch(session, principal, data=data),
        lambda: _batches_page(request, session, principal, form=state, status_code=422),
    )
    flash(request, "success", gettext_("The invoicing of the month has started."))
    return redirect(request, f"/billing/batches/{saved.id}")


@router.get("/batches/{batch_id:int}", dependencies=[Depends(default_limit)])
async def batch_page(
    request: Request, batch_id: int, principal: BatchesRead, session: SessionDep
) -> Any:
    """One batch: progress (htmx polling while it runs), drafts made, clients skipped."""
    found = await batch_service.get_batch(session, principal, batch_id=batch_id)
    year, month = (int(p) for p in found.month.split("-"))
    return render(
        request,
        "billing/batch.html",
        {
            "batch": found,
            "month_label": format_yearmonth(dt.date(year, month, 1)),
            "reasons": SKIP_REASONS,
            "cutoffs": {0: gettext_("Month end")},
        },
        block="progress",
    )


def register_web() -> None:
    registry.add_nav(
        NavItem("billing", N_("Invoices"), "/billing/invoices", minimum=Role.COORDINATOR, order=65)
    )
    registry.add_nav(
        NavItem("margins", N_("Margins"), "/billing/margins", minimum=Role.COORDINATOR, order=66)
    )
