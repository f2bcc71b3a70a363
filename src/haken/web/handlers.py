"""Errors on pages become pages: a sign-in redirect, or an error page in the user's language.

Installed over the platform's handlers: a request under ``/api`` still gets
the JSON envelope from the original handler; any other path gets HTML. An
unauthenticated page request is redirected to ``/login?next=…`` (htmx
requests get ``HX-Redirect``) — the route keeps its ordinary access
dependency, so the route walk sees the same policy as on the API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from haken.platform import context, metrics
from haken.platform.access import ForbiddenError, NotAuthenticatedError
from haken.platform.errors import (
    HakenError,
)
from haken.platform.handlers import HANDLED_EXCEPTIONS, as_haken_error
from haken.platform.logging import get_logger
from haken.web.errors import PageNotFoundError
from haken.web.forms import FormRejected
from haken.web.middleware import is_page_path
from haken.web.render import redirect, render

log = get_logger(__name__)
Handler = Callable[[Request, Exception], Awaitable[Response]]


def login_redirect(request: Request) -> Response:
    """Back to the page after signing in: the URL itself, or the page an htmx call came from."""
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    current = request.headers.get("hx-current-url")
    if current:
        parts = urlsplit(current)
        target = parts.path + ("?" + parts.query if parts.query else "")
    elif request.method != "GET":
        target = "/"
    url = "/login" if target in ("/", "/login") else "/login?next=" + quote(target, safe="/")
    return redirect(request, url)


def error_page(request: Request, error: HakenError) -> Response:
    response = render(
        request,
        "error.html",
        {
            "status": error.status_code,
            "code": error.code,
            "message": error.message(context.locale()),
        },
        status_code=error.status_code,
    )
    if error.headers:
        response.headers.update(error.headers)
    response.headers["x-error-code"] = error.code
    metrics.errors_total.labels(error.code).inc()
    return response


def _as_haken_error(request: Request, exc: Exception) -> HakenError:
    """The platform's mapping, with the page-worded 404 (a page, not an API route)."""
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 404:
        return PageNotFoundError()
    return as_haken_error(request, exc)


def _is_client_principal(request: Request) -> bool:
    principal = getattr(request.state, "principal", None)
    return bool(getattr(principal, "is_client", False))


def _page_handler(api_handler: Handler | None) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if not is_page_path(request.url.path) or request.url.path.startswith("/static/"):
            if api_handler is None:
                raise exc
            return await api_handler(request, exc)
        if isinstance(exc, FormRejected):
            return exc.response
        if isinstance(exc, NotAuthenticatedError):
            return login_redirect(request)
        if isinstance(exc, ForbiddenError) and _is_client_principal(request):
            # A client supervisor on an agency page: its own portal is the only way in.
            return redirect(request, "/client")
        error = _as_haken_error(request, exc)
        if error.status_code >= 500:
            log.error("page error", code=error.code, cause=type(exc).__name__)
        try:
            return error_page(request, error)
        except Exception:  # the error page itself failed: never hide the original answer
            log.exception("error page failed")
            if api_handler is None:
                raise
            return await api_handler(request, exc)

    return handle


def install_page_error_handlers(app: FastAPI) -> None:
    """Wrap the platform's handlers (call after ``install_error_handlers``)."""
    handlers: dict[Any, Handler] = app.exception_handlers  # type: ignore[assignment]
    wrapped: tuple[type[Exception], ...] = (HakenError, *HANDLED_EXCEPTIONS)
    for exc_class in wrapped:
        app.add_exception_handler(exc_class, _page_handler(handlers.get(exc_class)))
    app.add_exception_handler(FormRejected, _page_handler(None))
