"""The access of the audit log.

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal

AuditLogRead = AdminPrincipal
"""The log, by record, user and period."""
AuditExport = AdminPrincipal
"""The log as CSV/Excel."""

__all__ = ["AuditExport", "AuditLogRead"]
