"""A client supervisor invited through the API, who accepted and signed in."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import mailed_body

PASSWORD = "client-portal-passphrase"


async def invite_supervisor(
    http: httpx.AsyncClient,
    app: Any,
    office: dict[str, str],
    *,
    client_id: int,
    site_ids: list[int],
    email: str = "genba@client.example",
    unit_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Invite, accept with the mailed link, sign in: the supervisor's headers and ids."""
    invited = await http.post(
        "/api/client-supervisors",
        headers=office,
        json={
            "client_id": client_id,
            "email": email,
            "site_ids": site_ids,
            "display_name": "現場 太郎",
            **({"unit_ids": unit_ids} if unit_ids else {}),
        },
    )
    assert invited.status_code == 200, invited.text
    body = await mailed_body(app, email)
    token = body.split("token=")[1].split()[0]
    accepted = await http.post(
        "/api/auth/password-reset/confirm", json={"token": token, "new_password": PASSWORD}
    )
    assert accepted.status_code == 200, accepted.text
    signed = await http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    return {
        "headers": {"Authorization": f"Bearer {signed.json()['data']['access_token']}"},
        "user_id": invited.json()["data"]["user_id"],
        "token": token,
        "email": email,
    }
