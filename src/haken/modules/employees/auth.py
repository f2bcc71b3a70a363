"""The access of employees.

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import (
    AdminPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
    SiteManagerPrincipal,
)

EmployeesRead = CurrentPrincipal
"""A record and the API list, rows scoped: an employee reads themself, a site manager
the staff of their sites."""
EmployeesOverview = SiteManagerPrincipal
"""The list page, headcount, residence cards due."""
EmployeesWrite = CoordinatorPrincipal
"""Register, edit, archive, dependants, contract periods; their forms."""
EmployeesExport = CoordinatorPrincipal
"""The employee list as CSV/Excel."""
NumbersReveal = AdminPrincipal
"""My Number, residence card and bank account in full (audited)."""

__all__ = [
    "EmployeesExport",
    "EmployeesOverview",
    "EmployeesRead",
    "EmployeesWrite",
    "NumbersReveal",
]
