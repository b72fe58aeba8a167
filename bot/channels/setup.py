"""The record channels the settings make available (SMTP_* for email, MESH_* for MESH)."""

from __future__ import annotations

from bot.channels.dispatch import RecordChannel
from bot.channels.email import EmailChannel, SmtpSettings
from bot.config import Settings


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    """The SMTP settings, or None while SMTP_HOST or SMTP_FROM is not set."""
    if not settings.smtp_host or not settings.smtp_from:
        return None
    return SmtpSettings(
        host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from, ca_file=settings.smtp_ca_file,
        max_bytes=settings.email_max_bytes)


def record_channels(settings: Settings) -> dict[str, RecordChannel]:
    """Each configured record channel by name (`email`, `mesh`); an unconfigured one is left
    out, and its items wait (staff are alerted) until it is configured."""
    found: dict[str, RecordChannel] = {}
    smtp = smtp_settings(settings)
    if smtp is not None:
        found["email"] = EmailChannel(smtp)
    return found
