"""The documents area's own rows of the route walk (tests/integration/test_policies.py) for
the 労働条件通知書 at hire (documents/hire_notice_routes.py); the older documents rows are in
``tests/integration/client_portal/policies.py``."""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.assignments.factories import make_employee

C = "role>=coordinator"
ACCESS: dict[tuple[str, str], str] = {
    ("POST", "/api/documents/employees/{employee_id}/hire-notice"): C,
}
PAGES: dict[tuple[str, str], str] = {
    ("POST", "/documents/employees/{employee_id}/hire-notice"): C,
}
AT_HIRE = {
    "work_place": "当社 東京本社",
    "place_change_range": "会社の定める派遣先の事業所",
    "duties": "派遣就業までの待機及び研修",
    "duties_change_range": "会社の定める業務",
    "hours": "9:00〜18:00（休憩60分）",
    "overtime": "有",
    "days_off": "土日祝",
    "wage": "時間給 1,400円",
    "retirement": "就業規則第30条による。",
    "wage_raise": "なし",
    "retirement_allowance": "なし",
    "bonus": "なし",
    "consultation_contact": "人事部",
    "agreement_coverage": "対象",
    "dispatch_fee": "1時間当たり 2,500円",
}


async def _hire_notice(http: httpx.AsyncClient, ctx: dict[str, Any]) -> httpx.Response:
    worker = await make_employee(http, ctx["admin_headers"], term_type="indefinite")
    return await http.post(
        f"/api/documents/employees/{worker['id']}/hire-notice",
        headers=ctx["admin_headers"],
        json=AT_HIRE,
    )


AUDIT = {("POST", "/api/documents/employees/{employee_id}/hire-notice"): _hire_notice}
EXPECTED_AUDIT: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("POST", "/api/documents/employees/{employee_id}/hire-notice"): [("document", "issue")],
}
# Page writes and the API route whose service method each calls (the freshness walk).
PAGE_WRITE_TWINS: dict[tuple[str, str], tuple[str, str] | str] = {
    ("POST", "/documents/employees/{employee_id}/hire-notice"): (
        "POST",
        "/api/documents/employees/{employee_id}/hire-notice",
    ),
}
