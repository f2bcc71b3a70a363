"""Administrators' list of every user's sessions, and ending one of them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.platform.cache import cache_bypass
from haken.platform.db import assert_num_queries, session_scope


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": tokens["Authorization"]}


async def test_every_users_sessions_page_by_cursor_with_exact_query_counts(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    admin_user = await make_user("admin", display_name="Admin Person")
    admin = bearer(await login(admin_user["email"]))
    people = [await make_user("employee", display_name=f"Worker {n}") for n in range(3)]
    for person in people:
        await login(person["email"])
        await login(person["email"])  # two devices each
    # principal + page
    with cache_bypass(), assert_num_queries(2):
        first = await client.get("/api/users/sessions", headers=admin, params={"limit": 4})
    assert first.status_code == 200, first.text
    body = first.json()
    assert len(body["data"]) == 4 and body["pagination"]["has_more"] is True
    row = body["data"][0]
    assert {"user_email", "user_display_name", "user_role", "client_ip", "user_agent"} <= set(row)
    assert {"created_at", "last_used_at", "expires_at"} <= set(row)
    with cache_bypass(), assert_num_queries(2):
        rest = await client.get(
            "/api/users/sessions",
            headers=admin,
            params={"limit": 4, "cursor": body["pagination"]["next_cursor"]},
        )
    listed = body["data"] + rest.json()["data"]
    assert rest.json()["pagination"]["has_more"] is False
    assert len(listed) == 7 and len({s["id"] for s in listed}) == 7
    # Newest sign-in first; the admin's own session (signed in first) is last and marked.
    assert [s["created_at"] for s in listed] == sorted(
        (s["created_at"] for s in listed), reverse=True
    )
    assert [s["user_email"] for s in listed if s["current"]] == [admin_user["email"]]
    # principal + count + page
    with cache_bypass(), assert_num_queries(3):
        counted = await client.get("/api/users/sessions", headers=admin, params={"count": "true"})
    assert counted.json()["pagination"]["total"] == 7

    by_name = await client.get("/api/users/sessions", headers=admin, params={"q": "WORKER 1"})
    assert {s["user_id"] for s in by_name.json()["data"]} == {people[1]["id"]}
    by_mail = await client.get(
        "/api/users/sessions", headers=admin, params={"q": people[2]["email"].upper()}
    )
    assert [s["user_email"] for s in by_mail.json()["data"]] == [people[2]["email"]] * 2
    by_user = await client.get(
        "/api/users/sessions", headers=admin, params={"user_id": people[0]["id"]}
    )
    assert {s["user_id"] for s in by_user.json()["data"]} == {people[0]["id"]}
    bad_cursor = await client.get("/api/users/sessions", headers=admin, params={"cursor": "x!"})
    assert code_of(bad_cursor) == "INVALID_CURSOR"


async def test_admin_ends_a_users_session(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    admin = bearer(await login((await make_user("admin"))["email"]))
    worker = await make_user("employee")
    kept = bearer(await login(worker["email"]))
    ended = bearer(await login(worker["email"]))
    theirs = (
        await client.get("/api/users/sessions", headers=admin, params={"user_id": worker["id"]})
    ).json()["data"]
    newest = theirs[0]["id"]  # the second sign-in (`ended`)
    response = await client.delete(f"/api/users/sessions/{newest}", headers=admin)
    assert response.status_code == 200, response.text
    assert (await client.get("/api/auth/me", headers=ended)).status_code == 401
    assert (await client.get("/api/auth/me", headers=kept)).status_code == 200
    async with session_scope(app.state.database, write=True) as session:
        audit = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.request_id == response.headers["x-request-id"])
            )
        ).one()
    assert (audit.entity_type, audit.entity_id, audit.action) == ("auth_session", newest, "revoke")
    # Active only by default; all sessions show the ended one with its reason.
    active = await client.get(
        "/api/users/sessions", headers=admin, params={"user_id": worker["id"]}
    )
    assert [s["id"] for s in active.json()["data"]] == [theirs[1]["id"]]
    every = await client.get(
        "/api/users/sessions",
        headers=admin,
        params={"user_id": worker["id"], "active": "false"},
    )
    states = {s["id"]: (s["active"], s["revoked_reason"]) for s in every.json()["data"]}
    assert states == {newest: (False, "revoked_by_admin"), theirs[1]["id"]: (True, None)}
    missing = await client.delete("/api/users/sessions/nosuchsession", headers=admin)
    assert missing.status_code == 404 and code_of(missing) == "NOT_FOUND"


async def test_nobody_ends_the_session_of_someone_who_outranks_them(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    admin = bearer(await login((await make_user("admin"))["email"]))
    boss = await make_user("super_admin")
    boss_tokens = bearer(await login(boss["email"]))
    theirs = (
        await client.get("/api/users/sessions", headers=admin, params={"user_id": boss["id"]})
    ).json()["data"]
    refused = await client.delete(f"/api/users/sessions/{theirs[0]['id']}", headers=admin)
    assert refused.status_code == 403 and code_of(refused) == "USER_ROLE_ESCALATION"
    assert (await client.get("/api/auth/me", headers=boss_tokens)).status_code == 200
    # A coordinator reaches neither the list nor the revoke.
    coordinator = bearer(await login((await make_user("coordinator"))["email"]))
    assert (await client.get("/api/users/sessions", headers=coordinator)).status_code == 403
    forbidden = await client.delete(f"/api/users/sessions/{theirs[0]['id']}", headers=coordinator)
    assert forbidden.status_code == 403
