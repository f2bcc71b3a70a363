"""The margin report (billing − labour cost, drill-down client → site → contract → worker)
and the agency's マージン率, on both backends, with hand-computed numbers.

The labour side is the payroll area's closed April 2026 payslips, written beside the service
as a fixture's state (their lines carry the basis payroll stores) so the employer's shares
can be computed by hand here."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import httpx
import pytest

from haken.modules.dashboard.service import dashboard_service
from haken.modules.payroll.models import PayrollRun, Payslip
from haken.modules.payroll.service import labour_columns
from haken.platform.access import Principal, Role
from haken.platform.db import assert_num_queries, session_scope
from tests.integration.assignments.factories import (
    assign,
    make_contract,
    make_employee,
    make_unit,
)
from tests.integration.attendance.factories import approved
from tests.integration.billing.factories import billed_client, draft, issue, registered
from tests.integration.web.conftest import PageLogin


@pytest.fixture(autouse=True)
def _registration(app: Any) -> None:
    registered()


def _line(section: str, code: str, amount: int, **basis: Any) -> dict[str, Any]:
    return {"section": section, "code": code, "amount": amount, "text": "", "basis": basis}


# Gross 30,000 = 24,000 work + 4,000 paid leave + 2,000 commuting.
# Health (標準報酬 98,000): health 10.00 % + child support 0.24 %; the employee's shares are
#   4,900 and 118 (98,000 × 10.24 % ÷ 2 = 5,017.6 → 5,018 − 4,900); the total
#   98,000 × 10.24 % = 10,035.2 → 10,035, so the employer's 10,035 − 5,018 = 5,017.
# Pension (98,000 × 18.3 % = 17,934): employee 8,967, employer 8,967.
# Employment (FY2026 general: 5 ‰ worker, 8.5 ‰ employer): 30,000 × 13.5 ‰ = 405; the
#   employee's 150, the employer's 255.
# Labour cost: 30,000 + (5,017 + 8,967) + 255 = 44,239.
GRADE = {"standard": 98000, "pension_standard": 98000}
PAYSLIP_LINES = [
    _line("earning", "base", 24000),
    _line("earning", "paid_leave", 4000, days=1),
    _line("earning", "commuting", 2000, tax_free=2000),
    _line("deduction", "health", 4900, rate_pct="10.00", **GRADE),
    _line("deduction", "child_support", 118, rate_pct="0.24", **GRADE),
    _line("deduction", "pension", 8967, rate_pct="18.3", **GRADE),
    _line("deduction", "employment_insurance", 150, wages=30000, rate_permille="5"),
]


async def _payslips(
    app: Any, slips: list[tuple[int, int, list[dict[str, Any]]]], month: int = 4
) -> None:
    """A closed 2026 payroll run of ``month`` (April) with these (employee, gross, lines)
    payslips."""
    start = dt.date(2026, month, 1)
    end = dt.date(2026, month + 1, 1) - dt.timedelta(days=1)
    async with session_scope(app.state.database, write=True) as session:
        run = PayrollRun(
            period_start=start,
            period_end=end,
            pay_date=dt.date(2026, month + 1, 25),
            state="closed",
            status="done",
        )
        session.add(run)
        await session.flush()
        for employee_id, gross, lines in slips:
            session.add(
                Payslip(
                    run_id=run.id,
                    employee_id=employee_id,
                    period_start=run.period_start,
                    pay_date=run.pay_date,
                    status="ok",
                    gross=gross,
                    lines=lines,
                    # the labour cost's parts, as the payroll run keeps them when it
                    # computes the payslip
                    **labour_columns(gross, lines, end),
                )
            )


async def _issued(
    client: httpx.AsyncClient, admin: dict[str, str], **assignment_fields: Any
) -> dict[str, Any]:
    placed = await billed_client(client, admin, **assignment_fields)
    invoice = (await draft(client, admin, placed["client_id"])).json()["data"]
    issued = await issue(client, admin, invoice)
    assert issued.status_code == 200, issued.text
    return placed


def _money(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["billed"],
        row["minutes"],
        row["gross"],
        row["commuting"],
        row["paid_leave"],
        row["employer_social"],
        row["employer_employment"],
        row["labour_cost"],
        row["margin"],
        row["margin_pct"],
    )


async def test_a_hand_computed_margin_with_drill_down(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _issued(client, admin)
    worker = placed["employee"]["id"]
    idle = (await make_employee(client, admin))["id"]  # paid, billed to nobody
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES), (idle, 10000, [])])

    await client.get("/api/billing/margins?month=2026-04", headers=admin)  # warm the principal
    with assert_num_queries(2):  # the billed cells, the payslips
        top = await client.get("/api/billing/margins?month=2026-04", headers=admin)
    assert top.status_code == 200, top.text
    report = top.json()["data"]
    assert report["level"] == "client"
    assert (report["first"], report["last"]) == ("2026-04-01", "2026-04-30")
    billed, unbilled = report["rows"]
    assert billed["key"] == placed["client_id"]
    # Billed 48,742 (tax excluded: 45,175 of time + 3,567 of fixed items), 1,335 + 120
    # minutes (the 75 late-night minutes are an addition, not more time).
    # Margin 48,742 − 44,239 = 4,503 → 9.238… % → 9.2 %.
    assert _money(billed) == (48742, 1455, 30000, 2000, 4000, 13984, 255, 44239, 4503, "9.2")
    # The worker paid but billed to no client: their cost is shown apart, not lost.
    assert unbilled["key"] is None
    assert _money(unbilled) == (0, 0, 10000, 0, 0, 0, 0, 10000, -10000, None)
    assert _money(report["total"])[:9] == (48742, 1455, 40000, 2000, 4000, 13984, 255, 54239,
                                           -5497)  # fmt: skip

    sites = (await client.get(
        f"/api/billing/margins?month=2026-04&client_id={placed['client_id']}", headers=admin
    )).json()["data"]  # fmt: skip
    assert sites["level"] == "site"
    assert [(r["key"], r["billed"], r["margin"]) for r in sites["rows"]] == [
        (placed["site_id"], 48742, 4503)
    ]
    contracts = (await client.get(
        f"/api/billing/margins?month=2026-04&site_id={placed['site_id']}", headers=admin
    )).json()["data"]  # fmt: skip
    assert contracts["level"] == "contract"
    assert [(r["key"], r["name"], r["margin"]) for r in contracts["rows"]] == [
        (placed["contract"]["id"], placed["contract"]["contract_number"], 4503)
    ]
    workers = (await client.get(
        f"/api/billing/margins?month=2026-04&contract_id={placed['contract']['id']}",
        headers=admin,
    )).json()["data"]  # fmt: skip
    assert workers["level"] == "worker"
    person, fixed = workers["rows"]
    assert person["key"] == worker
    # 45,175 − 44,239 = 936 → 2.07 % → 2.1 %
    assert _money(person) == (45175, 1455, 30000, 2000, 4000, 13984, 255, 44239, 936, "2.1")
    # Transport 3,333 − discount 1,000 + fee 1,234: billed to the contract, nobody's time.
    assert fixed["key"] is None
    assert (fixed["billed"], fixed["labour_cost"], fixed["margin"]) == (3567, 0, 3567)

    # Another month has nothing; a draft or a voided invoice is not billing.
    may = (await client.get("/api/billing/margins?month=2026-05", headers=admin)).json()["data"]
    assert may["rows"] == [] and may["total"]["billed"] == 0
    backwards = await client.get("/api/billing/margins?month=2026-05&until=2026-04", headers=admin)
    assert backwards.status_code == 422


async def test_a_cost_shared_by_billed_minutes(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """A worker billed on two clients: each part of the labour cost follows the billed
    minutes (1,455 at the first client, 480 at the second), whole yen adding up."""
    admin = await auth_headers("admin")
    first = await _issued(client, admin, end_date="2026-04-08")
    worker = first["employee"]["id"]
    place = await make_unit(client, admin)
    contract = await make_contract(client, admin, place["unit_id"])
    assignment = await assign(client, admin, contract["id"], worker, start_date="2026-04-09")
    await approved(client, admin, assignment["id"], "2026-04-09")  # 480 regular minutes
    rate = await client.post(
        "/api/billing/rates",
        headers=admin,
        json={"contract_id": contract["id"], "effective_from": "2026-04-01", "base_rate": "2000"},
    )
    assert rate.status_code == 201, rate.text
    invoice = (await draft(client, admin, place["client_id"])).json()["data"]
    assert invoice["subtotal"] == 16000  # 8 h × 2,000
    assert (await issue(client, admin, invoice)).status_code == 200
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES)])

    report = (await client.get("/api/billing/margins?month=2026-04", headers=admin)).json()
    by_client = {r["key"]: r for r in report["data"]["rows"]}
    # × 1,455 / 1,935 and × 480 / 1,935, the odd yen to the larger remainder:
    # gross 30,000 → 22,558.14 / 7,441.86 → 22,558 / 7,442; commuting 2,000 → 1,504 / 496;
    # paid leave 4,000 → 3,008 / 992; employer social 13,984 → 10,515 / 3,469;
    # employment 255 → 191.74 / 63.26 → 192 / 63.
    one, two = by_client[first["client_id"]], by_client[place["client_id"]]
    assert (one["gross"], one["commuting"], one["paid_leave"]) == (22558, 1504, 3008)
    assert (one["employer_social"], one["employer_employment"]) == (10515, 192)
    assert (two["gross"], two["commuting"], two["paid_leave"]) == (7442, 496, 992)
    assert (two["employer_social"], two["employer_employment"]) == (3469, 63)
    assert (one["labour_cost"], two["labour_cost"]) == (33265, 10974)  # = 44,239
    assert (one["margin"], two["margin"]) == (48742 - 33265, 16000 - 10974)


async def _billed_elsewhere(
    client: httpx.AsyncClient, admin: dict[str, str], worker: int, day: str, rate: str
) -> int:
    """``worker`` placed at a new client for ``day`` alone (480 regular minutes), billed at
    ``rate`` an hour and issued; the client's id."""
    place = await make_unit(client, admin)
    contract = await make_contract(client, admin, place["unit_id"])
    assignment = await assign(client, admin, contract["id"], worker, start_date=day, end_date=day)
    await approved(client, admin, assignment["id"], day)
    created = await client.post(
        "/api/billing/rates",
        headers=admin,
        json={"contract_id": contract["id"], "effective_from": "2026-04-01", "base_rate": rate},
    )
    assert created.status_code == 201, created.text
    invoice = (await draft(client, admin, place["client_id"])).json()["data"]
    assert (await issue(client, admin, invoice)).status_code == 200
    return int(place["client_id"])


async def test_the_dashboards_margin_tile_is_the_reports_client_level(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """The dashboard's margin tile is the report's client level: the same yen per client
    (a worker billed at three clients: 1,455 + 480 + 480 minutes, two equal remainders),
    the workers paid and billed to nobody as its unbilled labour, each client linking to
    its sites in the report; two statements when cold (the report's), none when warm."""
    admin = await auth_headers("admin")
    first = await _issued(client, admin, end_date="2026-04-08")
    worker = first["employee"]["id"]
    second = await _billed_elsewhere(client, admin, worker, "2026-04-09", "2000")
    third = await _billed_elsewhere(client, admin, worker, "2026-04-10", "2100")
    alone = (await make_employee(client, admin))["id"]
    idle = (await make_employee(client, admin))["id"]
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES), (alone, 7777, []), (idle, 10000, [])])

    report = (await client.get("/api/billing/margins?month=2026-04", headers=admin)).json()
    rows = report["data"]["rows"]
    billed_rows = {r["key"]: (r["billed"], r["labour_cost"], r["margin"]) for r in rows if r["key"]}
    (unbilled,) = [r for r in rows if r["key"] is None]
    # 30,000 gross: × 1,455 / 2,415 = 18,074.5… and × 480 / 2,415 = 5,962.7… twice → the two
    # yen left go to the two larger (equal) remainders: 18,074 / 5,963 / 5,963.
    assert [billed_rows[k][1] for k in (first["client_id"], second, third)] == [
        18074 + 8425 + 153,  # + employer social 13,984 and employment 255 shared the same way
        5963 + 2780 + 51,
        5963 + 2779 + 51,
    ]
    # The worker placed nowhere is paid and billed to nobody: with the idle one, unbilled.
    assert unbilled["labour_cost"] == 7777 + 10000

    admin_principal = Principal(user_id=1, role=Role.ADMIN, email="a@test.example")
    for statements in (4, 0):  # cold: the figures' 2 halves and the report's 2; warm: none
        async with session_scope(app.state.database) as session:
            with assert_num_queries(statements):
                board = await dashboard_service.agency(
                    session, admin_principal, today=dt.date(2026, 5, 12)
                )
    assert board.margin_month == dt.date(2026, 4, 1)
    assert board.margin_by_client is not None
    tile = {r.client_id: (r.billed, r.labour, r.margin) for r in board.margin_by_client}
    assert tile == billed_rows
    assert board.margin_unbilled_labour == unbilled["labour_cost"]
    assert board.margin_by_client[0].href == (
        f"/billing/margins?month=2026-04&client_id={board.margin_by_client[0].client_id}"
    )


async def test_margin_rate_weighted_over_worker_days(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _issued(client, admin)
    await _payslips(app, [(placed["employee"]["id"], 30000, PAYSLIP_LINES)])
    found = await client.get("/api/billing/margin-rate?month=2026-04", headers=admin)
    assert found.status_code == 200, found.text
    (office,) = found.json()["data"]["offices"]
    # 1,455 billed minutes = 3.03125 8-hour days (→ 3.03 shown);
    # fee 48,742 ÷ 3.03125 = 16,079.8… → 16,079; wage 30,000 ÷ 3.03125 = 9,896.9… → 9,896;
    # (16,079 − 9,896) ÷ 16,079 = 38.45… % → 38.5 %.
    assert (office["workers"], office["clients"], office["worker_days"]) == (1, 1, "3.03")
    assert (office["fees"], office["wages"]) == (48742, 30000)
    assert (office["average_fee"], office["average_wage"], office["margin_rate_pct"]) == (
        16079,
        9896,
        "38.5",
    )


async def test_a_months_pay_is_matched_to_that_months_bill(
    app: Any, client: httpx.AsyncClient, auth_headers: Any
) -> None:
    """Billed in April only, paid in April and May: over April–May the rate weighs April's
    pay against April's bill; May's pay is shown as paid but not invoiced, never added to
    April's bill (it was, before the costs were matched month by month: 60,000 of wages
    on 3.03 days gave a negative rate)."""
    admin = await auth_headers("admin")
    placed = await _issued(client, admin)
    worker = placed["employee"]["id"]
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES)], month=4)
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES)], month=5)
    found = await client.get("/api/billing/margin-rate?month=2026-04&until=2026-05", headers=admin)
    (office,) = found.json()["data"]["offices"]
    # As in the one-month case: 48,742 and 30,000 over 3.03125 days → 16,079, 9,896, 38.5 %.
    assert (office["fees"], office["wages"]) == (48742, 30000)
    assert (office["average_fee"], office["average_wage"], office["margin_rate_pct"]) == (
        16079,
        9896,
        "38.5",
    )
    margins = await client.get("/api/billing/margins?month=2026-04&until=2026-05", headers=admin)
    billed, unbilled = margins.json()["data"]["rows"]
    assert (billed["billed"], billed["gross"]) == (48742, 30000)
    assert (unbilled["key"], unbilled["billed"], unbilled["gross"]) == (None, 0, 30000)


async def test_access_coordinators_their_clients_site_managers_none(
    app: Any, client: httpx.AsyncClient, auth_headers: Any, make_user: Any, login: Any
) -> None:
    admin = await auth_headers("admin")
    placed = await _issued(client, admin)
    await _payslips(app, [(placed["employee"]["id"], 30000, PAYSLIP_LINES)])
    coordinator = await make_user("coordinator")
    theirs = await login(coordinator["email"])
    url = "/api/billing/margins?month=2026-04"
    before = (await client.get(url, headers=theirs)).json()["data"]
    assert before["rows"] == []  # in charge of no client yet
    await client.put(
        f"/api/billing/clients/{placed['client_id']}/settings",
        headers=admin,
        json={"layout": "by_worker", "coordinator_user_id": coordinator["id"]},
    )
    await client.get(url, headers=theirs)  # warm the principal cache
    with assert_num_queries(2):
        after = (await client.get(url, headers=theirs)).json()["data"]
    assert [(r["key"], r["margin"]) for r in after["rows"]] == [(placed["client_id"], 4503)]
    refused = await client.get("/api/billing/margin-rate?month=2026-04", headers=theirs)
    assert refused.status_code == 403
    manager = await auth_headers("site_manager")
    for path in (url, "/api/billing/margin-rate?month=2026-04"):
        assert (await client.get(path, headers=manager)).status_code == 403


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ("マージン", "人件費", "合計", "支払済・未請求")),
        ("en", ("Margins", "Labour cost", "Total", "Paid, not billed")),
    ],
)
async def test_margin_pages_drill_down_and_export(
    app: Any,
    client: httpx.AsyncClient,
    auth_headers: Any,
    make_user: Any,
    page_login: PageLogin,
    locale: str,
    words: tuple[str, ...],
) -> None:
    admin = await auth_headers("admin")
    placed = await _issued(client, admin)
    worker = placed["employee"]["id"]
    idle = (await make_employee(client, admin))["id"]
    await _payslips(app, [(worker, 30000, PAYSLIP_LINES), (idle, 10000, [])])
    user = await make_user("admin", locale=locale)
    await page_login(user["email"])

    top = await client.get("/billing/margins?month=2026-04")
    assert top.status_code == 200
    for word in words:
        assert word in top.text
    drill = f"/billing/margins?month=2026-04&amp;client_id={placed['client_id']}"
    assert drill in top.text
    assert "48,742" in top.text and "4,503" in top.text
    worker_page = await client.get(
        f"/billing/margins?month=2026-04&client_id={placed['client_id']}"
        f"&site_id={placed['site_id']}&contract_id={placed['contract']['id']}"
    )
    assert worker_page.status_code == 200
    assert placed["contract"]["contract_number"] in worker_page.text  # the trail
    assert "45,175" in worker_page.text and "936" in worker_page.text

    csv_file = await client.get(
        f"/billing/margins/export.csv?month=2026-04&client_id={placed['client_id']}"
    )
    assert csv_file.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 11
    assert [rows[1][1], rows[1][9]] == ["48742", "4503"]  # the site
    assert rows[-1][1] == "48742"  # the total
    xlsx = await client.get("/billing/margins/export.xlsx?month=2026-04")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    rate = await client.get("/billing/margin-rate?month=2026-04")
    assert rate.status_code == 200
    assert "38.5%" in rate.text and "16,079" in rate.text and "9,896" in rate.text


async def test_margin_pages_refused_below_coordinator(
    client: httpx.AsyncClient, make_user: Any, page_login: PageLogin
) -> None:
    manager = await make_user("site_manager")
    await page_login(manager["email"])
    for path in ("/billing/margins", "/billing/margins/export.csv", "/billing/margin-rate"):
        assert (await client.get(path)).status_code == 403
