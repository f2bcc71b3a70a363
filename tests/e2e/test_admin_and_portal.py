"""Administration leaves a trace in the audit log; an employee sees only their own records."""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, sign_in
from tests.e2e.liveserver import LiveServer


def test_admin_creates_a_user_and_finds_it_in_the_audit_log(new_context: ContextFactory) -> None:
    page = new_context("ja-JP").new_page()
    sign_in(page, USERS["super_admin"])
    page.get_by_role("link", name="ユーザー").click()
    page.get_by_role("link", name="ユーザーの新規作成").click()
    page.get_by_label("メールアドレス").fill("new.staff@e2e.example")
    page.get_by_label("氏名").fill("鈴木 一郎")
    page.get_by_label("初期パスワード").fill("short")
    page.get_by_label("権限").select_option("coordinator")
    page.get_by_role("button", name="ユーザーを作成").click()
    expect(page.locator("#f-password-error")).to_have_text(
        "パスワードは 12 文字以上にしてください。"
    )
    expect(page.get_by_label("メールアドレス")).to_have_value("new.staff@e2e.example")
    page.get_by_label("初期パスワード").fill("a-long-enough-password")
    page.get_by_role("button", name="ユーザーを作成").click()
    expect(page.locator("h1")).to_have_text("new.staff@e2e.example")
    expect(page.get_by_role("status")).to_contain_text("new.staff@e2e.example")
    page.get_by_role("link", name="このユーザーの変更履歴").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    # The audit log speaks the page's language: the action and the changed role, labelled.
    expect(rows.first).to_contain_text("登録")
    expect(rows.first).to_contain_text("権限: — → 営業・コーディネーター")

    # The user list filters in place (htmx): the table changes, the page does not reload.
    page.goto("/admin/users")
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("メールアドレス・氏名で検索").fill("new.staff")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/admin/users\?q=new.staff"))
    assert page.evaluate("window.__sameDocument === true")


def test_employee_sees_only_their_own_records(new_context: ContextFactory) -> None:
    phone = new_context(
        "en-US", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    sign_in(page, USERS["employee"])
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.locator("h1")).to_have_text("My page")
    profile = page.get_by_role("region", name="My profile")
    expect(profile).to_contain_text(USERS["employee"].email)
    expect(page.locator("body")).not_to_contain_text(USERS["other_employee"].email)
    nav = page.get_by_role("navigation", name="Main")
    # The worker's own pages only: nothing of the office.
    expect(nav.get_by_role("link")).to_have_text(["My page", "My timecards"])
    # Usable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for path in ("/admin/users", "/audit", "/admin/system", "/"):
        page.goto(path)
        if path == "/":
            expect(page).to_have_url(re.compile(r"/me$"))
        else:
            expect(page.locator("h1")).to_have_text("Not allowed")
    page.goto("/me")
    page.get_by_role("button", name="Sign out", exact=True).click()


def test_pages_report_web_vitals_with_their_request_id(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    page = new_context("en-US").new_page()
    page.goto("/login")
    request_id = page.locator('meta[name="request-id"]').get_attribute("content")
    assert request_id
    page.locator("#f-email").fill(USERS["admin"].email)
    page.locator("#f-password").fill(PASSWORD)
    page.locator("form[action='/login'] button").click()  # leaving the page sends the beacon
    expect(page.locator("h1")).to_have_text("Home")
    deadline = time.monotonic() + 10
    found = None
    while time.monotonic() < deadline and found is None:
        for line in live_server.log_path.read_text().splitlines():
            if '"web vitals"' in line and request_id in line:
                found = json.loads(line)
        time.sleep(0.2)
    assert found is not None, "no web-vitals log line for the login page"
    assert found["path"] == "/login"
    assert found["lcp_ms"] is None or found["lcp_ms"] >= 0
    assert found["cls"] >= 0
