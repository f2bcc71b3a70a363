"""How the leave area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.leave import tasks  # noqa: F401 (registers the jobs)
from haken.modules.leave.endpoints import router
from haken.modules.leave.labels import register_labels
from haken.modules.leave.pages import register_web
from haken.modules.leave.pages import router as page_router
from haken.modules.leave.service import leave_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    settings = app.state.settings
    leave_service.configure(
        continuity_gap_days=settings.leave_continuity_gap_days,
        hourly_cap_days=settings.leave_hourly_cap_days,
        pay_method=settings.leave_pay_method,
        risk_window_days=settings.leave_risk_window_days,
    )
    app.include_router(router)
    app.include_router(page_router)
    register_labels()
    register_web()


module = Module(name="leave", install=install)
