"""Bulk generation (issue 20 item 4): a document kind for every assignment running on a day,
of one client or all, issued by a background job in batches with progress; the subjects
refused with the catalog error's reason; one ZIP of the PDFs; start and download audited."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from haken.modules.audit.models import AuditEntry
from haken.modules.documents.bulk import bulk_service
from haken.platform.db import session_scope
from tests.integration.assignments.factories import assign, make_contract, make_employee, make_unit
from tests.integration.documents.test_documents_more import FUTURE, _contract_ready, _rate
from tests.integration.web.conftest import PageLogin, csrf_token
from tests.waiting import poll

ON = "2027-01-10"


async def _finished(client: httpx.AsyncClient, headers: dict[str, str], run_id: int) -> Any:
    answer = await poll(
        lambda: client.get(f"/api/documents/bulk/{run_id}", headers=headers),
        lambda got: got.json()["data"]["status"] == "done",
        f"bulk run {run_id}",
    )
    return answer.json()["data"]


async def test_bulk_terms_notices_in_batches_with_a_refusal_and_one_zip(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_service, "batch_size", 1)  # two batches: the cursor moves
    office = await auth_headers("coordinator")
    admin = await auth_headers("admin")
    place = await make_unit(client, office)
    bare = await make_contract(client, office, place["unit_id"])
    first = await make_employee(client, office, gender="male")
    refused = await assign(client, office, bare["id"], first["id"], **FUTURE)
    _ready_place, contract = await _contract_ready(client, office)
    second = await make_employee(client, office, gender="female")
    ready = await assign(client, office, contract["id"], second["id"], **FUTURE)
    await _rate(client, admin, contract["id"], "2026-04-01", "1800")

    started = await client.post(
        "/api/documents/bulk", headers=office, json={"kind": "terms_notice", "on_date": ON}
    )
    assert started.status_code == 202, started.text
    run = started.json()["data"]
    assert (run["total"], run["kind"]) == (2, "terms_notice")
    done = await _finished(client, office, run["id"])
    assert (done["processed"], done["issued"], done["ready"]) == (2, 1, True)
    assert [(s["subject_id"], s["code"]) for s in done["skipped"]] == [
        (refused["id"], "DOCUMENT_INCOMPLETE")
    ]
    assert "派遣料金額" in done["skipped"][0]["reason"]  # the missing items, named

    got = await client.get(f"/api/documents/bulk/{run['id']}/zip", headers=office)
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    (name,) = archive.namelist()
    assert name == f"terms_notice-{ready['id']}-v1.pdf"
    assert archive.read(name)[:4] == b"%PDF"
    listed = await client.get(f"/api/documents?employee_id={second['id']}", headers=office)
    assert [d["kind"] for d in listed.json()["data"]] == ["terms_notice"]

    # Again: the same data → the same version (no new issue), still in the ZIP.
    again = await client.post(
        "/api/documents/bulk",
        headers=office,
        json={"kind": "terms_notice", "on_date": ON, "client_id": contract["client_id"]},
    )
    assert again.json()["data"]["total"] == 1
    repeat = await _finished(client, office, again.json()["data"]["id"])
    assert (repeat["issued"], repeat["skipped"]) == (1, [])
    async with session_scope(app.state.database) as session:
        audited = (
            await session.execute(
                select(AuditEntry.entity_type, AuditEntry.action)
                .where(AuditEntry.entity_type.in_(["document_bulk", "document"]))
                .order_by(AuditEntry.id)
            )
        ).all()
    assert [tuple(a) for a in audited if a[0] == "document_bulk"] == [
        ("document_bulk", "create"),
        ("document_bulk", "download"),
        ("document_bulk", "create"),
    ]
    # The 個別契約書 of the setup and the one 就業条件明示書: the repeat issued nothing.
    assert [tuple(a) for a in audited if a[0] == "document"].count(("document", "issue")) == 2

    # Nobody's day: an empty run is done at once with an empty ZIP.
    empty = await client.post(
        "/api/documents/bulk",
        headers=office,
        json={"kind": "agency_ledger", "on_date": "2020-01-01"},
    )
    assert (empty.json()["data"]["status"], empty.json()["data"]["total"]) == ("done", 0)
    assert (await client.get("/api/documents/bulk/999999", headers=office)).status_code == 404
    assert (await client.get("/api/documents/bulk/999999/zip", headers=office)).status_code == 404
    manager = await auth_headers("site_manager")
    denied = await client.post(
        "/api/documents/bulk", headers=manager, json={"kind": "terms_notice"}
    )
    assert denied.status_code == 403


async def test_bulk_pages_start_a_run_and_show_its_progress(
    app: Any, client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    user = await make_user("coordinator")
    await page_login(user["email"])
    form = await client.get("/documents/bulk")
    assert form.status_code == 200 and 'name="kind"' in form.text
    started = await client.post(
        "/documents/bulk",
        data={"kind": "client_ledger", "client_id": "", "csrf_token": csrf_token(form.text)},
    )
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.startswith("/documents/bulk/")
    shown = await client.get(location)
    assert shown.status_code == 200
    assert f'href="{location}/zip"' in shown.text  # nothing runs today here: done at once
    got = await client.get(f"{location}/zip")
    assert got.status_code == 200 and zipfile.ZipFile(io.BytesIO(got.content)).namelist() == []
