"""The client portal end to end (issue 20 item 5): the coordinator invites a client supervisor,
the supervisor accepts the one-time link on a phone, signs in, confirms a week of timecards and
downloads the 派遣先への通知 the office issued."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import USERS, ContextFactory, SeedUser, sign_in
from tests.e2e.liveserver import ROOT, LiveServer
from tests.integration.assignments.factories import assign, make_employee
from tests.integration.attendance.factories import act, enter, placement

# A May week: the attendance flow closes April's payroll period on the same server.
WEEK = ["2026-05-11", "2026-05-12", "2026-05-13"]
EMAIL = "genba@client-e2e.example"
PASSWORD = "client-portal-passphrase"

_READ_MAIL = """
import asyncio, sys
import haken.modules.models
from sqlalchemy import select
from haken.config import get_settings
from haken.modules.identity.models import OutboxEmail
from haken.modules.identity.service import identity_service
from haken.platform.db import Database, session_scope
from haken.platform.security import configure_field_cipher

async def main():
    settings = get_settings()
    configure_field_cipher(settings.resolved_field_key)
    database = Database(settings.resolved_database_url)
    async with session_scope(database, write=True) as session:
        mail_id = await session.scalar(
            select(OutboxEmail.id).where(OutboxEmail.to_address == sys.argv[1])
            .order_by(OutboxEmail.id.desc()).limit(1)
        )
        mail = await identity_service.mail_for_delivery(session, mail_id)
        print(mail.body)
    await database.dispose()

asyncio.run(main())
"""


def _mailed_link(server: LiveServer, address: str) -> str:
    """The recipient's mailbox: the sealed body opened by the delivery's own reader."""
    done = subprocess.run(
        [sys.executable, "-c", _READ_MAIL, address],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=True,
    )
    body = done.stdout.decode()
    return "/client/invitation?token=" + body.split("token=")[1].split()[0]


async def _setup(base_url: str) -> dict[str, Any]:
    """A placement with a submitted week, and a coming placement under the same contract."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        root = USERS["super_admin"]
        signed = await http.post(
            "/api/auth/login", json={"email": root.email, "password": root.password}
        )
        headers = {"Authorization": f"Bearer {signed.json()['data']['access_token']}"}
        placed = await placement(http, headers)
        for day in WEEK:
            created = await enter(http, headers, placed["assignment"]["id"], day)
            assert created.status_code == 201, created.text
            await act(http, headers, created.json()["data"], "submit")
        coming = await make_employee(http, headers, gender="female", birth_date="1979-02-01")
        await assign(
            http,
            headers,
            placed["contract"]["id"],
            coming["id"],
            start_date="2027-01-04",
            end_date="2027-03-31",
        )
        return placed


def test_invite_accept_confirm_week_and_download_notice(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        placed = pool.submit(asyncio.run, _setup(live_server.base_url)).result()

    # The coordinator invites the client's supervisor for the site and issues the notice.
    office = new_context("ja-JP").new_page()
    sign_in(office, USERS["coordinator"])
    office.goto(f"/client-supervisors/new?client_id={placed['client_id']}")
    office.select_option("#f-client_id", str(placed["client_id"]))
    office.locator("#f-email").fill(EMAIL)
    office.locator("#f-display_name").fill("現場 太郎")
    office.select_option("#f-site_ids", [str(placed["site_id"])])
    office.locator("form[action='/client-supervisors/new'] button[type=submit]").click()
    expect(office.locator(".flash-success")).to_contain_text(EMAIL)
    office.goto(f"/documents?contract_id={placed['contract']['id']}")
    office.locator("#issue-client-notice").click()
    expect(office.locator(".flash-success")).to_contain_text("派遣先への通知")

    # The supervisor opens the link on a phone, chooses a password and signs in.
    phone = new_context("ja-JP", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(_mailed_link(live_server, EMAIL))
    phone.locator("#f-new_password").fill(PASSWORD)
    phone.locator("form button[type=submit]").click()
    expect(phone).to_have_url(f"{live_server.base_url}/login")
    sign_in(phone, SeedUser(EMAIL, "client_supervisor", PASSWORD, "ja"))
    expect(phone).to_have_url(f"{live_server.base_url}/client/timecards")

    # A week of timecards, confirmed at once: the site's approval.
    phone.goto(f"/client/timecards?day={WEEK[0]}")
    expect(phone.locator("li.card")).to_have_count(3)
    expect(phone.locator("body")).to_contain_text("確認待ち")
    phone.locator("#confirm-week").click()
    expect(phone.locator(".flash-success")).to_contain_text("3件")
    expect(phone.locator(".state-approved")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # An agency page is not the supervisor's: back to the portal.
    phone.goto("/employees")
    expect(phone).to_have_url(f"{live_server.base_url}/client/timecards")

    # The notice addressed to the client: downloaded as issued.
    phone.goto("/client/documents")
    expect(phone.locator("li.card")).to_have_count(1)
    with phone.expect_download() as waiting:
        phone.locator("li.card a.btn").click()
    path = waiting.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
