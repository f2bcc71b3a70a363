"""Background jobs of the identity area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

from typing import Any

from haken.modules.identity.service import identity_service
from haken.platform.jobs import JobContext, job


@job("identity.purge_expired", schedule=lambda settings: settings.purge_schedule)
async def purge_expired(ctx: JobContext) -> dict[str, Any]:
    """Nightly: delete expired sessions, refresh tokens and password-reset tokens."""
    purged = await identity_service.purge_expired(ctx.session)
    return dict(purged)
