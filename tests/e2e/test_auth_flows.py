"""Sign in and out in both languages, keyboard only, and the password change form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, USERS, ContextFactory, sign_in


def test_sign_in_and_out_in_japanese(new_context: ContextFactory) -> None:
    page = new_context("ja-JP").new_page()
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/users$"))
    expect(page.locator("h1")).to_have_text("ログイン")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.locator("#f-email").fill(USERS["coordinator"].email)
    page.locator("#f-password").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "メールアドレスまたはパスワードが正しくありません"
    )
    page.locator("#f-password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    # A coordinator may not administer users: after signing in, the page says so in Japanese.
    expect(page.locator("h1")).to_have_text("権限がありません")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("ホーム")
    page.get_by_role("button", name="ログアウト", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_have_text("ログアウトしました。")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_sign_in_and_out_in_english(new_context: ContextFactory) -> None:
    page = new_context("en-US").new_page()
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("Sign in")
    sign_in(page, USERS["admin"])
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Audit log")
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")


def test_language_switch_for_visitors(new_context: ContextFactory) -> None:
    page = new_context("ja-JP").new_page()
    page.goto("/login")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.get_by_role("link", name="日本語").click()
    expect(page.locator("h1")).to_have_text("ログイン")


def test_keyboard_only_sign_in_with_visible_focus(new_context: ContextFactory) -> None:
    page = new_context("en-US").new_page()
    page.goto("/login")
    email = page.locator("#f-email")
    expect(email).to_be_focused()  # autofocus: the form is ready to type into
    assert email.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # visible focus
    page.keyboard.type(USERS["admin"].email)
    page.keyboard.press("Tab")
    expect(page.locator("#f-password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Home")
    page.keyboard.press("Tab")  # the first stop of every page skips the navigation
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.get_by_role("button", name="Sign out", exact=True).click()


def test_password_change_reports_field_errors(new_context: ContextFactory) -> None:
    page = new_context("en-US").new_page()
    sign_in(page, USERS["super_admin"])
    page.goto("/account")
    page.locator("#f-current_password").fill(PASSWORD)  # the user's own setting: ja
    page.locator("#f-new_password").fill("short")
    page.locator("#f-new_password_confirm").fill("short")
    page.locator("form[action='/account/password'] button").click()
    field = page.locator("#f-new_password")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-new_password-error")).to_have_text(
        "パスワードは 12 文字以上にしてください。"
    )
    page.get_by_role("button", name="ログアウト", exact=True).click()
