"""A bulk run's ZIP is a copy of documents each kept on its assignment: the nightly job drops
the ZIPs older than ``export_retention_days`` and marks the run ``expired``; its download then
answers 410 with the catalog code, and the page says the documents stay and how to get a ZIP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from haken.modules.documents.models import BulkRun
from haken.platform.db import session_scope, utcnow
from haken.platform.jobs import JOBS, JobContext
from tests.integration.web.conftest import PageLogin


async def _empty_run(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    """A run with nothing running on the day: done at once, with an empty ZIP."""
    started = await client.post(
        "/api/documents/bulk", headers=headers, json={"kind": "client_ledger"}
    )
    assert started.status_code == 202, started.text
    run: dict[str, Any] = started.json()["data"]
    assert run["ready"] is True
    return run


async def _age(app: Any, run_id: int, days: float) -> None:
    async with session_scope(app.state.database, write=True) as session:
        row = await session.get(BulkRun, run_id)
        assert row is not None
        row.finished_at = utcnow() - dt.timedelta(days=days)
        row.created_at = row.finished_at


async def _expire(app: Any) -> dict[str, Any] | None:
    spec = JOBS["documents.expire_bulk_archives"]
    settings = app.state.settings
    assert spec.schedule is not None and spec.schedule(settings) == settings.purge_schedule
    async with session_scope(app.state.database, write=True) as session:
        context = JobContext(session=session, settings=settings, key="t", attempt=1, request_id="t")
        return await spec.func(context)


async def test_old_bulk_zips_are_dropped_and_the_run_says_so(
    app: Any,
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
) -> None:
    office = await auth_headers("coordinator")
    old = await _empty_run(client, office)
    kept = await _empty_run(client, office)
    await _age(app, old["id"], days=7.01)
    await _age(app, kept["id"], days=6.99)

    assert await _expire(app) == {"expired": 1, "retention_days": 7}

    gone = await client.get(f"/api/documents/bulk/{old['id']}/zip", headers=office)
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "DOCUMENT_BULK_EXPIRED"
    shown = (await client.get(f"/api/documents/bulk/{old['id']}", headers=office)).json()
    assert (shown["data"]["status"], shown["data"]["ready"]) == ("expired", False)
    async with session_scope(app.state.database) as session:
        row = await session.get(BulkRun, old["id"])
        assert row is not None and row.archive is None
    still = await client.get(f"/api/documents/bulk/{kept['id']}/zip", headers=office)
    assert still.status_code == 200 and still.headers["content-type"] == "application/zip"
    assert await _expire(app) == {"expired": 0, "retention_days": 7}

    user = await make_user("coordinator", locale="ja")
    await page_login(user["email"])
    page = await client.get(f"/documents/bulk/{old['id']}")
    assert page.status_code == 200
    assert "保存期間" in page.text and "every 2s" not in page.text
