"""The foundation end to end: envelope, request id, health, errors."""

from __future__ import annotations

import re

import httpx


async def test_health_is_enveloped_with_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["status"] == "ok"
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", body["meta"]["request_id"])


async def test_login_and_me(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("admin")
    response = await client.get("/api/auth/me", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["role"] == "admin"
