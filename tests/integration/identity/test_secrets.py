"""Issue 13 item 1: nobody reads a secret meant for someone else (reset links through the
outbox, audit or logs); reset mails capped per recipient; a new link voids older ones;
mail leaves through SMTP. Item 3: unknown accounts answer like existing ones."""

from __future__ import annotations

import asyncio
import email
import io
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import select

from haken.app import create_app
from haken.modules.identity.models import OutboxEmail, PasswordResetToken
from haken.platform.access import Role
from haken.platform.db import session_scope
from haken.platform.routes import iter_routes
from haken.platform.security import token_digest
from tests.conftest import TEST_PASSWORD, mailed_body, mailed_reset_token, make_settings
from tests.integration.assignments.factories import make_unit
from tests.waiting import eventually, poll

# The client portal's role has its own walk (tests/integration/client_portal/test_walk.py).
AGENCY_ROLES = [role for role in Role if not role.is_client]

# Routes that show outbox, audit, log, job or session data (their GET side).
SECRET_SURFACES = (
    "outbox", "audit", "log", "mail", "job", "system", "session", "users", "supervisor", "invit",
)  # fmt: skip


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line at every level, rendered by haken's own chain (redaction included)."""
    root = logging.getLogger()
    haken_handler = next((h for h in root.handlers if h.get_name() == "haken"), None)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    if haken_handler is not None and haken_handler.formatter is not None:
        handler.setFormatter(haken_handler.formatter)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _concrete(path: str, user_id: int) -> str:
    return re.sub(r"\{[^}]+\}", str(user_id), path)


async def test_no_route_page_audit_or_log_shows_a_live_reset_token(
    client: httpx.AsyncClient,
    make_user: Any,
    login: Any,
    app: Any,
    captured_logs: io.StringIO,
) -> None:
    """The take-over of the issue: an admin asks a reset for a super admin and reads the link.

    Walks every GET route and page showing outbox, audit, log, job or session data, as
    every role, after live reset links exist for a super admin and an admin.
    """
    boss = await make_user("super_admin")
    headers: dict[Role, dict[str, str]] = {}
    users: dict[Role, dict[str, Any]] = {}
    for role in AGENCY_ROLES:
        users[role] = await make_user(role.value)
        headers[role] = {"Authorization": (await login(users[role]["email"]))["Authorization"]}
    for target in (boss["email"], users[Role.ADMIN]["email"]):
        asked = await client.post("/api/auth/password-reset/request", json={"email": target})
        assert asked.status_code == 200
    tokens = [await mailed_reset_token(app, boss["email"])]
    tokens.append(await mailed_reset_token(app, users[Role.ADMIN]["email"]))
    # A live invitation link of the client portal (same sealed mail, same hashed token).
    placed = await make_unit(client, headers[Role.COORDINATOR])
    invited = await client.post(
        "/api/client-supervisors",
        headers=headers[Role.COORDINATOR],
        json={
            "client_id": placed["client_id"],
            "email": "invited@client.example",
            "site_ids": [placed["site_id"]],
        },
    )
    assert invited.status_code == 200, invited.text
    tokens.append((await mailed_body(app, "invited@client.example")).split("token=")[1].split()[0])

    # At rest: the token only as a hash, the mail body only sealed.
    async with session_scope(app.state.database, write=True) as session:
        stored = (await session.scalars(select(PasswordResetToken))).all()
        mails = (await session.scalars(select(OutboxEmail))).all()
    assert sorted(row.token_hash for row in stored) == sorted(map(token_digest, tokens))
    for mail in mails:
        assert mail.body == ""
        assert mail.body_enc is not None
        assert all(token not in mail.body_enc for token in tokens)

    walked = []
    for route in iter_routes(app):
        if "GET" not in route.methods or not any(w in route.path for w in SECRET_SURFACES):
            continue
        for role in AGENCY_ROLES:
            for target_id in (boss["id"], users[Role.ADMIN]["id"]):
                path = _concrete(route.path, target_id)
                response = await client.get(path, headers=headers[role])
                walked.append((path, role, response.status_code))
                for token in tokens:
                    assert token not in response.text, f"{path} as {role} shows a reset token"
                    assert "token=" not in response.text, f"{path} as {role} shows a link"
    paths = {path for path, _, _ in walked}
    assert {"/api/users/outbox", "/admin/outbox", "/api/audit", "/audit"} <= paths
    # The admin does reach the outbox (and sees who got mail), but not the link.
    outbox = await client.get("/api/users/outbox", headers=headers[Role.ADMIN])
    assert {mail["to_address"] for mail in outbox.json()["data"]} == {
        boss["email"],
        users[Role.ADMIN]["email"],
        "invited@client.example",
    }
    logged = captured_logs.getvalue()
    assert "/api/auth/password-reset/request" in logged  # the access log was captured
    for token in tokens:
        assert token not in logged

    # The attack itself fails: without the link the admin cannot set the boss's password.
    forged = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": "x" * 43, "new_password": "admin-now-owns-this-account"},
    )
    assert code_of(forged) == "AUTH_RESET_TOKEN_INVALID"


async def test_reset_mails_are_capped_per_recipient(
    client: httpx.AsyncClient, make_user: Any, auth_headers: Any, app: Any
) -> None:
    user = await make_user("employee")
    answers = []
    for _ in range(6):
        response = await client.post(
            "/api/auth/password-reset/request", json={"email": user["email"]}
        )
        answers.append((response.status_code, response.json()["data"]))
    unknown = await client.post(
        "/api/auth/password-reset/request", json={"email": "ghost@test.example"}
    )
    # The same neutral answer every time, capped or not, known or not.
    assert answers == [(200, {"accepted": True})] * 6
    assert (unknown.status_code, unknown.json()["data"]) == (200, {"accepted": True})
    admin = await auth_headers("admin")
    outbox = (await client.get("/api/users/outbox", headers=admin)).json()["data"]
    assert [mail["to_address"] for mail in outbox] == [user["email"]] * 3  # the default cap
    async with session_scope(app.state.database, write=True) as session:
        tokens = (await session.scalars(select(PasswordResetToken))).all()
    assert len(tokens) == 3


async def test_a_new_reset_link_voids_the_older_ones(
    client: httpx.AsyncClient, make_user: Any, app: Any, login: Any
) -> None:
    user = await make_user("employee")
    await client.post("/api/auth/password-reset/request", json={"email": user["email"]})
    first = await mailed_reset_token(app, user["email"])
    await client.post("/api/auth/password-reset/request", json={"email": user["email"]})
    second = await mailed_reset_token(app, user["email"])
    assert first != second
    old = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": first, "new_password": "reset-passphrase-2026"},
    )
    assert code_of(old) == "AUTH_RESET_TOKEN_INVALID"
    new = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": second, "new_password": "reset-passphrase-2026"},
    )
    assert new.status_code == 200, new.text
    await login(user["email"], "reset-passphrase-2026")


# --- delivery over SMTP -----------------------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def smtp_client(
    client: httpx.AsyncClient,  # empties the tables afterwards
    database_url: str,
    tmp_path: Path,
    smtp_server: tuple[_Inbox, int],
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    _, port = smtp_server
    settings = make_settings(
        database_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="haken <no-reply@test.example>",
    )
    application = create_app(settings)
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http, application


async def test_reset_mail_leaves_through_smtp(
    smtp_client: tuple[httpx.AsyncClient, Any],
    smtp_server: tuple[_Inbox, int],
    make_user: Any,
    auth_headers: Any,
    client: httpx.AsyncClient,
) -> None:
    http, application = smtp_client
    inbox, _ = smtp_server
    user = await make_user("employee")
    asked = await http.post("/api/auth/password-reset/request", json={"email": user["email"]})
    assert asked.status_code == 200
    await eventually(lambda: bool(inbox.messages), "the mail to arrive")
    assert len(inbox.messages) == 1
    # The body travels base64-encoded (UTF-8 Japanese text): decode it as a mail client does.
    message = email.message_from_bytes(inbox.messages[0])
    assert message["To"] == user["email"]
    assert message["From"] == "haken <no-reply@test.example>"
    body = message.get_payload(decode=True).decode("utf-8")
    token = body.split("token=")[1].split()[0]
    assert token == await mailed_reset_token(application, user["email"])
    admin = await auth_headers("admin")
    outbox = (
        await poll(
            lambda: client.get("/api/users/outbox", headers=admin),
            lambda got: got.json()["data"][0]["state"] == "sent",
            "the reset mail to be sent",
        )
    ).json()["data"]
    assert outbox[0]["state"] == "sent" and outbox[0]["sent_at"] is not None
    done = await http.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "reset-passphrase-2026"},
    )
    assert done.status_code == 200, done.text
    assert "reset-passphrase" not in await mailed_body(application, user["email"])


# --- item 3: unknown accounts lock like existing ones ------------------------------------------


async def _attempts(client: httpx.AsyncClient, email: str, count: int) -> list[tuple[int, str]]:
    seen = []
    for _ in range(count):
        response = await client.post(
            "/api/auth/login", json={"email": email, "password": "wrong-password!"}
        )
        seen.append((response.status_code, code_of(response)))
    return seen


async def test_concurrent_first_failures_count_up_instead_of_colliding(
    client: httpx.AsyncClient, app: Any
) -> None:
    """Simultaneous first failures for one unknown e-mail (and one address) used to
    insert the same counter row twice: a 500 on PostgreSQL that also told the address
    apart from a real account. The counters are upserts now."""
    attempts = [
        client.post(
            "/api/auth/login",
            json={"email": "Racing.Nobody@test.example", "password": "wrong-password!"},
        )
        for _ in range(4)
    ]
    answers = await asyncio.gather(*attempts)
    assert [(r.status_code, code_of(r)) for r in answers] == [(401, "AUTH_INVALID_CREDENTIALS")] * 4
    # All four were counted: one more reaches the lock after the fifth failure.
    seen = await _attempts(client, "racing.nobody@test.example", 2)
    assert seen == [(401, "AUTH_INVALID_CREDENTIALS"), (423, "AUTH_ACCOUNT_LOCKED")]


async def test_unknown_account_answers_like_an_existing_one(
    client: httpx.AsyncClient, make_user: Any, app: Any
) -> None:
    user = await make_user("employee")
    existing = await _attempts(client, user["email"], 7)
    await app.state.rate_limiter.reset()  # look past the per-address rate limit
    unknown = await _attempts(client, "Nobody.Here@test.example", 7)
    assert existing[:5] == [(401, "AUTH_INVALID_CREDENTIALS")] * 5
    assert existing[5:] == [(423, "AUTH_ACCOUNT_LOCKED")] * 2
    assert unknown == existing
    # The correct password does not get a locked account in either case: same answer.
    locked = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": TEST_PASSWORD}
    )
    assert code_of(locked) == "AUTH_ACCOUNT_LOCKED"
    # The e-mail is normalised: another spelling of the unknown address is locked too.
    other = await client.post(
        "/api/auth/login", json={"email": "nobody.here@TEST.example", "password": "x"}
    )
    assert code_of(other) == "AUTH_ACCOUNT_LOCKED"
