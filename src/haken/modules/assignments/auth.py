"""The access of contracts (個別契約) and assignments.

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CoordinatorPrincipal, CurrentPrincipal, SiteManagerPrincipal

AssignmentsRead = SiteManagerPrincipal
"""Contracts, assignments, 抵触日; a site manager: their sites, without money."""
AssignmentsWrite = CoordinatorPrincipal
"""Contracts, placements, ends, rate changes, prior periods; pay and bill rates; their forms."""
PayRead = CoordinatorPrincipal
"""Pay and bill rates (money: coordinators and above)."""
AssignmentsExport = CoordinatorPrincipal
"""The contract and assignment lists as CSV/Excel."""
OwnAssignments = CurrentPrincipal
"""Where I work and my own pay (the portal)."""

__all__ = ["AssignmentsExport", "AssignmentsRead", "AssignmentsWrite", "OwnAssignments", "PayRead"]
