"""The access of company housing (社宅).

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CoordinatorPrincipal, CurrentPrincipal

HousingRead = CoordinatorPrincipal
"""Apartments, rooms, stays, occupancy, deductions."""
HousingWrite = CoordinatorPrincipal
"""Apartments, rooms, move-in and move-out; their forms."""
HousingExport = CoordinatorPrincipal
"""The occupancy list as CSV/Excel."""
OwnHousing = CurrentPrincipal
"""My own stays (the portal)."""

__all__ = ["HousingExport", "HousingRead", "HousingWrite", "OwnHousing"]
