"""The pages of invoicing a month (admins, ja/en): the list and its form, the confirmation,
the start (a refusal shown on the form, nothing written), the batch's progress block that
htmx polls while it runs; the client settings page's closing day and tax rounding."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.billing.factories import billed_client, registered
from tests.integration.billing.test_batches import close_billing
from tests.integration.web.conftest import PageLogin, csrf_token
from tests.waiting import poll


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("月次請求", "締めが", "請求書の下書きを作成", "請求済み")),
        ("en", ("Invoice a month", "billing cut-off falls in", "Draft the invoices", "Already")),
    ],
)
async def test_a_month_is_invoiced_through_the_pages(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    user = await make_user("admin", locale=locale)
    await page_login(user["email"])
    listing = await client.get("/billing/batches")
    assert listing.status_code == 200 and words[0] in listing.text
    confirm = await client.get(
        "/billing/batches/new", params={"month": "2026-04", "client_ids": placed["client_id"]}
    )
    assert confirm.status_code == 200
    assert words[1] in confirm.text and words[2] in confirm.text
    assert 'name="client_ids" value="' in confirm.text
    token = csrf_token(confirm.text)
    # The billing period of April is still open: refused on the form, nothing started.
    refused = await client.post(
        "/billing/batches",
        data={"csrf_token": token, "month": "2026-04", "client_ids": str(placed["client_id"])},
    )
    assert refused.status_code == 422
    assert placed["contract"]["contract_number"] in refused.text
    assert (await client.get("/api/billing/batches", headers=admin)).json()["data"] == []

    await close_billing(client, admin, placed["contract"]["id"])
    started = await client.post(
        "/billing/batches",
        data={"csrf_token": token, "month": "2026-04", "client_ids": str(placed["client_id"])},
    )
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    block = await poll(
        lambda: client.get(url, headers={"HX-Request": "true", "HX-Target": "progress"}),
        lambda got: "hx-trigger" not in got.text,
        "the batch's progress block",
    )
    assert "<html" not in block.text  # the polled block only
    page = await client.get(url)
    assert page.status_code == 200 and 'hx-trigger="every 2s"' not in page.text
    # Run the month again: the client is skipped as already invoiced, with the reason.
    again = await client.post(
        "/billing/batches",
        data={"csrf_token": token, "month": "2026-04", "client_ids": str(placed["client_id"])},
    )
    assert again.status_code == 303
    page = await poll(
        lambda: client.get(again.headers["location"]),
        lambda got: "every 2s" not in got.text,
        "the second batch's page",
    )
    assert words[3] in page.text and placed["contract"]["client_name"] in page.text


async def test_the_batch_pages_are_for_admins(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    coordinator = await make_user("coordinator")
    await page_login(coordinator["email"])
    for path in ("/billing/batches", "/billing/batches/new?month=2026-04", "/billing/batches/1"):
        assert (await client.get(path)).status_code == 403


async def test_closing_day_and_tax_rounding_on_the_client_settings_page(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    user = await make_user("admin", locale="ja")
    await page_login(user["email"])
    url = f"/billing/clients/{placed['client_id']}/settings"
    page = await client.get(url)
    assert page.status_code == 200
    assert "締め日" in page.text and "四捨五入" in page.text and "末日" in page.text
    saved = await client.post(
        url,
        data={"csrf_token": csrf_token(page.text), "layout": "by_worker", "cutoff_day": "20",
              "tax_rounding": "half_up"},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    again = await client.get(url)
    assert 'value="20" selected' in again.text and 'value="half_up" selected' in again.text
    api = await client.get(f"/api/billing/invoices?client_id={placed['client_id']}", headers=admin)
    assert api.status_code == 200
    refused = await client.post(
        url, data={"csrf_token": csrf_token(page.text), "layout": "by_worker", "cutoff_day": "31"}
    )
    assert refused.status_code == 422
