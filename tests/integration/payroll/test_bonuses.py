"""Bonus payments (賞与支給): the caps across bonuses of one fiscal year worked by hand from
JP_LABOR.md, the labour cost with the employer's share, bad input refused with nothing
written, the CSV import, the statements of the lists, the pages, the PDF's text and the
worker's own bonus payslips only."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from haken.modules.payroll.bonuses import bonus_service
from haken.modules.payroll.models import PayrollBonus, Payslip
from haken.modules.payroll.service import payroll_service
from haken.platform.access import Principal, Role
from haken.platform.db import count_queries, session_scope
from haken.platform.pagination import PageRequest
from tests.integration.payroll.factories import placed
from tests.integration.web.conftest import PageLogin, csrf_token

# JP_LABOR.md §4: standard bonus = the bonus with the part under ¥1,000 dropped; health (and
# child support) capped at ¥5,730,000 of 標準賞与額 per fiscal year April–March, counted
# cumulatively; pension capped at ¥1,500,000 per month (case 32: ¥2,000,000 → pension base
# ¥1,500,000, health base ¥2,000,000; ¥1,234,567 → ¥1,234,000). Tokyo FY2026: health 9.85 %,
# child support 0.23 % (from the April 2026 premium), pension 18.3 % (case 25), employment
# insurance 5/1000 for the worker, 8.5/1000 for the employer (case 34), on the amount paid.
# Employee shares: half, 50 sen and under dropped; health and child support are one premium
# (the total on 10.08 % taken once, health on 9.85 %, child support the rest). The employee
# (born 1990-05-20) is 36: no nursing care. Income tax = (bonus − insurance) × the entered
# rate, under ¥1 dropped.
#
# 1. 2026-07-10 ¥2,000,000 at 10.21 %: standard 2,000,000; health base 2,000,000 (year 2.00 M),
#    pension base 1,500,000 (the month's cap)
#    health 2,000,000 × 9.85 % ÷ 2 = 98,500; child support 2,000,000 × 0.23 % ÷ 2 = 2,300;
#    pension 1,500,000 × 18.3 % ÷ 2 = 137,250; employment 2,000,000 × 5/1000 = 10,000
#    tax (2,000,000 − 238,050 − 10,000) × 10.21 % = 1,751,950 × 10.21 % = 178,874.09 → 178,874
# 2. 2026-12-10 ¥3,000,000 at 10.21 %: health base 3,000,000 (year 5.00 M ≤ 5.73 M),
#    pension base 1,500,000 (a new month)
#    health 147,750; child support 3,450; pension 137,250; employment 15,000
#    tax 2,696,550 × 10.21 % = 275,317.75 → 275,317
# 3. 2026-12-25 ¥1,234,567 at 4.084 %: standard 1,234,000; health base 5,730,000 − 5,000,000
#    = 730,000; pension base 1,500,000 − 1,500,000 (December's first bonus) = 0: no line
#    health + child support 730,000 × 10.08 % ÷ 2 = 36,792 (health 35,952.5 → 35,952, child
#    support 840); employment 1,234,567 × 5/1000 = 6,172.835 → 6,173
#    tax (1,234,567 − 36,792 − 6,173) × 4.084 % = 1,191,602 × 4.084 % = 48,665.02 → 48,665
# Employer's share (labour cost): health group total cut to the yen less the worker's, the
# pension likewise, employment (5 + 8.5)/1000 of the amount paid less the worker's:
#    1: 201,600 − 100,800 + 274,500 − 137,250 = 238,050; 2,000,000 × 13.5/1000 − 10,000 = 17,000
#    2: 302,400 − 151,200 + 137,250 = 288,450; 3,000,000 × 13.5/1000 − 15,000 = 25,500
#    3: 73,584 − 36,792 = 36,792; 16,666.65 → 16,666 − 6,173 = 10,493
BONUSES = [
    ("2026-07-10", 2_000_000, "10.21"),
    ("2026-12-10", 3_000_000, "10.21"),
    ("2026-12-25", 1_234_567, "4.084"),
]
EXPECTED = [
    {
        "bonus": 2_000_000,
        "health": 98_500,
        "child_support": 2_300,
        "pension": 137_250,
        "employment_insurance": 10_000,
        "income_tax": 178_874,
    },
    {
        "bonus": 3_000_000,
        "health": 147_750,
        "child_support": 3_450,
        "pension": 137_250,
        "employment_insurance": 15_000,
        "income_tax": 275_317,
    },
    {
        "bonus": 1_234_567,
        "health": 35_952,
        "child_support": 840,
        "employment_insurance": 6_173,
        "income_tax": 48_665,
    },
]


def _text(pdf: bytes) -> str:
    # A missing tool fails the test rather than skipping it: scripts/test-services.sh installs
    # poppler-utils, so the PDF's text is always read.
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF"
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


async def _paid(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    pay_date: str,
    entries: list[dict[str, Any]],
    *,
    close: bool = True,
) -> dict[str, Any]:
    """A bonus payment created, calculated and (unless ``close`` is false) closed."""
    created = await http.post(
        "/api/payroll/bonuses",
        headers=headers,
        json={"pay_date": pay_date, "title": "賞与", "entries": entries},
    )
    assert created.status_code == 201, created.text
    bonus = created.json()["data"]
    assert bonus["state"] == "draft"
    done = await http.post(
        f"/api/payroll/bonuses/{bonus['id']}/calculate",
        headers=headers,
        json={"version": bonus["version"]},
    )
    assert done.status_code == 200, done.text
    bonus = done.json()["data"]
    assert bonus["state"] == "calculated"
    if close:
        closed = await http.post(
            f"/api/payroll/bonuses/{bonus['id']}/close",
            headers=headers,
            json={"version": bonus["version"]},
        )
        assert closed.status_code == 200, closed.text
        bonus = closed.json()["data"]
        assert bonus["state"] == "closed"
    return dict(bonus)


async def paid_before(app: Any, employee_id: int, pay_date: str, after_insurance: int) -> None:
    """A monthly payslip paid on ``pay_date`` with ``after_insurance`` as its pay after social
    insurance (the previous month's pay a bonus's withholding reads; no run: it appears in
    no list)."""
    day = dt.date.fromisoformat(pay_date)
    async with session_scope(app.state.database, write=True) as session:
        session.add(
            Payslip(
                run_id=None,
                employee_id=employee_id,
                period_start=day.replace(day=1),
                pay_date=day,
                status="ok",
                kind="monthly",
                gross=after_insurance,
                net=after_insurance,
                lines=[
                    {
                        "section": "deduction",
                        "code": "income_tax",
                        "amount": 0,
                        "text": "",
                        "basis": {"pay_after_insurance": after_insurance},
                    }
                ],
            )
        )


async def _slips(http: httpx.AsyncClient, headers: dict[str, str], bonus_id: int) -> list[Any]:
    listed = await http.get(f"/api/payroll/bonuses/{bonus_id}/payslips", headers=headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["data"])


async def test_bonuses_of_one_fiscal_year_meet_the_caps_and_the_labour_cost(
    client: httpx.AsyncClient, app: Any, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    mine = (await placed(client, admin))["employee"]["id"]
    other = (await placed(client, admin))["employee"]["id"]
    user = await make_user("employee", employee_id=mine)
    me = {"Authorization": (await login(user["email"]))["Authorization"]}
    # Pay in the month before each bonus, so the entered rate applies (a bonus after
    # insurance at most ten times it; test_bonus_withholding.py covers the other cases).
    for day in ("2026-06-25", "2026-11-25"):
        await paid_before(app, mine, day, 300_000)
    await paid_before(app, other, "2026-06-25", 100_000)

    slips: list[dict[str, Any]] = []
    for n, (pay_date, amount, rate) in enumerate(BONUSES):
        entries = [{"employee_id": mine, "amount": amount, "rate_pct": rate}]
        if n == 0:
            entries.append({"employee_id": other, "amount": 500_000, "rate_pct": "4.084"})
        last = n == len(BONUSES) - 1
        bonus = await _paid(client, admin, pay_date, entries, close=not last)
        rows = {p["employee_id"]: p for p in await _slips(client, admin, bonus["id"])}
        assert all(p["kind"] == "bonus" for p in rows.values())
        slip = (await client.get(f"/api/payroll/payslips/{rows[mine]['id']}", headers=admin)).json()
        slip = slip["data"]
        assert slip["kind"] == "bonus" and slip["bonus_id"] == bonus["id"]
        assert {line["code"]: line["amount"] for line in slip["lines"]} == EXPECTED[n]
        slips.append(slip)
        if last:
            # Not closed yet: the worker does not see it; then it is closed.
            own = await client.get(f"/api/payroll/payslips/{slip['id']}", headers=me)
            assert own.status_code == 404
            closed = await client.post(
                f"/api/payroll/bonuses/{bonus['id']}/close",
                headers=admin,
                json={"version": bonus["version"]},
            )
            assert closed.status_code == 200, closed.text

    first, _second, third = ({line["code"]: line for line in s["lines"]} for s in slips)
    assert first["pension"]["basis"]["pension_base"] == 1_500_000
    assert first["health"]["basis"]["health_base"] == 2_000_000
    assert first["pension"]["text"] == "標準賞与額 ¥1,500,000 × 18.3% ÷ 2"
    assert third["health"]["basis"]["standard_bonus"] == 1_234_000
    assert third["health"]["basis"]["health_base"] == 730_000
    assert third["health"]["basis"]["pension_base"] == 0
    assert third["income_tax"]["text"] == "賞与 ¥1,191,602 × 4.084%（算出率: 事務所入力）"
    assert slips[2]["net"] == 1_234_567 - 36_792 - 6_173 - 48_665

    async with session_scope(app.state.database) as session:
        costs = await payroll_service.labour_costs(
            session, first=dt.date(2026, 7, 1), last=dt.date(2026, 12, 31), employee_ids=[mine]
        )
    cost = costs[mine]
    assert cost.gross == 2_000_000 + 3_000_000 + 1_234_567
    assert cost.employer_social == 238_050 + 288_450 + 36_792
    assert cost.employer_employment == 17_000 + 25_500 + 10_493

    # The worker: their own three bonus payslips, the other's never.
    listed = (await client.get("/api/payroll/me/payslips", headers=me)).json()["data"]
    assert [(p["kind"], p["gross"]) for p in listed] == [
        ("bonus", 1_234_567),
        ("bonus", 3_000_000),
        ("bonus", 2_000_000),
    ]
    theirs = [
        p for p in await _slips(client, admin, slips[0]["bonus_id"]) if p["employee_id"] == other
    ]
    assert (
        await client.get(f"/api/payroll/payslips/{theirs[0]['id']}", headers=me)
    ).status_code == 404
    assert (await client.get("/api/payroll/bonuses", headers=me)).status_code == 403
    pdf = await client.get(f"/api/payroll/payslips/{slips[0]['id']}/pdf", headers=admin)
    assert pdf.status_code == 200
    text = _text(pdf.content)
    assert "賞与明細書" in text and "給与明細書" not in text
    assert "標準賞与額 ¥1,500,000 × 18.3% ÷ 2" in text
    assert "1,573,076" in text  # net: 2,000,000 − 238,050 − 10,000 − 178,874


async def test_bad_input_is_refused_and_a_closed_bonus_is_immutable(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    worker = (await placed(client, admin))["employee"]["id"]

    async def create(entries: list[dict[str, Any]]) -> httpx.Response:
        return await client.post(
            "/api/payroll/bonuses",
            headers=admin,
            json={"pay_date": "2026-07-10", "title": "夏季賞与", "entries": entries},
        )

    cases = [
        ([{"employee_id": worker, "amount": -1, "rate_pct": "4"}], 422, "VALIDATION_FAILED"),
        ([{"employee_id": worker, "amount": 1, "rate_pct": "100.5"}], 422, "VALIDATION_FAILED"),
        (
            [{"employee_id": worker + 999, "amount": 1, "rate_pct": "4"}],
            422,
            "PAYROLL_BONUS_UNKNOWN_EMPLOYEE",
        ),
        (
            [{"employee_id": worker, "amount": 1, "rate_pct": "4"}] * 2,
            422,
            "PAYROLL_BONUS_DUPLICATE_EMPLOYEE",
        ),
    ]
    for entries, status, code in cases:
        response = await create(entries)
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code
    async with session_scope(app.state.database) as session:
        assert await session.scalar(select(func.count()).select_from(PayrollBonus)) == 0

    empty = (await create([])).json()["data"]
    refused = await client.post(
        f"/api/payroll/bonuses/{empty['id']}/calculate",
        headers=admin,
        json={"version": empty["version"]},
    )
    assert refused.json()["error"]["code"] == "PAYROLL_BONUS_EMPTY"
    early = await client.post(
        f"/api/payroll/bonuses/{empty['id']}/close", headers=admin, json={"version": 1}
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "PAYROLL_BONUS_NOT_CALCULATED"

    closed = await _paid(
        client, admin, "2026-07-10", [{"employee_id": worker, "amount": 300_000, "rate_pct": "4"}]
    )
    edit = await client.put(
        f"/api/payroll/bonuses/{closed['id']}",
        headers=admin,
        json={
            "pay_date": "2026-07-10",
            "title": "x",
            "entries": [],
            "version": closed["version"],
        },
    )
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "PAYROLL_BONUS_CLOSED"
    again = await client.post(
        f"/api/payroll/bonuses/{closed['id']}/calculate",
        headers=admin,
        json={"version": closed["version"]},
    )
    assert again.json()["error"]["code"] == "PAYROLL_BONUS_CLOSED"
    slip = (await _slips(client, admin, closed["id"]))[0]
    adjust = await client.post(
        "/api/payroll/adjustments",
        headers=admin,
        json={"payslip_id": slip["id"], "amount": 100, "reason": "訂正"},
    )
    assert adjust.json()["error"]["code"] == "PAYROLL_BONUS_NOT_ADJUSTABLE"
    async with session_scope(app.state.database) as session:
        stored = await session.scalar(select(func.count()).select_from(Payslip))
    assert stored == 1


async def test_a_csv_file_replaces_the_entries_and_a_calculated_bonus_goes_back_to_draft(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    first = (await placed(client, admin))["employee"]
    second = (await placed(client, admin))["employee"]
    bonus = await _paid(
        client,
        admin,
        "2026-07-10",
        [{"employee_id": first["id"], "amount": 100_000, "rate_pct": "2"}],
        close=False,
    )
    content = (
        "社員番号,支給額,算出率\n"
        f'{first["employee_number"]},"250,000",4.084\n'
        f"{second['employee_number']},300000,6.126%\n"
    ).encode("cp932")
    response = await client.post(
        f"/api/payroll/bonuses/{bonus['id']}/csv",
        headers=admin,
        data={"version": str(bonus["version"])},
        files={"file": ("bonus.csv", content, "text/csv")},
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["state"] == "draft"
    assert [(e["employee_id"], e["amount"], e["rate_pct"]) for e in data["entries"]] == [
        (first["id"], 250_000, "4.084"),
        (second["id"], 300_000, "6.126"),
    ]
    assert await _slips(client, admin, bonus["id"]) == []
    bad = await client.post(
        f"/api/payroll/bonuses/{bonus['id']}/csv",
        headers=admin,
        data={"version": str(data["version"])},
        files={"file": ("bonus.csv", b"E-NONE,1000,4\n", "text/csv")},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "PAYROLL_BONUS_UNKNOWN_EMPLOYEE"
    line = await client.post(
        f"/api/payroll/bonuses/{bonus['id']}/csv",
        headers=admin,
        data={"version": str(data["version"])},
        files={"file": ("bonus.csv", b"amount\n" + first["employee_number"].encode() + b",-5,4\n")},
    )
    assert line.json()["error"]["code"] == "PAYROLL_BONUS_CSV_INVALID"


async def test_the_lists_take_a_fixed_number_of_statements(
    client: httpx.AsyncClient, app: Any, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    ids = [(await placed(client, admin))["employee"]["id"] for _ in range(3)]
    bonus = await _paid(
        client,
        admin,
        "2026-07-10",
        [
            {"employee_id": i, "amount": 100_000 * (n + 1), "rate_pct": "2"}
            for n, i in enumerate(ids)
        ],
    )
    office = Principal(user_id=1, role=Role.ADMIN, email="office@example.com")
    async with session_scope(app.state.database) as session:
        with count_queries() as listed:
            result = await bonus_service.list_bonuses(session, office, request=PageRequest())
        assert [b.id for b in result.items] == [bonus["id"]]
        with count_queries() as slips:
            found = await bonus_service.payslips(
                session, office, bonus_id=bonus["id"], request=PageRequest()
            )
        assert len(found.items) == 3
        with count_queries() as own:
            mine = await payroll_service.my_payslips(
                session,
                Principal(user_id=2, role=Role.EMPLOYEE, email="w@example.com", employee_id=ids[0]),
                request=PageRequest(),
            )
        assert [p.kind for p in mine.items] == ["bonus"]
    # the page with its count in one statement; the batch, the page, the names
    assert (listed.count, slips.count, own.count) == (1, 3, 1)


@pytest.mark.usefixtures("built_assets")
async def test_bonus_pages_from_the_form_to_the_workers_portal(
    client: httpx.AsyncClient, make_user: Any, login: Any, page_login: PageLogin
) -> None:
    office = await make_user("admin", locale="en")
    api = {"Authorization": (await login(office["email"]))["Authorization"]}
    worker = (await placed(client, api))["employee"]
    await page_login(office["email"])
    page = await client.get("/payroll/bonuses")
    assert page.status_code == 200 and "Bonus payments" in page.text
    token = csrf_token(page.text)
    submission = page.text.split('name="submission_token" value="', 1)[1].split('"', 1)[0]
    bad = await client.post(
        "/payroll/bonuses",
        data={
            "csrf_token": token,
            "submission_token": submission,
            "pay_date": "2026-07-10",
            "title": "Summer bonus",
            "lines": "NOBODY,100000,4",
        },
    )
    assert bad.status_code == 422 and "NOBODY" in bad.text
    created = await client.post(
        "/payroll/bonuses",
        data={
            "csrf_token": csrf_token(bad.text),
            "submission_token": submission,
            "pay_date": "2026-07-10",
            "title": "Summer bonus",
            "lines": f"{worker['employee_number']},400000,4.084",
        },
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    detail = await client.get(url)
    assert "Summer bonus" in detail.text and "4.084%" in detail.text
    version = detail.text.split('name="version" value="', 1)[1].split('"', 1)[0]
    calculated = await client.post(
        f"{url}/calculate", data={"csrf_token": csrf_token(detail.text), "version": version}
    )
    assert calculated.status_code == 303, calculated.text
    detail = await client.get(url)
    assert "¥400,000" in detail.text and "/payroll/payslips/" in detail.text
    version = detail.text.split('action="' + url + '/close"', 1)[1]
    version = version.split('name="version" value="', 1)[1].split('"', 1)[0]
    closed = await client.post(
        f"{url}/close", data={"csrf_token": csrf_token(detail.text), "version": version}
    )
    assert closed.status_code == 303, closed.text
    slip_id = (await client.get(url)).text.split('href="/payroll/payslips/', 1)[1].split('"')[0]
    slip = await client.get(f"/payroll/payslips/{slip_id}")
    assert "Bonus payslip" in slip.text and "標準賞与額 ¥400,000 × 9.85% ÷ 2" in slip.text

    person = await make_user("employee", employee_id=worker["id"])
    client.cookies.clear()
    await page_login(person["email"])
    mine = await client.get("/me/payslips")
    assert mine.status_code == 200 and "賞与" in mine.text
    assert f"/payroll/payslips/{slip_id}" in mine.text
    own = await client.get(f"/payroll/payslips/{slip_id}")
    assert own.status_code == 200 and "賞与明細" in own.text
    assert (await client.get("/payroll/bonuses")).status_code == 403
