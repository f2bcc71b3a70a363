"""Request bodies and small helpers shared by the employees and candidates tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

# Valid by the check-digit rule (labor.my_number), computed by hand:
# 12345678901 → Σ = 212, 212 mod 11 = 3, 11 − 3 = 8.
MY_NUMBER = "123456789018"
CARD_NUMBER = "AB12345678CD"
ACCOUNT_NUMBER = "7654321"


def code_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def employee_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_kanji": "阮 文徳",
        "name_kana": "グエン ヴァン ドゥック",
        "name_romaji": "Nguyen Van Duc",
        "birth_date": "1995-04-12",
        "gender": "male",
        "nationality": "VN",
        "residence_status": "LONG_TERM_RESIDENT",
        "residence_card_number": CARD_NUMBER,
        "residence_card_expiry": "2027-05-31",
        "phone": "090-1234-5678",
        "email": "duc@test.example",
        "postal_code": "4500002",
        "prefecture": "23",
        "city": "名古屋市中村区",
        "address_line1": "名駅1-1-1",
        "employment_type": "dispatch",
        "term_type": "fixed",
        "hire_date": "2024-04-01",
        "my_number": MY_NUMBER,
        "bank_account": {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "ordinary",
            "account_number": ACCOUNT_NUMBER,
            "holder_kana": "ｸﾞｴﾝ ｳﾞｧﾝ ﾄﾞｩｯｸ",
        },
    }
    body.update(overrides)
    return body


def candidate_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_kanji": None,
        "name_kana": "サントス マリア",
        "name_romaji": "Santos Maria",
        "birth_date": "1998-09-30",
        "gender": "female",
        "nationality": "BR",
        "residence_status": "LONG_TERM_RESIDENT",
        "residence_card_number": "XY87654321ZW",
        "residence_card_expiry": "2028-01-15",
        "phone": "080-9876-5432",
        "email": "maria@test.example",
        "postal_code": "430-0901",
        "prefecture": "22",
        "city": "浜松市中区",
        "address_line1": "曳馬1-2-3",
        "jlpt_level": "N3",
        "japanese_conversation": "daily",
        "licenses": [
            {"kind": "forklift", "acquired_on": "2022-06-01"},
            {"kind": "driving_ordinary", "expires_on": "2029-10-30"},
        ],
        "experience": ["forklift", "car_parts_line"],
        "uniform_size": "M",
        "shoe_size_cm": "24.5",
        "commute_method": "car",
        "commute_minutes": 25,
        "emergency_contact": {
            "name": "Santos João",
            "relationship": "夫",
            "phone": "080-1111-2222",
        },
        "family": [{"name": "Santos João", "relationship": "夫", "age": 30, "cohabiting": True}],
        "work_history": [
            {"company": "ABC部品", "start_month": "2021-04", "end_month": "2023-03", "job": "検査"}
        ],
    }
    body.update(overrides)
    return body


async def create_employee(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/api/employees", headers=headers, json=employee_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
