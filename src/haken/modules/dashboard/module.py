"""How the agency dashboard plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.dashboard import tasks  # noqa: F401 (registers the daily alerts job)
from haken.modules.dashboard.endpoints import router
from haken.modules.dashboard.pages import register_web
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    app.include_router(router)
    register_web()


module = Module(name="dashboard", install=install)
