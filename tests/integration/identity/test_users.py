"""User administration: create, list, read, change role, deactivate; no escalation."""

from __future__ import annotations

from typing import Any

import httpx

from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries
from tests.conftest import TEST_PASSWORD
from tests.integration.clients.test_endpoints import make_client, make_site


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def test_admin_creates_and_reads_a_user(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    company = await make_client(client, admin)
    first, second = [(await make_site(client, admin, company["id"]))["id"] for _ in range(2)]
    created = await client.post(
        "/api/users",
        headers=admin,
        json={
            "email": "Hanako.Sato@Test.example",
            "display_name": "佐藤花子",
            "password": "long-enough-password",
            "role": "site_manager",
            "site_ids": [second, first, second],
            "locale": "en",
        },
    )
    assert created.status_code == 201, created.text
    user = created.json()["data"]
    assert user["email"] == "hanako.sato@test.example"
    assert user["site_ids"] == sorted([first, second])
    assert "password" not in user and "password_hash" not in user
    read = await client.get(f"/api/users/{user['id']}", headers=admin)
    assert read.json()["data"]["display_name"] == "佐藤花子"
    duplicate = await client.post(
        "/api/users",
        headers=admin,
        json={
            "email": "hanako.sato@test.example",
            "password": "long-enough-password",
            "role": "employee",
        },
    )
    assert duplicate.status_code == 409
    assert code_of(duplicate) == "USER_EMAIL_TAKEN"


async def test_weak_password_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    response = await client.post(
        "/api/users",
        headers=admin,
        json={"email": "weak@test.example", "password": "12345678901", "role": "employee"},
    )
    assert code_of(response) == "AUTH_PASSWORD_TOO_WEAK"
    listing = await client.get("/api/users", headers=admin, params={"q": "weak@"})
    assert listing.json()["data"] == []


async def test_a_role_cannot_grant_above_itself(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    response = await client.post(
        "/api/users",
        headers=admin,
        json={
            "email": "boss@test.example",
            "password": "long-enough-password",
            "role": "super_admin",
        },
    )
    assert response.status_code == 403
    assert code_of(response) == "USER_ROLE_ESCALATION"
    super_admin = await auth_headers("super_admin")
    ok = await client.post(
        "/api/users",
        headers=super_admin,
        json={
            "email": "boss@test.example",
            "password": "long-enough-password",
            "role": "super_admin",
        },
    )
    assert ok.status_code == 201


async def test_role_change_rules(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin_user = await make_user("admin")
    admin = {"Authorization": (await login(admin_user["email"]))["Authorization"]}
    target = await make_user("employee")
    target_tokens = await login(target["email"])
    site = await make_site(client, admin, (await make_client(client, admin))["id"])

    promoted = await client.put(
        f"/api/users/{target['id']}/role",
        headers=admin,
        json={"role": "site_manager", "version": 1, "site_ids": [site["id"]]},
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["data"]["role"] == "site_manager"
    assert promoted.json()["data"]["site_ids"] == [site["id"]]
    # Sessions minted under the old role end with the change.
    me = await client.get("/api/auth/me", headers={"Authorization": target_tokens["Authorization"]})
    assert me.status_code == 401

    stale = await client.put(
        f"/api/users/{target['id']}/role", headers=admin, json={"role": "coordinator", "version": 1}
    )
    assert stale.status_code == 409
    assert code_of(stale) == "VERSION_CONFLICT"

    escalate = await client.put(
        f"/api/users/{target['id']}/role",
        headers=admin,
        json={"role": "super_admin", "version": promoted.json()["data"]["version"]},
    )
    assert code_of(escalate) == "USER_ROLE_ESCALATION"

    self_change = await client.put(
        f"/api/users/{admin_user['id']}/role",
        headers=admin,
        json={"role": "employee", "version": 2},
    )
    assert code_of(self_change) == "USER_SELF_MODIFICATION"

    boss = await make_user("super_admin")
    demote_boss = await client.put(
        f"/api/users/{boss['id']}/role", headers=admin, json={"role": "employee", "version": 1}
    )
    assert code_of(demote_boss) == "USER_ROLE_ESCALATION"


async def test_employee_cannot_change_own_role(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("employee")
    headers = {"Authorization": (await login(user["email"]))["Authorization"]}
    response = await client.put(
        f"/api/users/{user['id']}/role", headers=headers, json={"role": "admin", "version": 1}
    )
    assert response.status_code == 403
    assert code_of(response) == "AUTH_FORBIDDEN"


async def test_deactivate_revokes_sessions_and_blocks_login(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    target = await make_user("coordinator")
    tokens = await login(target["email"])
    response = await client.post(
        f"/api/users/{target['id']}/deactivate", headers=admin, json={"version": 1}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["is_active"] is False
    assert (
        await client.get("/api/auth/me", headers={"Authorization": tokens["Authorization"]})
    ).status_code == 401
    again = await client.post(
        "/api/auth/login", json={"email": target["email"], "password": TEST_PASSWORD}
    )
    assert code_of(again) == "AUTH_INVALID_CREDENTIALS"


async def test_list_users_pages_search_and_query_count(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any
) -> None:
    admin = await auth_headers("admin")
    for _ in range(5):
        await make_user("coordinator")
    await make_user("site_manager", site_ids=[4])
    # principal + page (+ site ids, only when the page holds site managers)
    with cache_bypass(), assert_num_queries(2):
        first = await client.get("/api/users", headers=admin, params={"limit": 3})
    body = first.json()
    assert [u["id"] for u in body["data"]] == [1, 2, 3]
    assert body["pagination"]["has_more"] is True
    cursor = body["pagination"]["next_cursor"]
    with cache_bypass(), assert_num_queries(2):
        second = await client.get(
            "/api/users", headers=admin, params={"limit": 3, "cursor": cursor}
        )
    assert [u["id"] for u in second.json()["data"]] == [4, 5, 6]
    with cache_bypass(), assert_num_queries(3):
        last = await client.get(
            "/api/users",
            headers=admin,
            params={"limit": 3, "cursor": second.json()["pagination"]["next_cursor"]},
        )
    assert [u["id"] for u in last.json()["data"]] == [7]
    assert last.json()["data"][0]["site_ids"] == [4]
    assert last.json()["pagination"] == {
        "limit": 3,
        "next_cursor": None,
        "has_more": False,
        "total": None,
    }

    counted = await client.get(
        "/api/users", headers=admin, params={"role": "coordinator", "count": "true"}
    )
    assert counted.json()["pagination"]["total"] == 5
    search = await client.get("/api/users", headers=admin, params={"q": "SITE_MANAGER"})
    assert [u["role"] for u in search.json()["data"]] == ["site_manager"]
    bad_cursor = await client.get("/api/users", headers=admin, params={"cursor": "garbage!"})
    assert code_of(bad_cursor) == "INVALID_CURSOR"
    too_many = await client.get("/api/users", headers=admin, params={"limit": 500})
    assert code_of(too_many) == "VALIDATION_FAILED"


async def test_sql_injection_in_search_is_just_text(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    for attack in (
        "' OR 1=1 --",
        "%' UNION SELECT password_hash FROM users --",
        "\\'; DROP TABLE users; --",
    ):
        response = await client.get("/api/users", headers=admin, params={"q": attack})
        assert response.status_code == 200
        assert response.json()["data"] == []
    assert (await client.get("/api/users", headers=admin)).json()["data"]
    oversized = await client.get("/api/users", headers=admin, params={"q": "x" * 5000})
    assert code_of(oversized) == "VALIDATION_FAILED"


async def test_unknown_user_is_404(client: httpx.AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers("admin")
    assert (await client.get("/api/users/99999", headers=admin)).status_code == 404


async def test_id_beyond_the_database_range_is_a_422(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Found by schemathesis: a 30-digit id overflowed the driver and answered 500."""
    admin = await auth_headers("admin")
    response = await client.post(
        "/api/users/26420830718770172859192321245184/deactivate", headers=admin, json={"version": 1}
    )
    assert response.status_code == 422
    assert code_of(response) == "VALIDATION_FAILED"


async def test_account_must_link_to_an_existing_employee(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    response = await client.post(
        "/api/users",
        headers=admin,
        json={
            "email": "worker@test.example",
            "password": "long-enough-password",
            "role": "employee",
            "employee_id": 424242,
        },
    )
    assert response.status_code == 422
    assert code_of(response) == "USER_EMPLOYEE_INVALID"
