"""Issue 14's form pattern in a browser: focus on the first field in error, one-time tokens.

* A refused form puts focus on its first field in error (named by the error summary) and
  scrolls it into view; the summary's links move focus to their field.
* Two parallel submits of one candidate form (the same submission token) create one
  candidate, and both land on it.
* An in-place (htmx) request that fails with nothing to draw, or never reaches the server,
  is announced above the page; the next request that goes through clears it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import USERS, ContextFactory, sign_in


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _in_viewport(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                          return r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def test_a_refused_form_focuses_its_first_field_in_error(new_context: ContextFactory) -> None:
    page = new_context("en-US", viewport={"width": 1000, "height": 500}).new_page()
    sign_in(page, USERS["coordinator"])
    page.goto("/candidates/new")
    page.locator("#f-name_romaji").fill("Tanaka Ichiro")  # kana and birth date left empty
    page.locator("form[action='/candidates'] button[type=submit]").click()
    page.wait_for_load_state("load")

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    first = summary.get_attribute("data-first-invalid")
    assert first == "f-name_kana"
    assert _focused_id(page) == first
    assert _in_viewport(page, f"#{first}")
    expect(page.locator(f"#{first}")).to_have_attribute("aria-invalid", "true")

    # The summary links to every field in error; following one focuses that field.
    page.locator(".error-links a[href='#f-birth_date']").click()
    assert _focused_id(page) == "f-birth_date"
    assert _in_viewport(page, "#f-birth_date")


def test_two_parallel_submits_of_one_form_create_one_candidate(
    new_context: ContextFactory,
) -> None:
    page = new_context("ja-JP").new_page()
    sign_in(page, USERS["coordinator"])
    page.goto("/candidates/new")
    page.locator("#f-name_kana").fill("ニジュウ ソウシン")
    page.locator("#f-name_romaji").fill("Nijuu Soushin")
    page.locator("#f-birth_date").fill("1999-09-09")

    landed = page.evaluate(
        """async () => {
             const form = document.querySelector("form[action='/candidates']");
             const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
             const answers = await Promise.all([send(), send()]);
             return answers.map((r) => [r.status, new URL(r.url).pathname]);
           }"""
    )

    assert [status for status, _ in landed] == [200, 200]
    paths = {path for _, path in landed}
    assert len(paths) == 1 and re.fullmatch(r"/candidates/\d+", paths.pop())
    page.goto("/candidates?q=nijuu")
    expect(page.locator("main table tbody tr")).to_have_count(1)


def test_a_failed_in_place_request_is_announced(new_context: ContextFactory) -> None:
    page = new_context("ja-JP").new_page()  # the coordinator reads Japanese
    sign_in(page, USERS["coordinator"])
    page.goto("/employees")
    failed = page.locator("#request-failed")
    expect(failed).to_be_hidden()

    # The server answers 503 to the list's search (htmx does not swap it in).
    page.route(re.compile(r"/employees\?"), lambda route: route.fulfill(status=503, body="busy"))
    page.locator("#f-q").fill("a")
    expect(failed).to_be_visible()
    expect(failed).to_have_attribute("role", "alert")
    expect(failed).to_contain_text("サーバーの応答: 503")

    # The request never gets an answer: the connection message instead.
    page.unroute(re.compile(r"/employees\?"))
    page.route(re.compile(r"/employees\?"), lambda route: route.abort())
    page.locator("#f-q").fill("ab")
    expect(failed).to_contain_text("サーバーに接続できませんでした")

    # The next search that goes through hides the message.
    page.unroute(re.compile(r"/employees\?"))
    page.locator("#f-q").fill("")
    expect(failed).to_be_hidden()
