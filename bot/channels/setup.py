"""The record channels the settings make available (SMTP_* for email, MESH_* for MESH)."""

from __future__ import annotations

from bot.channels.dispatch import RecordChannel
from bot.channels.email import EmailChannel, SmtpSettings
from bot.channels.mesh import MeshChannel, MeshSettings
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
    mesh = mesh_settings(settings)
    if mesh is not None:
        found["mesh"] = MeshChannel(mesh)
    return found


def mesh_settings(settings: Settings) -> MeshSettings | None:
    """The bot's MESH mailbox, or None while MESH_URL, MESH_MAILBOX, MESH_PASSWORD,
    MESH_SHARED_KEY or MESH_SENDER_ODS is not set."""
    if not (settings.mesh_url and settings.mesh_mailbox and settings.mesh_password
            and settings.mesh_shared_key and settings.mesh_sender_ods):
        return None
    return MeshSettings(
        url=settings.mesh_url, mailbox=settings.mesh_mailbox,
        password=settings.mesh_password.get_secret_value(),
        shared_key=settings.mesh_shared_key.get_secret_value(),
        sender_ods=settings.mesh_sender_ods, cert_file=settings.mesh_cert_file,
        key_file=settings.mesh_key_file, ca_file=settings.mesh_ca_file)
