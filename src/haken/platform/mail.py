"""Outgoing mail over SMTP (stdlib ``smtplib`` in a worker thread).

Settings: ``HAKEN_SMTP_*`` (docs/operations.md). Without ``HAKEN_SMTP_HOST`` nothing is
sent (development): callers keep the mail undelivered. Errors propagate, so the job that
sends retries with back-off and dead-letters like any other job.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TextIO

from haken.config import Settings
from haken.platform.logging import get_logger

log = get_logger(__name__)


class MailNotConfiguredError(RuntimeError):
    """No SMTP host is configured."""


def _compose(settings: Settings, to_address: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to_address
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="haken")
    message.set_content(body, charset="utf-8")
    return message


def _send_blocking(settings: Settings, message: EmailMessage) -> None:
    timeout = settings.smtp_timeout_seconds
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.smtp_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        smtp.ehlo()
        if settings.smtp_starttls and not settings.smtp_ssl:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_username, password)
        smtp.send_message(message)


async def send_mail(settings: Settings, *, to_address: str, subject: str, body: str) -> None:
    """Send one mail; raises on any SMTP or network error."""
    if not settings.smtp_host:
        raise MailNotConfiguredError("HAKEN_SMTP_HOST is not set")
    message = _compose(settings, to_address, subject, body)
    await asyncio.to_thread(_send_blocking, settings, message)


def warn_if_mail_is_held(settings: Settings, stderr: TextIO) -> bool:
    """Production without ``HAKEN_SMTP_HOST``: reset and invitation mails would stay held in
    the outbox forever (nobody can read them there), so ``haken serve`` says so: a log line
    and a stderr line. True when it warned."""
    if not settings.is_production or settings.smtp_host:
        return False
    log.warning("mail is held: no SMTP host", setting="HAKEN_SMTP_HOST")
    print(
        "haken: warning: HAKEN_SMTP_HOST is not set; password-reset and invitation mails "
        "are held undelivered (set the HAKEN_SMTP_* settings, docs/operations.md)",
        file=stderr,
    )
    return True


__all__ = ["MailNotConfiguredError", "send_mail", "warn_if_mail_is_held"]
