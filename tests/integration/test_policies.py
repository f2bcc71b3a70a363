"""Walk every route: declared policies, the access matrix, and audit rows for writes.

These tests pick up new routes automatically and fail until the new route
declares its access and rate-limit policies, is listed in ``EXPECTED_ACCESS``
with the policy it must have, and (for a write) has an audit scenario.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.app import create_app
from haken.modules.audit.models import AuditEntry
from haken.platform.access import Role
from haken.platform.db import session_scope
from haken.platform.routes import RouteInfo, iter_routes
from tests.conftest import TEST_PASSWORD, mailed_reset_token, make_settings
from tests.integration.assignments import policies as assignments_policies
from tests.integration.attendance import policies as attendance_policies
from tests.integration.billing import policies as billing_policies
from tests.integration.client_portal import policies as client_portal_policies
from tests.integration.clients import policies as clients_policies
from tests.integration.documents import policies as documents_policies
from tests.integration.employees.policy_scenarios import PEOPLE_ACCESS, PEOPLE_SCENARIOS
from tests.integration.housing import policies as housing_policies
from tests.integration.imports import policies as imports_policies
from tests.integration.leave import policies as leave_policies
from tests.integration.minimum_wages import policies as minimum_wages_policies
from tests.integration.offices import policies as offices_policies
from tests.integration.payroll import policies as payroll_policies
from tests.integration.reports import policies as reports_policies
from tests.integration.requests import policies as requests_policies

# The framework route that serves the API description itself (/api/docs is haken's own page).
FRAMEWORK_PATHS = {"/api/openapi.json"}
EXEMPT_FROM_RATE_LIMIT = {"/api/health", "/api/ready", "/metrics"}

# The policy each route must have. A new route fails the walk until it is listed.
EXPECTED_ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/health"): "public",
    ("GET", "/api/ready"): "public",
    ("GET", "/api/audit"): "role>=admin",
    ("POST", "/api/auth/login"): "public",
    ("POST", "/api/auth/refresh"): "public",
    ("POST", "/api/auth/logout"): "authenticated",
    ("GET", "/api/auth/me"): "authenticated",
    ("POST", "/api/auth/password"): "authenticated",
    ("POST", "/api/auth/password-reset/request"): "public",
    ("POST", "/api/auth/password-reset/confirm"): "public",
    ("GET", "/api/auth/sessions"): "authenticated",
    ("DELETE", "/api/auth/sessions/{session_id}"): "authenticated",
    ("POST", "/api/users"): "role>=admin",
    ("GET", "/api/users"): "role>=admin",
    ("GET", "/api/users/outbox"): "role>=admin",
    ("GET", "/api/users/sessions"): "role>=admin",
    ("DELETE", "/api/users/sessions/{session_id}"): "role>=admin",
    ("GET", "/api/users/{user_id}"): "role>=admin",
    ("PUT", "/api/users/{user_id}/role"): "role>=admin",
    ("POST", "/api/users/{user_id}/deactivate"): "role>=admin",
    **PEOPLE_ACCESS,
}
EXPECTED_ACCESS.update(clients_policies.ACCESS)
EXPECTED_ACCESS.update(housing_policies.ACCESS)
EXPECTED_ACCESS.update(assignments_policies.ACCESS)
EXPECTED_ACCESS.update(minimum_wages_policies.ACCESS)
EXPECTED_ACCESS.update(offices_policies.ACCESS)
EXPECTED_ACCESS.update(attendance_policies.ACCESS)
EXPECTED_ACCESS.update(leave_policies.ACCESS)
EXPECTED_ACCESS.update(requests_policies.ACCESS)
EXPECTED_ACCESS.update(billing_policies.ACCESS)
EXPECTED_ACCESS.update(payroll_policies.ACCESS)
EXPECTED_ACCESS.update(client_portal_policies.ACCESS)
EXPECTED_ACCESS.update(documents_policies.ACCESS)
EXPECTED_ACCESS.update(imports_policies.ACCESS)
EXPECTED_ACCESS.update(
    {
        ("GET", "/metrics"): "metrics-token",
        ("GET", "/api/cache/stats"): "role>=super_admin",
        ("GET", "/api/cache/health"): "role>=super_admin",
        ("GET", "/api/cache/info"): "role>=super_admin",
        ("POST", "/api/cache/invalidate"): "role>=super_admin",
        ("DELETE", "/api/cache"): "role>=super_admin",
        # Administrators read the dashboard (cache and rate-limit figures included); acting
        # on the cache stays with super admins.
        ("GET", "/api/admin/dashboard"): "role>=admin",
        # The agency dashboard: a site manager reads their sites' figures (no money).
        ("GET", "/api/dashboard"): "role>=site_manager",
        ("POST", "/api/telemetry/web-vitals"): "public",
        ("GET", "/api/docs"): "public",
    }
)
# The policy each web page must have, written from what the page is for (not read back from
# the code): employees reach their portal (/me), their account and their own record; site
# managers the pages of their sites' clients, staff and contracts; coordinators every staffing
# page and the forms; admins the office's administration; super admins the system page.
P, E, M, C = "public", "authenticated", "role>=site_manager", "role>=coordinator"
AD, SU = "role>=admin", "role>=super_admin"
EXPECTED_PAGE_ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/"): E,
    ("GET", "/me"): E,
    ("GET", "/lang/{code}"): P,
    ("GET", "/login"): P,
    ("POST", "/login"): P,
    ("GET", "/password-reset"): P,
    ("POST", "/password-reset"): P,
    ("POST", "/password-reset/confirm"): P,
    ("POST", "/logout"): E,
    ("GET", "/account"): E,
    ("POST", "/account/password"): E,
    ("POST", "/account/preferences"): E,
    ("GET", "/account/sessions/{session_id}/revoke"): E,
    ("POST", "/account/sessions/{session_id}/revoke"): E,
    ("GET", "/audit"): AD,
    ("GET", "/audit/export.{file_format}"): AD,
    ("GET", "/admin/users"): AD,
    ("GET", "/admin/users/export.{file_format}"): AD,
    ("GET", "/admin/users/new"): AD,
    ("GET", "/admin/users/pick/employees"): AD,
    ("GET", "/admin/users/pick/sites"): AD,
    ("POST", "/admin/users"): AD,
    ("GET", "/admin/users/{user_id}"): AD,
    ("POST", "/admin/users/{user_id}/role"): AD,
    ("GET", "/admin/users/{user_id}/deactivate"): AD,
    ("POST", "/admin/users/{user_id}/deactivate"): AD,
    ("GET", "/admin/outbox"): AD,
    ("GET", "/admin/sessions"): AD,
    ("GET", "/admin/sessions/{session_id}/revoke"): AD,
    ("POST", "/admin/sessions/{session_id}/revoke"): AD,
    ("GET", "/admin/dashboard"): AD,
    ("GET", "/admin/system"): SU,
    ("GET", "/admin/system/cache/clear"): SU,
    ("POST", "/admin/system/cache/clear"): SU,
    ("GET", "/clients"): M,
    ("GET", "/clients/export.{file_format}"): C,
    ("GET", "/clients/new"): C,
    ("POST", "/clients"): C,
    ("GET", "/clients/{client_id}"): M,
    ("GET", "/clients/{client_id}/edit"): C,
    ("POST", "/clients/{client_id}"): C,
    ("GET", "/sites/new"): C,
    ("POST", "/sites"): C,
    ("GET", "/sites/{site_id}/edit"): C,
    ("POST", "/sites/{site_id}"): C,
    ("GET", "/sites/{site_id}"): M,
    ("POST", "/sites/{site_id}/units"): C,
    ("GET", "/units/{unit_id}/edit"): C,
    ("POST", "/units/{unit_id}"): C,
    ("GET", "/employees"): M,
    # Exports of the filtered list (personal data): the office only, audited, "expensive".
    ("GET", "/employees/export.{file_format}"): C,
    ("GET", "/employees/new"): C,
    ("POST", "/employees"): C,
    # Row-scoped: an employee reads only their own record (404 for anyone else's).
    ("GET", "/employees/{employee_id}"): E,
    ("GET", "/employees/{employee_id}/edit"): C,
    ("POST", "/employees/{employee_id}"): C,
    ("GET", "/employees/{employee_id}/dependants"): C,
    ("POST", "/employees/{employee_id}/dependants"): C,
    ("GET", "/employees/{employee_id}/reveal"): AD,
    ("POST", "/employees/{employee_id}/reveal"): AD,
    ("GET", "/candidates"): C,
    ("GET", "/candidates/export.{file_format}"): C,
    ("GET", "/candidates/new"): C,
    ("POST", "/candidates"): C,
    ("GET", "/candidates/{candidate_id}"): C,
    ("GET", "/candidates/{candidate_id}/edit"): C,
    ("POST", "/candidates/{candidate_id}"): C,
    ("POST", "/candidates/{candidate_id}/status"): C,
    ("POST", "/candidates/{candidate_id}/hire"): C,
    ("POST", "/candidates/{candidate_id}/photo"): C,
    ("GET", "/housing"): C,
    ("GET", "/housing/export.{file_format}"): C,
    ("GET", "/housing/new"): C,
    ("POST", "/housing"): C,
    ("GET", "/housing/{apartment_id}"): C,
    ("POST", "/housing/{apartment_id}/rooms"): C,
    ("GET", "/housing/{apartment_id}/edit"): C,
    ("POST", "/housing/{apartment_id}"): C,
    ("GET", "/housing/{apartment_id}/rooms/{room_id}/edit"): C,
    ("POST", "/housing/{apartment_id}/rooms/{room_id}"): C,
    ("GET", "/housing/move-in/{employee_id}"): C,
    ("GET", "/housing/stays/{occupancy_id}/move-out"): C,
    ("POST", "/housing/move-in/{employee_id}"): C,
    ("POST", "/housing/stays/{occupancy_id}/move-out"): C,
    ("GET", "/contracts"): M,
    ("GET", "/contracts/export.{file_format}"): C,
    ("GET", "/contracts/new"): C,
    ("POST", "/contracts"): C,
    ("GET", "/contracts/{contract_id}"): M,
    ("GET", "/contracts/{contract_id}/edit"): C,
    ("POST", "/contracts/{contract_id}"): C,
    ("GET", "/assignments"): M,
    ("GET", "/assignments/export.{file_format}"): C,
    ("GET", "/assignments/new/{employee_id}"): C,
    ("POST", "/assignments/new/{employee_id}"): C,
    ("GET", "/assignments/{assignment_id}/end"): C,
    ("POST", "/assignments/{assignment_id}/end"): C,
    ("GET", "/assignments/{assignment_id}/rates/new"): C,
    ("POST", "/assignments/{assignment_id}/rates"): C,
}
EXPECTED_PAGE_ACCESS.update(minimum_wages_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(offices_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(leave_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(requests_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(billing_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(attendance_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(payroll_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(client_portal_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(documents_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(imports_policies.PAGES)
EXPECTED_PAGE_ACCESS.update(reports_policies.PAGES)

# Routes outside the role matrix, with the reason and the test that covers them.
OUTSIDE_MATRIX = {
    (
        "GET",
        "/metrics",
    ): "bearer metrics token, not a user role: tests/integration/platform/test_metrics.py",
}


def is_page(route: RouteInfo) -> bool:
    """Web UI routes: same services and policies, HTML answers (redirect to /login)."""
    return not route.path.startswith("/api") and route.path != "/metrics"


ROLES = [Role.EMPLOYEE, Role.SITE_MANAGER, Role.COORDINATOR, Role.ADMIN, Role.SUPER_ADMIN]


def api_routes() -> list[tuple[str, RouteInfo]]:
    app = create_app(
        make_settings("sqlite+aiosqlite:///:memory:", __import__("pathlib").Path("/tmp"))
    )
    found = []
    for route in iter_routes(app):
        if route.path in FRAMEWORK_PATHS or not route.is_api:
            continue
        for method in sorted(route.methods):
            found.append((method, route))
    return found


ROUTES = api_routes()


def route_id(item: tuple[str, RouteInfo]) -> str:
    return f"{item[0]} {item[1].path}"


@pytest.mark.parametrize("item", ROUTES, ids=route_id)
def test_every_route_declares_one_access_policy(item: tuple[str, RouteInfo]) -> None:
    method, route = item
    assert len(set(route.access)) == 1, (
        f"{method} {route.path} declares {route.access or 'no'} access policy"
    )


@pytest.mark.parametrize("item", ROUTES, ids=route_id)
def test_every_route_declares_a_rate_limit_policy(item: tuple[str, RouteInfo]) -> None:
    method, route = item
    assert route.rate_limits, f"{method} {route.path} has no rate-limit policy"
    if "exempt" in route.rate_limits:
        assert route.path in EXEMPT_FROM_RATE_LIMIT, f"{route.path} may not be exempt"


API_ROUTES = [(m, r) for m, r in ROUTES if not is_page(r)]
PAGE_ROUTES = [(m, r) for m, r in ROUTES if is_page(r)]


@pytest.mark.parametrize("item", API_ROUTES, ids=route_id)
def test_declared_policy_is_the_expected_one(item: tuple[str, RouteInfo]) -> None:
    method, route = item
    key = (method, route.path)
    assert key in EXPECTED_ACCESS, (
        f"{method} {route.path}: add its expected policy to EXPECTED_ACCESS"
    )
    assert route.access[0] == EXPECTED_ACCESS[key]


def test_expected_table_has_no_stale_entries() -> None:
    live = {(method, route.path) for method, route in API_ROUTES}
    assert set(EXPECTED_ACCESS) - live == set()


OPENAPI = create_app(
    make_settings("sqlite+aiosqlite:///:memory:", __import__("pathlib").Path("/tmp"))
).openapi()
FAIL_CLOSED_LIMITS = {"auth", "login_address", "login_account"}  # refuse with 503 without Redis


def implied_statuses(method: str, route: RouteInfo) -> dict[int, set[str]]:
    """What the expected policy and the route's shape imply, written from the policy tables."""
    needed = minimum_role(EXPECTED_ACCESS[(method, route.path)])
    implied: dict[int, set[str]] = {}
    if needed is not None:
        implied[401] = {"AUTH_REQUIRED"}
        if (
            needed > Role.EMPLOYEE
            or needed.is_client
            or EXPECTED_ACCESS[(method, route.path)].startswith("self")
        ):
            implied[403] = {"AUTH_FORBIDDEN"}
    if "exempt" not in route.rate_limits:
        implied[429] = {"RATE_LIMITED"}
    if FAIL_CLOSED_LIMITS & set(route.rate_limits):
        implied[503] = {"RATE_LIMIT_UNAVAILABLE"}
    if "{" in route.path:
        implied[404] = {"NOT_FOUND"}
    if method in {"POST", "PUT", "PATCH"} and route.body_types:
        implied[413] = {"PAYLOAD_TOO_LARGE"}
        implied[422] = {"VALIDATION_FAILED"}
        if any("version" in getattr(t, "model_fields", {}) for t in route.body_types):
            implied[409] = {"VERSION_CONFLICT"}
        if not _upload(route):  # a JSON body: the strict parser refuses a key named twice
            implied[422].add("DUPLICATE_JSON_KEY")
    if needed is not None and method in {"POST", "PUT", "PATCH", "DELETE"}:
        # A signed-in write with the web session's cookie needs the CSRF header too.
        implied.setdefault(403, set()).add("WEB_API_CSRF_REQUIRED")
    if needed is not None and method == "POST":
        # Every signed-in POST takes an Idempotency-Key (docs/architecture.md, the form pattern).
        implied.setdefault(400, set()).add("IDEMPOTENCY_KEY_INVALID")
        implied.setdefault(409, set()).add("IDEMPOTENCY_IN_PROGRESS")
        implied.setdefault(422, set()).add("IDEMPOTENCY_KEY_REUSED")
    return implied


def _upload(route: RouteInfo) -> bool:
    return any("UploadFile" in repr(t) for t in route.body_types)


@pytest.mark.parametrize("item", API_ROUTES, ids=route_id)
def test_openapi_declares_every_status_the_policies_imply(item: tuple[str, RouteInfo]) -> None:
    method, route = item
    operation = OPENAPI["paths"].get(route.path, {}).get(method.lower())
    if operation is None:
        # Outside the OpenAPI: the API reference's HTML page and the scraper's /metrics.
        assert route.path in {"/api/docs", "/metrics"}
        return
    responses = operation["responses"]
    for status, codes in implied_statuses(method, route).items():
        declared = responses.get(str(status))
        assert declared is not None, f"{method} {route.path} does not declare {status}"
        assert declared["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorEnvelope"
        }
        assert codes <= set(declared["x-error-codes"]), (method, route.path, status)
        if status == 429:
            assert {"Retry-After", "RateLimit-Remaining"} <= set(declared["headers"])
    headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
    if minimum_role(EXPECTED_ACCESS[(method, route.path)]) is not None and method == "POST":
        key = headers.get("Idempotency-Key")
        assert key is not None, f"{method} {route.path} does not declare Idempotency-Key"
        assert key["required"] is False and key["schema"]["maxLength"] == 200
    else:
        assert "Idempotency-Key" not in headers, (method, route.path)
    if route.access[0] == "public" and "exempt" in route.rate_limits:
        assert "401" not in responses and "429" not in responses  # the probes are never refused


@pytest.mark.parametrize("item", PAGE_ROUTES, ids=route_id)
def test_declared_page_policy_is_the_expected_one(item: tuple[str, RouteInfo]) -> None:
    """A page's own declaration is never its expectation: the table above is written by hand."""
    method, route = item
    key = (method, route.path)
    assert key in EXPECTED_PAGE_ACCESS, (
        f"{method} {route.path}: add its expected policy to EXPECTED_PAGE_ACCESS"
    )
    assert route.access[0] == EXPECTED_PAGE_ACCESS[key], (
        f"{method} {route.path} declares {route.access[0]}, expected {EXPECTED_PAGE_ACCESS[key]}"
    )


def test_expected_page_table_has_no_stale_entries() -> None:
    live = {(method, route.path) for method, route in PAGE_ROUTES}
    assert set(EXPECTED_PAGE_ACCESS) - live == set()


def expected_policy(method: str, route: RouteInfo) -> str:
    """The hand-written expectation of a route; a route in neither table fails the matrix."""
    table = EXPECTED_PAGE_ACCESS if is_page(route) else EXPECTED_ACCESS
    key = (method, route.path)
    assert key in table, f"{method} {route.path} has no expected policy"
    return table[key]


def minimum_role(policy: str) -> Role | None:
    if policy == "public":
        return None
    if policy == "authenticated":
        return Role.EMPLOYEE
    if policy == "client":
        return Role.CLIENT_SUPERVISOR  # another audience: no agency role passes
    match = re.fullmatch(r"(?:self-or-)?role>=(\w+)", policy)
    assert match, policy
    return Role(match.group(1))


def concrete_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


async def _call(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> httpx.Response:
    kwargs: dict[str, Any] = {"headers": headers}
    if method in {"POST", "PUT", "PATCH"}:
        kwargs["json"] = {}
    return await client.request(method, concrete_path(path), **kwargs)


def refused(response: httpx.Response) -> bool:
    """401/403, or (web pages) a redirect to the sign-in page."""
    if response.status_code in (401, 403):
        return True
    return response.is_redirect and "/login" in response.headers.get("location", "")


async def test_access_matrix(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    """Every route × anonymous and each role: refused exactly where the policy says.

    API routes answer 401 (anonymous) / 403 (role too low). Web pages redirect an
    anonymous visitor to /login and refuse a low role with 403. Page POSTs are
    checked for refusals only: an allowed role without a CSRF token is refused
    by the CSRF check, which has its own tests (tests/integration/web).
    """
    tokens: dict[Role, dict[str, str]] = {}
    for role in ROLES:
        user = await make_user(role.value)
        tokens[role] = {"Authorization": (await login(user["email"]))["Authorization"]}
    failures = []
    # Logout ends the caller's session: run it last.
    ordered = sorted(
        (item for item in ROUTES if (item[0], item[1].path) not in OUTSIDE_MATRIX),
        key=lambda item: item[1].path in {"/api/auth/logout", "/logout"},
    )
    checked = 0
    answers: dict[tuple[str, str, str], int] = {}
    # Twice over the read routes: the second pass runs with every cache warm (the first
    # pass filled the service caches and the edge's stored responses, platform/edge.py)
    # and must give the same answers.
    ending = {"/api/auth/logout", "/logout"}
    first = [(m, r) for m, r in ordered if r.path not in ending]
    second = [(m, r, True) for m, r in first if m == "GET"]
    sequence = [
        *((m, r, False) for m, r in first),
        *second,
        *((m, r, False) for m, r in ordered if r.path in ending),
    ]
    for method, route, warm in sequence:
        if "expensive" in route.rate_limits:
            # Every role calls every export twice (cold, warm): far over the 20/minute an
            # expensive route allows one user. The limits have their own tests.
            await app.state.rate_limiter.reset()
        page = is_page(route)
        needed = minimum_role(expected_policy(method, route))
        anonymous = await _call(client, method, route.path, {})
        if needed is None:
            # A public form without its CSRF token is refused by the CSRF check.
            if (not page or method == "GET") and anonymous.status_code in (401, 403):
                failures.append(f"anonymous {method} {route.path}: {anonymous.status_code}")
        elif page and not refused(anonymous):
            failures.append(f"anonymous {method} {route.path}: {anonymous.status_code} not refused")
        elif not page and anonymous.status_code != 401:
            failures.append(f"anonymous {method} {route.path}: {anonymous.status_code} != 401")
        for role in ROLES:
            response = await _call(client, method, route.path, tokens[role])
            checked += 1
            answer = (str(role), method, route.path)
            if warm and answers.get(answer) != response.status_code:
                failures.append(
                    f"{role} {method} {route.path}: {response.status_code} with the cache "
                    f"warm, {answers.get(answer)} cold"
                )
            answers.setdefault(answer, response.status_code)
            allowed = needed is None or (not needed.is_client and role >= needed)
            if response.status_code >= 500:
                failures.append(f"{role} {method} {route.path}: {response.status_code}")
            if allowed and (not page or method == "GET") and refused(response):
                failures.append(
                    f"{role} {method} {route.path}: {response.status_code} (should pass)"
                )
            if not allowed and page and not refused(response):
                failures.append(f"{role} {method} {route.path}: {response.status_code} not refused")
            if not allowed and not page and response.status_code != 403:
                failures.append(f"{role} {method} {route.path}: {response.status_code} != 403")
    assert checked >= len(ordered) * len(ROLES)
    assert failures == []


# --- audit rows for every write -----------------------------------------------------

Scenario = Callable[[httpx.AsyncClient, dict[str, Any]], Awaitable[httpx.Response]]


async def _login(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/auth/login", json={"email": ctx["employee"]["email"], "password": TEST_PASSWORD}
    )


async def _refresh(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/auth/refresh", json={"refresh_token": ctx["employee_tokens"]["refresh_token"]}
    )


async def _logout(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/auth/logout", headers={"Authorization": ctx["employee_tokens"]["Authorization"]}
    )


async def _password(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/auth/password",
        headers={"Authorization": ctx["employee_tokens"]["Authorization"]},
        json={"current_password": TEST_PASSWORD, "new_password": "another-long-passphrase"},
    )


async def _reset_request(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/auth/password-reset/request", json={"email": ctx["employee"]["email"]}
    )


async def _reset_confirm(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    await http.post("/api/auth/password-reset/request", json={"email": ctx["employee"]["email"]})
    token = await mailed_reset_token(ctx["app"], ctx["employee"]["email"])
    return await http.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "reset-long-passphrase"},
    )


async def _revoke_session(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": ctx["employee_tokens"]["Authorization"]}
    sessions = (await http.get("/api/auth/sessions", headers=headers)).json()["data"]
    return await http.delete(f"/api/auth/sessions/{sessions[0]['id']}", headers=headers)


async def _revoke_user_session(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    listed = await http.get(
        "/api/users/sessions",
        headers=ctx["admin_headers"],
        params={"user_id": ctx["employee"]["id"]},
    )
    session_id = listed.json()["data"][0]["id"]
    return await http.delete(f"/api/users/sessions/{session_id}", headers=ctx["admin_headers"])


async def _create_user(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/users",
        headers=ctx["admin_headers"],
        json={
            "email": "new.user@test.example",
            "password": "long-enough-password",
            "role": "employee",
        },
    )


async def _change_role(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.put(
        f"/api/users/{ctx['employee']['id']}/role",
        headers=ctx["admin_headers"],
        json={"role": "coordinator", "version": 1},
    )


async def _deactivate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        f"/api/users/{ctx['employee']['id']}/deactivate",
        headers=ctx["admin_headers"],
        json={"version": 1},
    )


AUDIT_SCENARIOS: dict[tuple[str, str], Scenario] = {
    ("POST", "/api/auth/login"): _login,
    ("POST", "/api/auth/refresh"): _refresh,
    ("POST", "/api/auth/logout"): _logout,
    ("POST", "/api/auth/password"): _password,
    ("POST", "/api/auth/password-reset/request"): _reset_request,
    ("POST", "/api/auth/password-reset/confirm"): _reset_confirm,
    ("DELETE", "/api/auth/sessions/{session_id}"): _revoke_session,
    ("DELETE", "/api/users/sessions/{session_id}"): _revoke_user_session,
    ("POST", "/api/users"): _create_user,
    ("PUT", "/api/users/{user_id}/role"): _change_role,
    ("POST", "/api/users/{user_id}/deactivate"): _deactivate,
    **PEOPLE_SCENARIOS,
}
AUDIT_SCENARIOS.update(clients_policies.AUDIT)
AUDIT_SCENARIOS.update(housing_policies.AUDIT)
AUDIT_SCENARIOS.update(assignments_policies.AUDIT)
AUDIT_SCENARIOS.update(minimum_wages_policies.AUDIT)
AUDIT_SCENARIOS.update(offices_policies.AUDIT)
AUDIT_SCENARIOS.update(attendance_policies.AUDIT)
AUDIT_SCENARIOS.update(leave_policies.AUDIT)
AUDIT_SCENARIOS.update(requests_policies.AUDIT)
AUDIT_SCENARIOS.update(billing_policies.AUDIT)
AUDIT_SCENARIOS.update(payroll_policies.AUDIT)
AUDIT_SCENARIOS.update(client_portal_policies.AUDIT)
AUDIT_SCENARIOS.update(documents_policies.AUDIT)
AUDIT_SCENARIOS.update(imports_policies.AUDIT)


# Writes that change no business data, with the reason.
async def _cache_invalidate(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.post(
        "/api/cache/invalidate", headers=ctx["super_headers"], json={"tag": "users:list"}
    )


async def _cache_clear(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    return await http.delete("/api/cache", headers=ctx["super_headers"])


AUDIT_SCENARIOS[("POST", "/api/cache/invalidate")] = _cache_invalidate
AUDIT_SCENARIOS[("DELETE", "/api/cache")] = _cache_clear

# The audit rows each scenario's write must leave, (entity_type, action), one entry per row:
# the walk fails on a missing row and on any other row carrying the request id. Written from
# what each write does: a placement change (create, edit, end, cancel) also moves the worker's
# current site on the employee record, which has its own "placement" row; a hire creates the
# employee as well as closing the candidate.
AuditRow = tuple[str, str]
EXPECTED_AUDIT: dict[tuple[str, str], list[AuditRow]] = {
    ("POST", "/api/auth/login"): [("auth_session", "login")],
    ("POST", "/api/auth/refresh"): [("auth_session", "refresh")],
    ("POST", "/api/auth/logout"): [("auth_session", "logout")],
    ("POST", "/api/auth/password"): [("user", "password_change")],
    ("POST", "/api/auth/password-reset/request"): [("user", "password_reset_request")],
    ("POST", "/api/auth/password-reset/confirm"): [("user", "password_reset")],
    ("DELETE", "/api/auth/sessions/{session_id}"): [("auth_session", "revoke")],
    ("DELETE", "/api/users/sessions/{session_id}"): [("auth_session", "revoke")],
    ("POST", "/api/users"): [("user", "create")],
    ("PUT", "/api/users/{user_id}/role"): [("user", "change_role")],
    ("POST", "/api/users/{user_id}/deactivate"): [("user", "deactivate")],
    ("POST", "/api/cache/invalidate"): [("cache", "invalidate")],
    ("DELETE", "/api/cache"): [("cache", "clear")],
    # people
    ("POST", "/api/employees"): [("employee", "create")],
    ("PATCH", "/api/employees/{employee_id}"): [("employee", "update")],
    ("DELETE", "/api/employees/{employee_id}"): [("employee", "archive")],
    ("POST", "/api/employees/{employee_id}/restore"): [("employee", "restore")],
    ("PUT", "/api/employees/{employee_id}/contract-periods"): [("employee", "contract_periods")],
    ("PUT", "/api/employees/{employee_id}/dependants"): [("employee", "dependants")],
    ("POST", "/api/employees/{employee_id}/reveal"): [("employee", "reveal")],
    ("POST", "/api/candidates"): [("candidate", "create")],
    ("PATCH", "/api/candidates/{candidate_id}"): [("candidate", "update")],
    ("POST", "/api/candidates/{candidate_id}/status"): [("candidate", "status")],
    ("POST", "/api/candidates/{candidate_id}/hire"): [
        ("candidate", "hire"),
        ("employee", "create"),
    ],
    ("DELETE", "/api/candidates/{candidate_id}"): [("candidate", "delete")],
    ("PUT", "/api/candidates/{candidate_id}/photo"): [("candidate", "photo")],
    ("POST", "/api/candidates/{candidate_id}/reveal"): [("candidate", "reveal")],
    # clients (the scenarios delete rows nothing references: deleted, not archived)
    ("POST", "/api/clients"): [("client", "create")],
    ("PATCH", "/api/clients/{client_id}"): [("client", "update")],
    ("DELETE", "/api/clients/{client_id}"): [("client", "delete")],
    ("POST", "/api/clients/{client_id}/contacts"): [("client_contact", "create")],
    ("PATCH", "/api/clients/{client_id}/contacts/{contact_id}"): [("client_contact", "update")],
    ("DELETE", "/api/clients/{client_id}/contacts/{contact_id}"): [("client_contact", "delete")],
    ("POST", "/api/sites"): [("client_site", "create")],
    ("PATCH", "/api/sites/{site_id}"): [("client_site", "update")],
    ("DELETE", "/api/sites/{site_id}"): [("client_site", "delete")],
    ("POST", "/api/sites/{site_id}/extensions"): [("client_site", "extend_limit")],
    ("POST", "/api/units"): [("client_unit", "create")],
    ("PATCH", "/api/units/{unit_id}"): [("client_unit", "update")],
    ("DELETE", "/api/units/{unit_id}"): [("client_unit", "delete")],
    # housing
    ("POST", "/api/housing/apartments"): [("housing_apartment", "create")],
    ("PATCH", "/api/housing/apartments/{apartment_id}"): [("housing_apartment", "update")],
    ("DELETE", "/api/housing/apartments/{apartment_id}"): [("housing_apartment", "delete")],
    ("POST", "/api/housing/rooms"): [("housing_room", "create")],
    ("PATCH", "/api/housing/rooms/{room_id}"): [("housing_room", "update")],
    ("DELETE", "/api/housing/rooms/{room_id}"): [("housing_room", "delete")],
    ("POST", "/api/housing/occupancies"): [("housing_occupancy", "move_in")],
    ("PATCH", "/api/housing/occupancies/{occupancy_id}"): [("housing_occupancy", "update")],
    ("DELETE", "/api/housing/occupancies/{occupancy_id}"): [("housing_occupancy", "delete")],
    ("POST", "/api/housing/occupancies/{occupancy_id}/move-out"): [
        ("housing_occupancy", "move_out")
    ],
    # contracts and assignments
    ("POST", "/api/contracts"): [("dispatch_contract", "create")],
    ("PATCH", "/api/contracts/{contract_id}"): [("dispatch_contract", "update")],
    ("DELETE", "/api/contracts/{contract_id}"): [("dispatch_contract", "delete")],
    ("POST", "/api/assignments"): [("assignment", "create"), ("employee", "placement")],
    ("PATCH", "/api/assignments/{assignment_id}"): [
        ("assignment", "update"),
        ("employee", "placement"),
    ],
    ("DELETE", "/api/assignments/{assignment_id}"): [
        ("assignment", "cancel"),
        ("employee", "placement"),
    ],
    ("POST", "/api/assignments/{assignment_id}/end"): [
        ("assignment", "end"),
        ("employee", "placement"),
    ],
    ("POST", "/api/assignments/{assignment_id}/rates"): [("assignment", "change_rate")],
}
EXPECTED_AUDIT.update(assignments_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(minimum_wages_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(offices_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(attendance_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(leave_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(requests_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(billing_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(payroll_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(client_portal_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(documents_policies.EXPECTED_AUDIT)
EXPECTED_AUDIT.update(imports_policies.EXPECTED_AUDIT)

NOT_AUDITED: dict[tuple[str, str], str] = {
    ("POST", "/api/telemetry/web-vitals"): "browser performance beacons, logged; no data changes",
    **attendance_policies.NOT_AUDITED,
}

# Web forms call the same service methods as the API routes walked here, and the
# services write the audit rows; the e2e story checks the audit log from the UI.
WRITE_ROUTES = [(m, r) for m, r in API_ROUTES if m in {"POST", "PUT", "PATCH", "DELETE"}]


def test_every_write_route_has_an_audit_scenario() -> None:
    missing = [
        f"{m} {r.path}"
        for m, r in WRITE_ROUTES
        if (m, r.path) not in AUDIT_SCENARIOS and (m, r.path) not in NOT_AUDITED
    ]
    assert missing == []


async def audit_context(key: tuple[str, str], make_user: Any, login: Any) -> dict[str, Any]:
    """The users and tokens an audit scenario works with (also used by the freshness walk)."""
    admin = await make_user("admin")
    employee = await make_user("employee")
    ctx = {
        "admin": admin,
        "employee": employee,
        "admin_headers": {"Authorization": (await login(admin["email"]))["Authorization"]},
        "employee_tokens": await login(employee["email"]),
    }
    if key[1].startswith("/api/cache"):
        boss = await make_user("super_admin")
        ctx["super_headers"] = {"Authorization": (await login(boss["email"]))["Authorization"]}
    return ctx


def test_every_audit_scenario_states_the_rows_it_expects() -> None:
    assert sorted(set(AUDIT_SCENARIOS) - set(EXPECTED_AUDIT)) == []
    assert sorted(set(EXPECTED_AUDIT) - set(AUDIT_SCENARIOS)) == []
    assert all(EXPECTED_AUDIT.values())


@pytest.mark.parametrize("key", sorted(AUDIT_SCENARIOS), ids=lambda key: f"{key[0]} {key[1]}")
async def test_write_records_an_audit_row(
    key: tuple[str, str], client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    ctx = await audit_context(key, make_user, login)
    ctx["app"] = app
    response = await AUDIT_SCENARIOS[key](client, ctx)
    assert response.status_code < 300, response.text
    request_id = response.headers["x-request-id"]
    async with session_scope(app.state.database, write=True) as session:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.request_id == request_id))
        ).all()
    assert rows, f"{key} wrote no audit row"
    written = sorted((row.entity_type, row.action) for row in rows)
    assert written == sorted(EXPECTED_AUDIT[key]), (
        f"{key} wrote audit rows {written}, expected {sorted(EXPECTED_AUDIT[key])}"
    )
    for row in rows:
        text = repr(row.changes)
        assert TEST_PASSWORD not in text
        assert "@test.example" not in text  # e-mail addresses are masked in diffs
