"""Building blocks of the billing tests: a client with approved April 2026 work, its bill
rate and fixed items, all made through the public API."""

from __future__ import annotations

from typing import Any

import httpx

from haken.modules.billing.service import billing_service
from tests.integration.attendance.factories import approved, placement

REGISTRATION = "T7000012050002"  # 法人番号 7000012050002: check digit 7 (tests/unit/labor)


def registered() -> None:
    """The agency's registration number (HAKEN_BILLING_REGISTRATION_NUMBER) for issuing."""
    billing_service.registration_number = REGISTRATION
    billing_service.corporation = True


async def billed_client(
    http: httpx.AsyncClient, headers: dict[str, str], **assignment_fields: Any
) -> dict[str, Any]:
    """April 2026 (末日締め): three approved days of one worker, a 15-minute-down rate, a
    transport item (10 %), a discount and a fee at the reduced 8 %.

    Mon 6th 08:00–17:00 (60 min break): 480 regular.
    Tue 7th 08:00–19:10 (60 min break): 480 regular + 130 overtime → 120 billed.
    Wed 8th 17:00–23:20 (no break): 380 regular → 375 billed, of them 80 late night → 75.
    """
    placed = await placement(http, headers, **assignment_fields)
    assignment_id = placed["assignment"]["id"]
    await approved(http, headers, assignment_id, "2026-04-06")
    await approved(http, headers, assignment_id, "2026-04-07", end="19:10")
    await approved(
        http, headers, assignment_id, "2026-04-08", start="17:00", end="23:20", break_minutes=0
    )
    contract_id = placed["contract"]["id"]
    rate = await http.post(
        "/api/billing/rates",
        headers=headers,
        json={
            "contract_id": contract_id,
            "effective_from": "2026-04-01",
            "base_rate": "1800",
            "bands": {"late_night": {"kind": "yen", "value": "500"}},
            "rounding_unit": 15,
            "rounding_mode": "down",
        },
    )
    assert rate.status_code == 201, rate.text
    for kind, amount, tax in (("transport", 3333, "0.10"), ("discount", 1000, "0.10")):
        await fixed(http, headers, contract_id, kind, amount, tax)
    await fixed(http, headers, contract_id, "fee", 1234, "0.08")
    return placed


async def fixed(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    contract_id: int,
    kind: str,
    amount: int,
    tax_rate: str,
) -> dict[str, Any]:
    done = await http.post(
        "/api/billing/fixed-items",
        headers=headers,
        json={
            "contract_id": contract_id,
            "kind": kind,
            "amount": amount,
            "tax_rate": tax_rate,
            "effective_from": "2026-04-01",
        },
    )
    assert done.status_code == 201, done.text
    data: dict[str, Any] = done.json()["data"]
    return data


async def draft(
    http: httpx.AsyncClient, headers: dict[str, str], client_id: int, month: str = "2026-04"
) -> httpx.Response:
    return await http.post(
        "/api/billing/invoices",
        headers=headers,
        json={"client_id": client_id, "month": month, "cutoff_day": 0},
    )


async def issue(
    http: httpx.AsyncClient, headers: dict[str, str], invoice: dict[str, Any]
) -> httpx.Response:
    return await http.post(
        f"/api/billing/invoices/{invoice['id']}/issue",
        headers=headers,
        json={"version": invoice["version"], "issue_date": "2026-05-01"},
    )
