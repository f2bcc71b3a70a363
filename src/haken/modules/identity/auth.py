"""The access of accounts, users and sessions.

Each dependency is named once here and imported by both ``endpoints.py`` and
``pages.py``, so an API route and its page cannot drift apart.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import AdminPrincipal, CurrentPrincipal, MaybePrincipal, PublicAccess

Anyone = PublicAccess
"""Sign-in, password reset, token refresh."""
MaybeSignedIn = MaybePrincipal
"""Pages that read a session if there is one (sign-out, language)."""
Account = CurrentPrincipal
"""My own account: profile, password, language, devices."""
UsersAdmin = AdminPrincipal
"""Users, roles, everyone's sessions, the outbox; their forms."""
UsersExport = AdminPrincipal
"""The user list as CSV/Excel."""

__all__ = ["Account", "Anyone", "MaybeSignedIn", "UsersAdmin", "UsersExport"]
