"""The requests and notifications areas' rows of the route walk
(tests/integration/test_policies.py)."""

from __future__ import annotations

from typing import Any

import httpx

from haken.modules.identity.models import UserSite
from haken.modules.identity.schemas import UserCreate
from haken.modules.identity.service import identity_service
from haken.platform.access import Role
from haken.platform.db import session_scope
from tests.conftest import TEST_PASSWORD
from tests.integration.requests.factories import act, people, soon, submit

A, M = "authenticated", "role>=site_manager"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/api/requests"): A,
    ("POST", "/api/requests"): A,
    ("GET", "/api/requests/{request_id}"): A,
    ("POST", "/api/requests/{request_id}/approve"): M,
    ("POST", "/api/requests/{request_id}/reject"): M,
    ("POST", "/api/requests/{request_id}/cancel"): A,
    ("POST", "/api/requests/{request_id}/withdraw"): A,
    ("POST", "/api/requests/{request_id}/comments"): A,
    ("GET", "/api/notifications"): A,
    ("GET", "/api/notifications/unread-count"): A,
    ("POST", "/api/notifications/{notification_id}/read"): A,
    ("POST", "/api/notifications/read-all"): A,
}

PAGES: dict[tuple[str, str], str] = {
    ("GET", "/me/requests"): A,
    ("GET", "/me/requests/new/{kind}"): A,
    ("POST", "/me/requests/new/{kind}"): A,
    ("GET", "/me/requests/{request_id}"): A,
    ("GET", "/me/requests/{request_id}/cancel"): A,
    ("POST", "/me/requests/{request_id}/cancel"): A,
    ("GET", "/me/requests/{request_id}/withdraw"): A,
    ("POST", "/me/requests/{request_id}/withdraw"): A,
    ("GET", "/requests"): M,
    ("GET", "/requests/export.{file_format}"): M,
    ("GET", "/requests/{request_id}"): M,
    ("POST", "/requests/{request_id}/approve"): M,
    ("POST", "/requests/{request_id}/reject"): M,
    ("POST", "/requests/{request_id}/comments"): M,
    ("GET", "/inbox"): A,
    ("GET", "/inbox/badge"): A,
    ("POST", "/inbox/{notification_id}/read"): A,
    ("POST", "/inbox/read-all"): A,
}
# The page writes and the API route whose service method each calls (the freshness walk).
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str]] = {
    ("POST", "/me/requests/new/{kind}"): ("POST", "/api/requests"),
    ("POST", "/me/requests/{request_id}/cancel"): ("POST", "/api/requests/{request_id}/cancel"),
    ("POST", "/me/requests/{request_id}/withdraw"): (
        "POST",
        "/api/requests/{request_id}/withdraw",
    ),
    ("POST", "/requests/{request_id}/approve"): ("POST", "/api/requests/{request_id}/approve"),
    ("POST", "/requests/{request_id}/reject"): ("POST", "/api/requests/{request_id}/reject"),
    ("POST", "/requests/{request_id}/comments"): ("POST", "/api/requests/{request_id}/comments"),
    ("POST", "/inbox/{notification_id}/read"): (
        "POST",
        "/api/notifications/{notification_id}/read",
    ),
    ("POST", "/inbox/read-all"): ("POST", "/api/notifications/read-all"),
}

OTHER = {"type": "other", "subject": "制服のサイズ交換"}


async def _people(http: httpx.AsyncClient, ctx: dict[str, Any]) -> dict[str, Any]:
    app = ctx["app"]

    async def make_user(role: str, **fields: Any) -> dict[str, Any]:

        ctx["n"] = ctx.get("n", 0) + 1
        sites = fields.pop("site_ids", [])
        data = UserCreate(
            email=f"req{ctx['n']}-{role}@test.example",
            password=TEST_PASSWORD,
            role=Role(role),
            **fields,
        )
        async with session_scope(app.state.database, write=True) as session:
            user = await identity_service.create_user(session, None, data)
            session.add_all(UserSite(user_id=user.id, site_id=s) for s in sites)
        return {"id": user.id, "email": user.email, "role": role}

    async def login(email: str) -> dict[str, str]:
        done = await http.post("/api/auth/login", json={"email": email, "password": TEST_PASSWORD})
        assert done.status_code == 200, done.text
        return {"Authorization": f"Bearer {done.json()['data']['access_token']}"}

    return await people(http, make_user, login)


async def _submitted(http: httpx.AsyncClient, ctx: dict[str, Any]) -> tuple[Any, Any]:
    p = await _people(http, ctx)
    return p, await submit(http, p["worker_headers"], OTHER)


async def submit_one(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p = await _people(http, ctx)
    return await http.post("/api/requests", headers=p["worker_headers"], json={"payload": OTHER})


async def approve(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, request = await _submitted(http, ctx)
    return await act(http, p["manager_headers"], request, "approve")


async def reject(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, request = await _submitted(http, ctx)
    return await act(http, p["manager_headers"], request, "reject", "サイズの在庫がありません")


async def cancel(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, request = await _submitted(http, ctx)
    return await act(http, p["worker_headers"], request, "cancel")


async def withdraw(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, request = await _submitted(http, ctx)
    approved = await act(http, p["manager_headers"], request, "approve")
    return await act(http, p["worker_headers"], approved.json()["data"], "withdraw")


async def comment(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, request = await _submitted(http, ctx)
    return await http.post(
        f"/api/requests/{request['id']}/comments",
        headers=p["manager_headers"],
        json={"comment": "確認します"},
    )


async def _notified(http: httpx.AsyncClient, ctx: dict[str, Any]) -> tuple[Any, Any]:
    p = await _people(http, ctx)
    await submit(http, p["worker_headers"], {"type": "paid_leave", "dates": [soon()]})
    inbox = await http.get("/api/notifications", headers=p["manager_headers"])
    return p, inbox.json()["data"]


async def read_one(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, items = await _notified(http, ctx)
    return await http.post(
        f"/api/notifications/{items[0]['id']}/read", headers=p["manager_headers"]
    )


async def read_all(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    p, _ = await _notified(http, ctx)
    return await http.post("/api/notifications/read-all", headers=p["manager_headers"])


AUDIT: dict[tuple[str, str], Any] = {
    ("POST", "/api/requests"): submit_one,
    ("POST", "/api/requests/{request_id}/approve"): approve,
    ("POST", "/api/requests/{request_id}/reject"): reject,
    ("POST", "/api/requests/{request_id}/cancel"): cancel,
    ("POST", "/api/requests/{request_id}/withdraw"): withdraw,
    ("POST", "/api/requests/{request_id}/comments"): comment,
    ("POST", "/api/notifications/{notification_id}/read"): read_one,
    ("POST", "/api/notifications/read-all"): read_all,
}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/requests"): [("request", "submit")],
    ("POST", "/api/requests/{request_id}/approve"): [("request", "approve")],
    ("POST", "/api/requests/{request_id}/reject"): [("request", "reject")],
    ("POST", "/api/requests/{request_id}/cancel"): [("request", "cancel")],
    ("POST", "/api/requests/{request_id}/withdraw"): [("request", "withdraw")],
    ("POST", "/api/requests/{request_id}/comments"): [("request", "comment")],
    ("POST", "/api/notifications/{notification_id}/read"): [("notification", "read")],
    ("POST", "/api/notifications/read-all"): [("notification", "read_all")],
}
__all__ = ["ACCESS", "AUDIT", "EXPECTED_AUDIT", "PAGES", "PAGE_WRITE_TWINS"]
