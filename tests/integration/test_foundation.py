"""Every error path of the foundation, through a real app and database.

A few probe routes are added to a second app instance (same database) to
exercise what no product route should do on purpose: crash, write then fail,
fail at commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import func, select

from haken.app import create_app
from haken.modules.audit.models import AuditEntry
from haken.modules.audit.service import audit_service
from haken.platform.access import PublicAccess
from haken.platform.cache import cache_bypass
from haken.platform.db import after_commit, assert_max_queries, assert_num_queries, session_scope
from haken.platform.deps import SessionDep
from haken.platform.errors import VersionConflictError
from haken.platform.ratelimit import DefaultRateLimit
from haken.platform.responses import ok
from tests.conftest import make_settings, truncate_all

probe = APIRouter(prefix="/api/_probe")
page_probe = APIRouter(prefix="/_page_probe", include_in_schema=False)
HOOK_CALLS: list[str] = []


class ProbeBoom(RuntimeError):
    pass


@probe.get("/crash")
async def crash(_a: PublicAccess, _l: DefaultRateLimit) -> Any:
    raise ProbeBoom("secret internals: password=hunter2 at /srv/db")


@page_probe.get("/crash")
async def page_crash(_a: PublicAccess, _l: DefaultRateLimit) -> Any:
    raise ProbeBoom("secret internals: password=hunter2 at /srv/db")


@page_probe.get("/overflow")
async def page_overflow(_a: PublicAccess, _l: DefaultRateLimit) -> Any:
    raise OverflowError("int too big for the column: 99999999999999999999")


@page_probe.post("/echo")
async def page_echo(_a: PublicAccess, _l: DefaultRateLimit) -> Any:
    return ok({})


@probe.post("/write-then-fail")
async def write_then_fail(_a: PublicAccess, _l: DefaultRateLimit, session: SessionDep) -> Any:
    await audit_service.record(session, None, entity_type="probe", entity_id=1, action="create")
    after_commit(session, _hook("should-not-run"))
    raise VersionConflictError()


@probe.post("/write-ok")
async def write_ok(_a: PublicAccess, _l: DefaultRateLimit, session: SessionDep) -> Any:
    await audit_service.record(session, None, entity_type="probe", entity_id=2, action="create")
    after_commit(session, _hook("ran-after-commit"))
    return ok({"written": True})


@probe.post("/echo")
async def echo(_a: PublicAccess, _l: DefaultRateLimit, body: dict[str, int]) -> Any:
    return ok(body)


def _hook(label: str) -> Any:
    async def run() -> None:
        HOOK_CALLS.append(label)

    return run


@pytest.fixture
async def probe_client(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    settings = make_settings(database_url, tmp_path, max_body_bytes=2048)
    application = create_app(settings)
    application.include_router(probe)
    application.include_router(page_probe)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http, application
        await truncate_all(application)


async def _audit_count(app: Any, entity_type: str) -> int:
    async with session_scope(app.state.database, write=True) as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.entity_type == entity_type)
            )
            or 0
        )


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_an_envelope(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/does-not-exist"), 404, "ROUTE_NOT_FOUND")


async def test_wrong_method_is_an_envelope(client: httpx.AsyncClient) -> None:
    assert_error(await client.delete("/api/health"), 405, "METHOD_NOT_ALLOWED")


def _allow(response: httpx.Response) -> set[str]:
    return {method.strip() for method in response.headers["allow"].split(",")}


async def test_a_405_names_every_allowed_method(client: httpx.AsyncClient) -> None:
    """RFC 9110: a 405 carries ``Allow``, listing the resource's methods (one route each)."""
    trace = await client.request("TRACE", "/api/clients")
    assert_error(trace, 405, "METHOD_NOT_ALLOWED")
    assert _allow(trace) == {"GET", "POST"}
    put = await client.put("/api/clients/1")
    assert_error(put, 405, "METHOD_NOT_ALLOWED")
    assert _allow(put) == {"GET", "PATCH", "DELETE"}
    assert _allow(await client.request("TRACE", "/api/health")) == {"GET"}
    page = await client.request("TRACE", "/login")
    assert page.status_code == 405
    assert _allow(page) == {"GET", "POST"}


async def test_a_literal_segment_is_never_an_id(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: ``PATCH /api/employees/headcount`` matched ``/{employee_id}``
    (401 anonymous, 422 ``employee_id`` signed in) instead of a 405; ids are ``{…:int}``."""
    admin = await auth_headers("admin")
    for path in (
        "/api/employees/headcount",
        "/api/employees/residence-expiring",
        "/api/candidates/residence-expiring",
        "/api/assignments/me",
        "/api/assignments/conflicts",
    ):
        for headers in ({}, admin):
            response = await client.patch(path, headers=headers)
            assert_error(response, 405, "METHOD_NOT_ALLOWED")
            assert _allow(response) == {"GET"}, path
    assert_error(await client.get("/api/employees/abc", headers=admin), 404, "ROUTE_NOT_FOUND")


async def test_query_dates_are_never_unix_timestamps(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: ``/api/audit?until=0.5`` was read as 1970-01-01T00:00:00.5Z."""
    admin = await auth_headers("admin")
    for path, name, value in (
        ("/api/audit", "until", "0.5"),
        ("/api/audit", "since", "1700000000"),
        ("/api/assignments", "active_on", "0"),
    ):
        refused = await client.get(path, headers=admin, params={name: value})
        assert_error(refused, 422, "VALIDATION_FAILED")
    iso = await client.get("/api/audit", headers=admin, params={"until": "2026-04-01T00:00:00Z"})
    assert iso.status_code == 200, iso.text


async def test_validation_errors_have_field_details(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/auth/refresh", json={"refresh_token": 5})
    body = assert_error(response, 422, "VALIDATION_FAILED")
    assert body["error"]["details"][0]["loc"] == "refresh_token"
    assert "input" not in body["error"]["details"][0]


async def test_duplicate_json_keys_are_refused_at_any_depth(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = {**await auth_headers("coordinator"), "content-type": "application/json"}
    created = await client.post("/api/clients", headers=headers, content='{"name": "株式会社A"}')
    assert created.status_code == 201, created.text
    row = created.json()["data"]
    # Python would keep the last value (version 1, the real one): refused instead.
    stale_then_real = f'{{"name": "株式会社B", "version": 999, "version": {row["version"]}}}'
    body = assert_error(
        await client.patch(f"/api/clients/{row['id']}", headers=headers, content=stale_then_real),
        422,
        "DUPLICATE_JSON_KEY",
    )
    assert body["error"]["details"][0]["loc"] == "version"
    nested = '{"name": "株式会社C", "x": [{"k": 1, "k": 2}]}'
    assert_error(
        await client.post("/api/clients", headers=headers, content=nested),
        422,
        "DUPLICATE_JSON_KEY",
    )
    vendor_type = {**headers, "content-type": "application/merge-patch+json; charset=utf-8"}
    assert_error(
        await client.post("/api/clients", headers=vendor_type, content='{"name":"D","name":"E"}'),
        422,
        "DUPLICATE_JSON_KEY",
    )
    # Nothing was written; the same keys once each still work.
    listed = (await client.get("/api/clients", headers=headers)).json()["data"]
    assert [c["name"] for c in listed] == ["株式会社A"]
    # The Web Vitals beacon comes as text/plain, parsed by its endpoint: refused there too.
    beacon = '{"page_request_id": "0123456789abcdef", "path": "/", "path": "/x"}'
    assert_error(
        await client.post(
            "/api/telemetry/web-vitals", content=beacon, headers={"content-type": "text/plain"}
        ),
        422,
        "DUPLICATE_JSON_KEY",
    )


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/refresh", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "MALFORMED_REQUEST")


async def test_messages_follow_accept_language(client: httpx.AsyncClient) -> None:
    en = await client.get("/api/nope", headers={"Accept-Language": "en-US,en;q=0.9"})
    ja = await client.get("/api/nope")
    assert en.json()["error"]["message"] == "No such endpoint."
    assert ja.json()["error"]["message"] == "そのエンドポイントは存在しません。"


async def test_incoming_request_id_is_echoed_when_well_formed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health", headers={"X-Request-ID": "trace-0001-abcd"})
    assert response.headers["x-request-id"] == "trace-0001-abcd"
    assert response.json()["meta"]["request_id"] == "trace-0001-abcd"
    forged = await client.get("/api/health", headers={"X-Request-ID": "bad id\twith tab"})
    assert forged.headers["x-request-id"] != "bad id\twith tab"


async def test_unexpected_exception_is_a_500_without_internals(probe_client: Any) -> None:
    http, _app = probe_client
    response = await http.get("/api/_probe/crash")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.text
    assert "ProbeBoom" not in response.text
    assert "Traceback" not in response.text
    assert len(body["meta"]["request_id"]) == 32


def assert_error_page(response: httpx.Response, status: int, code: str) -> None:
    """A page path never answers a JSON body, whatever failed (issue 13 item 2)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-error-code"] == code
    assert "<html" in response.text
    assert '"success"' not in response.text
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


async def test_errors_on_page_paths_are_pages_not_json(probe_client: Any) -> None:
    http, _app = probe_client
    # An exception no handler knows: the last-resort answer is a page, in the caller's language.
    crash = await http.get("/_page_probe/crash", headers={"Accept-Language": "en"})
    assert_error_page(crash, 500, "INTERNAL_ERROR")
    assert "Error" in crash.text
    assert crash.headers["x-request-id"] in crash.text
    # A number out of the column's range: the page error handler, like the API's 422.
    assert_error_page(await http.get("/_page_probe/overflow"), 422, "VALIDATION_FAILED")
    # A body over the limit on a page path: refused before the app, still a page.
    big = await http.post("/_page_probe/echo", content=b"x" * 4096)
    assert_error_page(big, 413, "PAYLOAD_TOO_LARGE")
    # The API keeps its envelope for the same failures.
    assert_error(await http.get("/api/_probe/crash"), 500, "INTERNAL_ERROR")


async def test_error_rolls_back_the_write_and_skips_hooks(probe_client: Any) -> None:
    http, app = probe_client
    HOOK_CALLS.clear()
    assert_error(await http.post("/api/_probe/write-then-fail"), 409, "VERSION_CONFLICT")
    assert await _audit_count(app, "probe") == 0
    assert HOOK_CALLS == []


async def test_success_commits_then_runs_hooks(probe_client: Any) -> None:
    http, app = probe_client
    HOOK_CALLS.clear()
    response = await http.post("/api/_probe/write-ok")
    assert response.status_code == 200
    assert await _audit_count(app, "probe") == 1
    assert HOOK_CALLS == ["ran-after-commit"]


async def test_body_size_limit(probe_client: Any) -> None:
    http, _app = probe_client
    response = await http.post("/api/_probe/echo", json={f"k{i}": i for i in range(400)})
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")

    async def stream() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b'{"a": 1' + b" " * 400

    # Chunked upload without Content-Length is cut while streaming.
    response = await http.post(
        "/api/_probe/echo", content=stream(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    small = await http.post("/api/_probe/echo", json={"a": 1})
    assert small.status_code == 200


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/api/health"), await client.get("/api/missing")):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in response.headers


async def test_hsts_only_over_https(app: Any) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        response = await http.get("/api/health")
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_ready_reports_database_and_cache(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/ready")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["database"] == "ok"
    assert "backend" in data["cache"]


async def test_ready_is_503_when_the_database_is_unreachable(tmp_path: Path, backend: str) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/missing-dir/none/haken.db"
    else:
        url = "postgresql+asyncpg://postgres@127.0.0.1:1/haken_nowhere"
    application = create_app(make_settings(url, tmp_path))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            ready = await http.get("/api/ready")
            health = await http.get("/api/health")
            login = await http.post(
                "/api/auth/login", json={"email": "a@b.example", "password": "x" * 12}
            )
    assert_error(ready, 503, "SERVICE_UNAVAILABLE")
    assert health.status_code == 200  # liveness does not depend on the database
    assert_error(login, 503, "DATABASE_UNAVAILABLE")


async def test_query_counter_counts_statements_inside_requests(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    # principal (1 query) + page of audit rows (1 query)
    with cache_bypass(), assert_num_queries(2) as counter:
        response = await client.get("/api/audit", headers=headers)
    assert response.status_code == 200
    assert counter.count == 2
    with pytest.raises(AssertionError, match="expected at most 1 queries"):
        with cache_bypass(), assert_max_queries(1):
            await client.get("/api/audit", headers=headers)


async def test_cors_allows_only_the_configured_origins(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path, cors_origins=["https://portal.example.jp"])
    application = create_app(settings)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            allowed = await http.options(
                "/api/auth/me",
                headers={
                    "Origin": "https://portal.example.jp",
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "Authorization",
                },
            )
            denied = await http.get("/api/health", headers={"Origin": "https://evil.example"})
            plain = await http.get("/api/health", headers={"Origin": "https://portal.example.jp"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.jp"
    assert "access-control-allow-origin" not in denied.headers
    assert plain.headers["access-control-allow-origin"] == "https://portal.example.jp"
