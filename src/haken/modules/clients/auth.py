"""The access of clients (派遣先), their sites, units and contacts.

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CoordinatorPrincipal, SiteManagerPrincipal

ClientsRead = SiteManagerPrincipal
"""Lists and records; a site manager: the clients of their sites."""
ClientsWrite = CoordinatorPrincipal
"""Register, edit, archive; their forms."""
ClientsExport = CoordinatorPrincipal
"""The client list as CSV/Excel."""

__all__ = ["ClientsExport", "ClientsRead", "ClientsWrite"]
