"""Bank and branch codes are checked against the 全銀協 code list (zengin-code) when stored."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.employees.factories import code_of, create_employee, employee_body


def _bank(**overrides: str) -> dict[str, str]:
    return {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "ordinary",
        "account_number": "1234567",
        "holder_kana": "ヤマダ タロウ",
        **overrides,
    }


async def _count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    listed = await client.get("/api/employees?count=true", headers=headers)
    return int(listed.json()["pagination"]["total"])


async def test_registration_refuses_an_unknown_bank_or_branch(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator", locale="en")
    before = await _count(client, coordinator)

    no_bank = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(bank_account=_bank(bank_code="0000")),
    )
    assert no_bank.status_code == 422, no_bank.text
    assert code_of(no_bank) == "EMPLOYEE_BANK_UNKNOWN"
    assert no_bank.json()["error"]["message"] == "There is no bank with the code 0000."
    assert {"loc": "bank_code", "code": "EMPLOYEE_BANK_UNKNOWN"} in no_bank.json()["error"][
        "details"
    ]

    # みずほ has no branch 999 (its branches are listed in zengin-code's data).
    no_branch = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(bank_account=_bank(branch_code="999")),
    )
    assert no_branch.status_code == 422, no_branch.text
    assert code_of(no_branch) == "EMPLOYEE_BANK_BRANCH_UNKNOWN"
    assert no_branch.json()["error"]["message"] == "みずほ has no branch with the code 999."
    assert await _count(client, coordinator) == before  # nothing half-written

    # A real branch of another bank is taken: 三井住友 牛久 (0009-012).
    made = await client.post(
        "/api/employees",
        headers=coordinator,
        json=employee_body(bank_account=_bank(bank_code="0009", branch_code="012")),
    )
    assert made.status_code == 201, made.text
    assert made.json()["data"]["bank_account"]["branch_code"] == "012"


async def test_an_edit_to_an_unknown_branch_keeps_the_stored_account(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    coordinator = await auth_headers("coordinator")
    employee = await create_employee(client, coordinator)
    refused = await client.patch(
        f"/api/employees/{employee['id']}",
        headers=coordinator,
        json={
            "version": employee["version"],
            "phone": "090-0000-1111",
            "bank_account": _bank(bank_code="0005", branch_code="998"),
        },
    )
    assert refused.status_code == 422, refused.text
    assert code_of(refused) == "EMPLOYEE_BANK_BRANCH_UNKNOWN"
    assert "三菱ＵＦＪに支店コード 998 の支店はありません" in refused.json()["error"]["message"]
    read = (await client.get(f"/api/employees/{employee['id']}", headers=coordinator)).json()
    assert read["data"]["bank_account"]["bank_code"] == "0001"
    assert read["data"]["phone"] == employee["phone"]
    assert read["data"]["version"] == employee["version"]
