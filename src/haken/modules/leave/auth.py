"""The access of paid leave, named once for ``endpoints.py`` and ``pages.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CoordinatorPrincipal, CurrentPrincipal, SiteManagerPrincipal

LeaveOverview = SiteManagerPrincipal
"""The leave list (/leave), a ledger page: rows scoped (a site manager: the workers of their
sites)."""
LeaveRead = CurrentPrincipal
"""A ledger through the API: an employee their own only."""
LeaveWrite = CoordinatorPrincipal
"""The employer's designations (時季指定, 計画的付与) and cancellations; their forms."""

__all__ = ["LeaveOverview", "LeaveRead", "LeaveWrite"]
