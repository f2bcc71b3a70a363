"""Metric registry, the route label, multiprocess merging and the worker's listener."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from haken.platform.metrics import UNMATCHED_ROUTE, exported_metric_names, route_label
from haken.platform.observability import WorkerMetricsServer, token_matches


class _Route:
    path = "/api/users/{user_id}"


def test_route_label_uses_the_template_or_a_fixed_label() -> None:
    assert route_label({"route": _Route(), "path": "/api/users/7"}) == "/api/users/{user_id}"
    assert route_label({"path": "/wp-admin/setup.php"}) == UNMATCHED_ROUTE


def test_registry_lists_series_names_by_type() -> None:
    names = exported_metric_names()
    assert "haken_http_requests_total" in names
    assert "haken_http_request_duration_seconds_bucket" in names
    assert "haken_cache_degraded" in names
    assert "haken_cache_degraded_total" not in names
    assert all(name.startswith("haken_") for name in names)


def test_token_matching_is_exact() -> None:
    assert token_matches("abc", "Bearer abc")
    assert token_matches("abc", "bearer abc")
    assert not token_matches("abc", "Bearer abcd")
    assert not token_matches(None, "Bearer abc")
    assert not token_matches("abc", None)
    assert not token_matches("abc", "Token abc")


def test_multiprocess_mode_merges_the_processes(tmp_path: Path) -> None:
    """Two processes count requests; a third renders the sum (what a scrape of N workers sees)."""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    count = textwrap.dedent(
        """
        from haken.platform import metrics
        metrics.http_requests_total.labels("GET", "/api/health", "200").inc(%d)
        metrics.http_requests_in_progress.labels("GET").inc()
        """
    )
    for amount in (2, 5):
        subprocess.run([sys.executable, "-c", count % amount], env=env, check=True)
    render = "from haken.platform.metrics import render_latest; print(render_latest()[0].decode())"
    output = subprocess.run(
        [sys.executable, "-c", render], env=env, check=True, capture_output=True, text=True
    ).stdout
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(output)
        for s in family.samples
    }
    key = (
        "haken_http_requests_total",
        (("method", "GET"), ("route", "/api/health"), ("status", "200")),
    )
    assert samples[key] == 7


async def test_worker_listener_serves_health_and_guards_metrics() -> None:
    server = WorkerMetricsServer("127.0.0.1", 0, "worker-token")
    port = await server.start()

    async def get(path: str, token: str | None = None) -> tuple[int, str]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\n".encode())
        await writer.drain()
        raw = await reader.read()
        writer.close()
        head, _, body = raw.decode().partition("\r\n\r\n")
        return int(head.split(" ")[1]), body

    try:
        assert await get("/health") == (200, "ok\n")
        assert (await get("/metrics"))[0] == 401
        status, body = await get("/metrics", "worker-token")
        assert status == 200 and "haken_jobs_queued" in body
        assert (await get("/other"))[0] == 404
        server.healthy = False
        assert (await get("/health"))[0] == 503
    finally:
        await server.stop()


def test_every_instrument_of_the_module_is_in_the_registry() -> None:
    from prometheus_client import Counter, Gauge, Histogram

    from haken.platform import metrics

    defined = {
        id(value)
        for value in vars(metrics).values()
        if isinstance(value, (Counter, Gauge, Histogram))
    }
    assert defined == {id(instrument) for instrument in metrics._INSTRUMENTS}
