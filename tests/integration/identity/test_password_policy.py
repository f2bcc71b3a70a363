"""Issue 13 item 4: every path that sets a password applies the policy (ASVS V2.1)."""

from __future__ import annotations

from typing import Any

import httpx

from haken.modules.identity import cli
from tests.conftest import TEST_PASSWORD, mailed_reset_token


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


async def test_create_user_refuses_each_kind_of_weak_password(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    email = "kenta.suzuki@test.example"
    cases = {
        " " * 12: "AUTH_PASSWORD_REPEATED_CHARACTER",
        "aaaaaaaaaaaa": "AUTH_PASSWORD_REPEATED_CHARACTER",
        "123456789012": "AUTH_PASSWORD_TOO_COMMON",
        "passwordpassword": "AUTH_PASSWORD_TOO_COMMON",
        email: "AUTH_PASSWORD_CONTAINS_IDENTITY",
        "Suzuki-Kenta-Tokyo": "AUTH_PASSWORD_CONTAINS_IDENTITY",
    }
    for password, code in cases.items():
        response = await client.post(
            "/api/users",
            headers=admin,
            json={
                "email": email,
                "display_name": "Suzuki Kenta",
                "password": password,
                "role": "employee",
            },
        )
        assert response.status_code == 422, (password, response.text)
        assert code_of(response) == code, password
        assert response.json()["error"]["message"]
    listing = await client.get("/api/users", headers=admin, params={"q": "kenta"})
    assert listing.json()["data"] == []  # nothing half-written


async def test_change_password_refuses_the_current_one_and_the_email(
    client: httpx.AsyncClient, make_user: Any, login: Any
) -> None:
    user = await make_user("employee")
    headers = {"Authorization": (await login(user["email"]))["Authorization"]}
    same = await client.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": TEST_PASSWORD, "new_password": TEST_PASSWORD},
    )
    assert code_of(same) == "AUTH_PASSWORD_REUSED"
    own_email = await client.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": TEST_PASSWORD, "new_password": user["email"]},
    )
    assert code_of(own_email) == "AUTH_PASSWORD_CONTAINS_IDENTITY"
    fine = await client.post(
        "/api/auth/password",
        headers=headers,
        json={"current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase"},
    )
    assert fine.status_code == 200, fine.text


async def test_reset_refuses_common_and_current_passwords(
    client: httpx.AsyncClient, make_user: Any, app: Any
) -> None:
    user = await make_user("employee")
    await client.post("/api/auth/password-reset/request", json={"email": user["email"]})
    token = await mailed_reset_token(app, user["email"])
    for password, code in (
        ("password1234", "AUTH_PASSWORD_TOO_COMMON"),
        (TEST_PASSWORD, "AUTH_PASSWORD_REUSED"),
    ):
        response = await client.post(
            "/api/auth/password-reset/confirm", json={"token": token, "new_password": password}
        )
        assert code_of(response) == code
    # A refusal does not spend the link.
    done = await client.post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": "reset-passphrase-2026"},
    )
    assert done.status_code == 200, done.text


async def test_cli_create_user_applies_the_policy(app: Any, client: httpx.AsyncClient) -> None:
    settings = app.state.settings
    code, message = await cli.create_user(
        settings, email="ops@test.example", role="admin", password="123456789012"
    )
    assert code == 1
    assert message.startswith("AUTH_PASSWORD_TOO_COMMON")
