"""Web pages of payroll: the runs, starting a run (progress by htmx polling), a run's
results with the previous month's differences highlighted, one payslip with the basis of
every line, the close confirmation, and the employee's own payslips in the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from haken.modules.payroll.auth import OwnPayslips, PayrollRead, PayrollWrite
from haken.modules.payroll.bonuses import bonus_service
from haken.modules.payroll.delivery import delivery_service
from haken.modules.payroll.labels import LINE_LABELS, register_labels
from haken.modules.payroll.pdf_exports import pdf_export_service
from haken.modules.payroll.schemas import (
    BonusCreate,
    BonusForm,
    GradeCreate,
    GradeProposalFilter,
    RunStart,
)
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.deps import SessionDep
from haken.platform.formatting import format_day
from haken.platform.pagination import PageQuery, PageRequest
from haken.platform.ratelimit import admin_limit, default_limit
from haken.web.csrf import CsrfProtected
from haken.web.forms import FormState, parse_form, save_or_reject
from haken.web.i18n import N_, gettext_
from haken.web.registry import NavItem, Panel, RecordSection, registry
from haken.web.render import confirmation, flash, redirect, render

router = APIRouter(include_in_schema=False)


def _today(request: Request) -> dt.date:
    return dt.datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()


@router.get("/payroll", dependencies=[Depends(default_limit)])
async def runs(
    request: Request, principal: PayrollRead, session: SessionDep, paging: PageQuery
) -> Any:
    result = await payroll_service.list_runs(session, principal, request=paging)
    return render(
        request,
        "payroll/runs.html",
        {
            "result": result,
            "form": FormState(values={"day": _today(request).isoformat()}),
            "can_run": principal.is_at_least(Role.ADMIN),
        },
    )


@router.post("/payroll/runs", dependencies=[Depends(admin_limit)])
async def start_run(
    request: Request, principal: PayrollWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    state = parse_form(RunStart, await request.form())

    async def rejected() -> Any:
        result = await payroll_service.list_runs(session, principal, request=PageRequest(limit=50))
        return render(
            request,
            "payroll/runs.html",
            {"result": result, "form": state, "can_run": True},
            status_code=422,
        )

    saved = await save_or_reject(
        state, lambda data: payroll_service.start_run(session, principal, data=data), rejected
    )
    flash(request, "success", gettext_("The payroll run has started."))
    return redirect(request, f"/payroll/runs/{saved.id}")


@router.get("/payroll/runs/{run_id:int}", dependencies=[Depends(default_limit)])
async def run_page(
    request: Request,
    principal: PayrollRead,
    session: SessionDep,
    paging: PageQuery,
    run_id: int,
) -> Any:
    run = await payroll_service.get_run(session, principal, run_id=run_id)
    results = await payroll_service.run_results(
        session, principal, run_id=run_id, errors_only=False, request=paging
    )
    errors = await payroll_service.run_results(
        session, principal, run_id=run_id, errors_only=True, request=PageRequest(limit=200)
    )
    return render(
        request,
        "payroll/run.html",
        {"run": run, "results": results, "errors": errors.items},
        block="progress",
    )


@router.get("/payroll/runs/{run_id:int}/close", dependencies=[Depends(default_limit)])
async def confirm_close(
    request: Request, principal: PayrollWrite, session: SessionDep, run_id: int
) -> Any:
    run = await payroll_service.get_run(session, principal, run_id=run_id)
    return confirmation(
        request,
        title=gettext_("Close the payroll"),
        question=gettext_(
            "The payroll paid on %(date)s is closed and its payslips are locked.",
            date=format_day(run.pay_date),
        ),
        consequences=[
            gettext_("A later correction is an adjustment in the next period."),
            gettext_("Employees see their payslips from then on."),
        ],
        action=f"/payroll/runs/{run_id}/close",
        button=gettext_("Close the payroll"),
        cancel=f"/payroll/runs/{run_id}",
        hidden=[("version", str(run.version))],
    )


@router.post("/payroll/runs/{run_id:int}/close", dependencies=[Depends(admin_limit)])
async def close_run(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    run_id: int,
) -> Any:
    form = await request.form()
    raw = str(form.get("version") or "")
    version = int(raw) if raw.isdigit() else None
    await payroll_service.close_run(session, principal, run_id=run_id, version=version)
    flash(request, "success", gettext_("The payroll was closed."))
    return redirect(request, f"/payroll/runs/{run_id}")


@router.get("/payroll/payslips/{payslip_id:int}", dependencies=[Depends(default_limit)])
async def payslip_page(
    request: Request, principal: OwnPayslips, session: SessionDep, payslip_id: int
) -> Any:
    slip = await payroll_service.get_payslip(session, principal, payslip_id=payslip_id)
    return render(
        request,
        "payroll/payslip.html",
        {
            "slip": slip,
            "labels": LINE_LABELS,
            "is_admin": principal.is_at_least(Role.ADMIN),
            "can_download": slip.status == "ok"
            and (
                principal.is_at_least(Role.ADMIN)
                or await delivery_service.e_delivery(session, principal.employee_id)
            ),
        },
    )


@router.get("/me/payslips", dependencies=[Depends(default_limit)])
async def my_payslips(
    request: Request, principal: OwnPayslips, session: SessionDep, paging: PageQuery
) -> Any:
    result = await payroll_service.my_payslips(session, principal, request=paging)
    e_delivery = await delivery_service.e_delivery(session, principal.employee_id)
    return render(request, "payroll/mine.html", {"result": result, "e_delivery": e_delivery})


async def _own_payslips(
    request: Request, session: AsyncSession, principal: Principal
) -> dict[str, Any] | None:
    if principal.employee_id is None:
        return None
    result = await payroll_service.my_payslips(session, principal, request=PageRequest(limit=3))
    e_delivery = await delivery_service.e_delivery(session, principal.employee_id)
    return {"slips": result.items, "e_delivery": e_delivery}


@router.post("/payroll/employees/{employee_id:int}/delivery", dependencies=[Depends(admin_limit)])
async def set_delivery(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    employee_id: int,
) -> Any:
    """Record (or withdraw) the employee's consent to electronic payslips (所得税法231条2項)."""
    form = await request.form()
    consent = str(form.get("consent") or "") == "yes"
    await delivery_service.set_e_delivery(
        session, principal, employee_id=employee_id, consent=consent
    )
    flash(request, "success", gettext_("The payslip delivery was saved."))
    return redirect(request, f"/employees/{employee_id}")


async def _employee_delivery(
    request: Request, session: AsyncSession, principal: Principal, employee: Any
) -> dict[str, Any] | None:
    profile = await payroll_service.get_profile(session, principal, employee_id=employee.id)
    return {"employee_id": employee.id, "profile": profile}


# --- standard monthly remuneration: 定時決定 / 随時改定 ------------------------------------


def _grade_query(request: Request) -> GradeProposalFilter:
    try:
        return GradeProposalFilter.model_validate(
            {
                "year": request.query_params.get("year") or _today(request).year,
                "kind": request.query_params.get("kind") or "regular",
            }
        )
    except ValueError:
        return GradeProposalFilter(year=_today(request).year)


async def _grades_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    query: GradeProposalFilter,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    proposals = await payroll_service.grade_proposals(
        session, principal, year=query.year, kind=query.kind
    )
    return render(
        request,
        "payroll/grades.html",
        {
            "proposals": proposals,
            "recorded": await payroll_service.recent_grades(session, principal),
            "filters": query,
            "form": form or FormState(),
        },
        status_code=status_code,
    )


@router.get("/payroll/grades", dependencies=[Depends(default_limit)])
async def grades(request: Request, principal: PayrollRead, session: SessionDep) -> Any:
    return await _grades_page(request, session, principal, _grade_query(request))


@router.post("/payroll/grades", dependencies=[Depends(admin_limit)])
async def record_grade(
    request: Request, principal: PayrollWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    form = await request.form()
    state = parse_form(GradeCreate, form, lists={"months", "annual_months"})
    query = _grade_query(request)  # the form's action keeps the list's year and kind
    await save_or_reject(
        state,
        lambda data: payroll_service.record_grade(session, principal, data=data),
        lambda: _grades_page(request, session, principal, query, state, status_code=422),
    )
    flash(request, "success", gettext_("The standard monthly remuneration was recorded."))
    return redirect(request, f"/payroll/grades?year={query.year}&kind={query.kind.value}")


# --- bonuses (賞与支給) ----------------------------------------------------------------------


async def _bonuses_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    paging: PageRequest,
    form: FormState[Any] | None = None,
    status_code: int = 200,
) -> Any:
    result = await bonus_service.list_bonuses(session, principal, request=paging)
    return render(
        request,
        "payroll/bonuses.html",
        {"result": result, "form": form or FormState(values={"title": gettext_("Bonus")})},
        status_code=status_code,
    )


@router.get("/payroll/bonuses", dependencies=[Depends(default_limit)])
async def bonuses(
    request: Request, principal: PayrollRead, session: SessionDep, paging: PageQuery
) -> Any:
    return await _bonuses_page(request, session, principal, paging)


@router.post("/payroll/bonuses", dependencies=[Depends(admin_limit)])
async def create_bonus(
    request: Request, principal: PayrollWrite, _csrf: CsrfProtected, session: SessionDep
) -> Any:
    """A new bonus payment from the form: the lines typed in, or the uploaded CSV file."""
    form = await request.form()
    state = parse_form(BonusForm, form)
    upload = form.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""

    async def save(data: BonusForm) -> Any:
        text = content if content.strip() else data.lines.encode()
        entries = await bonus_service.entries_from_csv(session, text)
        return await bonus_service.create_bonus(
            session,
            principal,
            data=BonusCreate(pay_date=data.pay_date, title=data.title, entries=entries),
        )

    saved = await save_or_reject(
        state,
        save,
        lambda: _bonuses_page(
            request, session, principal, PageRequest(limit=50), state, status_code=422
        ),
    )
    flash(request, "success", gettext_("The bonus payment was saved."))
    return redirect(request, f"/payroll/bonuses/{saved.id}")


@router.get("/payroll/bonuses/{bonus_id:int}", dependencies=[Depends(default_limit)])
async def bonus_page(
    request: Request,
    principal: PayrollRead,
    session: SessionDep,
    paging: PageQuery,
    bonus_id: int,
) -> Any:
    bonus = await bonus_service.get_bonus(session, principal, bonus_id=bonus_id)
    slips = await bonus_service.payslips(session, principal, bonus_id=bonus_id, request=paging)
    return render(request, "payroll/bonus.html", {"bonus": bonus, "slips": slips})


async def _bonus_version(request: Request) -> int:
    raw = str((await request.form()).get("version") or "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


@router.post("/payroll/bonuses/{bonus_id:int}/calculate", dependencies=[Depends(admin_limit)])
async def calculate_bonus(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    bonus_id: int,
) -> Any:
    version = await _bonus_version(request)
    await bonus_service.calculate(session, principal, bonus_id=bonus_id, version=version)
    flash(request, "success", gettext_("The bonus payment was calculated."))
    return redirect(request, f"/payroll/bonuses/{bonus_id}")


@router.post("/payroll/bonuses/{bonus_id:int}/close", dependencies=[Depends(admin_limit)])
async def close_bonus(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    bonus_id: int,
) -> Any:
    version = await _bonus_version(request)
    await bonus_service.close(session, principal, bonus_id=bonus_id, version=version)
    flash(request, "success", gettext_("The bonus payment was closed."))
    return redirect(request, f"/payroll/bonuses/{bonus_id}")


# --- the bulk payslip PDF job (payroll/pdf_exports.py) ------------------------------------


@router.post("/payroll/runs/{run_id:int}/pdf", dependencies=[Depends(admin_limit)])
async def start_run_pdf(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    run_id: int,
) -> Any:
    export = await pdf_export_service.start(session, principal, run_id=run_id)
    return redirect(request, f"/payroll/pdf-exports/{export.id}")


@router.post("/payroll/bonuses/{bonus_id:int}/pdf", dependencies=[Depends(admin_limit)])
async def start_bonus_pdf(
    request: Request,
    principal: PayrollWrite,
    _csrf: CsrfProtected,
    session: SessionDep,
    bonus_id: int,
) -> Any:
    export = await pdf_export_service.start(session, principal, bonus_id=bonus_id)
    return redirect(request, f"/payroll/pdf-exports/{export.id}")


@router.get("/payroll/pdf-exports/{export_id:int}", dependencies=[Depends(default_limit)])
async def pdf_export_page(
    request: Request, principal: PayrollRead, session: SessionDep, export_id: int
) -> Any:
    export = await pdf_export_service.get(session, principal, export_id=export_id)
    return render(request, "payroll/pdf_export.html", {"export": export}, block="progress")


def register_web() -> None:
    register_labels()
    registry.add_nav(NavItem("payroll", N_("Payroll"), "/payroll", minimum=Role.ADMIN, order=27))
    registry.add_portal_section(
        Panel("payslips", "payroll/_portal_payslips.html", _own_payslips, order=18)
    )
    registry.add_record_section(
        "employee",
        RecordSection(
            "payslip_delivery",
            "payroll/_employee_delivery.html",
            _employee_delivery,
            minimum=Role.ADMIN,
            order=60,
        ),
    )
