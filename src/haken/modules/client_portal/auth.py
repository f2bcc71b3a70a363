"""The access of the client portal, named once for ``endpoints.py`` and ``pages.py``.

A client supervisor (role ``client_supervisor``) passes only :data:`ClientSupervisor`;
every agency policy refuses it by construction (``platform/access.py``: another
audience), and every agency role is refused here. The agency invites supervisors.
The policy tables of ``tests/integration/test_policies.py`` check what each name means.
"""

from __future__ import annotations

from haken.platform.access import ClientPrincipal, CoordinatorPrincipal, PublicAccess

ClientSupervisor = ClientPrincipal
"""The portal: workers placed with the client, timecards by week, documents addressed to it."""
SupervisorsInvite = CoordinatorPrincipal
"""The agency's invitation of a client supervisor (one-time link, expiring)."""
InvitationAccept = PublicAccess
"""The invitation link's page: set a password (the token is the credential)."""

__all__ = ["ClientSupervisor", "InvitationAccept", "SupervisorsInvite"]
