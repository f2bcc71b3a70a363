"""The billing cut-off of a contract, resolved by one rule for invoices and attendance's
billing periods (issue 18): the contract's own 締め日 (1–27, or 31 = 末日 stated by the
contract), else the client's closing day (``billing_cutoff_day`` 0: "派遣先の締め日に従う").

Client closing on the 20th, contract without its own cut-off: the ledger's billing rows,
the billing-period close and the invoice all use 21 March – 20 April and 21 April – 20 May.
A contract stating 末日 under the same kind of client keeps 1–30 April."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.integration.attendance.factories import approved, placement
from tests.integration.billing.factories import registered
from tests.integration.web.conftest import PageLogin, csrf_token, page_login
from tests.waiting import poll

__all__ = ["page_login"]  # the sign-in form's fixture, for the contract page


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def _closing_day(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, day: int
) -> None:
    saved = await http.put(
        f"/api/billing/clients/{client_id}/settings",
        headers=headers,
        json={"layout": "by_worker", "cutoff_day": day},
    )
    assert saved.status_code == 200, saved.text


async def _billing_rows(
    http: httpx.AsyncClient, headers: dict[str, str], contract_id: int
) -> list[tuple[str, str, int]]:
    listed = await http.get(
        "/api/attendance/ledger",
        headers=headers,
        params={"kind": "billing", "subject_id": contract_id},
    )
    assert listed.status_code == 200, listed.text
    rows = [
        (r["period_start"], r["period_end"], r["timecard_count"]) for r in listed.json()["data"]
    ]
    return sorted(rows)


async def _close(
    http: httpx.AsyncClient, headers: dict[str, str], contract_id: int, day: str
) -> tuple[str, str]:
    closed = await http.post(
        "/api/attendance/periods/close",
        headers=headers,
        json={"kind": "billing", "day": day, "contract_id": contract_id},
    )
    assert closed.status_code in (200, 201), closed.text
    data = closed.json()["data"]
    return data["period_start"], data["period_end"]


async def _invoice(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, cutoff_day: int
) -> httpx.Response:
    return await http.post(
        "/api/billing/invoices",
        headers=headers,
        json={"client_id": client_id, "month": "2026-04", "cutoff_day": cutoff_day},
    )


async def _placed(
    http: httpx.AsyncClient, headers: dict[str, str], contract_day: int, closing_day: int
) -> dict[str, Any]:
    """A placement whose contract stores ``contract_day``, at a client closing on
    ``closing_day``, with a flat 2,000 yen an hour (no bands, no rounding)."""
    placed = await placement(http, headers, contract_fields={"billing_cutoff_day": contract_day})
    assert placed["contract"]["billing_cutoff_day"] == contract_day
    await _closing_day(http, headers, placed["client_id"], closing_day)
    rate = await http.post(
        "/api/billing/rates",
        headers=headers,
        json={
            "contract_id": placed["contract"]["id"],
            "effective_from": "2026-04-01",
            "base_rate": "2000",
        },
    )
    assert rate.status_code == 201, rate.text
    return placed


async def test_attendance_billing_periods_follow_the_clients_closing_day(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Client on the 20th, contract without its own cut-off (0): the cards of 6 and 7 April
    fall in 21 March – 20 April, the card of 22 April in 21 April – 20 May (with the stored
    0 read as 末日 they would share one 1–30 April row). Closing by a day closes the same
    period, and the month's batch finds it closed and drafts exactly it."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin, 0, 20)
    contract_id = placed["contract"]["id"]
    for day in ("2026-04-06", "2026-04-07", "2026-04-22"):
        await approved(client, admin, placed["assignment"]["id"], day)
    assert await _billing_rows(client, admin, contract_id) == [
        ("2026-03-21", "2026-04-20", 2),
        ("2026-04-21", "2026-05-20", 1),
    ]
    assert await _close(client, admin, contract_id, "2026-04-07") == ("2026-03-21", "2026-04-20")
    started = await client.post(
        "/api/billing/batches",
        headers=admin,
        json={"month": "2026-04", "client_ids": [placed["client_id"]]},
    )
    assert started.status_code == 202, started.text
    batch_id = started.json()["data"]["id"]
    done = await poll(
        lambda: client.get(f"/api/billing/batches/{batch_id}", headers=admin),
        lambda got: got.json()["data"]["status"] == "done",
        f"billing batch {batch_id}",
    )
    assert (done.json()["data"]["drafted"], done.json()["data"]["skipped"]) == (1, [])
    listed = await client.get(
        "/api/billing/invoices", headers=admin, params={"client_id": placed["client_id"]}
    )
    invoices = listed.json()["data"]
    assert [(i["period_start"], i["period_end"], i["cutoff_day"]) for i in invoices] == [
        ("2026-03-21", "2026-04-20", 20)
    ]
    assert invoices[0]["subtotal"] == 2 * 8 * 2000


async def test_the_month_is_refused_while_the_clients_period_is_open(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """The batch's unclosed check reads the ledger's billing periods: with the client on
    the 20th they are the invoice's, so the open 21 March – 20 April period is named."""
    admin = await auth_headers("admin")
    placed = await _placed(client, admin, 0, 20)
    await approved(client, admin, placed["assignment"]["id"], "2026-04-07")
    refused = await client.post(
        "/api/billing/batches",
        headers=admin,
        json={"month": "2026-04", "client_ids": [placed["client_id"]]},
    )
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "BILLING_PERIODS_OPEN"
    assert error["details"] == [
        {"contract_id": placed["contract"]["id"],
         "contract_number": placed["contract"]["contract_number"]}
    ]  # fmt: skip


async def test_a_contract_states_month_end_under_a_client_on_the_20th(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _placed(client, admin, 31, 20)
    contract_id = placed["contract"]["id"]
    await approved(client, admin, placed["assignment"]["id"], "2026-04-17")
    await approved(client, admin, placed["assignment"]["id"], "2026-04-22")
    assert await _billing_rows(client, admin, contract_id) == [("2026-04-01", "2026-04-30", 2)]
    assert await _close(client, admin, contract_id, "2026-04-17") == ("2026-04-01", "2026-04-30")
    # Not under the client's 20th: nothing to bill there; under 末日 both days (8 h each).
    assert (await _invoice(client, admin, placed["client_id"], 20)).status_code == 422
    month_end = await _invoice(client, admin, placed["client_id"], 0)
    assert month_end.status_code == 201, month_end.text
    invoice = month_end.json()["data"]
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-04-01", "2026-04-30")
    assert invoice["subtotal"] == 2 * 8 * 2000


async def test_a_contracts_cutoff_is_0_1_to_27_or_31(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await placement(client, admin)
    contract = placed["contract"]
    for day, status in ((28, 422), (30, 422), (32, 422), (27, 200), (31, 200), (0, 200)):
        answer = await client.patch(
            f"/api/contracts/{contract['id']}",
            headers=admin,
            json={"version": contract["version"], "billing_cutoff_day": day},
        )
        assert answer.status_code == status, (day, answer.text)
        if status == 200:
            contract = answer.json()["data"]
            assert contract["billing_cutoff_day"] == day


async def test_the_contract_form_offers_the_clients_day_and_month_end(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    """The contract's edit page: "the client's closing day" (0) first and chosen for a new
    contract, 1–27, then 末日 (31); saving 末日 stores 31 and the page shows it."""
    admin = await auth_headers("admin")
    contract = (await placement(client, admin))["contract"]
    coordinator = await make_user("coordinator", locale="ja")
    await page_login(coordinator["email"])
    page = await client.get(f"/contracts/{contract['id']}/edit")
    assert page.status_code == 200, page.text
    block = re.search(r'<select id="f-billing_cutoff_day".*?</select>', page.text, re.S)
    assert block, "no cut-off select"
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', block.group(0))
    assert options[0] == ("0", " selected", "派遣先の締め日に従う")
    assert [value for value, _, _ in options[1:-1]] == [str(d) for d in range(1, 28)]
    assert options[-1] == ("31", "", "末日")
    form = {
        key: "" if contract[key] is None else str(contract[key])
        for key in ("contract_number", "period_start", "period_end", "status", "work_content",
                    "working_days", "break_minutes", "headcount")
    }  # fmt: skip
    saved = await client.post(
        f"/contracts/{contract['id']}",
        data={**form, "version": str(contract["version"]), "billing_cutoff_day": "31",
              "csrf_token": csrf_token(page.text)},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    stored = (await client.get(f"/api/contracts/{contract['id']}", headers=admin)).json()["data"]
    assert stored["billing_cutoff_day"] == 31
    detail = await client.get(f"/contracts/{contract['id']}")
    assert "<dt>請求締め日</dt><dd>末日</dd>" in detail.text
