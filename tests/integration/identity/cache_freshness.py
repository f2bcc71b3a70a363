"""Freshness scenarios for every write route of the identity area (cached: users, me).

Driven by tests/integration/cache/test_write_freshness.py. Each scenario primes
the cached reads the write can touch, performs the write through the API, and
proves the cached reads equal the database's answer right after it.
"""

from __future__ import annotations

from typing import Any

from haken.modules.identity.schemas import Preferences
from haken.modules.identity.service import identity_service
from haken.platform.access import Principal, Role
from haken.platform.db import session_scope
from tests.conftest import TEST_PASSWORD, mailed_reset_token
from tests.integration.cache.freshness import FreshnessContext, scenario
from tests.integration.clients.test_endpoints import make_client, make_site

NEW_PASSWORD = "another-long-enough-password"


async def _admin_and_user(
    ctx: FreshnessContext, role: str = "employee"
) -> tuple[dict[str, str], dict[str, Any]]:
    admin = await ctx.auth_headers("admin")
    user = await ctx.make_user(role)
    return admin, user


def _reads(user: dict[str, Any]) -> tuple[str, str]:
    return f"/api/users/{user['id']}", "/api/users"


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": tokens["Authorization"]}


@scenario("POST", "/api/auth/login", also=[("POST", "/login")])
async def login(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    await ctx.prime(admin, *_reads(user))
    await ctx.login(user["email"])  # sets last_login_at
    await ctx.assert_fresh(admin, *_reads(user), changed=True)


@scenario("POST", "/api/auth/refresh")
async def refresh(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    tokens = await ctx.login(user["email"])
    await ctx.prime(admin, *_reads(user))
    await ctx.prime(_bearer(tokens), "/api/auth/me")
    response = await ctx.client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=False)
    await ctx.assert_fresh(_bearer(tokens), "/api/auth/me", changed=False)


@scenario("POST", "/api/auth/logout", also=[("POST", "/logout"), ("POST", "/client/logout")])
async def logout(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    tokens = await ctx.login(user["email"])
    await ctx.prime(admin, *_reads(user))
    response = await ctx.client.post("/api/auth/logout", headers=_bearer(tokens))
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=False)


@scenario("POST", "/api/auth/password", also=[("POST", "/account/password")])
async def change_password(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    mine = _bearer(await ctx.login(user["email"]))
    await ctx.prime(admin, *_reads(user))
    await ctx.prime(mine, "/api/auth/me")
    response = await ctx.client.post(
        "/api/auth/password",
        headers=mine,
        json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=True)  # the row's version
    await ctx.assert_fresh(mine, "/api/auth/me", changed=True)


@scenario("POST", "/api/auth/password-reset/request", also=[("POST", "/password-reset")])
async def password_reset_request(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    await ctx.prime(admin, *_reads(user))
    response = await ctx.client.post(
        "/api/auth/password-reset/request", json={"email": user["email"]}
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=False)


@scenario("POST", "/api/auth/password-reset/confirm", also=[("POST", "/password-reset/confirm")])
async def password_reset_confirm(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    requested = await ctx.client.post(
        "/api/auth/password-reset/request", json={"email": user["email"]}
    )
    assert requested.status_code == 200, requested.text
    token = await mailed_reset_token(ctx.app, user["email"])
    await ctx.prime(admin, *_reads(user))
    response = await ctx.client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=True)  # the row's version


@scenario(
    "DELETE",
    "/api/auth/sessions/{session_id}",
    also=[("POST", "/account/sessions/{session_id}/revoke")],
)
async def revoke_session(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    mine = _bearer(await ctx.login(user["email"]))
    await ctx.login(user["email"])  # a second device
    sessions = (await ctx.client.get("/api/auth/sessions", headers=mine)).json()["data"]
    other = next(s["id"] for s in sessions if not s["current"])
    await ctx.prime(admin, *_reads(user))
    await ctx.prime(mine, "/api/auth/me")
    response = await ctx.client.delete(f"/api/auth/sessions/{other}", headers=mine)
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=False)
    await ctx.assert_fresh(mine, "/api/auth/me", changed=False)


@scenario(
    "DELETE",
    "/api/users/sessions/{session_id}",
    also=[("POST", "/admin/sessions/{session_id}/revoke")],
)
async def revoke_user_session(ctx: FreshnessContext) -> None:
    """An administrator ends a user's session: what UserRead shows does not change."""
    admin, user = await _admin_and_user(ctx)
    theirs = _bearer(await ctx.login(user["email"]))
    await ctx.prime(admin, *_reads(user))
    await ctx.prime(theirs, "/api/auth/me")
    listed = await ctx.data(admin, f"/api/users/sessions?user_id={user['id']}")
    response = await ctx.client.delete(f"/api/users/sessions/{listed[0]['id']}", headers=admin)
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=False)
    gone = await ctx.client.get("/api/auth/me", headers=theirs)
    assert gone.status_code == 401  # the revoked session is not served from the cache


@scenario("POST", "/api/users", also=[("POST", "/admin/users")])
async def create_user(ctx: FreshnessContext) -> None:
    admin = await ctx.auth_headers("admin")
    await ctx.prime(admin, "/api/users", "/api/users?role=employee")
    response = await ctx.client.post(
        "/api/users",
        headers=admin,
        json={"email": "fresh@test.example", "password": NEW_PASSWORD, "role": "employee"},
    )
    assert response.status_code == 201, response.text
    await ctx.assert_fresh(admin, "/api/users", "/api/users?role=employee", changed=True)


@scenario("PUT", "/api/users/{user_id}/role", also=[("POST", "/admin/users/{user_id}/role")])
async def change_role(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    company = await make_client(ctx.client, admin)
    site = await make_site(ctx.client, admin, company["id"])  # links must exist (item 8)
    await ctx.prime(admin, *_reads(user))
    version = ctx.primed[(admin["Authorization"], f"/api/users/{user['id']}")]["version"]
    response = await ctx.client.put(
        f"/api/users/{user['id']}/role",
        headers=admin,
        json={"role": "site_manager", "version": version, "site_ids": [site["id"]]},
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=True)


@scenario(
    "POST",
    "/api/users/{user_id}/deactivate",
    also=[("POST", "/admin/users/{user_id}/deactivate")],
)
async def deactivate(ctx: FreshnessContext) -> None:
    admin, user = await _admin_and_user(ctx)
    await ctx.prime(admin, *_reads(user))
    version = ctx.primed[(admin["Authorization"], f"/api/users/{user['id']}")]["version"]
    response = await ctx.client.post(
        f"/api/users/{user['id']}/deactivate", headers=admin, json={"version": version}
    )
    assert response.status_code == 200, response.text
    await ctx.assert_fresh(admin, *_reads(user), changed=True)


@scenario("POST", "/account/preferences")
async def update_preferences(ctx: FreshnessContext) -> None:
    """Web-only write: drives the service method the page calls (the page's CSRF form
    flow belongs to the web tests); the cached reads are checked over the API."""
    admin, user = await _admin_and_user(ctx)
    mine = _bearer(await ctx.login(user["email"]))
    await ctx.prime(admin, *_reads(user))
    await ctx.prime(mine, "/api/auth/me")
    version = ctx.primed[(admin["Authorization"], f"/api/users/{user['id']}")]["version"]
    principal = Principal(user_id=user["id"], role=Role(user["role"]), email=user["email"])
    async with session_scope(ctx.app.state.database, write=True) as session:
        await identity_service.update_preferences(
            session, principal, Preferences(locale="en", version=version)
        )
    await ctx.assert_fresh(admin, *_reads(user), changed=True)
    await ctx.assert_fresh(mine, "/api/auth/me", changed=True)
