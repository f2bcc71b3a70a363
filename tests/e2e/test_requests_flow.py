"""A day of paid leave end to end: the worker asks for it from the portal on a phone, the site
manager approves it from the queue, the balance and the timecard change, the worker withdraws
it and both are back; the inbox shows what happened. Screenshots (ja and en) go to
HAKEN_SHOTS_DIR when it is set."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, SeedUser, sign_in
from tests.e2e.liveserver import LiveServer
from tests.integration.leave.factories import granted_employee

SHOTS = os.environ.get("HAKEN_SHOTS_DIR")
DAY = dt.date.today() + dt.timedelta(days=12)


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


# One API sign-in per server: every e2e test signs the same super admin in, and each
# sign-in counts against the login rate limit the whole browser suite shares.
_TOKENS: dict[str, dict[str, str]] = {}


async def _headers(http: httpx.AsyncClient) -> dict[str, str]:
    cached = _TOKENS.get(str(http.base_url))
    if cached is not None:
        return cached
    root = USERS["super_admin"]
    signed = await http.post(
        "/api/auth/login", json={"email": root.email, "password": root.password}
    )
    assert signed.status_code == 200, signed.text
    headers = {"Authorization": f"Bearer {signed.json()['data']['access_token']}"}
    _TOKENS[str(http.base_url)] = headers
    return headers


async def _setup(base_url: str) -> dict[str, Any]:
    """A worker with ten days granted, their account (en) and their site manager (ja)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        headers = await _headers(http)
        made = await granted_employee(http, headers)
        users = {
            "manager": {"role": "site_manager", "site_ids": [made["site_id"]], "locale": "ja"},
            "worker": {"role": "employee", "employee_id": made["employee"]["id"], "locale": "en"},
        }
        for name, fields in users.items():
            done = await http.post(
                "/api/users",
                headers=headers,
                json={"email": f"req-{name}@e2e.example", "password": PASSWORD, **fields},
            )
            assert done.status_code == 201, done.text
        return made


async def _state(base_url: str, employee_id: int) -> tuple[str, dict[str, str]]:
    """The days left and the markers of the worker's timecards (by day)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        headers = await _headers(http)
        ledger = await http.get(f"/api/leave/employees/{employee_id}", headers=headers)
        cards = await http.get(
            "/api/attendance/timecards",
            headers=headers,
            params={"employee_id": employee_id, "limit": 100},
        )
        return ledger.json()["data"]["remaining"], {
            c["work_date"]: c["marker"] for c in cards.json()["data"]
        }


def test_request_approve_and_withdraw_a_day_of_leave(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:

        def call(coro: Any) -> Any:
            return pool.submit(asyncio.run, coro).result()

        made = call(_setup(live_server.base_url))
        employee_id = made["employee"]["id"]
        before = call(_state(live_server.base_url, employee_id))
        assert before[1] == {}

        # The worker asks for a day, on a phone, in English.
        phone = new_context(
            "en-US", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
        ).new_page()
        sign_in(phone, SeedUser("req-worker@e2e.example", "employee", PASSWORD, "en"))
        phone.goto("/me/requests")
        _shot(phone, "requests-mine-empty-en-375")
        phone.get_by_role("link", name="Paid leave").first.click()
        phone.locator("#f-dates").fill(DAY.isoformat())
        _shot(phone, "requests-new-paid-leave-en-375")
        phone.get_by_role("button", name="Send the request").click()
        expect(phone.get_by_role("status")).to_contain_text("was sent")
        expect(phone.locator("#request-state")).to_contain_text("Waiting")
        _shot(phone, "requests-detail-waiting-en-375")

        # The site manager approves it from the queue, in Japanese.
        manager = new_context("ja-JP").new_page()
        sign_in(manager, SeedUser("req-manager@e2e.example", "site_manager", PASSWORD, "ja"))
        manager.goto("/inbox")
        _shot(manager, "inbox-ja")
        manager.goto("/requests")
        _shot(manager, "requests-queue-ja")
        manager.locator("table tbody a").first.click()  # the header links sort
        _shot(manager, "requests-detail-ja")
        manager.get_by_role("button", name="承認", exact=True).click()
        expect(manager.get_by_role("status")).to_contain_text("承認しました")

        remaining, cards = call(_state(live_server.base_url, employee_id))
        assert float(remaining) == float(before[0]) - 1
        assert cards == {DAY.isoformat(): "paid_leave"}

        # The worker withdraws it: balance and timecard are back.
        phone.reload()
        expect(phone.locator("#request-state")).to_contain_text("Approved")
        phone.goto("/inbox")
        _shot(phone, "inbox-en-375")
        phone.go_back()
        phone.get_by_role("link", name="Withdraw the approved request").click()
        phone.get_by_role("button", name="Withdraw the approved request").click()
        expect(phone.locator("#request-state")).to_contain_text("Withdrawn")
        _shot(phone, "requests-detail-withdrawn-en-375")
        assert call(_state(live_server.base_url, employee_id)) == before
