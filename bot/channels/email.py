"""NHSmail channel: one message per case to the practice's shared mailbox, over SMTP with TLS.

The message: subject `channels.email.subject` (the case reference only, never a patient
identifier; after a re-submission its version too, and the body says it replaces the earlier
version and which photos are new: `intro`), what the practice files it by (its reference,
the date of birth the patient confirmed and the NHS number staff typed, if any:
`identifiers`), the summary as plain text and HTML, the referral pack PDF and the three
photos as attachments (named with the version after a re-submission), in at most
`EMAIL_MAX_BYTES` (default 20 MB, encoded size). If the photos would take it over, they
are left out (the pack holds them) and the body says so; if the pack alone does not fit,
the case is Undeliverable by email. Transport: aiosmtplib with STARTTLS or implicit TLS,
never plain text. SMTP 4xx replies and network errors are TryLater; 5xx replies are
Undeliverable.
"""

from __future__ import annotations

import html
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Literal

import aiosmtplib

from bot.channels.casefile import CaseFile
from bot.channels.outcome import Refused
from bot.content import text
from bot.domain.questions import worded
from bot.inbox.gp_messages import pack_version
from bot.services.delivery import TryLater, Undeliverable

Security = Literal["starttls", "tls"]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send mail: host, port, `starttls` (port 587) or `tls` (465), login,
    the From address, an optional CA file (a private CA; otherwise the system's), and the
    largest message in bytes."""

    host: str
    port: int
    security: Security
    username: str | None
    password: str | None
    sender: str
    ca_file: Path | None = None
    max_bytes: int = 20 * 1024 * 1024
    timeout_seconds: float = 30.0

    def tls_context(self) -> ssl.SSLContext:
        """A verifying TLS context (TLS 1.2 or newer) trusting `ca_file` or the system CAs."""
        context = ssl.create_default_context(
            cafile=str(self.ca_file) if self.ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


def size_words(limit: int) -> str:
    """A size as staff read it: "20 MB", "3.2 MB", "900 KB"."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{limit // 1024} KB"


def identifiers(case: CaseFile) -> list[tuple[str, str]]:
    """The (label, value) pairs the practice files the case by: its own reference, the date
    of birth the patient (for a child, the parent or guardian) confirmed, the NHS number staff
    typed (or why there is none) and the age. NHSmail is a secure route for patient
    identifiers; the subject still holds none."""
    digest = case.digest
    return [(text("channels.email.patient_ref"), digest.patient_ref),
            (worded("channels.email.date_of_birth", parent=digest.case.consent_by == "parent"),
             digest.date_of_birth or text("channels.email.date_of_birth_none")),
            (text("channels.email.nhs_number"),
             digest.nhs_number or text("channels.email.nhs_number_none")),
            (text("channels.email.age"), digest.age_text)]


def subject(case: CaseFile) -> str:
    """The subject: the case reference, and its version after a re-submission."""
    digest = case.digest
    if digest.version > 1:
        return text("channels.email.subject_version", reference=digest.case.reference,
                    version=digest.version)
    return text("channels.email.subject", reference=digest.case.reference)


def intro(case: CaseFile) -> str:
    """The first paragraph: what the message is and what to do with it. A re-submission's
    says which version it is, that it replaces the earlier one, and which photos are new."""
    digest = case.digest
    values = {"reference": digest.case.reference, "practice": digest.practice.name,
              "submitted": digest.submitted_on}
    if digest.version == 1:
        return text("channels.email.intro", **values)
    new = (text("channels.email.new_photos", shots=" and ".join(digest.new_shots))
           if digest.new_shots else text("channels.email.same_photos"))
    return text("channels.email.intro_version", version=digest.version,
                previous=digest.version - 1, new=new, **values)


def photo_name(case: CaseFile, slot: str) -> str:
    """An attached photo's file name: the reference, the shot, and the version after a
    re-submission ("TD-…-close-up-1-v2.jpg", as in the GP's chat)."""
    return text("channels.email.photo_name", reference=case.digest.case.reference,
                shot=slot.replace("_", "-"), version=pack_version(case.digest.version))


def _plain(case: CaseFile, photos_left_out: str | None) -> str:
    digest = case.digest
    lines = [intro(case), ""]
    lines += [f"{label}: {value}" for label, value in identifiers(case)]
    if digest.consent:
        lines += ["", f"{text('channels.email.consent')}: {digest.consent}"]
    lines += ["", text("channels.email.answers")]
    lines += [f"- {question}: {answer}" for question, answer in digest.answers]
    lines += ["", text("channels.email.flags")]
    lines += [f"- {flag}" for flag in digest.flags] or [f"- {text('inbox.gp.no_flags')}"]
    if photos_left_out:
        lines += ["", photos_left_out]
    return "\n".join(lines) + "\n"


def _html(case: CaseFile, photos_left_out: str | None) -> str:
    digest = case.digest
    body = digest.summary_html.replace("\n", "<br>\n")
    extra = f"<p>{html.escape(photos_left_out)}</p>" if photos_left_out else ""
    first = html.escape(intro(case))
    filed_by = "<br>\n".join(f"<b>{html.escape(label)}</b>: {html.escape(value)}"
                             for label, value in identifiers(case))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
            f"<p>{first}</p><p>{filed_by}</p><p>{body}</p>{extra}</body></html>")


def build_message(case: CaseFile, *, sender: str, to: str, max_bytes: int,
                  message_id: str | None = None) -> EmailMessage:
    """The message for one case; Undeliverable if the pack alone exceeds `max_bytes`."""
    def compose(with_photos: bool) -> EmailMessage:
        left_out = None if with_photos or not case.digest.photos else text(
            "channels.email.photos_left_out", limit=size_words(max_bytes))
        message = EmailMessage()
        message["Subject"] = subject(case)
        message["From"] = sender
        message["To"] = to
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = message_id or make_msgid(domain=sender.split("@")[-1])
        message.set_content(_plain(case, left_out))
        message.add_alternative(_html(case, left_out), subtype="html")
        message.add_attachment(case.pdf, maintype="application", subtype="pdf",
                               filename=case.pack_name)
        if with_photos:
            for shot in case.digest.photos:
                message.add_attachment(shot.jpeg, maintype="image", subtype="jpeg",
                                       filename=photo_name(case, shot.slot))
        return message

    full = compose(with_photos=True)
    if len(full.as_bytes()) <= max_bytes:
        return full
    slim = compose(with_photos=False)
    if len(slim.as_bytes()) > max_bytes:
        raise Undeliverable(f"referral pack larger than EMAIL_MAX_BYTES ({max_bytes})")
    return slim


async def send_message(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Send over TLS (STARTTLS required, or implicit TLS); Refused on 4xx replies, TryLater on
    network errors and time-outs (the server may have taken it), Undeliverable on 5xx
    replies."""
    try:
        await aiosmtplib.send(
            message, hostname=smtp.host, port=smtp.port, username=smtp.username,
            password=smtp.password, use_tls=smtp.security == "tls",
            start_tls=smtp.security == "starttls", tls_context=smtp.tls_context(),
            timeout=smtp.timeout_seconds)
    except aiosmtplib.SMTPRecipientsRefused as refused:
        codes = [error.code for error in refused.recipients]
        if all(400 <= code < 500 for code in codes):
            raise Refused(f"smtp {codes[0]}") from refused
        raise Undeliverable(f"smtp recipient refused {codes[0] if codes else ''}") from refused
    except aiosmtplib.SMTPResponseException as answer:
        if 400 <= answer.code < 500:
            raise Refused(f"smtp {answer.code}") from answer
        raise Undeliverable(f"smtp {answer.code}") from answer
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as failed:
        raise TryLater(f"smtp: {type(failed).__name__}") from failed


class EmailChannel:
    """Send one case to the practice mailbox (`Practice.inbox_email`).

    SMTP cannot be asked whether a message already arrived, so a try after one that may have
    reached the server (the bot killed in between, or a time-out) can make a second copy:
    `checks_earlier_sends` is False and the dispatcher tells staff when that may have
    happened."""

    checks_earlier_sends = False

    def __init__(self, smtp: SmtpSettings) -> None:
        self._smtp = smtp

    async def deliver(self, case: CaseFile, to: str, outbox_id: int) -> str:
        """Send the case; return its Message-ID (stable per outbox item, so a copy sent again
        after a crash between sending and recording is recognisable as the same message)."""
        domain = self._smtp.sender.split("@")[-1]
        message_id = f"<{case.digest.case.reference}.s{case.submission}.o{outbox_id}@{domain}>"
        message = build_message(case, sender=self._smtp.sender, to=to,
                                max_bytes=self._smtp.max_bytes, message_id=message_id)
        await send_message(message, self._smtp)
        return message_id
