"""A day's attendance end to end: the coordinator enters it in the site's month grid (htmx,
keyboard), the worker submits it from the portal on a phone, the site manager approves it, an
admin closes the payroll period, and an edit afterwards is refused with the message on the page.
Screenshots of the pages (ja and en) go to HAKEN_SHOTS_DIR when it is set."""

from __future__ import annotations

import asyncio
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, SeedUser, sign_in
from tests.e2e.liveserver import LiveServer
from tests.integration.attendance.factories import placement

DAY = "2026-04-06"
SHOTS = os.environ.get("HAKEN_SHOTS_DIR")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def _setup(base_url: str) -> dict[str, Any]:
    """A placement at a fresh site, its site manager and the worker's account (API)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        root = USERS["super_admin"]
        signed = await http.post(
            "/api/auth/login", json={"email": root.email, "password": root.password}
        )
        assert signed.status_code == 200, signed.text
        headers = {"Authorization": f"Bearer {signed.json()['data']['access_token']}"}
        placed = await placement(http, headers)
        users = {
            "manager": {"role": "site_manager", "site_ids": [placed["site_id"]], "locale": "ja"},
            "worker": {"role": "employee", "employee_id": placed["employee"]["id"], "locale": "en"},
        }
        for name, fields in users.items():
            made = await http.post(
                "/api/users",
                headers=headers,
                json={"email": f"att-{name}@e2e.example", "password": PASSWORD, **fields},
            )
            assert made.status_code == 201, made.text
        return placed


def test_enter_submit_approve_close_and_refuse(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    # Playwright's sync API runs a loop in this thread: the async factories get their own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        placed = pool.submit(asyncio.run, _setup(live_server.base_url)).result()
    site, assignment = placed["site_id"], placed["assignment"]["id"]
    cell = f"#cell-{assignment}-{DAY}"

    # The coordinator enters the day in the grid: the cell opens in place, Enter saves.
    office = new_context("ja-JP").new_page()
    sign_in(office, USERS["coordinator"])
    office.goto(f"/attendance/sites/{site}?month=2026-04")
    office.evaluate("window.__sameDocument = true")
    office.locator(f"{cell} a").click()
    expect(office.locator(f"{cell} #f-shift_code")).to_be_focused()
    office.locator(f"{cell} #f-start").fill("08:00")
    office.locator(f"{cell} #f-end").fill("17:00")
    office.locator(f"{cell} #f-break_minutes").fill("60")
    office.locator(f"{cell} #f-break_minutes").press("Enter")
    expect(office.locator(cell)).to_contain_text("08:00")
    expect(office.locator(cell)).to_contain_text("下書き")
    assert office.evaluate("window.__sameDocument === true")
    _shot(office, "attendance-grid-ja")

    # The worker submits it from the portal, on a phone.
    phone = new_context(
        "en-US", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    ).new_page()
    sign_in(phone, SeedUser("att-worker@e2e.example", "employee", PASSWORD, "en"))
    phone.goto("/me/timecards?month=2026-04")
    _shot(phone, "attendance-portal-en-375")
    phone.get_by_role("button", name="Submit").click()
    expect(phone.get_by_role("status")).to_contain_text("was submitted")

    # The site manager approves it from the queue.
    manager = new_context("ja-JP").new_page()
    sign_in(manager, SeedUser("att-manager@e2e.example", "site_manager", PASSWORD, "ja"))
    manager.goto("/attendance/approvals")
    _shot(manager, "attendance-approvals-ja")
    manager.get_by_role("button", name="承認").click()
    expect(manager.get_by_role("status")).to_contain_text("承認しました")

    # An admin closes the payroll period through the confirmation page.
    admin = new_context("en-US").new_page()
    sign_in(admin, USERS["admin"])
    admin.goto(f"/attendance/employees/{placed['employee']['id']}/months/2026-04")
    _shot(admin, "attendance-month-en")
    admin.goto("/attendance/periods")
    admin.get_by_label("A day of the payroll period to close").fill(DAY)
    admin.get_by_role("button", name="Close the period…").click()
    expect(admin.locator("h1")).to_contain_text("Close the payroll period")
    admin.get_by_role("button", name="Close the period").click()
    expect(admin.get_by_role("status")).to_contain_text("was closed")
    _shot(admin, "attendance-periods-en")

    # An edit afterwards is refused, with the catalog message in the cell.
    office.goto(f"/attendance/sites/{site}?month=2026-04")
    expect(office.locator(cell)).to_contain_text("ロック済み")
    office.locator(f"{cell} a").click()
    # The form has settled (htmx wired it and moved the focus) before the keyboard uses it.
    expect(office.locator(f"{cell} #f-shift_code")).to_be_focused()
    office.locator(f"{cell} #f-end").fill("18:00")
    office.locator(f"{cell} #f-end").press("Enter")
    refused = office.locator(f"{cell} .error-summary")
    failed = office.locator("#request-failed:visible")
    expect(refused.or_(failed)).to_be_visible()
    # A failure the cell cannot show (409, 429, 5xx) is announced above the page instead.
    expect(failed).to_be_hidden()
    expect(refused).to_contain_text(re.compile("を含む期間は締め済みです"))
    _shot(office, "attendance-closed-error-ja")
