"""Measure the web UI's Core Web Vitals in headless Chromium: LCP, CLS, long tasks, bytes.

    python bench/web_vitals.py [--runs 5] [--out bench/results/web_vitals.json]

Starts the real app (uvicorn, fresh SQLite, seeded accounts, see
tests/e2e/liveserver.py), signs in, and loads each main page cold (a new
browser context: empty cache) ``--runs`` times. Per page it records the median
and worst LCP, CLS, number and total time of long tasks (>50 ms), and the
bytes transferred for the first load (compressed, headers included) from the
Resource Timing API. Goals on localhost: LCP ≤ 1.0 s, CLS ≤ 0.05, first load
≤ 100 KB. Screenshots go to test-artifacts/web-vitals/ for a look.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from tests.e2e.liveserver import SeedUser, start  # noqa: E402

CHROMIUM = os.environ.get("HAKEN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "bench-password-0123"  # noqa: S105 - a throw-away account on a temp database
ADMIN = SeedUser("bench.admin@bench.example", "super_admin", PASSWORD, "ja")
EMPLOYEE = SeedUser("bench.worker@bench.example", "employee", PASSWORD, "en")
# (page, who is signed in); staffing pages join this list as their modules add them.
PAGES: list[tuple[str, SeedUser | None]] = [
    ("/login", None),
    ("/", ADMIN),
    ("/admin/users", ADMIN),
    ("/audit", ADMIN),
    ("/account", ADMIN),
    ("/admin/system", ADMIN),
    ("/me", EMPLOYEE),
]
GOALS = {"lcp_ms": 1000.0, "cls": 0.05, "first_load_bytes": 100 * 1024}

# Registered before any page script: buffered observers see the whole load.
OBSERVE = """
window.__bench = {lcp: null, cls: 0, longTasks: 0, longTaskMs: 0};
new PerformanceObserver(l => { const e = l.getEntries(); const x = e[e.length - 1];
  if (x) window.__bench.lcp = x.renderTime || x.loadTime || x.startTime; })
  .observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries())
  if (!e.hadRecentInput) window.__bench.cls += e.value; })
  .observe({type: 'layout-shift', buffered: true});
new PerformanceObserver(l => { for (const e of l.getEntries()) {
  window.__bench.longTasks += 1; window.__bench.longTaskMs += e.duration; } })
  .observe({type: 'longtask', buffered: true});
"""
COLLECT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const bytes = (nav ? nav.transferSize : 0) + res.reduce((s, r) => s + r.transferSize, 0);
  const body = (nav ? nav.encodedBodySize : 0) + res.reduce((s, r) => s + r.encodedBodySize, 0);
  const decoded = (nav ? nav.decodedBodySize : 0) + res.reduce((s, r) => s + r.decodedBodySize, 0);
  return {...window.__bench, transfer_bytes: bytes, encoded_body_bytes: body,
          decoded_body_bytes: decoded, requests: res.length + 1,
          ttfb_ms: nav ? nav.responseStart : null,
          dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
          load_ms: nav ? nav.loadEventEnd : null};
}"""


def _signed_in_state(browser: Browser, base_url: str, user: SeedUser) -> dict[str, Any]:
    context = browser.new_context(base_url=base_url, locale="ja-JP")
    page = context.new_page()
    page.goto("/login")
    page.locator("#f-email").fill(user.email)
    page.locator("#f-password").fill(user.password)
    page.locator("form[action='/login'] button").click()
    page.wait_for_load_state("load")
    state = context.storage_state()
    context.close()
    return state  # type: ignore[return-value]


def measure(runs: int, shots: Path) -> dict[str, Any]:
    shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="haken-vitals-") as tmp:
        server = start(Path(tmp), [ADMIN, EMPLOYEE])
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                states = {
                    u.email: _signed_in_state(browser, server.base_url, u)
                    for u in (ADMIN, EMPLOYEE)
                }
                results = {}
                for path, user in PAGES:
                    samples = []
                    for run in range(runs):
                        context = browser.new_context(
                            base_url=server.base_url,
                            locale="ja-JP",
                            viewport={"width": 1280, "height": 800},
                            storage_state=states[user.email] if user else None,  # type: ignore[arg-type]
                        )
                        context.add_init_script(OBSERVE)
                        page = context.new_page()
                        response = page.goto(path, wait_until="load")
                        assert response is not None and response.status == 200, (path, response)
                        page.wait_for_timeout(500)  # let late shifts and long tasks land
                        samples.append(page.evaluate(COLLECT))
                        if run == 0:
                            name = path.strip("/").replace("/", "_") or "home"
                            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                        context.close()
                    results[path] = summarize(samples)
                version = browser.version
                browser.close()
        finally:
            server.stop()
    return {"chromium": version, "pages": results}


def summarize(samples: list[dict[str, Any]]) -> dict[str, Any]:
    def stat(key: str) -> dict[str, float | None]:
        values = [s[key] for s in samples if s[key] is not None]
        if not values:
            return {"median": None, "max": None}
        return {"median": round(statistics.median(values), 4), "max": round(max(values), 4)}

    first = samples[0]
    return {
        "runs": len(samples),
        "lcp_ms": stat("lcp"),
        "cls": stat("cls"),
        "long_tasks": stat("longTasks"),
        "long_task_ms": stat("longTaskMs"),
        "ttfb_ms": stat("ttfb_ms"),
        "load_ms": stat("load_ms"),
        "first_load_transfer_bytes": first["transfer_bytes"],
        "first_load_body_bytes_compressed": first["encoded_body_bytes"],
        "first_load_body_bytes_uncompressed": first["decoded_body_bytes"],
        "requests": first["requests"],
    }


def verdict(pages: dict[str, Any]) -> dict[str, bool]:
    return {
        path: (
            (r["lcp_ms"]["max"] or 0) <= GOALS["lcp_ms"]
            and (r["cls"]["max"] or 0) <= GOALS["cls"]
            and r["first_load_transfer_bytes"] <= GOALS["first_load_bytes"]
        )
        for path, r in pages.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web_vitals.json")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "test-artifacts" / "web-vitals")
    args = parser.parse_args()
    measured = measure(args.runs, args.screenshots)
    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "chromium": measured["chromium"],
        "conditions": "localhost, no network or CPU throttling, cold cache per run, 1280x800",
        "goals": GOALS,
        "pages": measured["pages"],
        "meets_goals": verdict(measured["pages"]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for path, r in report["pages"].items():
        print(
            f"{path:22} LCP {r['lcp_ms']['median']:>7} ms (max {r['lcp_ms']['max']})  "
            f"CLS {r['cls']['max']}  long tasks {r['long_tasks']['max']}  "
            f"first load {r['first_load_transfer_bytes'] / 1024:.1f} KB"
        )
    print(f"wrote {args.out}")
    return 0 if all(report["meets_goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
