"""Fixtures of the web UI tests: built assets, a browser-like client that signs in with forms."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from haken.web import assets
from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session", autouse=True)
def built_assets() -> None:
    """``make test`` builds the assets first; a bare pytest run builds them here."""
    if not (assets.DIST_DIR / "manifest.json").exists():
        if not (ROOT / "node_modules" / "htmx.org").exists():
            pytest.fail("front-end packages missing: run `make assets` (npm ci + build)")
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build_assets.py")], check=True)
    assets.reload_manifest()


def csrf_token(html: str) -> str:
    found = CSRF_META.search(html)
    assert found, "page carries no CSRF token"
    return found.group(1)


PageLogin = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def page_login(client: httpx.AsyncClient) -> PageLogin:
    """Sign in through the login form, as a browser does; returns the redirect."""

    async def do_login(email: str, password: str = TEST_PASSWORD, **headers: str) -> httpx.Response:
        form_page = await client.get("/login", headers=headers)
        assert form_page.status_code == 200, form_page.text
        response = await client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_token(form_page.text)},
            headers=headers,
        )
        assert response.status_code == 303, response.text
        return response

    return do_login
