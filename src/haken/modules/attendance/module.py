"""How the attendance area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.attendance import tasks  # noqa: F401 (registers the jobs)
from haken.modules.attendance.endpoints import router
from haken.modules.attendance.import_pages import register_import_web
from haken.modules.attendance.import_pages import router as import_page_router
from haken.modules.attendance.labels import register_labels
from haken.modules.attendance.pages import register_web
from haken.modules.attendance.pages import router as page_router
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
    app.include_router(page_router)
    app.include_router(import_page_router)
    register_labels()
    register_web()
    register_import_web()


module = Module(name="attendance", install=install)
