"""The access of the offices area (派遣元事業所).

Each dependency is named once here and imported by both ``endpoints.py`` and ``pages.py``.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CoordinatorPrincipal

OfficesRead = CoordinatorPrincipal
"""The offices (a contract names one: the coordinator picks it)."""
OfficesWrite = AdminPrincipal
"""Create, edit, archive an office; choose the default one."""

__all__ = ["OfficesRead", "OfficesWrite"]
