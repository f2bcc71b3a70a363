"""The staffing story in a browser: recruit, hire, place with rates, house, trace, self-serve.

A coordinator registers a candidate and moves them through the pipeline, hires
them, places them on a client unit with pay and bill rates and moves them into
company housing; an administrator finds every step in the audit log and gives
the worker an account; the worker then sees their own records and nobody else's.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, sign_in
from tests.e2e.liveserver import SeedUser


def _submit(page: Page, action: str) -> None:
    page.locator(f"form[action='{action}'] button[type=submit]").click()
    page.wait_for_load_state("load")


def _id_from_url(page: Page) -> str:
    found = re.search(r"/(\d+)$", page.url)
    assert found, page.url
    return found.group(1)


def test_recruit_hire_place_house_and_trace(new_context: ContextFactory) -> None:
    office = new_context("ja-JP").new_page()
    sign_in(office, USERS["coordinator"])

    # Client → site → unit → contract.
    office.goto("/clients/new")
    office.locator("#f-name").fill("株式会社サンプル工業")
    _submit(office, "/clients")
    client_id = _id_from_url(office)
    office.get_by_role("link", name="事業所を追加").click()
    office.locator("#f-name").fill("豊橋工場")
    office.locator("#f-prefecture").select_option("23")
    office.locator("#f-address_line1").fill("豊橋市1-2-3")
    office.locator("#f-dispatch_started_on").fill("2026-01-01")
    _submit(office, "/sites")
    site_id = _id_from_url(office)
    office.locator("#f-name").fill("組立第2課")
    _submit(office, f"/sites/{site_id}/units")
    expect(office.get_by_role("status")).to_have_text("組織単位を追加しました。")
    office.get_by_role("link", name="新しい個別契約").click()
    office.locator("#f-contract_number").fill("E2E-001")
    office.locator("#f-work_content").fill("自動車部品の組立")
    _submit(office, "/contracts")
    expect(office.locator("h1")).to_contain_text("E2E-001")

    # Company housing with one room.
    office.goto("/housing/new")
    office.locator("#f-name").fill("ハケン荘")
    office.locator("#f-prefecture").select_option("23")
    office.locator("#f-address_line1").fill("豊橋市4-5-6")
    _submit(office, "/housing")
    apartment_id = _id_from_url(office)
    office.locator("#f-name").fill("201")
    office.locator("#f-capacity").fill("2")
    office.locator("#f-rent_per_occupant").fill("30000")
    _submit(office, f"/housing/{apartment_id}/rooms")

    # Recruit: register the candidate, move them to an offer, hire.
    office.goto("/candidates/new")
    office.locator("#f-name_kana").fill("ペレイラ マリア")
    office.locator("#f-name_romaji").fill("Pereira Maria")
    office.locator("#f-birth_date").fill("1996-07-20")
    office.locator("#f-nationality").select_option("BR")
    office.locator("#f-residence_status").select_option("LONG_TERM_RESIDENT")
    _submit(office, "/candidates")
    candidate_id = _id_from_url(office)
    for stage in ("screening", "interview", "offered"):
        office.locator("#f-status").select_option(stage)
        _submit(office, f"/candidates/{candidate_id}/status")
    office.locator("#f-employee_number").fill("E2E-0001")
    _submit(office, f"/candidates/{candidate_id}/hire")
    expect(office.get_by_role("status")).to_have_text(
        "採用しました。社員番号E2E-0001で社員を登録しました。"
    )
    expect(office.locator("h1")).to_contain_text("Pereira Maria")
    employee_id = _id_from_url(office)

    # Place on the unit with rates, then move into the room.
    office.get_by_role("link", name="個別契約に配置").click()
    office.locator("#f-hourly_pay").fill("1450")
    office.locator("#f-hourly_bill").fill("2050")
    _submit(office, f"/assignments/new/{employee_id}")
    placed = office.locator("tbody tr", has_text="ペレイラ").or_(
        office.locator("tbody tr", has_text=f"#{employee_id}")
    )
    expect(placed.first).to_contain_text("¥1,450")
    office.goto(f"/employees/{employee_id}")
    office.get_by_role("link", name="社宅に入居").click()
    office.locator("#f-move_in").fill("2026-02-01")
    _submit(office, f"/housing/move-in/{employee_id}")
    expect(office.locator("tbody tr", has_text="ペレイラ")).to_contain_text("¥30,000")

    # A second worker, whose record the first must not be able to open.
    office.goto("/candidates/new")
    office.locator("#f-name_kana").fill("シルバ ジョアン")
    office.locator("#f-name_romaji").fill("Silva Joao")
    office.locator("#f-birth_date").fill("1993-03-14")
    office.locator("#f-nationality").select_option("BR")
    office.locator("#f-residence_status").select_option("LONG_TERM_RESIDENT")
    _submit(office, "/candidates")
    second_candidate = _id_from_url(office)
    for stage in ("screening", "interview", "offered"):
        office.locator("#f-status").select_option(stage)
        _submit(office, f"/candidates/{second_candidate}/status")
    office.locator("#f-employee_number").fill("E2E-0002")
    _submit(office, f"/candidates/{second_candidate}/hire")
    expect(office.locator("h1")).to_contain_text("Silva Joao")
    other_employee_id = _id_from_url(office)
    assert other_employee_id != employee_id
    office.get_by_role("button", name="ログアウト", exact=True).click()

    # The administrator traces it and opens an account for the worker.
    admin = new_context("ja-JP").new_page()
    sign_in(admin, USERS["super_admin"])
    admin.goto(f"/audit?entity_type=employee&entity_id={employee_id}")
    expect(admin.locator("#results tbody")).to_contain_text("登録")
    for entity in ("candidate", "assignment", "housing_occupancy", "dispatch_contract"):
        admin.goto(f"/audit?entity_type={entity}")
        expect(admin.locator("#results tbody tr").first).not_to_contain_text("該当する履歴")
    admin.goto("/admin/users/new")
    worker = SeedUser("maria@e2e.example", "employee", "sakura-bento-rail-2026", "en")
    admin.locator("#f-email").fill(worker.email)
    admin.locator("#f-password").fill(worker.password)
    admin.locator("#f-role").select_option("employee")
    admin.locator("#f-locale").select_option("en")
    # The worker's record is picked by searching the name (no internal id typed).
    admin.locator("#f-employee_q").fill("Pereira")
    admin.locator(f"#pick-employee_id-{employee_id}").check()
    admin.get_by_role("button", name="ユーザーを作成").click()
    expect(admin.locator("h1")).to_have_text(worker.email)

    # The worker sees their own records, on a phone, and nobody else's.
    phone = new_context("en-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    mine = phone.new_page()
    sign_in(mine, worker)
    expect(mine).to_have_url(re.compile(r"/me$"))
    expect(mine.get_by_role("region", name="My employment")).to_contain_text("Pereira Maria")
    expect(mine.get_by_role("region", name="Where I work")).to_contain_text("¥1,450")
    expect(mine.get_by_role("region", name="Where I work")).not_to_contain_text("¥2,050")
    expect(mine.get_by_role("region", name="My housing")).to_contain_text("201")
    assert mine.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    mine.goto(f"/employees/{employee_id}")
    expect(mine.locator("h1")).to_contain_text("Pereira Maria")
    mine.goto(f"/employees/{other_employee_id}")  # a real record, outside the worker's scope
    expect(mine.locator("h1")).to_have_text("Not found")
    expect(mine.locator("body")).not_to_contain_text("Silva")
    mine.goto(f"/candidates/{candidate_id}")
    expect(mine.locator("h1")).to_have_text("Not allowed")
    mine.goto(f"/clients/{client_id}")
    expect(mine.locator("h1")).to_have_text("Not allowed")
    assert PASSWORD  # the seeded accounts' password is not the worker's
