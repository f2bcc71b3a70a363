"""HTTP API of payroll: /api/payroll/…

Admins start a period's run (a background job; ``status``/``processed``/``total`` show the
progress), read the results with the previous month's differences and any payslip, close
the period (locked from then on) and record adjustments of a closed period. Every signed-in
user reads their own payslips of closed periods.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from haken.modules.payroll.auth import OwnPayslips, PayrollRead, PayrollWrite
from haken.modules.payroll.schemas import (
    AdjustmentCreate,
    AdjustmentRead,
    PayslipRead,
    PayslipSummary,
    ProfileRead,
    ProfileWrite,
    RunClose,
    RunRead,
    RunStart,
)
from haken.modules.payroll.service import payroll_service
from haken.platform.deps import SessionDep
from haken.platform.pagination import PageQuery
from haken.platform.ratelimit import admin_limit, default_limit
from haken.platform.responses import Envelope, PageEnvelope, ok, page

router = APIRouter(prefix="/api/payroll", tags=["payroll"])


@router.get("/runs", response_model=PageEnvelope[RunRead], dependencies=[Depends(default_limit)])
async def list_runs(principal: PayrollRead, session: SessionDep, paging: PageQuery) -> Any:
    """Every payroll run, newest period first."""
    result = await payroll_service.list_runs(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))


@router.post(
    "/runs",
    response_model=Envelope[RunRead],
    status_code=202,
    dependencies=[Depends(admin_limit)],
)
async def start_run(body: RunStart, principal: PayrollWrite, session: SessionDep) -> Any:
    """Start, rerun or resume the payroll of the period containing ``day`` (a job)."""
    return ok(await payroll_service.start_run(session, principal, data=body))


@router.get(
    "/runs/{run_id:int}", response_model=Envelope[RunRead], dependencies=[Depends(default_limit)]
)
async def get_run(principal: PayrollRead, session: SessionDep, run_id: int) -> Any:
    """One run with its progress."""
    return ok(await payroll_service.get_run(session, principal, run_id=run_id))


@router.get(
    "/runs/{run_id:int}/payslips",
    response_model=PageEnvelope[PayslipSummary],
    dependencies=[Depends(default_limit)],
)
async def run_payslips(
    principal: PayrollRead,
    session: SessionDep,
    paging: PageQuery,
    run_id: int,
    errors: Annotated[bool, Query()] = False,
) -> Any:
    """The run's payslips by employee, with the previous month's net and the difference;
    ``errors=true``: only the employees whose pay could not be computed."""
    result = await payroll_service.run_results(
        session, principal, run_id=run_id, errors_only=errors, request=paging
    )
    return page(result.items, result.pagination(paging.limit))


@router.post(
    "/runs/{run_id:int}/close",
    response_model=Envelope[RunRead],
    dependencies=[Depends(admin_limit)],
)
async def close_run(
    body: RunClose, principal: PayrollWrite, session: SessionDep, run_id: int
) -> Any:
    """Close the period: its payslips are locked; later corrections are adjustments."""
    return ok(
        await payroll_service.close_run(session, principal, run_id=run_id, version=body.version)
    )


@router.get(
    "/payslips/{payslip_id:int}",
    response_model=Envelope[PayslipRead],
    dependencies=[Depends(default_limit)],
)
async def get_payslip(principal: OwnPayslips, session: SessionDep, payslip_id: int) -> Any:
    """One payslip with every line and its basis (admins: any; others: their own, closed)."""
    return ok(await payroll_service.get_payslip(session, principal, payslip_id=payslip_id))


@router.get(
    "/me/payslips",
    response_model=PageEnvelope[PayslipSummary],
    dependencies=[Depends(default_limit)],
)
async def my_payslips(principal: OwnPayslips, session: SessionDep, paging: PageQuery) -> Any:
    """The caller's own payslips of closed periods, newest first."""
    result = await payroll_service.my_payslips(session, principal, request=paging)
    return page(result.items, result.pagination(paging.limit))


@router.get(
    "/employees/{employee_id:int}/profile",
    response_model=Envelope[ProfileRead],
    dependencies=[Depends(default_limit)],
)
async def get_profile(principal: PayrollRead, session: SessionDep, employee_id: int) -> Any:
    """An employee's pay settings (defaults when none were entered)."""
    return ok(await payroll_service.get_profile(session, principal, employee_id=employee_id))


@router.put(
    "/employees/{employee_id:int}/profile",
    response_model=Envelope[ProfileRead],
    dependencies=[Depends(admin_limit)],
)
async def put_profile(
    body: ProfileWrite, principal: PayrollWrite, session: SessionDep, employee_id: int
) -> Any:
    """Replace an employee's pay settings (monthly pay, allowances, commuting, the stored
    標準報酬月額, insurance, the 12 resident-tax amounts June–May, other deductions)."""
    return ok(
        await payroll_service.put_profile(session, principal, employee_id=employee_id, data=body)
    )


@router.post(
    "/adjustments",
    response_model=Envelope[AdjustmentRead],
    status_code=201,
    dependencies=[Depends(admin_limit)],
)
async def add_adjustment(
    body: AdjustmentCreate, principal: PayrollWrite, session: SessionDep
) -> Any:
    """Correct a closed payslip: an adjustment line in the next open period."""
    return ok(await payroll_service.add_adjustment(session, principal, data=body))
