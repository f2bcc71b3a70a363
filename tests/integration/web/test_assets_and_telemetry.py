"""Fingerprinted assets with long caching, the first-load budget, Web Vitals beacons."""

from __future__ import annotations

import gzip
import logging
import re

import httpx
import pytest

from haken.platform.routes import iter_routes
from haken.web.csrf import CsrfCheck

FIRST_LOAD_BUDGET = 100 * 1024


async def test_assets_are_fingerprinted_immutable_and_compressed(client: httpx.AsyncClient) -> None:
    page = await client.get("/login", headers={"Accept-Encoding": "gzip"})
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert len(urls) == 3  # the stylesheet, htmx, haken's script
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.", url), url
        asset = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["content-encoding"] == "gzip"
    assert 'src="http' not in page.text and 'href="http' not in page.text  # no third party


async def test_first_load_of_the_login_page_fits_the_budget(client: httpx.AsyncClient) -> None:
    """Bytes on the wire for a cold first visit: the page and everything it loads, gzipped."""
    page = await client.get("/login")
    total = len(gzip.compress(page.content))
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text):
        total += len(gzip.compress((await client.get(url)).content))
    assert total <= FIRST_LOAD_BUDGET, total


async def test_pages_keep_the_strict_csp(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in page.text and " style=" not in page.text


async def test_web_vitals_are_validated_and_logged_with_the_page_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    beacon = {
        "page_request_id": "0123456789abcdef0123456789abcdef",
        "path": "/admin/users",
        "lcp_ms": 412.5,
        "cls": 0.01,
        "inp_ms": None,
        "ttfb_ms": 20.1,
        "long_tasks": 1,
        "long_task_ms": 63,
    }
    with caplog.at_level(logging.INFO):
        response = await client.post(
            "/api/telemetry/web-vitals",
            content=__import__("json").dumps(beacon),
            headers={"content-type": "text/plain;charset=UTF-8"},
        )
    assert response.status_code == 202, response.text
    assert "ratelimit-limit" in response.headers
    assert any("0123456789abcdef0123456789abcdef" in r.getMessage() for r in caplog.records) or any(
        "0123456789abcdef0123456789abcdef" in str(getattr(r, "msg", "")) for r in caplog.records
    )
    bad = await client.post("/api/telemetry/web-vitals", json={**beacon, "cls": -1})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "VALIDATION_FAILED"
    # Found by schemathesis: a JSON boolean was read as the number 0 or 1 (202).
    for field in ("long_task_ms", "long_tasks", "cls"):
        mixed = await client.post("/api/telemetry/web-vitals", json={**beacon, field: False})
        assert mixed.status_code == 422, (field, mixed.text)
    extra = await client.post("/api/telemetry/web-vitals", json={**beacon, "email": "x@y.z"})
    assert extra.status_code == 422
    with_query = await client.post("/api/telemetry/web-vitals", json={**beacon, "path": "/a?q=x"})
    assert with_query.status_code == 422
    huge = await client.post("/api/telemetry/web-vitals", content=b"{" + b" " * 5000 + b"}")
    assert huge.status_code == 400


def _calls(dependant) -> list:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_calls(sub))
    return found


async def test_every_page_route_declares_access_rate_limit_and_csrf(app) -> None:
    pages = [
        r
        for r in iter_routes(app)
        if r.is_api and not r.path.startswith(("/api", "/docs", "/metrics"))
    ]
    assert len(pages) >= 15
    for route in pages:
        assert route.access, f"{route.path} has no access policy"
        assert route.rate_limits, f"{route.path} has no rate-limit policy"
    from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]

    writes = 0
    for raw in iter_route_contexts(app.routes):
        path = str(raw.path)
        methods = set(getattr(raw, "methods", None) or ())
        if path.startswith("/api") or not methods & {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        writes += 1
        calls = _calls(raw.dependant)
        assert any(isinstance(c, CsrfCheck) for c in calls), f"{path} lacks CsrfProtected"
    assert writes >= 10
