"""/api/docs renders the API's operations in a real browser, under its CSP, offline.

FastAPI's page loaded Swagger UI from a CDN and started it with an inline
script; haken's CSP refused both and the page stayed blank (issue 14, item 17).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import ConsoleMessage, Request, expect

from tests.e2e.conftest import ContextFactory
from tests.e2e.liveserver import LiveServer

# Record every CSP violation the page reports (runs before any page script, outside the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_api_docs_render_operations_from_own_assets_without_csp_violations(
    new_context: ContextFactory, live_server: LiveServer
) -> None:
    context = new_context("en-US")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console_errors: list[str] = []
    page_errors: list[str] = []
    elsewhere: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith((live_server.base_url, "data:")):
            elsewhere.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("request", on_request)

    response = page.goto("/api/docs")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp

    # The operations of the OpenAPI document are rendered, grouped by tag.
    # The document is over 1 MB (about 3 s to build on a loaded 2-core machine, then parsed
    # and laid out by Swagger UI): the first sight of it gets more than the default 5 s.
    login = page.locator(".opblock-post .opblock-summary-path[data-path='/api/auth/login']")
    expect(login).to_be_visible(timeout=30_000)

    # Every tag of the document renders. Swagger UI keeps only the sections near the
    # viewport in the DOM, so the walk scrolls through the page and collects what it saw.
    spec = page.request.get("/api/openapi.json").json()
    tags = {
        tag
        for operations in spec["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", ["default"])
    }
    seen: set[str] = set()
    for _ in range(400):  # bounded: ~110 operations in ~16 tags fit in far fewer steps
        seen.update(
            page.locator(".opblock-tag").evaluate_all(
                "els => els.map(e => e.getAttribute('data-tag'))"
            )
        )
        if seen >= tags:
            break
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(30)
    assert sorted(tags - seen) == []
    page.evaluate("window.scrollTo(0, 0)")

    # Expanding an operation and trying it out works too (the call goes to this origin).
    health = page.locator(".opblock-get", has=page.locator("[data-path='/api/health']"))
    health.locator(".opblock-summary").click()
    health.get_by_role("button", name="Try it out").click()
    health.get_by_role("button", name="Execute").click()
    status = health.locator(".live-responses-table .response .response-col_status")
    expect(status.first).to_have_text(re.compile(r"^\s*200"))

    violations: Any = page.evaluate("window.__cspViolations")
    assert violations == []
    assert [m for m in console_errors if "Content Security Policy" in m] == []
    assert console_errors == []
    assert page_errors == []
    assert elsewhere == []
