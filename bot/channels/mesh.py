"""MESH channel: the referral pack to the practice's MESH mailbox as a GP Connect Send Document
message (workflow GPFED_CONSULT_REPORT), with NHS England's `mesh-client`.

Each message carries a local id made from the case reference, the submission and the outbox
item (`TD-7Q2K-s1-o42`). Before sending, the outbox is asked (MESH tracking by local id)
whether that message was already sent: a restart between MESH accepting it and the bot
recording it never sends it twice. MESH 5xx and 429 replies and network errors are TryLater
(the outbox retries with backoff; mesh-client's own retries are off); other 4xx replies
(an unknown mailbox, a refused workflow) are Undeliverable. A case without an NHS number is
Undeliverable by MESH (staff give it at invite time where the practice uses MESH).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import requests
from mesh_client import AuthTokenGenerator, MeshClient, MeshError, try_get_endpoint_from_url

from bot.channels.casefile import CaseFile
from bot.channels.fhir_bundle import WORKFLOW_ID, SendDocument, bundle_bytes
from bot.channels.itk_response import header_id
from bot.channels.outcome import Refused
from bot.content import text
from bot.services.delivery import TryLater, Undeliverable


@dataclass(frozen=True, slots=True)
class MeshSettings:
    """The bot's own MESH mailbox: endpoint URL, mailbox id, password, shared key, client
    certificate and key (mutual TLS on the real MESH), the CA to trust, and its ODS code."""

    url: str
    mailbox: str
    password: str
    shared_key: str
    sender_ods: str
    cert_file: Path | None = None
    key_file: Path | None = None
    ca_file: Path | None = None
    timeout_seconds: float = 60.0


def local_id(case: CaseFile, outbox_id: int) -> str:
    """The message's local id: the same for every try of one outbox item."""
    return f"{case.digest.case.reference}-s{case.submission}-o{outbox_id}"


def send_document(case: CaseFile, settings: MeshSettings, local: str = "") -> SendDocument:
    """The Send Document contents of a case, its MessageHeader id made from the message's
    local id `local` (`itk_response.header_id`); Undeliverable without an NHS number."""
    if not case.nhs_number or not case.date_of_birth:
        raise Undeliverable("no NHS number for MESH (give it with the invite)")
    practice = case.digest.practice
    reference = case.digest.case.reference
    return SendDocument(
        case_reference=reference, submission=case.submission,
        title=text("channels.mesh.title", reference=reference), pdf=case.pdf,
        pdf_name=case.pack_name,
        nhs_number=case.nhs_number, birth_date=case.date_of_birth,
        practice_name=practice.name, practice_ods=practice.ods_code or "",
        sender_ods=settings.sender_ods, sender_mailbox=settings.mailbox,
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        header_id=header_id(settings.mailbox, local) if local else "")


class MeshChannel:
    """Send one case to the practice's MESH mailbox (`Practice.mesh_mailbox`)."""

    checks_earlier_sends = True
    """Before each send MESH is asked whether this outbox item's message already went."""

    def __init__(self, settings: MeshSettings) -> None:
        self._settings = settings

    async def deliver(self, case: CaseFile, to: str, outbox_id: int) -> str:
        """Send the case (unless this outbox item was sent before); return the MESH message
        id."""
        local = local_id(case, outbox_id)
        doc = send_document(case, self._settings, local)
        return await asyncio.to_thread(self._send, doc, to, local)

    def _send(self, doc: SendDocument, to: str, local: str) -> str:
        try:
            with mesh_client(self._settings) as client:
                earlier = _sent_before(self._settings, client.mailbox_url, local)
                if earlier:
                    return earlier
                subject = (f"{doc.title} for NHS Number: {doc.nhs_number}, seen at "
                           f"{doc.practice_name}, {doc.practice_ods}, "
                           f"Version: {doc.submission}")
                return str(client.send_message(
                    to, bundle_bytes(doc), workflow_id=WORKFLOW_ID, local_id=local,
                    subject=subject, filename=f"{doc.case_reference}.json",
                    content_type="application/fhir+json"))
        except requests.HTTPError as refused:
            status = refused.response.status_code if refused.response is not None else 0
            if status >= 500 or status == 429:
                raise Refused(f"mesh {status}") from refused
            raise Undeliverable(f"mesh {status}") from refused
        except MeshError as refused:
            raise Undeliverable(f"mesh refused: {str(refused)[:80]}") from refused
        except (requests.ConnectionError, requests.Timeout) as failed:
            raise TryLater(f"mesh: {type(failed).__name__}") from failed


def mesh_client(s: MeshSettings) -> MeshClient:
    """mesh-client's client for the bot's own mailbox (its own retries off: the callers
    retry)."""
    cert = (str(s.cert_file), str(s.key_file)) if s.cert_file and s.key_file else None
    return MeshClient(s.url, s.mailbox, s.password, shared_key=s.shared_key.encode(),
                      cert=cert, verify=str(s.ca_file) if s.ca_file else None,
                      max_retries=0, timeout=s.timeout_seconds,
                      application_name="telederm-bot")


def _sent_before(settings: MeshSettings, mailbox_url: str, local: str) -> str | None:
    """The MESH message id of an earlier message from this mailbox with this local id, if one
    was sent: MESH's "track outbox" by local id (`GET .../outbox/tracking/{localID}`).

    mesh-client wraps only tracking by MESH's own message id (`MeshClient.track_message`),
    which the bot does not have until MESH has answered the send, so this asks with a session
    of its own, signed with mesh-client's public `AuthTokenGenerator`, with the same client
    certificate and the same CA (MESH_CA_FILE, else mesh-client's bundle for NHS England's
    endpoints), rather than through the client's private one. MESH's API marks tracking by local
    id as deprecated: if NHS England withdraws it, this answers None (404), and a restart in
    the window between MESH taking a message and the bot recording it would then send a second
    copy without warning (README, "Delivery guarantees").
    """
    with tracking_session(settings) as session:
        response = session.get(f"{mailbox_url}/outbox/tracking/{quote(local, safe='')}",
                               timeout=30)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    found = response.json()
    message_id = found.get("messageId") or found.get("message_id")
    return str(message_id) if message_id else None


def tracking_session(settings: MeshSettings) -> requests.Session:
    """A requests session that MESH accepts as the bot's mailbox: signed with mesh-client's
    `AuthTokenGenerator`, the client certificate (mutual TLS) and the CA to trust
    (MESH_CA_FILE, else mesh-client's bundle for NHS England's endpoints, else the system's)."""
    session = requests.Session()
    session.auth = AuthTokenGenerator(settings.shared_key.encode(), settings.mailbox,
                                      settings.password)
    session.headers["Accept"] = "application/vnd.mesh.v2+json"
    if settings.cert_file and settings.key_file:
        session.cert = (str(settings.cert_file), str(settings.key_file))
    endpoint = try_get_endpoint_from_url(settings.url)
    verify = settings.ca_file or (endpoint.verify if endpoint else None)
    if verify:
        session.verify = str(verify)
    return session
