"""The inbox: events told after commit to the people they concern only; list, unread
count, mark read, mark all read; e-mail through SMTP (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from haken.app import create_app
from haken.modules.notifications.service import Audience, notifications_service
from haken.platform.db import assert_max_queries, session_scope
from tests.conftest import TEST_PASSWORD, make_settings
from tests.integration.identity.test_secrets import _Inbox, smtp_server  # noqa: F401 (fixture)
from tests.integration.requests.factories import act, people, soon, submit
from tests.waiting import eventually


async def _inbox(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    found = await http.get("/api/notifications", headers=headers)
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["data"]
    return items


async def _unread(http: httpx.AsyncClient, headers: dict[str, str]) -> int:
    found = await http.get("/api/notifications/unread-count", headers=headers)
    return int(found.json()["data"]["unread"])


async def test_each_event_reaches_only_the_people_it_concerns(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    q = await people(client, make_user, login)  # another site, another worker and admin
    request = await submit(
        client,
        p["worker_headers"],
        {
            "type": "home_leave",
            "start": soon(30),
            "end": soon(40),
            "destination": "ハノイ",
            "contact": "+84 90 000 0000",
        },
    )
    # Submitted: the site manager of the worker's site, nobody else (not the worker).
    got = await _inbox(client, p["manager_headers"])
    assert [n["kind"] for n in got] == ["request_submitted"]
    assert got[0]["params"]["request_id"] == request["id"]
    assert "一時帰国" in got[0]["title"]
    for name in ("worker_headers", "other_manager_headers", "admin_headers"):
        assert await _inbox(client, p[name]) == []
    assert await _inbox(client, q["manager_headers"]) == []
    # The site step approved: the admins are told (both, as the office decides).
    first = await act(client, p["manager_headers"], request, "approve")
    for admin in ("admin_headers",):
        assert [n["kind"] for n in await _inbox(client, p[admin])] == ["request_awaiting"]
        assert [n["kind"] for n in await _inbox(client, q[admin])] == ["request_awaiting"]
    assert await _inbox(client, p["worker_headers"]) == []
    # Decided: the worker; the deciding admin is not told of their own act.
    final = await act(client, p["admin_headers"], first.json()["data"], "approve")
    assert final.status_code == 200, final.text
    worker = await _inbox(client, p["worker_headers"])
    assert [n["kind"] for n in worker] == ["request_approved"]
    assert worker[0]["link"] == f"/me/requests/{request['id']}"
    assert [n["kind"] for n in await _inbox(client, q["worker_headers"])] == []
    # Withdrawn: the site manager and the admins; not the worker who withdrew.
    await act(client, p["worker_headers"], final.json()["data"], "withdraw")
    assert [n["kind"] for n in await _inbox(client, p["manager_headers"])] == [
        "request_withdrawn",
        "request_submitted",
    ]
    assert (await _inbox(client, p["admin_headers"]))[0]["kind"] == "request_withdrawn"
    assert [n["kind"] for n in await _inbox(client, p["worker_headers"])] == ["request_approved"]
    assert await _inbox(client, p["other_manager_headers"]) == []


async def test_a_rejection_tells_the_worker_in_their_language(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    request = await submit(client, p["worker_headers"], {"type": "paid_leave", "dates": [soon()]})
    await act(client, p["manager_headers"], request, "reject", "繁忙期のため")
    got = await _inbox(client, p["worker_headers"])
    assert [n["kind"] for n in got] == ["request_rejected"]
    assert got[0]["title"] == "申請（有給休暇）が却下されました"


async def test_a_rolled_back_write_notifies_nobody(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    p = await people(client, make_user, login)
    # A refused approval (more days than the balance) rolls back: the worker hears nothing.
    days = [soon(20 + i) for i in range(11)]
    request = await submit(client, p["worker_headers"], {"type": "paid_leave", "dates": days})
    refused = await act(client, p["manager_headers"], request, "approve")
    assert refused.status_code == 409
    assert await _inbox(client, p["worker_headers"]) == []
    # The same at the service level: registered, then the unit fails.

    async def failing_unit() -> None:
        async with session_scope(app.state.database, write=True) as session:
            notifications_service.notify_after_commit(
                session,
                Audience(user_ids=(p["worker"]["id"],)),
                "request_approved",
                {"type": "other"},
            )
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        await failing_unit()
    assert await _inbox(client, p["worker_headers"]) == []
    async with session_scope(app.state.database, write=True) as session:
        notifications_service.notify_after_commit(
            session,
            Audience(user_ids=(p["worker"]["id"],)),
            "request_approved",
            {"type": "other"},
        )
    assert [n["kind"] for n in await _inbox(client, p["worker_headers"])] == ["request_approved"]


async def test_mark_read_and_all_read_and_the_count(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    p = await people(client, make_user, login)
    for i in range(3):
        await submit(client, p["worker_headers"], {"type": "other", "subject": f"相談{i}"})
    manager = p["manager_headers"]
    assert await _unread(client, manager) == 3
    items = await _inbox(client, manager)
    assert len(items) == 3 and all(n["read_at"] is None for n in items)
    # Keyset pages, newest first.
    first = await client.get("/api/notifications?limit=2", headers=manager)
    cursor = first.json()["pagination"]["next_cursor"]
    rest = await client.get(f"/api/notifications?limit=2&cursor={cursor}", headers=manager)
    ids = [n["id"] for n in first.json()["data"]] + [n["id"] for n in rest.json()["data"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    # Another person cannot mark it: 404, and it stays unread.
    foreign = await client.post(f"/api/notifications/{ids[0]}/read", headers=p["admin_headers"])
    assert foreign.status_code == 404
    done = await client.post(f"/api/notifications/{ids[0]}/read", headers=manager)
    assert done.status_code == 200 and done.json()["data"]["read_at"] is not None
    assert await _unread(client, manager) == 2
    marked = await client.post("/api/notifications/read-all", headers=manager)
    assert marked.json()["data"]["marked"] == 2
    assert await _unread(client, manager) == 0
    assert all(n["read_at"] is not None for n in await _inbox(client, manager))


async def test_the_inbox_costs_at_most_three_queries(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    p = await people(client, make_user, login)
    for i in range(5):
        await submit(client, p["worker_headers"], {"type": "other", "subject": f"相談{i}"})
    await _inbox(client, p["manager_headers"])  # warm the principal cache
    with assert_max_queries(3):
        listed = await client.get("/api/notifications?count=true", headers=p["manager_headers"])
    assert listed.json()["pagination"]["total"] == 5
    with assert_max_queries(3):
        await client.get("/api/notifications/unread-count", headers=p["manager_headers"])


@pytest.fixture
async def mail_app(
    client: httpx.AsyncClient,  # empties the tables afterwards
    app: Any,
    database_url: str,
    tmp_path: Path,
    smtp_server: tuple[_Inbox, int],  # noqa: F811
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    _, port = smtp_server
    settings = make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="haken <no-reply@test.example>",
        notifications_email=True,
    )
    application = create_app(settings)
    try:
        async with LifespanManager(application):
            transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http, application
    finally:
        notifications_service.configure(app.state.settings)  # the shared app's settings again


async def test_notifications_leave_by_email_when_enabled(
    mail_app: tuple[httpx.AsyncClient, Any],
    smtp_server: tuple[_Inbox, int],  # noqa: F811
    make_user: Any,
) -> None:
    http, _ = mail_app
    inbox, _ = smtp_server

    async def sign_in(address: str) -> dict[str, str]:  # tokens of the mail app's own key
        done = await http.post(
            "/api/auth/login", json={"email": address, "password": TEST_PASSWORD}
        )
        assert done.status_code == 200, done.text
        return {"Authorization": f"Bearer {done.json()['data']['access_token']}"}

    p = await people(http, make_user, sign_in)
    await submit(http, p["worker_headers"], {"type": "other", "subject": "相談"})
    await eventually(lambda: bool(inbox.messages), "the mail to arrive")
    assert len(inbox.messages) == 1  # the site manager only
    message = email.message_from_bytes(inbox.messages[0])
    assert message["To"] == p["manager"]["email"]
    body = message.get_payload(decode=True).decode("utf-8")
    assert "申請があります" in body and "/requests/" in body


async def test_no_email_by_default(client: httpx.AsyncClient, app: Any) -> None:
    assert app.state.settings.notifications_email is False
    assert notifications_service.email_enabled is False
