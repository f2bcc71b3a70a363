"""The access of generated documents, named once for ``endpoints.py`` and ``pages.py``.

The office (coordinators and above) issues, lists and downloads every document; a client
supervisor lists and downloads the ones addressed to its client, in the portal (the
client_portal's ``ClientSupervisor``). The policy tables of ``tests/integration/
test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import (
    AdminPrincipal,
    ClientPrincipal,
    CoordinatorPrincipal,
    CurrentPrincipal,
)

DocumentsIssue = CoordinatorPrincipal
"""Issue a document (a new version when its data changed)."""
DocumentsRead = CoordinatorPrincipal
"""Lists per contract, worker, client; one version; its PDF."""
ClientDocuments = ClientPrincipal
"""The documents addressed to the supervisor's client (portal); per-site ones of its sites."""
OwnDocuments = CurrentPrincipal
"""A signed-in user's own documents addressed to the worker (就業条件明示書; /me)."""
ForeignReports = CoordinatorPrincipal
"""The 外国人雇用状況届出 list and its CSV (the office only)."""
AnnualReports = AdminPrincipal
"""The annual 事業報告書 figures and the マージン率 disclosure (fees and wages: admins, as the
billing's margin rate)."""
BulkDocuments = CoordinatorPrincipal
"""Issue a document kind for every current assignment of a client (or all) as one ZIP (a job)."""

__all__ = [
    "AnnualReports",
    "BulkDocuments",
    "ClientDocuments",
    "DocumentsIssue",
    "DocumentsRead",
    "ForeignReports",
    "OwnDocuments",
]
