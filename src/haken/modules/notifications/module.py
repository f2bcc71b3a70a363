"""How the notifications area plugs into the app."""

from __future__ import annotations

from fastapi import FastAPI

from haken.modules.notifications.endpoints import router
from haken.modules.notifications.labels import register_labels
from haken.modules.notifications.pages import router as page_router
from haken.modules.notifications.service import notifications_service
from haken.modules.registry import Module


def install(app: FastAPI) -> None:
    notifications_service.configure(app.state.settings)
    app.include_router(router)
    app.include_router(page_router)
    register_labels()


module = Module(name="notifications", install=install)
