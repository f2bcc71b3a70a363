"""The access of attendance, named once for ``endpoints.py`` and ``pages.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import (
    AdminPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
    SiteManagerPrincipal,
)

TimecardsRead = CurrentPrincipal
"""Timecards, a worker's month and the premium calculator through the API: scoped by the
service (an employee their own, a site manager their sites', the office every one)."""
TimecardsWrite = CurrentPrincipal
"""Enter, edit and submit timecards: rows scoped by the service (an employee their own, a site
manager their sites', the office every one)."""
OwnTimecards = CurrentPrincipal
"""The portal's own timecards (/me/timecards)."""
TimecardsApprove = SiteManagerPrincipal
"""Approve or send back submitted cards (the approval queue): a site manager their sites'."""
AttendanceRead = SiteManagerPrincipal
"""A worker's month and a site's settings: a site manager the workers of their sites."""
AttendanceOffice = CoordinatorPrincipal
"""The month grid of a site, the periods list, the ledger and the 36協定 limits."""
PeriodsClose = AdminPrincipal
"""Close and reopen periods (reopening needs a reason, kept in the audit log)."""

__all__ = [
    "AttendanceOffice",
    "AttendanceRead",
    "OwnTimecards",
    "PeriodsClose",
    "TimecardsApprove",
    "TimecardsRead",
    "TimecardsWrite",
]
