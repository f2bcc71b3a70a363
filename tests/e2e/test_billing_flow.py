"""Billing end to end in a browser: an admin closes the contract's billing period, makes the
client's draft invoice, issues it through the confirmation page, downloads its PDF and
records the payment that settles it. Its own live server: issuing needs the agency's
registration number (HAKEN_BILLING_REGISTRATION_NUMBER)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, USERS, ContextFactory, sign_in
from tests.e2e.liveserver import LiveServer, start
from tests.integration.billing.factories import REGISTRATION, billed_client


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: scripts/test-services.sh start installs chromium")
    server = start(
        tmp_path_factory.mktemp("e2e-billing"),
        list(USERS.values()),
        extra_env={"HAKEN_BILLING_REGISTRATION_NUMBER": REGISTRATION},
    )
    try:
        yield server
    finally:
        server.stop()


async def _setup(base_url: str) -> dict[str, Any]:
    """April 2026's approved work of one worker, a bill rate and fixed items (the API)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        root = USERS["super_admin"]
        signed = await http.post(
            "/api/auth/login", json={"email": root.email, "password": root.password}
        )
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['data']['access_token']}"}
        return await billed_client(http, headers)


def test_close_issue_pdf_and_pay(new_context: ContextFactory, live_server: LiveServer) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        placed = pool.submit(asyncio.run, _setup(live_server.base_url)).result()
    contract = str(placed["contract"]["id"])

    page = new_context("en-US", accept_downloads=True).new_page()
    sign_in(page, USERS["admin"])

    # Close April's billing period of the contract (month-end cut-off).
    page.goto(f"/attendance/billing-periods?contract_id={contract}")
    page.locator("#f-close-contract").select_option(contract)
    page.get_by_label("A day of the billing period to close").fill("2026-04-15")
    page.get_by_role("button", name="Close the period…").click()
    expect(page.locator("h1")).to_contain_text("Close the billing period")
    page.get_by_role("button", name="Close the period", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("was closed")

    # The client's draft for April, from the invoices list.
    page.goto("/billing/invoices")
    page.get_by_role("link", name="New invoice").click()
    page.locator("#f-client_id").select_option(str(placed["client_id"]))
    page.get_by_label("Month of the cut-off").fill("2026-04")
    page.get_by_role("button", name="Make the draft").click()
    expect(page.get_by_role("status")).to_contain_text("draft invoice was made")
    expect(page.locator("h1")).to_contain_text("(draft)")
    detail = page.url

    # Issue it through the confirmation page: the year's first number.
    page.get_by_role("link", name="Issue", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Issue the invoice")
    page.get_by_role("button", name="Issue", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Invoice \d{4}-000001"))
    assert page.url == detail

    # The PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path())
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # The payment of the whole total marks it paid (48,742 + 4,750 + 98 = 53,590).
    page.get_by_label("Amount (yen)").fill("53590")
    page.get_by_label("Received on").fill("2026-05-31")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("status")).to_contain_text("payment was recorded")
    expect(page.locator("dl.facts")).to_contain_text("Paid")
    expect(page.locator("dl.facts")).to_contain_text("¥53,590")
