"""Sign-in, tokens, sessions, passwords: the attack paths included."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import select, update

from haken.modules.identity.models import AuthSession, RefreshToken, User
from haken.platform.db import session_scope
from tests.conftest import TEST_PASSWORD, mailed_reset_token


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def test_login_returns_token_pair(client: httpx.AsyncClient, make_user: Any) -> None:
    user = await make_user("coordinator")
    response = await client.post(
        "/api/auth/login", json={"email": user["email"].upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 15 * 60


async def test_oauth2_password_form_login(client: httpx.AsyncClient, make_user: Any) -> None:
    user = await make_user("admin")
    response = await client.post(
        "/api/auth/login",
        data={"username": user["email"], "password": TEST_PASSWORD, "grant_type": "password"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["access_token"]


async def test_wrong_password_and_unknown_email_look_the_same(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    user = await make_user("employee")
    wrong = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": "x" * 12}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": "nobody@test.example", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert code_of(wrong) == code_of(unknown) == "AUTH_INVALID_CREDENTIALS"
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


async def test_account_lockout_after_repeated_failures(
    client: httpx.AsyncClient, make_user: Any, app: Any
) -> None:
    user = await make_user("employee")
    for _ in range(4):
        response = await client.post(
            "/api/auth/login", json={"email": user["email"], "password": "wrong-password!"}
        )
        assert code_of(response) == "AUTH_INVALID_CREDENTIALS"
    fifth = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": "wrong-password!"}
    )
    assert code_of(fifth) == "AUTH_INVALID_CREDENTIALS"  # the failure that locks
    locked = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": TEST_PASSWORD}
    )
    assert locked.status_code == 423
    assert code_of(locked) == "AUTH_ACCOUNT_LOCKED"
    assert 1 <= int(locked.headers["retry-after"]) <= 31
    # The failures were committed although every answer was an error.
    async with session_scope(app.state.database, write=True) as session:
        row = (await session.scalars(select(User).where(User.email == user["email"]))).one()
        assert row.failed_login_count == 5
        # Back-off doubles with each further failure.
        row.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    sixth = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": "wrong-password!"}
    )
    assert code_of(sixth) == "AUTH_INVALID_CREDENTIALS"
    again = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": TEST_PASSWORD}
    )
    assert code_of(again) == "AUTH_ACCOUNT_LOCKED"
    assert 31 < int(again.headers["retry-after"]) <= 61


async def test_brute_force_from_one_address_hits_the_rate_limit(
    client: httpx.AsyncClient, make_user: Any
) -> None:
    """Per-account moving window (10/min) answers 429 before guessing can go far."""
    user = await make_user("employee")
    statuses = []
    for _ in range(12):
        response = await client.post(
            "/api/auth/login", json={"email": user["email"], "password": "guess-guess-guess"}
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert 423 in statuses
    assert statuses[-1] == 429
    last = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": "guess-guess-guess"}
    )
    assert code_of(last) == "RATE_LIMITED"
    assert int(last.headers["retry-after"]) >= 1
    assert last.headers["ratelimit-remaining"] == "0"


async def test_address_lockout_across_accounts(client: httpx.AsyncClient, app: Any) -> None:
    """Spraying many accounts from one address locks the address."""
    await app.state.rate_limiter.reset()
    codes = []
    for index in range(21):
        response = await client.post(
            "/api/auth/login",
            json={"email": f"spray{index}@test.example", "password": "spray-spray-spray"},
        )
        codes.append(code_of(response))
        if index == 15:
            await app.state.rate_limiter.reset()  # look past the per-address rate limit
    assert codes[:20] == ["AUTH_INVALID_CREDENTIALS"] * 20
    assert codes[20] == "AUTH_ADDRESS_LOCKED"


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("coordinator")
    first = await login(user["email"])
    rotated = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()["data"]
    assert second["refresh_token"] != first["refresh_token"]
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert me.status_code == 200

    # The first token comes back: someone copied it. The whole family dies.
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert code_of(reuse) == "AUTH_TOKEN_REUSED"
    after = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert code_of(after) == "AUTH_INVALID_TOKEN"
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert me.status_code == 401


async def test_refresh_with_garbage_or_expired_token(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    garbage = await client.post(
        "/api/auth/refresh", json={"refresh_token": "not-a-real-token-at-all"}
    )
    assert code_of(garbage) == "AUTH_INVALID_TOKEN"
    user = await make_user("employee")
    tokens = await login(user["email"])
    async with session_scope(app.state.database, write=True) as session:
        await session.execute(
            update(RefreshToken).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
            )
        )
    expired = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert code_of(expired) == "AUTH_INVALID_TOKEN"


async def test_logout_ends_the_session(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("employee")
    tokens = await login(user["email"])
    headers = {"Authorization": tokens["Authorization"]}
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 200
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


@pytest.mark.parametrize(
    "mutate",
    ["expired", "tampered_role", "alg_none", "wrong_key", "garbage", "wrong_scheme"],
)
async def test_bad_access_tokens_are_rejected(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any, mutate: str
) -> None:
    user = await make_user("employee")
    tokens = await login(user["email"])
    token = tokens["Authorization"].removeprefix("Bearer ")
    secret = app.state.settings.resolved_secret_key
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    header = {"Authorization": f"Bearer {token}"}
    if mutate == "expired":
        claims["exp"] = int(dt.datetime.now(dt.UTC).timestamp()) - 10
        header["Authorization"] = "Bearer " + jwt.encode(claims, secret, algorithm="HS256")
    elif mutate == "tampered_role":
        head, _, sig = token.split(".")
        claims["role"] = "super_admin"
        claims["sub"] = "1"
        body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
        header["Authorization"] = f"Bearer {head}.{body}.{sig}"
    elif mutate == "alg_none":
        header["Authorization"] = "Bearer " + jwt.encode(claims, None, algorithm="none")
    elif mutate == "wrong_key":
        header["Authorization"] = "Bearer " + jwt.encode(claims, "x" * 64, algorithm="HS256")
    elif mutate == "garbage":
        header["Authorization"] = "Bearer abc.def.ghi"
    elif mutate == "wrong_scheme":
        header["Authorization"] = f"Basic {token}"
    response = await client.get("/api/auth/me", headers=header)
    assert response.status_code == 401
    assert code_of(response) == "AUTH_REQUIRED"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_password_change_revokes_other_sessions(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("coordinator")
    phone = await login(user["email"])
    laptop = await login(user["email"])
    weak = await client.post(
        "/api/auth/password",
        headers={"Authorization": laptop["Authorization"]},
        json={"current_password": TEST_PASSWORD, "new_password": "short"},
    )
    assert code_of(weak) == "AUTH_PASSWORD_TOO_WEAK"
    wrong = await client.post(
        "/api/auth/password",
        headers={"Authorization": laptop["Authorization"]},
        json={"current_password": "not-my-password", "new_password": "a-brand-new-passphrase"},
    )
    assert code_of(wrong) == "AUTH_WRONG_PASSWORD"
    changed = await client.post(
        "/api/auth/password",
        headers={"Authorization": laptop["Authorization"]},
        json={"current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase"},
    )
    assert changed.status_code == 200
    assert (
        await client.get("/api/auth/me", headers={"Authorization": laptop["Authorization"]})
    ).status_code == 200
    assert (
        await client.get("/api/auth/me", headers={"Authorization": phone["Authorization"]})
    ).status_code == 401
    old = await client.post(
        "/api/auth/login", json={"email": user["email"], "password": TEST_PASSWORD}
    )
    assert old.status_code == 401
    await login(user["email"], "a-brand-new-passphrase")


async def test_password_reset_through_the_outbox(
    client: httpx.AsyncClient, make_user: Any, login: Any, auth_headers: Any, app: Any
) -> None:
    user = await make_user("employee")
    other_session = await login(user["email"])
    known = await client.post("/api/auth/password-reset/request", json={"email": user["email"]})
    unknown = await client.post(
        "/api/auth/password-reset/request", json={"email": "ghost@test.example"}
    )
    assert known.status_code == unknown.status_code == 200
    assert known.json()["data"] == unknown.json()["data"] == {"accepted": True}

    admin = await auth_headers("admin")
    outbox = (await client.get("/api/users/outbox", headers=admin)).json()["data"]
    assert [mail["to_address"] for mail in outbox] == [user["email"]]
    # Metadata only: without a mail server the mail is held, and nobody reads its link.
    assert set(outbox[0]) == {"id", "to_address", "kind", "state", "created_at", "sent_at"}
    assert outbox[0]["kind"] == "password_reset" and outbox[0]["state"] == "held"
    token = await mailed_reset_token(app, user["email"])

    weak = await client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": "short"}
    )
    assert code_of(weak) == "AUTH_PASSWORD_TOO_WEAK"
    done = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "reset-passphrase-2026"},
    )
    assert done.status_code == 200
    again = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "another-passphrase-9"},
    )
    assert code_of(again) == "AUTH_RESET_TOKEN_INVALID"
    assert (
        await client.get("/api/auth/me", headers={"Authorization": other_session["Authorization"]})
    ).status_code == 401
    await login(user["email"], "reset-passphrase-2026")


async def test_reset_token_expires_after_30_minutes(
    client: httpx.AsyncClient, make_user: Any, app: Any
) -> None:
    from haken.modules.identity.models import PasswordResetToken

    user = await make_user("employee")
    await client.post("/api/auth/password-reset/request", json={"email": user["email"]})
    token = await mailed_reset_token(app, user["email"])
    async with session_scope(app.state.database, write=True) as session:
        row = (await session.scalars(select(PasswordResetToken))).one()
        assert (
            dt.timedelta(minutes=29) < row.expires_at - row.created_at <= dt.timedelta(minutes=30)
        )
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    expired = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "reset-passphrase-2026"},
    )
    assert code_of(expired) == "AUTH_RESET_TOKEN_INVALID"


async def test_sessions_list_and_revoke(
    client: httpx.AsyncClient, make_user: Any, login: Any, app: Any
) -> None:
    user = await make_user("site_manager")
    first = await login(user["email"])
    second = await login(user["email"])
    listing = await client.get(
        "/api/auth/sessions", headers={"Authorization": second["Authorization"]}
    )
    sessions = listing.json()["data"]
    assert len(sessions) == 2
    current = [s for s in sessions if s["current"]]
    assert len(current) == 1
    other_id = next(s["id"] for s in sessions if not s["current"])
    revoked = await client.delete(
        f"/api/auth/sessions/{other_id}", headers={"Authorization": second["Authorization"]}
    )
    assert revoked.status_code == 200
    assert (
        await client.get("/api/auth/me", headers={"Authorization": first["Authorization"]})
    ).status_code == 401

    # Someone else's session id is not found, not forbidden.
    stranger = await make_user("employee")
    theirs = await login(stranger["email"])
    async with session_scope(app.state.database, write=True) as session:
        their_id = (
            await session.scalars(select(AuthSession.id).where(AuthSession.revoked_at.is_(None)))
        ).all()
    victim = next(sid for sid in their_id if sid != current[0]["id"])
    attempt = await client.delete(
        f"/api/auth/sessions/{victim}", headers={"Authorization": second["Authorization"]}
    )
    assert attempt.status_code == 404
    assert (
        await client.get("/api/auth/me", headers={"Authorization": theirs["Authorization"]})
    ).status_code == 200
