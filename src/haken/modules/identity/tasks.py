"""Background jobs of the identity area (idempotent: running one twice changes nothing)."""

from __future__ import annotations

from typing import Any

from haken.modules.identity.service import DELIVER_MAIL_JOB, identity_service
from haken.platform import idempotency
from haken.platform.jobs import JobContext, job
from haken.platform.mail import send_mail


@job("identity.purge_expired", schedule=lambda settings: settings.purge_schedule)
async def purge_expired(ctx: JobContext) -> dict[str, Any]:
    """Nightly: delete expired sessions, refresh tokens, password-reset tokens and the
    idempotency keys older than a day (platform/idempotency.py)."""
    purged = dict(await identity_service.purge_expired(ctx.session))
    purged["idempotency_keys"] = await idempotency.purge(ctx.session)
    return purged


@job(DELIVER_MAIL_JOB)
async def deliver_mail(ctx: JobContext, *, mail_id: int) -> dict[str, Any]:
    """Send one outbox mail over SMTP; the only place a sealed body is opened.

    A failure raises (the runner retries, then dead-letters); a mail already sent
    is not sent again. The result names the mail, never its content.
    """
    message = await identity_service.mail_for_delivery(ctx.session, mail_id)
    if message is None:
        return {"mail_id": mail_id, "status": "missing"}
    if message.sent:
        return {"mail_id": mail_id, "status": "already_sent"}
    await send_mail(
        ctx.settings, to_address=message.to_address, subject=message.subject, body=message.body
    )
    await identity_service.mark_mail_sent(ctx.session, mail_id)
    return {"mail_id": mail_id, "status": "sent"}
