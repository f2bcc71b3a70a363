"""Issue 14, defect 6 on the API: ``Idempotency-Key`` on creates (platform/idempotency.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx

from haken.platform import idempotency
from haken.platform.db import utcnow

CANDIDATE = {"name_kana": "ヤマダ タロウ", "name_romaji": "Yamada Taro", "birth_date": "1995-03-03"}


async def _count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    listed = await client.get("/api/candidates", headers=headers, params={"count": "true"})
    assert listed.status_code == 200, listed.text
    return int(listed.json()["pagination"]["total"])


async def test_a_replayed_key_returns_the_first_body_and_creates_once(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = {**await auth_headers("coordinator"), "Idempotency-Key": "create-yamada-1"}
    first = await client.post("/api/candidates", headers=headers, json=CANDIDATE)
    assert first.status_code == 201, first.text
    replay = await client.post("/api/candidates", headers=headers, json=CANDIDATE)
    assert replay.status_code == 201
    assert replay.json() == first.json()  # the first answer, request id and all
    assert replay.headers["idempotent-replayed"] == "true"
    assert await _count(client, headers) == 1
    # Another body under the same key is refused, nothing written.
    other = await client.post(
        "/api/candidates", headers=headers, json={**CANDIDATE, "name_romaji": "Yamada Jiro"}
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _count(client, headers) == 1
    # Without a key every POST creates (the header is optional).
    plain = {k: v for k, v in headers.items() if k != "Idempotency-Key"}
    again = await client.post("/api/candidates", headers=plain, json=CANDIDATE)
    assert again.status_code == 201
    assert await _count(client, headers) == 2


async def test_keys_belong_to_their_user(client: httpx.AsyncClient, auth_headers: Any) -> None:
    one = {**await auth_headers("coordinator"), "Idempotency-Key": "shared-key"}
    two = {**await auth_headers("admin"), "Idempotency-Key": "shared-key"}
    first = await client.post("/api/candidates", headers=one, json=CANDIDATE)
    second = await client.post("/api/candidates", headers=two, json=CANDIDATE)
    assert first.status_code == second.status_code == 201
    assert first.json()["data"]["id"] != second.json()["data"]["id"]


async def test_parallel_requests_with_one_key_create_once(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = {**await auth_headers("coordinator"), "Idempotency-Key": "parallel-1"}
    first, second = await asyncio.gather(
        client.post("/api/candidates", headers=headers, json=CANDIDATE),
        client.post("/api/candidates", headers=headers, json=CANDIDATE),
    )
    assert {first.status_code, second.status_code} <= {201, 409}, (first.text, second.text)
    assert 201 in (first.status_code, second.status_code)
    for response in (first, second):
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
        else:
            assert response.json()["data"]["name_romaji"] == "Yamada Taro"
    assert await _count(client, headers) == 1


async def test_a_malformed_key_is_refused(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = {**await auth_headers("coordinator"), "Idempotency-Key": "x" * 201}
    refused = await client.post("/api/candidates", headers=headers, json=CANDIDATE)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert await _count(client, headers) == 0


async def test_the_nightly_purge_drops_keys_older_than_a_day(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    headers = {**await auth_headers("coordinator"), "Idempotency-Key": "old-key"}
    assert (
        await client.post("/api/candidates", headers=headers, json=CANDIDATE)
    ).status_code == 201
    database = app.state.database
    async with database.sessionmaker() as session:
        assert await idempotency.purge(session, now=utcnow()) == 0
        later = utcnow() + idempotency.RETENTION + dt.timedelta(minutes=1)
        assert await idempotency.purge(session, now=later) == 1
        await session.commit()
    # The key is free again: the same request creates a second candidate.
    assert (
        await client.post("/api/candidates", headers=headers, json=CANDIDATE)
    ).status_code == 201
    assert await _count(client, headers) == 2
