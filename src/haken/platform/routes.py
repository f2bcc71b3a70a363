"""Walk the app's routes with their declared policies (for tests and docs).

FastAPI ≥0.160 keeps included routers as lazy route contexts; older versions
flatten them into ``app.routes``. This helper hides the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from haken.platform.access import AccessPolicy
from haken.platform.ratelimit import RateLimit, _Exempt


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    endpoint: Callable[..., Any] | None
    access: tuple[str, ...]
    rate_limits: tuple[str, ...]
    is_api: bool
    # Every dependency callable of the route (policies, session …), for the OpenAPI.
    calls: tuple[Any, ...] = ()
    body_types: tuple[Any, ...] = ()
    """The annotations of the request-body parameters (the endpoint's and its dependencies')."""
    query_params: tuple[str, ...] = ()
    """The names of the query parameters (the endpoint's and its dependencies')."""

    @property
    def is_write(self) -> bool:
        return bool(self.methods & {"POST", "PUT", "PATCH", "DELETE"})


def _raw_routes(app: FastAPI) -> Iterator[Any]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _bodies(dependant: Any) -> Iterator[Any]:
    for param in dependant.body_params:
        yield param.field_info.annotation
    for sub in dependant.dependencies:
        yield from _bodies(sub)


def _query_params(dependant: Any) -> Iterator[str]:
    for param in dependant.query_params:
        yield str(param.alias or param.name)
    for sub in dependant.dependencies:
        yield from _query_params(sub)


def iter_routes(app: FastAPI) -> Iterator[RouteInfo]:
    for route in _raw_routes(app):
        dependant = getattr(route, "dependant", None)
        calls = list(_calls(dependant)) if dependant is not None else []
        access = tuple(c.describe() for c in calls if isinstance(c, AccessPolicy))
        limits = tuple(c.describe() for c in calls if isinstance(c, (RateLimit, _Exempt)))
        yield RouteInfo(
            # The template without convertors: ``/api/employees/{employee_id}`` for a route
            # declared as ``{employee_id:int}`` (the OpenAPI's key; metrics use the same).
            path=str(getattr(route, "path_format", None) or route.path),
            methods=frozenset((route.methods or set()) - {"HEAD"}),
            endpoint=getattr(route, "endpoint", None),
            access=access,
            rate_limits=limits,
            is_api=dependant is not None,
            calls=tuple(calls),
            body_types=tuple(_bodies(dependant)) if dependant is not None else (),
            query_params=tuple(_query_params(dependant)) if dependant is not None else (),
        )
