"""The access of minimum wages (地域別最低賃金).

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CoordinatorPrincipal

MinimumWagesRead = CoordinatorPrincipal
"""The amounts by fiscal year and prefecture."""
MinimumWagesWrite = AdminPrincipal
"""Enter or remove a fiscal year."""

__all__ = ["MinimumWagesRead", "MinimumWagesWrite"]
