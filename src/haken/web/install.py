"""Mount the web UI on the app: static assets, shared pages, API docs, telemetry, page errors."""

from __future__ import annotations

from fastapi import FastAPI

from haken.web import api_docs, pages, telemetry
from haken.web.assets import STATIC_PREFIX, static_files
from haken.web.cookies import CookieWriterMiddleware
from haken.web.handlers import install_page_error_handlers
from haken.web.middleware import (
    EmptyQueryFieldsMiddleware,
    PageCompressionMiddleware,
    PageLocaleMiddleware,
)


def install_web(app: FastAPI) -> None:
    """Call after the platform's error handlers and the modules are installed."""
    app.mount(STATIC_PREFIX, static_files(), name="static")
    app.include_router(telemetry.router)
    app.include_router(api_docs.router)
    app.include_router(pages.router)
    install_page_error_handlers(app)
    # Innermost: they see the page's own response before the platform's headers are added.
    app.add_middleware(EmptyQueryFieldsMiddleware)
    app.add_middleware(CookieWriterMiddleware)
    app.add_middleware(PageLocaleMiddleware)
    app.add_middleware(PageCompressionMiddleware)
