"""Issue 14: Japanese pages show dates in Japanese style (2024年4月1日), times to the minute
in the agency's zone, and no ISO date text; English pages show 1 Apr 2024."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.integration.employees.factories import create_employee
from tests.integration.web.conftest import PageLogin

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WITH_SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
JA_MOMENT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}(?!:)")
EN_MOMENT = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}(?!:)")


def visible(html: str) -> str:
    """The text a person reads: no tags, attributes (form values keep ISO), scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def _employee(client: httpx.AsyncClient, auth_headers: Any) -> int:
    headers = await auth_headers("admin")
    employee = await create_employee(
        client, headers, hire_date="2024-04-01", birth_date="1995-04-12"
    )
    return int(employee["id"])


async def test_a_japanese_employee_page_and_audit_log_show_japanese_dates(
    client: httpx.AsyncClient, make_user: Any, auth_headers: Any, page_login: PageLogin
) -> None:
    employee = await _employee(client, auth_headers)
    admin = await make_user("admin", locale="ja")
    await page_login(admin["email"])

    page = await client.get(f"/employees/{employee}")
    assert page.status_code == 200
    text = visible(page.text)
    assert "2024年4月1日" in text  # hire date
    assert "1995年4月12日" in text  # birth date
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)

    audit = await client.get("/audit", params={"entity_type": "employee"})
    assert audit.status_code == 200
    text = visible(audit.text)
    assert JA_MOMENT.search(text), "the entry's time, 年月日 and minutes"
    assert "2024年4月1日" in text  # the hire date in the creation's changes
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)
    assert not WITH_SECONDS.findall(text), WITH_SECONDS.findall(text)


async def test_an_english_page_shows_english_dates(
    client: httpx.AsyncClient, make_user: Any, auth_headers: Any, page_login: PageLogin
) -> None:
    employee = await _employee(client, auth_headers)
    admin = await make_user("admin", locale="en")
    await page_login(admin["email"])

    text = visible((await client.get(f"/employees/{employee}")).text)
    assert "1 Apr 2024" in text and "12 Apr 1995" in text
    assert "年" not in text.split("Hire date", 1)[1][:60]
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)

    text = visible((await client.get("/audit", params={"entity_type": "employee"})).text)
    assert EN_MOMENT.search(text)
    assert "1 Apr 2024" in text
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)
    assert not WITH_SECONDS.findall(text), WITH_SECONDS.findall(text)
