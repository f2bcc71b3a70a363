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
import urllib.error
import urllib.request
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
    ("/employees", ADMIN),
    ("/candidates", ADMIN),
    ("/clients", ADMIN),
    ("/contracts", ADMIN),
    ("/assignments", ADMIN),
    ("/housing", ADMIN),
    ("/admin/users", ADMIN),
    ("/audit", ADMIN),
    ("/employees/1", ADMIN),
    ("/employees/1/edit", ADMIN),
    ("/employees/1/dependants", ADMIN),
    ("/employees/1/reveal", ADMIN),
    ("/admin/sessions", ADMIN),
    ("/account", ADMIN),
    ("/admin/system", ADMIN),
    ("/me", EMPLOYEE),
]
SEED_EMPLOYEES = 50  # one full list page
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


def _api(base_url: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)  # noqa: S310
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback only
            return json.loads(answer.read())["data"]
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {path}: {error.code} {error.read()[:500]!r}") from error


def seed(base_url: str) -> None:
    """A list page's worth of records through the JSON API (the same services as the pages)."""
    token = _api(
        base_url, "POST", "/api/auth/login", {"email": ADMIN.email, "password": ADMIN.password}
    )["access_token"]
    client = _api(base_url, "POST", "/api/clients", {"name": "株式会社ベンチ工業"}, token)
    site = _api(
        base_url,
        "POST",
        "/api/sites",
        {
            "client_id": client["id"],
            "name": "ベンチ工場",
            "prefecture": "23",
            "address_line1": "1-1",
            "dispatch_started_on": "2024-04-01",
        },
        token,
    )
    _api(base_url, "POST", "/api/units", {"site_id": site["id"], "name": "組立課"}, token)
    apartment = _api(
        base_url,
        "POST",
        "/api/housing/apartments",
        {"name": "ベンチ荘", "prefecture": "23", "address_line1": "2-2"},
        token,
    )
    _api(
        base_url,
        "POST",
        "/api/housing/rooms",
        {"apartment_id": apartment["id"], "name": "101", "capacity": 4, "rent_per_occupant": 25000},
        token,
    )
    family = [
        ("山田", "やまだ", "Yamada"),
        ("佐藤", "さとう", "Sato"),
        ("鈴木", "すずき", "Suzuki"),
        ("グエン", "ぐえん", "Nguyen"),
        ("シルバ", "しるば", "Silva"),
    ]
    given = [
        ("太郎", "たろう", "Taro"),
        ("花子", "はなこ", "Hanako"),
        ("アン", "あん", "An"),
        ("マリア", "まりあ", "Maria"),
        ("健", "けん", "Ken"),
        ("ミン", "みん", "Minh"),
        ("ジョアン", "じょあん", "Joao"),
        ("葵", "あおい", "Aoi"),
        ("蓮", "れん", "Ren"),
        ("ラン", "らん", "Lan"),
    ]
    for n in range(SEED_EMPLOYEES):
        (fk, fa, fr), (gk, ga, gr) = family[n % 5], given[n // 5 % 10]
        foreign = fr in {"Nguyen", "Silva"}
        person: dict[str, Any] = {
            "name_kanji": f"{fk} {gk}",
            "name_kana": f"{fa} {ga}",
            "name_romaji": f"{fr} {gr}",
            "birth_date": f"19{70 + n % 30}-04-0{1 + n % 9}",
            "nationality": "VN" if foreign else "JP",
        }
        if foreign:
            person["residence_status"] = "SPECIFIED_SKILLED_WORKER_1"
            person["residence_card_expiry"] = f"2027-0{1 + n % 9}-15"
        _api(
            base_url,
            "POST",
            "/api/employees",
            {**person, "employment_type": "dispatch", "hire_date": "2025-04-01"},
            token,
        )
        if n < 20:
            _api(
                base_url,
                "POST",
                "/api/candidates",
                {**person, "birth_date": f"200{n % 6}-05-1{n % 9}"},
                token,
            )


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
            seed(server.base_url)
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
