"""The access of the inbox, named once for ``endpoints.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CurrentPrincipal

InboxAccess = CurrentPrincipal
"""Every signed-in account reads and marks its own notifications only (another's: 404)."""

__all__ = ["InboxAccess"]
