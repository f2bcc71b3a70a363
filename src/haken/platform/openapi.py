"""The OpenAPI's error responses, derived from each route's declared policies.

FastAPI documents only the success status and a 422 in its own shape. Every
API operation here also lists each error status it can answer, with the
:class:`~haken.platform.responses.ErrorEnvelope` schema and the catalog codes
(``x-error-codes`` and the description), derived from what the route walk
(:func:`haken.platform.routes.iter_routes`) sees, so the two cannot drift:

- the access policy's refusals (401 ``AUTH_REQUIRED``, 403 ``AUTH_FORBIDDEN``), and on
  writes whatever the principal resolver may refuse (``app.state.principal_write_refusals``);
- the rate-limit policies' refusals (429 ``RATE_LIMITED`` with ``Retry-After`` and
  ``RateLimit-*``; 503 ``RATE_LIMIT_UNAVAILABLE`` for a fail-closed policy);
- the request's shape: a body (400 malformed JSON, 413 too large, 422), parameters (422),
  path ids and writes (404), a ``version`` field (409), a ``cursor`` (``InvalidCursorError``;
  the parameter's schema gets the cursor's alphabet, :data:`CURSOR_PATTERN`);
- a database session (503 ``DATABASE_UNAVAILABLE`` / ``SERVICE_UNAVAILABLE``);
- a JSON body: 422 ``DUPLICATE_JSON_KEY`` (the strict-JSON middleware refuses a key named twice);
- idempotency: an operation whose access policy claims keys (``claims_idempotency``, on the
  methods of ``idempotency.CLAIMED_METHODS``) declares the optional ``Idempotency-Key``
  header and its refusals (``idempotency.REFUSALS``: 400, 409, 422);
- the errors of the endpoint's own area (``<package>/errors.py``): all of them on a write,
  those with an already-implied status on a read.

A wrong ``Content-Type`` on a JSON body is a 422 ``VALIDATION_FAILED`` (the body
is then not an object), not a 415; only an area that checks media types itself
(the candidate photo) declares 415.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from haken.platform import idempotency
from haken.platform.access import AccessPolicy
from haken.platform.deps import get_session
from haken.platform.errors import (
    CATALOG,
    DatabaseUnavailableError,
    DuplicateJsonKeyError,
    HakenError,
    InvalidCursorError,
    MalformedRequestError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
    ValidationFailedError,
    VersionConflictError,
)
from haken.platform.ratelimit import RateLimit
from haken.platform.responses import ErrorEnvelope
from haken.platform.routes import RouteInfo, iter_routes

ERROR_SCHEMA = "ErrorEnvelope"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A cursor is ``<payload>.<mac>``, both URL-safe base64 without padding
# (haken.platform.pagination); an empty one is the first page. Documented here rather
# than enforced by the query parameter, so that any other string stays the catalog's
# 400 INVALID_CURSOR.
CURSOR_PATTERN = r"^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?$"
_INTEGER_HEADER = {"schema": {"type": "integer", "minimum": 0}, "required": True}
RATE_LIMIT_HEADERS: dict[str, Any] = {
    "Retry-After": {**_INTEGER_HEADER, "description": "Seconds until a retry may succeed."},
    "RateLimit-Limit": {**_INTEGER_HEADER, "description": "Requests allowed in the window."},
    "RateLimit-Remaining": {**_INTEGER_HEADER, "description": "Requests left in the window."},
    "RateLimit-Reset": {**_INTEGER_HEADER, "description": "Seconds until the window resets."},
}


def _area_errors(route: RouteInfo) -> list[type[HakenError]]:
    """The catalog errors defined next to the endpoint (``<its package>.errors``)."""
    module = getattr(route.endpoint, "__module__", "") or ""
    package, _, name = module.rpartition(".")
    if name != "endpoints":  # an area's API lives in <area>/endpoints.py, its errors beside it
        return []
    return [entry for entry in CATALOG.values() if entry.__module__ == f"{package}.errors"]


def route_errors(
    route: RouteInfo,
    method: str,
    operation: dict[str, Any],
    components: dict[str, Any],
    *,
    write_refusals: Iterable[type[HakenError]] = (),
) -> dict[int, set[str]]:
    """Status → catalog codes this operation can answer (besides its success)."""
    found: dict[int, set[str]] = defaultdict(set)

    def add(*errors: type[HakenError]) -> None:
        for error in errors:
            found[error.status_code].add(error.code)

    write = method in WRITE_METHODS
    for call in route.calls:
        if isinstance(call, AccessPolicy):
            add(*call.refusals())
            if write and call.resolves_principal:
                add(*write_refusals)
            if claims_idempotency(call, method):
                add(*idempotency.REFUSALS)
        elif isinstance(call, RateLimit):
            add(*call.refusals())
        elif call is get_session:
            add(DatabaseUnavailableError, ServiceUnavailableError)

    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if write or any(p.get("in") == "path" for p in parameters):
        add(NotFoundError)  # the row in the path, or one the body refers to, is not there
    if route.path.endswith("/me"):
        add(NotFoundError)  # the caller's own record: an account with no employee has none
    if any(p.get("in") == "query" and p.get("name") == "cursor" for p in parameters):
        add(InvalidCursorError)
    if parameters or body:
        add(ValidationFailedError)
    if body:
        add(PayloadTooLargeError, MalformedRequestError)  # too large; unreadable JSON or form
        if any(_is_json(media) for media in body.get("content", {})):
            add(DuplicateJsonKeyError)
        if _has_version(body, components):
            add(VersionConflictError)
    for error in _area_errors(route):
        if write or error.status_code in found:
            add(error)
    return dict(found)


def claims_idempotency(policy: AccessPolicy, method: str) -> bool:
    """Whether ``policy`` claims an ``Idempotency-Key`` on ``method`` (``claim_request``)."""
    return policy.claims_idempotency and method in idempotency.CLAIMED_METHODS


def _is_json(media: str) -> bool:
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _document_idempotency(route: RouteInfo, method: str, operation: dict[str, Any]) -> None:
    """Declare the ``Idempotency-Key`` header where the access policy claims it."""
    if not any(
        isinstance(call, AccessPolicy) and claims_idempotency(call, method) for call in route.calls
    ):
        return
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name") == idempotency.HEADER for p in parameters):
        parameters.append(idempotency.openapi_parameter())


def _document_cursor(operation: dict[str, Any]) -> None:
    """Give the ``cursor`` query parameter's string schema the cursor's alphabet."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query" or parameter.get("name") != "cursor":
            continue
        schema = parameter.get("schema", {})
        for branch in [schema, *schema.get("anyOf", [])]:
            if branch.get("type") == "string":
                branch["pattern"] = CURSOR_PATTERN


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        resolved: dict[str, Any] = components.get(ref.rsplit("/", 1)[1], {})
        return resolved
    return schema


def _has_version(body: dict[str, Any], components: dict[str, Any]) -> bool:
    for media in body.get("content", {}).values():
        schema = _resolve(media.get("schema", {}), components)
        if "version" in schema.get("properties", {}):
            return True
    return False


def _response(status: int, codes: set[str], existing: dict[str, Any] | None) -> dict[str, Any]:
    listed = sorted(codes)
    summary = existing.get("description") if existing else None
    if not summary or summary in {"Validation Error", "Successful Response"}:
        summary = HTTPStatus(status).phrase
    response: dict[str, Any] = {
        "description": f"{summary}. Error codes: {', '.join(listed)}.",
        "content": {"application/json": {"schema": ERROR_REF}},
        "x-error-codes": listed,
    }
    if status == 429:
        response["headers"] = RATE_LIMIT_HEADERS
    return response


def add_error_responses(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """Declare every error status of every API operation in ``document`` (in place)."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA] = ErrorEnvelope.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for name, schema in components[ERROR_SCHEMA].pop("$defs", {}).items():
        components.setdefault(name, schema)
    write_refusals = tuple(getattr(app.state, "principal_write_refusals", ()))
    for route in iter_routes(app):
        operations = document.get("paths", {}).get(route.path)
        if not operations:
            continue
        for method in route.methods:
            operation = operations.get(method.lower())
            if operation is None:
                continue
            _document_cursor(operation)
            _document_idempotency(route, method, operation)
            responses = operation.setdefault("responses", {})
            errors = route_errors(
                route, method, operation, components, write_refusals=write_refusals
            )
            for status, codes in sorted(errors.items()):
                responses[str(status)] = _response(status, codes, responses.get(str(status)))
            for key, declared in list(responses.items()):
                if key.isdigit() and int(key) >= 400 and int(key) not in errors:
                    # Declared by the route itself (``responses=``): still the envelope.
                    platform = {
                        e.code
                        for e in CATALOG.values()
                        if e.status_code == int(key) and e.__module__.startswith("haken.platform")
                    }
                    responses[key] = _response(int(key), platform, declared)
            if "422" in responses and "422" not in {str(s) for s in errors}:
                del responses["422"]  # FastAPI's guess: this operation reads no input
    for unused in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{unused}"' not in json.dumps(document):
            components.pop(unused, None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/api/openapi.json``) carry the error responses."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_error_responses(app, build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
