"""Bulk payslip PDFs are not kept for ever: the nightly purge deletes the file of one finished
more than ``export_retention_days`` ago (and the parts of one whose job gave up), marks the
row ``expired``, and the download then answers 410 with the catalog code instead of a bare 404.
A payslip PDF copies every worker's pay; an old copy on disk is only a leak waiting to happen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from haken.modules.payroll.models import PayrollPdfExport
from haken.modules.payroll.pdf_exports import export_dir, file_of
from haken.platform.db import session_scope, utcnow
from haken.platform.jobs import JOBS, JobContext
from tests.integration.payroll.factories import placed
from tests.integration.payroll.test_bonuses import _paid
from tests.waiting import poll


async def _finished_export(client: httpx.AsyncClient, admin: Any, bonus_id: int) -> dict[str, Any]:
    started = await client.post(f"/api/payroll/bonuses/{bonus_id}/pdf-exports", headers=admin)
    assert started.status_code == 202, started.text
    answer = await poll(
        lambda: client.get(
            f"/api/payroll/pdf-exports/{started.json()['data']['id']}", headers=admin
        ),
        lambda got: got.json()["data"]["status"] == "done",
        "bulk PDF",
    )
    data: dict[str, Any] = answer.json()["data"]
    return data


async def _age(app: Any, export_id: int, days: float) -> None:
    async with session_scope(app.state.database, write=True) as session:
        row = await session.get(PayrollPdfExport, export_id)
        assert row is not None
        assert row.finished_at is not None
        row.finished_at = utcnow() - dt.timedelta(days=days)
        row.created_at = row.finished_at - dt.timedelta(minutes=1)


async def _purge(app: Any) -> dict[str, Any] | None:
    spec = JOBS["payroll.purge_pdf_exports"]
    settings = app.state.settings
    assert spec.schedule is not None and spec.schedule(settings) == settings.purge_schedule
    async with session_scope(app.state.database, write=True) as session:
        context = JobContext(session=session, settings=settings, key="t", attempt=1, request_id="t")
        return await spec.func(context)


@pytest.mark.usefixtures("built_assets")
async def test_old_bulk_pdfs_are_deleted_and_say_so(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, page_login: Any
) -> None:
    settings = app.state.settings
    assert settings.export_retention_days == 7
    admin = await auth_headers("admin")
    worker = (await placed(client, admin))["employee"]
    bonus = await _paid(client, admin, "2026-07-10", [{"employee_id": worker["id"], "amount": 1}])
    old = await _finished_export(client, admin, bonus["id"])
    kept = await _finished_export(client, admin, bonus["id"])
    await _age(app, old["id"], days=7.01)  # just past the retention period
    await _age(app, kept["id"], days=6.99)  # just inside it
    # A job that gave up eight days ago left its part files and a row "running".
    async with session_scope(app.state.database, write=True) as session:
        abandoned = PayrollPdfExport(
            bonus_id=bonus["id"],
            status="running",
            total=5,
            processed=2,
            pages=0,
            cursor=0,
            parts=1,
            filename="x.pdf",
            created_at=utcnow() - dt.timedelta(days=8),
        )
        session.add(abandoned)
        await session.flush()
        abandoned_id = abandoned.id
    parts = export_dir(settings.data_dir) / f"{abandoned_id}.parts"
    parts.mkdir(parents=True)
    (parts / "000001.pdf").write_bytes(b"%PDF-")
    assert file_of(settings.data_dir, old["id"]).is_file()

    assert await _purge(app) == {"expired": 2, "retention_days": 7}

    assert not file_of(settings.data_dir, old["id"]).exists()
    assert not parts.exists()
    assert file_of(settings.data_dir, kept["id"]).is_file()
    gone = await client.get(old["download"], headers=admin)
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "PAYROLL_PDF_EXPIRED"
    assert "7" in gone.json()["error"]["message"]
    status = await client.get(f"/api/payroll/pdf-exports/{old['id']}", headers=admin)
    assert status.json()["data"]["status"] == "expired"
    assert status.json()["data"]["download"] is None
    still = await client.get(kept["download"], headers=admin)
    assert still.status_code == 200 and still.content.startswith(b"%PDF")
    # Idempotent: a second night finds nothing more to delete.
    assert await _purge(app) == {"expired": 0, "retention_days": 7}

    office = await make_user("admin", locale="ja")
    await page_login(office["email"])
    page = await client.get(f"/payroll/pdf-exports/{old['id']}")
    assert page.status_code == 200
    assert "保存期間" in page.text and "every 2s" not in page.text
