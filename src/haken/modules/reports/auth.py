"""The access of the reports, named once for ``pages.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import SiteManagerPrincipal

ReportsRead = SiteManagerPrincipal
"""The reports and their exports, scoped like the dashboard: a site manager sees the rows of
their sites (no money: the margin report stays the billing area's), the office every row."""

__all__ = ["ReportsRead"]
