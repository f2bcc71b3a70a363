"""The reports' rows of the route walk (tests/integration/test_policies.py)."""

from __future__ import annotations

M = "role>=site_manager"
# Site managers and up, scoped like the dashboard (a site manager: their sites); exports too.
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/reports"): M,
    ("GET", "/reports/headcount"): M,
    ("GET", "/reports/headcount/export.{file_format}"): M,
    ("GET", "/reports/overtime"): M,
    ("GET", "/reports/overtime/export.{file_format}"): M,
    ("GET", "/reports/residence"): M,
    ("GET", "/reports/residence/export.{file_format}"): M,
    ("GET", "/reports/conflicts"): M,
    ("GET", "/reports/conflicts/export.{file_format}"): M,
}
