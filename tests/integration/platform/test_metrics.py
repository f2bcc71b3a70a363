"""/metrics: token-gated, labelled by route template, fed by requests, rate limits and the pool."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from haken.platform.metrics import UNMATCHED_ROUTE, exported_metric_names
from haken.platform.routes import iter_routes

pytestmark = pytest.mark.integration

TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(app: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(app.state.settings, "metrics_token", SecretStr(TOKEN))
    return TOKEN


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_absent_without_a_configured_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ROUTE_NOT_FOUND"


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer "])
async def test_metrics_refuse_a_missing_or_wrong_token(
    client: httpx.AsyncClient, metrics_token: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"


async def test_requests_are_counted_by_route_template_never_raw_path(
    client: httpx.AsyncClient, metrics_token: str
) -> None:
    before = await scrape(client)
    for user_id in (101, 202, 303):
        assert (await client.get(f"/api/users/{user_id}")).status_code == 401
    assert (await client.get("/no/such/path/4711")).status_code == 404
    assert (await client.get("/api/health")).status_code == 200
    after = await scrape(client)
    template = "/api/users/{user_id}"
    key = {"method": "GET", "route": template, "status": "401"}
    assert (
        value(after, "haken_http_requests_total", **key)
        - value(before, "haken_http_requests_total", **key)
        == 3
    )
    unmatched = {"method": "GET", "route": UNMATCHED_ROUTE, "status": "404"}
    assert (
        value(after, "haken_http_requests_total", **unmatched)
        - value(before, "haken_http_requests_total", **unmatched)
        == 1
    )
    timed = {"method": "GET", "route": template}
    assert (
        value(after, "haken_http_request_duration_seconds_count", **timed)
        - value(before, "haken_http_request_duration_seconds_count", **timed)
        == 3
    )
    routes = {dict(labels).get("route") for (_, labels) in after}
    assert not any(r and ("101" in r or "4711" in r) for r in routes)


async def test_rate_limit_decisions_and_pool_are_exported(
    client: httpx.AsyncClient, metrics_token: str, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    before = await scrape(client)
    assert (await client.get("/api/users", headers=headers)).status_code == 200
    after = await scrape(client)
    allowed = {"policy": "default", "decision": "allowed"}
    assert value(after, "haken_ratelimit_decisions_total", **allowed) > value(
        before, "haken_ratelimit_decisions_total", **allowed
    )
    names = {name for name, _ in after}
    assert {"haken_db_pool_checked_out", "haken_db_pool_size", "haken_cache_degraded"} <= names
    assert names - {n for n in names if not n.startswith("haken_")} <= exported_metric_names()


def test_metrics_route_declares_token_access_and_rate_limit_exemption(app: Any) -> None:
    [route] = [r for r in iter_routes(app) if r.path == "/metrics"]
    assert route.access == ("metrics-token",)
    assert route.rate_limits == ("exempt",)
