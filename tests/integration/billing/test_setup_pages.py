"""The setup pages of billing (admins, ja/en): a contract's bill rates by band and its fixed
monthly items, the client's billing settings; refusals shown on the form, nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.attendance.factories import placement
from tests.integration.billing.factories import billed_client, registered
from tests.integration.web.conftest import PageLogin, csrf_token


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("請求単価", "月額の固定項目", "法定休日", "切り捨て")),
        ("en", ("Bill rates", "Fixed monthly items", "Statutory rest day", "Round down")),
    ],
)
async def test_rates_and_fixed_items_through_the_page(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    admin = await auth_headers("admin")
    placed = await placement(client, admin)
    contract_id = placed["contract"]["id"]
    user = await make_user("admin", locale=locale)
    await page_login(user["email"])

    page = await client.get(f"/billing/contracts/{contract_id}/rates")
    assert page.status_code == 200
    for word in words:
        assert word in page.text
    token = csrf_token(page.text)
    refused = await client.post(
        f"/billing/contracts/{contract_id}/rates",
        data={"csrf_token": token, "effective_from": "2026-04-01", "base_rate": "1800",
              "rounding_unit": "7", "rounding_mode": "down"},
    )  # fmt: skip
    assert refused.status_code == 422
    rates = await client.get(f"/api/billing/rates?contract_id={contract_id}", headers=admin)
    assert rates.json()["data"] == []
    added = await client.post(
        f"/billing/contracts/{contract_id}/rates",
        data={
            "csrf_token": token,
            "effective_from": "2026-04-01",
            "base_rate": "1800",
            "rounding_unit": "15",
            "rounding_mode": "down",
            "late_night_kind": "yen",
            "late_night_value": "500",
            "overtime_kind": "multiplier",
            "overtime_value": "",
        },
    )
    assert added.status_code == 303, added.text
    (rate,) = (
        await client.get(f"/api/billing/rates?contract_id={contract_id}", headers=admin)
    ).json()["data"]
    assert rate["base_rate"] == "1800.00" and rate["rounding_unit"] == 15
    assert rate["bands"] == {"late_night": {"kind": "yen", "value": "500"}}  # overtime: statutory

    item = await client.post(
        f"/billing/contracts/{contract_id}/fixed-items",
        data={"csrf_token": token, "kind": "transport", "amount": "3333", "tax_rate": "0.10",
              "effective_from": "2026-04-01"},
    )  # fmt: skip
    assert item.status_code == 303, item.text
    listed = await client.get(f"/billing/contracts/{contract_id}/rates")
    assert "3,333" in listed.text and "1800.00" in listed.text


async def test_client_settings_through_the_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    placed = await placement(client, admin)
    coordinator = await make_user("coordinator", display_name="担当 太郎")
    user = await make_user("admin", locale="ja")
    await page_login(user["email"])
    url = f"/billing/clients/{placed['client_id']}/settings"
    page = await client.get(url)
    assert page.status_code == 200 and "担当 太郎" in page.text and "作業者別" in page.text
    saved = await client.post(
        url,
        data={"csrf_token": csrf_token(page.text), "layout": "summary",
              "coordinator_user_id": str(coordinator["id"])},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    again = await client.get(url)
    assert f'value="{coordinator["id"]}" selected' in again.text
    assert 'value="summary" selected' in again.text
    refused = await client.post(
        url, data={"csrf_token": csrf_token(page.text), "layout": "sideways"}
    )
    assert refused.status_code == 422


async def test_setup_pages_are_for_admins(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    placed = await placement(client, admin)
    coordinator = await make_user("coordinator")
    await page_login(coordinator["email"])
    for path in (
        f"/billing/contracts/{placed['contract']['id']}/rates",
        f"/billing/clients/{placed['client_id']}/settings",
    ):
        assert (await client.get(path)).status_code == 403


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def test_a_draft_through_the_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    user = await make_user("admin", locale="en")
    await page_login(user["email"])
    form = await client.get(f"/billing/invoices/new?client_id={placed['client_id']}&month=2026-04")
    assert form.status_code == 200 and "New invoice" in form.text
    made = await client.post(
        "/billing/invoices",
        data={"csrf_token": csrf_token(form.text), "client_id": str(placed["client_id"]),
              "month": "2026-04", "cutoff_day": "0"},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    listed = (await client.get("/api/billing/invoices?month=2026-04", headers=admin)).json()
    (invoice,) = listed["data"]
    assert made.headers["location"].endswith(f"/billing/invoices/{invoice['id']}")
    assert invoice["subtotal"] == 48742  # the hand-computed invoice of test_invoices.py
    again = await client.post(
        "/billing/invoices",
        data={"csrf_token": csrf_token(form.text), "client_id": str(placed["client_id"]),
              "month": "2026-04", "cutoff_day": "0"},
    )  # fmt: skip
    assert again.status_code == 422  # one invoice per client and period, shown on the form
