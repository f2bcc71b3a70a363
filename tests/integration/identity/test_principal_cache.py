"""The cached principal: no query per request, yet every revocation takes effect at once.

Each case signs a user in, makes the principal a cache hit (a request with zero
queries proves it), revokes by one of the identity paths, and expects the very
next request with the old token to be refused. On the memory cache and on a real
Redis shared by two apps' caches (what two workers see).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from haken.modules.identity.schemas import Preferences
from haken.modules.identity.service import identity_service
from haken.platform.access import Principal, Role
from haken.platform.db import assert_num_queries, session_scope
from tests.conftest import TEST_PASSWORD

Revoke = Callable[
    [httpx.AsyncClient, dict[str, str], dict[str, Any], dict[str, str]], Awaitable[None]
]


async def _logout(client: httpx.AsyncClient, mine: dict[str, str], *_: Any) -> None:
    response = await client.post("/api/auth/logout", headers=mine)
    assert response.status_code == 200, response.text


async def _revoke_own_session(client: httpx.AsyncClient, mine: dict[str, str], *_: Any) -> None:
    sessions = (await client.get("/api/auth/sessions", headers=mine)).json()["data"]
    assert len(sessions) == 1
    response = await client.delete(f"/api/auth/sessions/{sessions[0]['id']}", headers=mine)
    assert response.status_code == 200, response.text


async def _change_role(
    client: httpx.AsyncClient, _mine: dict[str, str], user: dict[str, Any], admin: dict[str, str]
) -> None:
    current = (await client.get(f"/api/users/{user['id']}", headers=admin)).json()["data"]
    response = await client.put(
        f"/api/users/{user['id']}/role",
        headers=admin,
        json={"role": "coordinator", "version": current["version"]},
    )
    assert response.status_code == 200, response.text


async def _deactivate(
    client: httpx.AsyncClient, _mine: dict[str, str], user: dict[str, Any], admin: dict[str, str]
) -> None:
    current = (await client.get(f"/api/users/{user['id']}", headers=admin)).json()["data"]
    response = await client.post(
        f"/api/users/{user['id']}/deactivate",
        headers=admin,
        json={"version": current["version"]},
    )
    assert response.status_code == 200, response.text


REVOCATIONS: dict[str, Revoke] = {
    "logout": _logout,
    "revoke own session": _revoke_own_session,
    "role change": _change_role,
    "deactivation": _deactivate,
}


@pytest.mark.parametrize("how", sorted(REVOCATIONS))
async def test_a_revoked_session_is_refused_on_the_next_request(
    how: str,
    cache_backend: str,
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    auth_headers: Any,
) -> None:
    admin = await auth_headers("admin")
    user = await make_user("employee")
    mine = {"Authorization": (await login(user["email"]))["Authorization"]}
    assert (await client.get("/api/auth/sessions", headers=mine)).status_code == 200
    with assert_num_queries(1):  # the principal is a cache hit; only the sessions query runs
        assert (await client.get("/api/auth/sessions", headers=mine)).status_code == 200

    await REVOCATIONS[how](client, mine, user, admin)

    refused = await client.get("/api/auth/sessions", headers=mine)
    assert refused.status_code == 401, f"{how}: {refused.status_code} {refused.text}"


async def test_password_change_ends_the_other_sessions_but_not_this_one(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("employee")
    here = {"Authorization": (await login(user["email"]))["Authorization"]}
    elsewhere = {"Authorization": (await login(user["email"]))["Authorization"]}
    for headers in (here, elsewhere, here, elsewhere):  # both principals cached
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 200
    changed = await client.post(
        "/api/auth/password",
        headers=here,
        json={"current_password": TEST_PASSWORD, "new_password": "a-new-long-passphrase"},
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get("/api/auth/me", headers=elsewhere)).status_code == 401
    assert (await client.get("/api/auth/me", headers=here)).status_code == 200


async def test_a_locale_change_reaches_the_cached_principal(
    app: Any, client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    """The principal carries the locale; error messages follow it right after the change."""
    user = await make_user("employee")
    mine = {"Authorization": (await login(user["email"]))["Authorization"]}
    forbidden = "/api/users"  # an employee may not list users: a localised 403
    before = await client.get(forbidden, headers=mine)
    assert before.status_code == 403
    me = (await client.get("/api/auth/me", headers=mine)).json()["data"]
    assert me["locale"] == "ja"
    async with session_scope(app.state.database, write=True) as session:
        principal = Principal(user_id=user["id"], role=Role.EMPLOYEE, email=user["email"])
        await identity_service.update_preferences(
            session, principal, Preferences(locale="en", version=me["version"])
        )
    after = await client.get(forbidden, headers=mine)
    assert after.status_code == 403
    assert after.json()["error"]["message"] != before.json()["error"]["message"]
