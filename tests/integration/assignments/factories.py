"""Building blocks of the assignments tests: a placed unit, contracts, employees, assignments
made through the public API (the same path users take)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_serial = itertools.count(1)
KANA = "アイウエオカキクケコサシスセソタチツテト"


async def post(http: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any) -> Any:
    response = await http.post(path, headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def make_unit(
    http: httpx.AsyncClient, headers: dict[str, str], **site_fields: Any
) -> dict[str, Any]:
    """A client with one site and one unit; returns the three ids."""
    n = next(_serial)
    client = await post(http, "/api/clients", headers, name=f"株式会社派遣先{n}", prefecture="23")
    site = await post(
        http,
        "/api/sites",
        headers,
        client_id=client["id"],
        name=f"第{n}工場",
        prefecture="23",
        city="豊田市",
        address_line1=f"トヨタ町{n}番地",
        **site_fields,
    )
    unit = await post(
        http, "/api/units", headers, site_id=site["id"], name=f"製造{n}課", head_title="課長"
    )
    return {"client_id": client["id"], "site_id": site["id"], "unit_id": unit["id"]}


async def add_unit(http: httpx.AsyncClient, headers: dict[str, str], site_id: int) -> int:
    n = next(_serial)
    unit = await post(http, "/api/units", headers, site_id=site_id, name=f"検査{n}課")
    return int(unit["id"])


async def make_contract(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    unit_id: int,
    start: str = "2026-04-01",
    end: str = "2030-03-31",
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "contract_number": f"K-{next(_serial):05d}",
        "unit_id": unit_id,
        "period_start": start,
        "period_end": end,
        "status": "active",
        "work_content": "自動車部品の組立および検査業務",
        "working_days": "月〜金",
        "start_time": "08:00",
        "end_time": "17:00",
        "break_minutes": 60,
        "supervisor_name": "鈴木 一郎",
        "client_manager_name": "佐藤 花子",
        "agency_manager_name": "高橋 健",
        "overtime_hours_per_day": 4,
        "overtime_hours_per_month": 45,
        "overtime_hours_per_year": 360,
        "default_hourly_bill": "1800.00",
        **fields,
    }
    return await post(http, "/api/contracts", headers, **body)


async def make_employee(
    http: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    n = next(_serial)
    kana = KANA[n % len(KANA)] + KANA[(n * 7) % len(KANA)]
    body = {
        "name_kana": f"ヤマダ {kana}",
        "name_romaji": f"Yamada {_letters(n)}",
        "name_kanji": "山田 太郎",
        "birth_date": "1990-05-20",
        "employment_type": "dispatch",
        "hire_date": "2026-01-01",
        **fields,
    }
    return await post(http, "/api/employees", headers, **body)


async def foreign_employee(
    http: httpx.AsyncClient, headers: dict[str, str], status: str, **fields: Any
) -> dict[str, Any]:
    values = {
        "nationality": "VN",
        "residence_status": status,
        "residence_card_number": f"AB{next(_serial):08d}CD",
        "residence_card_expiry": "2029-12-31",
        **fields,
    }
    return await make_employee(http, headers, **values)


def _letters(n: int) -> str:
    """A distinct Latin given name per call (romaji must be letters only)."""
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if n == 0:
            return "Taro" + text


def assignment_body(contract_id: int, employee_id: int, **fields: Any) -> dict[str, Any]:
    return {
        "contract_id": contract_id,
        "employee_id": employee_id,
        "start_date": "2026-04-01",
        "end_date": "2026-09-30",
        "rate": {"hourly_pay": "1300.00"},
        **fields,
    }


async def assign(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    contract_id: int,
    employee_id: int,
    **fields: Any,
) -> dict[str, Any]:
    return await post(
        http, "/api/assignments", headers, **assignment_body(contract_id, employee_id, **fields)
    )
