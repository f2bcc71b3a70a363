"""How the assignments area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.assignments import tasks  # noqa: F401  (registers the area's jobs)
from haken.modules.assignments.endpoints import assignments_router, contracts_router
from haken.modules.assignments.pages import register_web
from haken.modules.assignments.pages import router as page_router
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(contracts_router)
    app.include_router(assignments_router)
    app.include_router(page_router)
    register_web()


module = Module(name="assignments", install=install)
