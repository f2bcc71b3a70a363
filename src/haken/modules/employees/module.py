"""How the employees area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.employees.endpoints import router
from haken.modules.employees.pages import register_web
from haken.modules.employees.pages import router as page_router
from haken.modules.employees.service import configure_employee_numbers
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    configure_employee_numbers(app.state.settings.employee_number_pattern)
    app.include_router(router)
    app.include_router(page_router)
    register_web()


module = Module(name="employees", install=install)
