"""How the reports plug into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.registry import Module
from haken.modules.reports.labels import register_labels
from haken.modules.reports.pages import register_web, router


def install(app: FastAPI) -> None:
    app.include_router(router)
    register_web()
    register_labels()


module = Module(name="reports", install=install)
