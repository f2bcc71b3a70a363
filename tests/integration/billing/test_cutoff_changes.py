"""A client's closing day or a contract's billing cut-off changed after cards were approved
(issue 18): the attendance ledger's billing rows are regrouped in the same transaction, from
the day after the last invoiced or closed billing period; issued invoices are never touched;
an open invoice in the way refuses the change (409) and leaves everything as it was.

Every card: 08:00–17:00 with a 60-minute break = 480 regular minutes, at a flat 2,000 yen an
hour = 16,000 yen a day. The days: Mon 6 April, Tue 7 April, Wed 22 April, Thu 7 May,
Fri 22 May 2026 (no rest day, no week over 40 h).

末日 (0) → 20日 with nothing invoiced, by hand (closing.period_containing, 20日締め: the 21st
to the 20th):
  6 Apr, 7 Apr  → 21 Mar – 20 Apr   (under 末日: 1–30 Apr with 22 Apr)
  22 Apr, 7 May → 21 Apr – 20 May   (under 末日: 22 Apr in April, 7 May in 1–31 May)
  22 May        → 21 May – 20 Jun   (under 末日: 1–31 May)
With April invoiced and closed under 末日, the new day applies from 1 May: April keeps 1–30
April (3 cards), then the short 移行期間 1–20 May (7 May) and 21 May – 20 June (22 May)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from haken.modules.audit.models import AuditEntry
from haken.modules.billing.models import ClientSettings
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import assign, make_contract, make_employee
from tests.integration.attendance.factories import approved, placement
from tests.integration.billing.factories import issue, registered
from tests.integration.web.conftest import PageLogin, csrf_token

DAYS = ("2026-04-06", "2026-04-07", "2026-04-22", "2026-05-07", "2026-05-22")
DAY_YEN = 8 * 2000


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def _closing_day(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, day: int
) -> httpx.Response:
    return await http.put(
        f"/api/billing/clients/{client_id}/settings",
        headers=headers,
        json={"layout": "by_worker", "cutoff_day": day},
    )


async def _stored_day(app: Any, client_id: int) -> tuple[int, Any]:
    """The client's stored closing day and the first day it groups."""
    async with session_scope(app.state.database, write=True) as session:
        row = await session.get(ClientSettings, client_id)
        assert row is not None
        return row.cutoff_day, row.cutoff_from


async def _rows(
    http: httpx.AsyncClient, headers: dict[str, str], contract_id: int
) -> list[tuple[str, str, int]]:
    listed = await http.get(
        "/api/attendance/ledger",
        headers=headers,
        params={"kind": "billing", "subject_id": contract_id},
    )
    assert listed.status_code == 200, listed.text
    return sorted(
        (r["period_start"], r["period_end"], r["timecard_count"]) for r in listed.json()["data"]
    )


async def _rate(http: httpx.AsyncClient, headers: dict[str, str], contract_id: int) -> None:
    rate = await http.post(
        "/api/billing/rates",
        headers=headers,
        json={"contract_id": contract_id, "effective_from": "2026-04-01", "base_rate": "2000"},
    )
    assert rate.status_code == 201, rate.text


async def _draft(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, month: str, cutoff: int
) -> httpx.Response:
    return await http.post(
        "/api/billing/invoices",
        headers=headers,
        json={"client_id": client_id, "month": month, "cutoff_day": cutoff},
    )


async def _placed(
    http: httpx.AsyncClient, headers: dict[str, str], days: tuple[str, ...] = DAYS
) -> dict[str, Any]:
    """A contract following its client (closing 末日, saved), a flat rate, ``days`` approved."""
    placed = await placement(http, headers)
    assert (await _closing_day(http, headers, placed["client_id"], 0)).status_code == 200
    await _rate(http, headers, placed["contract"]["id"])
    for day in days:
        await approved(http, headers, placed["assignment"]["id"], day)
    return placed


async def test_a_changed_closing_day_regroups_the_rows_and_each_day_is_billed_once(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _placed(client, admin)
    client_id, contract_id = placed["client_id"], placed["contract"]["id"]
    assert await _rows(client, admin, contract_id) == [
        ("2026-04-01", "2026-04-30", 3),
        ("2026-05-01", "2026-05-31", 2),
    ]
    changed = await _closing_day(client, admin, client_id, 20)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["data"]["cutoff_day"], changed.json()["data"]["cutoff_from"]) == (
        20,
        None,  # nothing invoiced or closed: the new day groups every card
    )
    assert await _rows(client, admin, contract_id) == [
        ("2026-03-21", "2026-04-20", 2),
        ("2026-04-21", "2026-05-20", 2),
        ("2026-05-21", "2026-06-20", 1),
    ]
    billed = []
    for month, period, days in (
        ("2026-04", ("2026-03-21", "2026-04-20"), 2),
        ("2026-05", ("2026-04-21", "2026-05-20"), 2),
        ("2026-06", ("2026-05-21", "2026-06-20"), 1),
    ):
        made = await _draft(client, admin, client_id, month, 20)
        assert made.status_code == 201, made.text
        invoice = made.json()["data"]
        assert (invoice["period_start"], invoice["period_end"]) == period
        assert invoice["subtotal"] == days * DAY_YEN
        billed.append(sum(line["minutes"] for line in invoice["lines"]))
    assert billed == [2 * 480, 2 * 480, 480]  # the five days, each once
    # Under the old day nothing is left to bill (no second invoice of the same work).
    assert (await _draft(client, admin, client_id, "2026-04", 0)).status_code == 422
    async with session_scope(app.state.database, write=True) as session:
        audited = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "bill_client",
                    AuditEntry.entity_id == str(client_id),
                    AuditEntry.action == "update",
                )
            )
        ).all()
    assert len(audited) == 1
    assert "cutoff_day" in repr(audited[0].changes) and "20" in repr(audited[0].changes)


async def test_an_issued_invoice_keeps_its_period_and_the_new_day_starts_after_it(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """April invoiced (issued) and closed under 末日: the change applies from 1 May; the
    issued invoice and its ledger row stay; May's invoice is the 移行期間 1–20 May."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin)
    client_id, contract_id = placed["client_id"], placed["contract"]["id"]
    closed = await client.post(
        "/api/attendance/periods/close",
        headers=admin,
        json={"kind": "billing", "day": "2026-04-07", "contract_id": contract_id},
    )
    assert closed.status_code in (200, 201), closed.text
    april = (await _draft(client, admin, client_id, "2026-04", 0)).json()["data"]
    issued = await issue(client, admin, april)
    assert issued.status_code == 200, issued.text
    before = issued.json()["data"]
    changed = await _closing_day(client, admin, client_id, 20)
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["cutoff_from"] == "2026-05-01"
    assert await _rows(client, admin, contract_id) == [
        ("2026-04-01", "2026-04-30", 3),
        ("2026-05-01", "2026-05-20", 1),
        ("2026-05-21", "2026-06-20", 1),
    ]
    after = (await client.get(f"/api/billing/invoices/{april['id']}", headers=admin)).json()
    assert {k: after["data"][k] for k in ("number", "state", "period_start", "period_end",
                                          "total", "version")} == {
        k: before[k] for k in ("number", "state", "period_start", "period_end", "total",
                               "version")
    }  # fmt: skip
    assert before["subtotal"] == 3 * DAY_YEN
    # 20日締めの「4月」(21 March – 20 April) lies before the change: nothing to bill there.
    assert (await _draft(client, admin, client_id, "2026-04", 20)).status_code == 422
    may = await _draft(client, admin, client_id, "2026-05", 20)
    assert may.status_code == 201, may.text
    data = may.json()["data"]
    assert (data["period_start"], data["period_end"], data["subtotal"]) == (
        "2026-05-01", "2026-05-20", DAY_YEN,
    )  # fmt: skip
    june = (await _draft(client, admin, client_id, "2026-06", 20)).json()["data"]
    assert (june["period_start"], june["period_end"], june["subtotal"]) == (
        "2026-05-21", "2026-06-20", DAY_YEN,
    )  # fmt: skip
    # The attendance close of a day in May closes the 移行期間 the ledger and invoice use.
    may_closed = await client.post(
        "/api/attendance/periods/close",
        headers=admin,
        json={"kind": "billing", "day": "2026-05-07", "contract_id": contract_id},
    )
    assert may_closed.status_code in (200, 201), may_closed.text
    data = may_closed.json()["data"]
    assert (data["period_start"], data["period_end"]) == ("2026-05-01", "2026-05-20")
    # A card approved later in the new period joins its row (the approval uses the same rule).
    await approved(client, admin, placed["assignment"]["id"], "2026-06-03")
    assert (await _rows(client, admin, contract_id))[-1] == ("2026-05-21", "2026-06-20", 2)


async def test_a_draft_holding_the_work_refuses_the_change_and_nothing_moves(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _placed(client, admin, ("2026-04-06", "2026-05-07"))
    client_id, contract_id = placed["client_id"], placed["contract"]["id"]
    may = await _draft(client, admin, client_id, "2026-05", 0)
    assert may.status_code == 201, may.text
    rows = [("2026-04-01", "2026-04-30", 1), ("2026-05-01", "2026-05-31", 1)]
    assert await _rows(client, admin, contract_id) == rows
    refused = await _closing_day(client, admin, client_id, 20)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "BILLING_CUTOFF_DRAFT_OPEN"
    assert await _stored_day(app, client_id) == (0, None)
    assert await _rows(client, admin, contract_id) == rows
    draft = may.json()["data"]
    voided = await client.post(
        f"/api/billing/invoices/{draft['id']}/void",
        headers=admin,
        json={"version": draft["version"], "reason": "締め日の変更", "issue_date": "2026-05-01"},
    )
    assert voided.status_code == 200, voided.text
    assert (await _closing_day(client, admin, client_id, 20)).status_code == 200
    assert await _rows(client, admin, contract_id) == [
        ("2026-03-21", "2026-04-20", 1),
        ("2026-04-21", "2026-05-20", 1),
    ]


async def test_an_issued_invoice_of_the_new_day_refuses_the_change_by_its_number(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """Contract X states its own 20日 cut-off; contract Y follows the client (末日). X's
    invoice of 21 April – 20 May is issued: moving Y to the 20th would put 7 May in that
    issued period, so the change is refused naming the invoice, and nothing moves."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin, ("2026-05-07",))
    client_id, follows = placed["client_id"], placed["contract"]["id"]
    own = await make_contract(client, admin, placed["unit_id"], billing_cutoff_day=20)
    worker = await make_employee(client, admin)
    other = await assign(client, admin, own["id"], worker["id"])
    await _rate(client, admin, own["id"])
    await approved(client, admin, other["id"], "2026-04-22")
    x_invoice = (await _draft(client, admin, client_id, "2026-05", 20)).json()["data"]
    assert (x_invoice["period_start"], x_invoice["subtotal"]) == ("2026-04-21", DAY_YEN)
    number = (await issue(client, admin, x_invoice)).json()["data"]["number"]
    refused = await _closing_day(client, admin, client_id, 20)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "BILLING_CUTOFF_INVOICED"
    assert number in error["message"]
    assert await _stored_day(app, client_id) == (0, None)
    assert await _rows(client, admin, follows) == [("2026-05-01", "2026-05-31", 1)]


async def test_a_contracts_own_cutoff_change_regroups_after_its_invoices(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """The contract edit (API) takes the same path: April issued under 末日, the contract
    states the 20th → billing_cutoff_from 1 May, its rows regrouped, audited."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin)
    client_id, contract = placed["client_id"], placed["contract"]
    april = (await _draft(client, admin, client_id, "2026-04", 0)).json()["data"]
    assert (await issue(client, admin, april)).status_code == 200
    current = (await client.get(f"/api/contracts/{contract['id']}", headers=admin)).json()
    changed = await client.patch(
        f"/api/contracts/{contract['id']}",
        headers=admin,
        json={"version": current["data"]["version"], "billing_cutoff_day": 20},
    )
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert (data["billing_cutoff_day"], data["billing_cutoff_from"]) == (20, "2026-05-01")
    assert await _rows(client, admin, contract["id"]) == [
        ("2026-04-01", "2026-04-30", 3),
        ("2026-05-01", "2026-05-20", 1),
        ("2026-05-21", "2026-06-20", 1),
    ]
    async with session_scope(app.state.database, write=True) as session:
        audited = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "dispatch_contract",
                    AuditEntry.entity_id == str(contract["id"]),
                    AuditEntry.action == "update",
                )
            )
        ).all()
    assert len(audited) == 1
    assert "billing_cutoff_from" in repr(audited[0].changes)


async def test_the_regroup_takes_the_same_statements_for_one_card_or_many(
    client: httpx.AsyncClient, auth_headers: Any, app: Any
) -> None:
    """The closing-day change reads and writes the ledger in a fixed number of statements,
    whatever the number of cards, workers and periods (not one a card)."""
    from haken.modules.billing.schemas import ClientSettingsUpdate
    from haken.modules.billing.service import billing_service
    from haken.platform.access import Principal, Role
    from haken.platform.cache import cache_bypass

    admin = await auth_headers("admin")
    small = await _placed(client, admin, ("2026-04-06",))
    large = await _placed(client, admin)
    second = await make_employee(client, admin)
    more = await assign(client, admin, large["contract"]["id"], second["id"])
    for day in DAYS:
        await approved(client, admin, more["id"], day)
    async with session_scope(app.state.database, write=True) as session:
        user_id = (
            await session.execute(text("SELECT min(id) FROM users WHERE role = 'admin'"))
        ).scalar_one()
    office = Principal(user_id=int(user_id), role=Role.ADMIN, email="admin@haken.example")

    async def change(client_id: int) -> None:
        async with session_scope(app.state.database, write=True) as session:
            with cache_bypass(), assert_num_queries(STATEMENTS):
                await billing_service.put_client_settings(
                    session, office, client_id=client_id,
                    data=ClientSettingsUpdate(cutoff_day=20),
                )  # fmt: skip

    await change(small["client_id"])
    await change(large["client_id"])
    assert await _rows(client, admin, small["contract"]["id"]) == [("2026-03-21", "2026-04-20", 1)]
    assert await _rows(client, admin, large["contract"]["id"]) == [
        ("2026-03-21", "2026-04-20", 4),
        ("2026-04-21", "2026-05-20", 4),
        ("2026-05-21", "2026-06-20", 2),
    ]


STATEMENTS = 11
"""The client (scope check), its settings, their update; the contracts following the
client; the regroup: the last invoiced day, the last closed period, the invoices in the way,
the rows' delete, the cards, their sites' day change, the rows' insert (the audit row is
written with the transaction's commit, outside the block)."""


async def test_the_settings_page_refuses_or_regroups_like_the_api(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """The client's settings form: refused with the catalog message while a draft holds the
    work (nothing moves); with April issued, saved from 1 May and the page says so."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin)
    client_id, contract_id = placed["client_id"], placed["contract"]["id"]
    may = (await _draft(client, admin, client_id, "2026-05", 0)).json()["data"]
    user = await make_user("admin", locale="ja")
    await page_login(user["email"])
    url = f"/billing/clients/{client_id}/settings"
    form = {"layout": "by_worker", "cutoff_day": "20"}
    page = await client.get(url)
    refused = await client.post(url, data={**form, "csrf_token": csrf_token(page.text)})
    assert refused.status_code == 422, refused.text  # the form re-rendered with the message
    assert "請求書の下書き（2026年5月1日〜2026年5月31日）" in refused.text
    rows = [("2026-04-01", "2026-04-30", 3), ("2026-05-01", "2026-05-31", 2)]
    assert await _rows(client, admin, contract_id) == rows
    voided = await client.post(
        f"/api/billing/invoices/{may['id']}/void",
        headers=admin,
        json={"version": may["version"], "reason": "締め日の変更", "issue_date": "2026-05-01"},
    )
    assert voided.status_code == 200, voided.text
    april = (await _draft(client, admin, client_id, "2026-04", 0)).json()["data"]
    assert (await issue(client, admin, april)).status_code == 200
    page = await client.get(url)
    saved = await client.post(url, data={**form, "csrf_token": csrf_token(page.text)})
    assert saved.status_code == 303, saved.text
    again = await client.get(url)
    assert "締め日の適用開始日" in again.text and "2026" in again.text
    assert await _rows(client, admin, contract_id) == [
        ("2026-04-01", "2026-04-30", 3),
        ("2026-05-01", "2026-05-20", 1),
        ("2026-05-21", "2026-06-20", 1),
    ]
