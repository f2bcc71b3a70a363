"""The access of the agency dashboard, named once for ``endpoints.py`` and ``pages.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import SiteManagerPrincipal

DashboardRead = SiteManagerPrincipal
"""The agency dashboard: a site manager sees the figures of their sites (no money), the
office every figure."""

__all__ = ["DashboardRead"]
