"""How the attendance area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.attendance import tasks  # noqa: F401 (registers the jobs)
from haken.modules.attendance.endpoints import router
from haken.modules.attendance.labels import register_labels
from haken.modules.attendance.service import attendance_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    settings = app.state.settings
    attendance_service.configure(
        cutoff_day=settings.payroll_cutoff_day,
        pay_day=settings.payday,
        pay_months_after=settings.payday_months_after,
    )
    app.include_router(router)
    register_labels()


module = Module(name="attendance", install=install)
