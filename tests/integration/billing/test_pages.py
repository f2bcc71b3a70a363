"""The billing pages (ja/en): the list, one invoice, issue through its confirmation step,
void with a reason (credit note), record a payment, refusals shown on the page, the PDF."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.billing.factories import billed_client, draft, registered
from tests.integration.web.conftest import PageLogin, csrf_token


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


async def _signed_in(make_user: Any, page_login: PageLogin, role: str, locale: str) -> None:
    user = await make_user(role, locale=locale)
    await page_login(user["email"])


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("請求書", "下書き", "発行日", "PDFをダウンロード")),
        ("en", ("Invoices", "Draft", "Issue date", "Download PDF")),
    ],
)
async def test_list_and_detail_in_both_languages(
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    admin = await auth_headers("admin")
    placed = await billed_client(client, admin)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    await _signed_in(make_user, page_login, "admin", locale)
    listed = await client.get("/billing/invoices?month=2026-04")
    assert listed.status_code == 200
    assert words[0] in listed.text and words[1] in listed.text
    assert f"/billing/invoices/{invoice['id']}" in listed.text
    page = await client.get(f"/billing/invoices/{invoice['id']}")
    assert page.status_code == 200
    assert words[2] in page.text and words[3] in page.text
    pdf = await client.get(f"/billing/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_issue_void_and_pay_through_the_pages(
    client: httpx.AsyncClient, auth_headers: Any, make_user: Any, page_login: PageLogin
) -> None:
    admin = await auth_headers("admin")
    first = await billed_client(client, admin)
    second = await billed_client(client, admin)
    one = (await draft(client, admin, first["client_id"])).json()["data"]
    two = (await draft(client, admin, second["client_id"])).json()["data"]
    await _signed_in(make_user, page_login, "admin", "ja")

    confirm = await client.get(f"/billing/invoices/{one['id']}/issue")
    assert confirm.status_code == 200 and "発行する" in confirm.text
    token = csrf_token(confirm.text)
    issued = await client.post(
        f"/billing/invoices/{one['id']}/issue",
        data={"csrf_token": token, "version": str(one["version"]), "issue_date": "2026-05-01"},
    )
    assert issued.status_code == 303, issued.text
    detail = await client.get(f"/billing/invoices/{one['id']}")
    assert "2026-000001" in detail.text and "入金の記録" in detail.text

    # a payment above the balance is refused on the form, nothing written
    now = (await client.get(f"/api/billing/invoices/{one['id']}", headers=admin)).json()["data"]
    refused = await client.post(
        f"/billing/invoices/{one['id']}/payments",
        data={
            "csrf_token": csrf_token(detail.text),
            "version": str(now["version"]),
            "amount": str(now["total"] + 1),
            "received_on": "2026-05-31",
        },
    )
    assert refused.status_code == 422
    assert "未収残高" in refused.text
    paid = await client.post(
        f"/billing/invoices/{one['id']}/payments",
        data={
            "csrf_token": csrf_token(detail.text),
            "version": str(now["version"]),
            "amount": "10000",
            "received_on": "2026-05-31",
        },
    )
    assert paid.status_code == 303, paid.text
    after = (await client.get(f"/api/billing/invoices/{one['id']}", headers=admin)).json()
    assert after["data"]["paid_amount"] == 10000

    # void the second (a draft: no credit note); the reason is required
    form = await client.get(f"/billing/invoices/{two['id']}/void")
    assert form.status_code == 200
    missing = await client.post(
        f"/billing/invoices/{two['id']}/void",
        data={
            "csrf_token": csrf_token(form.text),
            "version": str(two["version"]),
            "issue_date": "2026-05-02",
        },
    )
    assert missing.status_code == 422
    voided = await client.post(
        f"/billing/invoices/{two['id']}/void",
        data={
            "csrf_token": csrf_token(form.text),
            "version": str(two["version"]),
            "issue_date": "2026-05-02",
            "reason": "派遣先の誤り",
        },
    )
    assert voided.status_code == 303, voided.text
    gone = (await client.get(f"/api/billing/invoices/{two['id']}", headers=admin)).json()
    assert gone["data"]["state"] == "void" and gone["data"]["credit_note_id"] is None


async def test_a_site_manager_is_refused(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    await _signed_in(make_user, page_login, "site_manager", "ja")
    assert (await client.get("/billing/invoices")).status_code == 403
