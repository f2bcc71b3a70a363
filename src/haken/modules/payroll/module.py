"""How the payroll area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.payroll import tasks  # noqa: F401 (registers the jobs)
from haken.modules.payroll.delivery import delivery_service
from haken.modules.payroll.endpoints import router
from haken.modules.payroll.pages import register_web
from haken.modules.payroll.pages import router as page_router
from haken.modules.payroll.service import payroll_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    settings = app.state.settings
    payroll_service.configure(
        prefecture=settings.payroll_prefecture,
        withholding_method=settings.payroll_withholding_method,
        deduction_agreement=settings.payroll_deduction_agreement,
        batch_size=settings.payroll_batch_size,
    )
    delivery_service.configure(
        agency_name=settings.billing_agency_name or settings.transfer_requester_name
    )
    app.include_router(router)
    app.include_router(page_router)
    register_web()


module = Module(name="payroll", install=install)
