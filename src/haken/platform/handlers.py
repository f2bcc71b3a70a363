"""Turn every error into the error envelope, in the caller's locale."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from haken.platform import context
from haken.platform.db import is_database_unavailable
from haken.platform.errors import (
    DatabaseUnavailableError,
    HakenError,
    MalformedRequestError,
    MethodNotAllowedError,
    RouteNotFoundError,
    ServiceUnavailableError,
    ValidationFailedError,
    VersionConflictError,
)
from haken.platform.idempotency import IdempotentReplay
from haken.platform.logging import get_logger
from haken.platform.responses import error_body

log = get_logger(__name__)


def error_response(error: HakenError) -> JSONResponse:
    return JSONResponse(
        error_body(error.code, error.message(context.locale()), error.public_details()),
        status_code=error.status_code,
        headers=dict(error.headers) if error.headers else None,
    )


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Field-level details without echoing the input (it may be personal data)."""
    details = []
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body",)]
        details.append(
            {
                "loc": ".".join(location),
                "code": item.get("type", "invalid"),
                "message": item.get("msg", ""),
            }
        )
    return details


_PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def method_not_allowed(request: Request, exc: StarletteHTTPException) -> MethodNotAllowedError:
    """405 with the ``Allow`` header of every method the resource answers (RFC 9110 §15.5.6).

    The router's own 405 names only the methods of the first route it matched,
    while FastAPI registers one route per method (``GET`` and ``POST /api/clients``
    are two routes): probe every route with each method, once per path template.
    A 405 without an ``Allow`` (static files) comes from a GET-only mount.
    """
    if not exc.headers or "Allow" not in exc.headers:
        return MethodNotAllowedError(headers={"Allow": "GET, HEAD"})
    route = request.scope.get("route")
    key = getattr(route, "path", None) or request.url.path
    cache: dict[str, str] | None = getattr(request.app.state, "allowed_methods", None)
    if cache is None:
        cache = request.app.state.allowed_methods = {}
    allowed = cache.get(key)
    if allowed is None:
        found = {m.strip() for m in exc.headers["Allow"].split(",") if m.strip()}
        for method in _PROBED_METHODS:
            probe = {**request.scope, "method": method}
            for candidate in request.app.router.routes:
                if isinstance(candidate, Mount):
                    continue  # a mount matches every method
                if candidate.matches(probe)[0] is Match.FULL:
                    found.add(method)
                    break
        allowed = ", ".join(m for m in _PROBED_METHODS if m in found)
        if len(cache) < 1024:  # templates are few; never grow on arbitrary paths
            cache[key] = allowed
    return MethodNotAllowedError(headers={"Allow": allowed})


async def haken_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HakenError)
    if exc.status_code >= 500:
        log.error("service error", code=exc.code, cause=type(exc.__cause__).__name__)
    return error_response(exc)


def _out_of_range() -> HakenError:
    """A number too large for the database column (ids, amounts): the input is invalid."""
    return ValidationFailedError(
        details=[{"loc": "", "code": "out_of_range", "message": "a number is out of range"}]
    )


def _is_out_of_range(error: BaseException) -> bool:
    """asyncpg reports int64 overflow as a generic DBAPI error; look at the cause chain."""
    seen: BaseException | None = error
    for _ in range(8):  # the chain is short; never loop on a cycle
        if seen is None:
            break
        if isinstance(seen, (OverflowError, DataError)) or type(seen).__name__ == "DataError":
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


def as_haken_error(request: Request, exc: Exception) -> HakenError:
    """The catalog error a raised exception answers as: one mapping for the JSON
    envelope and for the pages' error page, so the two never disagree."""
    if isinstance(exc, HakenError):
        return exc
    if isinstance(exc, RequestValidationError):
        details = _field_errors(exc)
        if any(d["code"] == "json_invalid" for d in details):
            return MalformedRequestError(details=details)
        return ValidationFailedError(details=details)
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return RouteNotFoundError()
        if exc.status_code == 405:
            return method_not_allowed(request, exc)
        if exc.status_code >= 500:
            return HakenError()
        # Any other framework-raised 4xx: the request itself could not be read.
        return MalformedRequestError()
    if isinstance(exc, StaleDataError):
        return VersionConflictError()
    if isinstance(exc, PoolTimeoutError):
        log.warning("database pool exhausted")
        return ServiceUnavailableError()
    if isinstance(exc, (OverflowError, DataError)):
        return _out_of_range()
    if isinstance(exc, DBAPIError):
        if is_database_unavailable(exc):
            log.warning("database unavailable", error=type(exc).__name__)
            return DatabaseUnavailableError()
        if _is_out_of_range(exc):
            return _out_of_range()
        log.error("database error", error=type(exc).__name__)
    return HakenError()


async def envelope_handler(request: Request, exc: Exception) -> JSONResponse:
    return error_response(as_haken_error(request, exc))


# Every exception class the envelope handler answers for (the pages wrap the same list).
HANDLED_EXCEPTIONS: tuple[type[Exception], ...] = (
    RequestValidationError,
    StarletteHTTPException,
    StaleDataError,
    OverflowError,
    DataError,
    DBAPIError,
    PoolTimeoutError,
)


async def replay_handler(request: Request, exc: Exception) -> Response:
    """A request whose idempotency key was already answered: the first answer again."""
    assert isinstance(exc, IdempotentReplay)
    headers = {"Idempotent-Replayed": "true", "Cache-Control": "no-store"}
    location = exc.location
    if location is not None:
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": location, **headers})
        return RedirectResponse(location, status_code=303, headers=headers)
    return JSONResponse(exc.response, status_code=exc.status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HakenError, haken_error_handler)
    app.add_exception_handler(IdempotentReplay, replay_handler)
    for exc_class in HANDLED_EXCEPTIONS:
        app.add_exception_handler(exc_class, envelope_handler)
