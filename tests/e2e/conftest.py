"""Browser end-to-end tests: the real app under uvicorn, Debian's chromium driven by Playwright.

The server runs on a free loopback port with a fresh migrated SQLite database
and users created through the CLI (see ``liveserver.py``). Chromium is the
distribution's (``/usr/bin/chromium``, installed by ``scripts/test-services.sh``);
Playwright's own browser downloads are never used. A failing test leaves a
full-page screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.liveserver import LiveServer, SeedUser, start

CHROMIUM = os.environ.get("HAKEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery-staple"

USERS = {
    "super_admin": SeedUser("root@e2e.example", "super_admin", PASSWORD, "ja"),
    "admin": SeedUser("office@e2e.example", "admin", PASSWORD, "en"),
    "coordinator": SeedUser("coord@e2e.example", "coordinator", PASSWORD, "ja"),
    "employee": SeedUser("worker@e2e.example", "employee", PASSWORD, "en"),
    "other_employee": SeedUser("other@e2e.example", "employee", PASSWORD, "ja"),
}

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: scripts/test-services.sh start installs chromium")
    server = start(tmp_path_factory.mktemp("e2e-server"), list(USERS.values()))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
    # CI keeps only the printed report: a failure carries the server's refusals and errors.
    server = item.funcargs.get("live_server") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and isinstance(server, LiveServer):
        lines = [line[:400] for line in _server_trouble(server.log_path)[-40:]]
        report.sections.append(("server log: answers >= 400, warnings", "\n".join(lines)))


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[ContextFactory]:
    """Open browser contexts (one per person); screenshots of every page on failure."""
    opened: list[BrowserContext] = []

    def factory(locale: str = "ja-JP", **options: object) -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.base_url,
            locale=locale,
            viewport=options.pop("viewport", {"width": 1280, "height": 800}),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield factory
    failed = getattr(getattr(request.node, "report_call", None), "failed", False)
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        for index, context in enumerate(opened):
            for number, page in enumerate(context.pages):
                page.screenshot(
                    path=str(ARTIFACTS / f"{name}-{index}-{number}.png"), full_page=True
                )
        shutil.copy(live_server.log_path, ARTIFACTS / f"{name}-server.log")
    for context in opened:
        context.close()


def _server_trouble(log_path: Path) -> list[str]:
    """The server log's lines worth reading after a failure: answers of 400 and above,
    warnings and errors (the JSON log's ``status`` and ``level`` fields)."""
    trouble = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            trouble.append(line)  # a traceback or other plain text
            continue
        status = entry.get("status")
        if (isinstance(status, int) and status >= 400) or entry.get("level") in {
            "warning",
            "error",
            "critical",
        }:
            trouble.append(line)
    return trouble


def sign_in(page: Page, user: SeedUser, next_path: str = "/login") -> None:
    page.goto(next_path)
    page.locator("#f-email").fill(user.email)
    page.locator("#f-password").fill(user.password)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_load_state("load")
