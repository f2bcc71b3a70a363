"""Payroll end to end: an admin runs the payroll of a period from the page (the progress
block polls until the run is done), reviews the results and a payslip, closes the period,
downloads the payslip and the run's bulk file (both PDFs) and records the worker's consent
to electronic payslips; the worker then downloads their own payslip from the portal."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, sign_in
from tests.e2e.liveserver import ROOT, LiveServer
from tests.integration.attendance.factories import placement

# July 2026: no other browser flow has attendance in this payroll period.
PERIOD = ("2026-07-01", "2026-07-31")
WORKER = "payroll-worker@e2e.example"

# The attendance ledger's payroll row of the period, as the attendance area keeps it after
# the approvals (the same shortcut as tests/integration/payroll/factories.ledger).
_LEDGER = """
import asyncio, datetime as dt, json, sys
import haken.modules.models
from haken.config import get_settings
from haken.modules.attendance.models import LedgerEntry
from haken.platform.db import Database, session_scope, utcnow

async def main():
    employee_id, start, end = json.load(sys.stdin)
    database = Database(get_settings().database_url)
    try:
        async with session_scope(database, write=True) as session:
            session.add(LedgerEntry(
                kind="payroll", subject_id=employee_id,
                period_start=dt.date.fromisoformat(start), period_end=dt.date.fromisoformat(end),
                worked_minutes=160 * 60, regular=160 * 60, worked_days=20, computed_at=utcnow(),
            ))
    finally:
        await database.dispose()

asyncio.run(main())
"""


async def _setup(base_url: str) -> dict[str, Any]:
    """A placed worker (API) with an account of their own."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        root = USERS["super_admin"]
        signed = await http.post(
            "/api/auth/login", json={"email": root.email, "password": root.password}
        )
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['data']['access_token']}"}
        placed = await placement(http, headers)
        made = await http.post(
            "/api/users",
            headers=headers,
            json={
                "email": WORKER,
                "password": PASSWORD,
                "role": "employee",
                "employee_id": placed["employee"]["id"],
                "locale": "en",
            },
        )
        assert made.status_code == 201, made.text
        return dict(placed["employee"])


def _ledger(server: LiveServer, employee_id: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LEDGER],
        input=json.dumps([employee_id, *PERIOD]).encode(),
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def _download_pdf(page: Page, link: str) -> bytes:
    with page.expect_download() as info:
        page.locator(link).first.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF"), content[:20]
    return content


def test_run_review_close_and_download_the_payslip(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        employee = pool.submit(asyncio.run, _setup(live_server.base_url)).result()
    _ledger(live_server, employee["id"])

    # Run: the form starts the job; the run page polls its progress until it is done.
    office = new_context("en-US").new_page()
    sign_in(office, USERS["admin"])
    office.goto("/payroll")
    office.locator("#f-day").fill("2026-07-15")
    office.get_by_role("button", name="Run the payroll").click()
    expect(office).to_have_url(re.compile(r"/payroll/runs/\d+$"))
    expect(office.locator("#progress")).to_contain_text("Calculated: 1 of 1 employees.")

    # Review: the results, then the payslip with its attendance and lines.
    office.reload()
    office.get_by_role("link", name=employee["name_kanji"]).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("Payslip")
    expect(office.locator("body")).to_contain_text("Days worked")
    expect(office.locator("body")).to_contain_text("Hours worked")
    payslip_url = office.url
    office.get_by_role("link", name="Back to the payroll run").click()

    # Close: the confirmation, then the closed run with its downloads.
    office.get_by_role("link", name="Close the payroll").click()
    office.get_by_role("button", name="Close the payroll").click()
    expect(office.locator("#progress")).to_contain_text("Closed on")
    expect(office.locator("a[href$='/transfer-file']")).to_be_visible()
    # The bulk PDF is a job: its page polls the progress until the download appears.
    office.get_by_role("button", name="All payslips (PDF)").click()
    expect(office).to_have_url(re.compile(r"/payroll/pdf-exports/\d+$"))
    expect(office.locator("#progress")).to_contain_text("Ready: 1 pages.")
    bulk = _download_pdf(office, "a[href$='/file']")
    assert len(bulk) > 1000

    # Download the payslip (the office prints it: no consent needed).
    office.goto(payslip_url)
    _download_pdf(office, "a[href$='/pdf']")

    # The worker's portal says "on paper" and offers no download until consent is recorded.
    worker_page = new_context("en-US").new_page()
    sign_in(worker_page, type(USERS["employee"])(WORKER, "employee", PASSWORD, "en"))
    worker_page.goto("/me/payslips")
    expect(worker_page.locator("body")).to_contain_text("handed over on paper")
    expect(worker_page.locator("a[href$='/pdf']")).to_have_count(0)

    office.goto(f"/employees/{employee['id']}")
    office.get_by_role("button", name="Record the consent to electronic payslips").click()
    expect(office.locator("body")).to_contain_text("Electronic: the employee agreed on")

    worker_page.goto("/me/payslips")
    expect(worker_page.locator("body")).not_to_contain_text("handed over on paper")
    _download_pdf(worker_page, "a[href$='/pdf']")
