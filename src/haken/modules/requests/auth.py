"""The access of requests, named once for ``endpoints.py`` and ``pages.py``.

The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import CurrentPrincipal, SiteManagerPrincipal

RequestsRead = CurrentPrincipal
"""Lists and details: an employee their own requests only (another's: 404), a site manager
those of the workers at their sites, coordinators and above every request."""
RequestsSubmit = CurrentPrincipal
"""Submitting, cancelling, withdrawing, commenting: the requester's own (the service checks)."""
RequestsDecide = SiteManagerPrincipal
"""Approving and rejecting: the step's approver (the site manager of the worker's current
site, or an admin; admin steps: admins only), checked per request by the service."""


RequestsQueue = SiteManagerPrincipal
"""The office's pages (/requests: the approval queue and a request's detail): site managers
(their sites' workers) and above; an employee uses the portal (/me/requests)."""

__all__ = ["RequestsDecide", "RequestsQueue", "RequestsRead", "RequestsSubmit"]
