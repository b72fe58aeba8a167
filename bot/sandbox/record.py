"""The practice's own systems in the sandbox, on 127.0.0.1: a local SMTP server (aiosmtpd, with
STARTTLS and a login, as NHSmail requires) standing for the practice's shared mailbox, and NHS
England's MESH sandbox (`mesh-sandbox`, run as a child process) standing for MESH, with a poller
that collects and acknowledges what reaches the practice's MESH mailbox, and answers each case
with an ITK infrastructure and a business acknowledgement (received, filed), as the practice's
clinical system would, so that the bot's /invites shows the case filed in the GP record. What
arrived is kept under `DATA_DIR/practice-record/` and shown on the page's "Practice record"
panel.

These need the `sandbox` extra (`pip install 'telederm-bot[sandbox]'`: aiosmtpd, mesh-sandbox,
cryptography); without it `available()` says why and the sandbox runs with Telegram only.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import datetime as dt
import ipaddress
import json
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from bot.channels.fhir_bundle import WORKFLOW_ID
from bot.channels.itk_response import ACK_WORKFLOW_ID, FILED_CODE, RECEIVED_CODE, response_bundle

log = logging.getLogger("bot.sandbox")

HOST = "127.0.0.1"
SMTP_USER, SMTP_PASSWORD = "sandbox-bot@nhs.test", "sandbox-only-password"
"""The bot's login to the local SMTP server (made up: it works nowhere else)."""
SMTP_FROM = "teledermatology@nhs.test"
PRACTICE_EMAIL = "riverside.practice@nhs.test"
MESH_SHARED_KEY = "TestKey"
MESH_PASSWORD = "password"
BOT_MESH_MAILBOX, PRACTICE_MESH_MAILBOX = "X26ABC1", "X26ABC2"
"""Mailboxes that NHS England's MESH sandbox ships with (its canned data)."""
BOT_ODS, PRACTICE_ODS = "X26", "Y12345"
MESH_START_SECONDS = 60.0
MESH_POLL_SECONDS = 1.0
MESH_INBOX_EVERY_MINUTES = 0.05
"""The sandbox's bot reads its MESH inbox every 3 s (5 minutes by default), to show the loop."""
ANSWER_CODES = (RECEIVED_CODE, FILED_CODE)
"""What the sandbox's practice answers every case with: received, then filed in the record."""
NEEDS = ("aiosmtpd", "mesh_sandbox", "cryptography", "uvicorn")


def available() -> str | None:
    """None when the local SMTP server and MESH sandbox can run; else what to install."""
    missing = [name for name in NEEDS if find_spec(name) is None]
    if not missing:
        return None
    return (f"{', '.join(missing)} not installed: pip install 'telederm-bot[sandbox]' "
            "to see the email and MESH deliveries")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Part:
    """One part of an arrived message: its file name (or type), MIME type and size in bytes."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Arrival:
    """A case as it reached the practice: by `email` or by `mesh`.

    `key` names it in the page's links; `pdf` is the referral pack it carried (bytes).
    For email: `subject`, `message_id`, the parts. For MESH: `message_id` (MESH's),
    `workflow_id`, `local_id`, the parts of the FHIR bundle.
    """

    channel: str
    key: str
    message_id: str
    received_at: str
    size: int
    parts: tuple[Part, ...]
    pdf_name: str | None
    pdf: bytes | None
    subject: str = ""
    to: str = ""
    workflow_id: str = ""
    local_id: str = ""
    answered: tuple[str, ...] = ()
    """MESH: the ITK response codes the practice answered it with (20013 received, 30001
    filed)."""

    def as_json(self) -> dict[str, Any]:
        """What the page shows (no bytes; the PDF by its link)."""
        return {
            "channel": self.channel, "key": self.key, "message_id": self.message_id,
            "received_at": self.received_at, "size": self.size, "subject": self.subject,
            "to": self.to, "workflow_id": self.workflow_id, "local_id": self.local_id,
            "answered": list(self.answered),
            "parts": [{"name": p.name, "type": p.content_type, "size": p.size}
                      for p in self.parts],
            "pdf": ({"name": self.pdf_name, "url": f"/record/{self.channel}/{self.key}.pdf"}
                    if self.pdf is not None else None)}


def read_email(key: str, raw: bytes, received_at: str) -> Arrival:
    """An email as the practice mailbox holds it: subject, parts with sizes, the pack."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    parts: list[Part] = []
    pdf_name, pdf = None, None
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or f"({part.get_content_type()} body)"
        parts.append(Part(name, part.get_content_type(), len(data)))
        if part.get_content_type() == "application/pdf" and pdf is None:
            pdf_name, pdf = part.get_filename() or "referral-pack.pdf", data
    return Arrival("email", key, str(message.get("Message-ID", "")), received_at, len(raw),
                   tuple(parts), pdf_name, pdf, subject=str(message.get("Subject", "")),
                   to=str(message.get("To", "")))


def read_mesh(key: str, body: bytes, headers: dict[str, str], received_at: str,
              answered: tuple[str, ...] = ()) -> Arrival:
    """A MESH message (a GP Connect Send Document bundle, FHIR STU3 JSON) as the practice's
    system downloads it: its ids, the bundle's resources, and the PDF inside it; `answered`:
    the ITK response codes sent back for it."""
    parts: list[Part] = []
    pdf_name, pdf = None, None
    with contextlib.suppress(ValueError, KeyError, TypeError):
        bundle = json.loads(body)
        for entry in _entries(bundle):
            resource = entry.get("resource", {})
            kind = str(resource.get("resourceType", "?"))
            if kind == "Binary" and resource.get("contentType") == "application/pdf":
                pdf = base64.b64decode(resource.get("content", ""))
                pdf_name = f"{headers.get('localid') or key}.pdf"
                parts.append(Part("Binary (referral pack)", "application/pdf", len(pdf)))
            elif kind != "Bundle":
                parts.append(Part(kind, "application/fhir+json",
                                  len(json.dumps(resource).encode())))
    return Arrival("mesh", key, headers.get("messageid", key), received_at, len(body),
                   tuple(parts), pdf_name, pdf, subject=headers.get("subject", ""),
                   to=headers.get("to", ""), workflow_id=headers.get("workflowid", ""),
                   local_id=headers.get("localid", ""), answered=answered)


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Every entry of a bundle, the entries of a bundle inside it included, in order."""
    found: list[dict[str, Any]] = []
    for entry in bundle.get("entry", []):
        found.append(entry)
        inner = entry.get("resource", {})
        if inner.get("resourceType") == "Bundle":
            found += _entries(inner)
    return found


@dataclass
class PracticeRecord:
    """What reached the practice by email and by MESH, newest last, kept on disk in `folder`."""

    folder: Path
    arrivals: list[Arrival] = field(default_factory=list)
    problem: str | None = None
    """Why email and MESH are not shown (the sandbox extra missing, or a part did not start)."""
    on_change: Callable[[], None] = lambda: None
    """Called (in the event loop) after something arrived, to wake the page."""

    def load(self) -> None:
        """Read back what arrived in earlier runs of the sandbox."""
        for path in sorted((self.folder / "email").glob("*.eml")):
            stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            self.arrivals.append(read_email(path.stem, path.read_bytes(), _iso(stamp)))
        for path in sorted((self.folder / "mesh").glob("*.json")):
            stored = json.loads(path.read_text())
            self.arrivals.append(read_mesh(path.stem, stored["body"].encode(),
                                           stored["headers"], stored["received_at"],
                                           tuple(stored.get("answered", ()))))
        self.arrivals.sort(key=lambda arrival: arrival.received_at)

    def add_email(self, raw: bytes) -> None:
        """Keep an email the local SMTP server accepted."""
        folder = self.folder / "email"
        folder.mkdir(parents=True, exist_ok=True)
        key = f"{len(list(folder.glob('*.eml'))) + 1:04d}"
        (folder / f"{key}.eml").write_bytes(raw)
        self.arrivals.append(read_email(key, raw, _iso(dt.datetime.now(dt.UTC))))
        self.on_change()

    def save_mesh(self, message_id: str, body: bytes, headers: dict[str, str],
                  answered: tuple[str, ...] = ()) -> Arrival:
        """Write a message collected from the practice's MESH mailbox, and the ITK response
        codes it was answered with, to disk (any thread); `add` then shows it."""
        folder = self.folder / "mesh"
        folder.mkdir(parents=True, exist_ok=True)
        key = "".join(c for c in message_id if c.isalnum() or c in "-_") or "message"
        received = _iso(dt.datetime.now(dt.UTC))
        (folder / f"{key}.json").write_text(json.dumps(
            {"body": body.decode(), "headers": headers, "received_at": received,
             "answered": list(answered)}))
        return read_mesh(key, body, headers, received, answered)

    def add(self, arrivals: list[Arrival]) -> None:
        """Show arrivals saved by `save_mesh` (in the event loop)."""
        if arrivals:
            self.arrivals.extend(arrivals)
            self.on_change()

    def find(self, channel: str, key: str) -> Arrival | None:
        """The arrival named in a link, if any."""
        return next((a for a in self.arrivals if a.channel == channel and a.key == key), None)

    def signature(self) -> tuple[int, str | None]:
        """Changes whenever the panel would."""
        return len(self.arrivals), self.problem

    def as_json(self) -> dict[str, Any]:
        """The panel's contents: email and MESH arrivals, newest first."""
        newest = list(reversed(self.arrivals))
        return {"available": self.problem is None, "problem": self.problem,
                "email": {"to": PRACTICE_EMAIL,
                          "messages": [a.as_json() for a in newest if a.channel == "email"]},
                "mesh": {"mailbox": PRACTICE_MESH_MAILBOX,
                         "messages": [a.as_json() for a in newest if a.channel == "mesh"]}}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the bot sends: the local SMTP server (its port and certificate) and MESH's URL."""

    smtp_port: int
    smtp_ca_file: Path
    mesh_url: str

    def settings(self) -> dict[str, Any]:
        """The bot's settings (as `Settings` keyword arguments) for these endpoints."""
        return {"smtp_host": HOST, "smtp_port": self.smtp_port, "smtp_security": "starttls",
                "smtp_username": SMTP_USER, "smtp_password": SMTP_PASSWORD,
                "smtp_from": SMTP_FROM, "smtp_ca_file": self.smtp_ca_file,
                "mesh_url": self.mesh_url, "mesh_mailbox": BOT_MESH_MAILBOX,
                "mesh_password": MESH_PASSWORD, "mesh_shared_key": MESH_SHARED_KEY,
                "mesh_sender_ods": BOT_ODS, "mesh_inbox_every_minutes": MESH_INBOX_EVERY_MINUTES}


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for a year, and its key, in `folder` (made once)."""
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    if cert_file.exists() and key_file.exists():
        return cert_file, key_file
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_file, key_file


@asynccontextmanager
async def local_smtp(record: PracticeRecord, port: int = 0) -> AsyncIterator[tuple[int, Path]]:
    """Run an SMTP server on 127.0.0.1 (STARTTLS required, then AUTH with SMTP_USER) that
    keeps what it receives in `record`; yield its port and certificate file."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from bot.sandbox.smtp_controller import SmtpController

    cert_file, key_file = self_signed(record.folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    loop = asyncio.get_running_loop()

    class Mailbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            raw = bytes(envelope.content)
            loop.call_soon_threadsafe(record.add_email, raw)
            return "250 2.0.0 OK: in the practice mailbox"

    def login(server: Any, session: Any, envelope: Any, mechanism: str,
              data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and data.login.decode() == SMTP_USER
              and data.password.decode() == SMTP_PASSWORD)
        return AuthResult(success=ok, handled=False)

    chosen = port or free_port()
    controller = SmtpController(Mailbox(), hostname=HOST, port=chosen, authenticator=login,
                                server_hostname=HOST, tls_context=context,
                                require_starttls=True, auth_require_tls=True,
                                auth_required=True)
    await asyncio.to_thread(controller.start)
    try:
        yield chosen, cert_file
    finally:
        await asyncio.to_thread(controller.stop)


def _die_with_parent() -> None:  # pragma: no cover (runs in the child before exec)
    """Linux: the MESH sandbox gets SIGTERM when the sandbox process dies, even by kill -9."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


async def _wait_for(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(int(MESH_START_SECONDS / 0.1)):
        if process.returncode is not None:
            raise OSError(f"the MESH sandbox exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection(HOST, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise OSError("the MESH sandbox did not start")


@asynccontextmanager
async def mesh_server(port: int = 0) -> AsyncIterator[str]:
    """Run NHS England's MESH sandbox (`uvicorn mesh_sandbox.api:app`, passwords and the shared
    key checked, messages in memory) on 127.0.0.1 as a child process; yield its URL."""
    chosen = port or free_port()
    env = {**os.environ, "AUTH_MODE": "full", "STORE_MODE": "memory",
           "SHARED_KEY": MESH_SHARED_KEY}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "uvicorn", "mesh_sandbox.api:app", "--host", HOST,
        "--port", str(chosen), "--log-level", "warning",
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    try:
        await _wait_for(chosen, process)
        yield f"http://{HOST}:{chosen}"
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


def answer_document(client: Any, body: bytes, headers: dict[str, str]) -> tuple[str, ...]:
    """Answer a GP Connect Send Document message as a GP system does, by MESH to its sender
    (workflow GPFED_CONSULT_REPORT_ACK): an ITK infrastructure acknowledgement (20013,
    received) and a business acknowledgement (30001, filed: the patient is known here), each
    naming the message's MessageHeader id; return the codes sent (none for anything else)."""
    if headers.get("workflowid") != WORKFLOW_ID:
        return ()
    try:
        header = json.loads(body)["entry"][0]["resource"]
        answering = str(header["id"]) if header.get("resourceType") == "MessageHeader" else ""
    except (ValueError, KeyError, IndexError, TypeError):
        return ()
    if not answering:
        return ()
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for code in ANSWER_CODES:
        bundle = response_bundle(answering, code, sender_ods=PRACTICE_ODS,
                                 sender_mailbox=PRACTICE_MESH_MAILBOX, timestamp=stamp)
        client.send_message(headers.get("from") or BOT_MESH_MAILBOX,
                            json.dumps(bundle).encode(), workflow_id=ACK_WORKFLOW_ID,
                            local_id=f"{answering}-{code}", content_type="application/fhir+json")
    return ANSWER_CODES


def collect_mesh(url: str, record: PracticeRecord) -> list[Arrival]:
    """Download every message in the practice's MESH mailbox, as the practice's system would,
    save it to disk, answer a case with its acknowledgements (`answer_document`), then
    acknowledge it in MESH (so MESH drops it); return what was saved."""
    from mesh_client import MeshClient

    with MeshClient(url, PRACTICE_MESH_MAILBOX, MESH_PASSWORD,
                    shared_key=MESH_SHARED_KEY.encode(), max_retries=0, timeout=30,
                    application_name="telederm-sandbox-practice") as client:
        saved = []
        for message_id in client.list_messages():
            message = client.retrieve_message(message_id)
            body = message.read()
            headers = {str(k): str(v) for k, v in dict(message.mex_headers()).items()}
            headers.setdefault("messageid", message_id)
            answered = answer_document(client, body, headers)
            saved.append(record.save_mesh(message_id, body, headers, answered))
            message.acknowledge()
    return saved


async def _poll_mesh(url: str, record: PracticeRecord) -> None:
    while True:
        try:
            record.add(await asyncio.to_thread(collect_mesh, url, record))
        except Exception as error:  # the practice's system keeps polling, as a real one would
            log.warning("sandbox MESH poll failed", extra={"reason": type(error).__name__})
        await asyncio.sleep(MESH_POLL_SECONDS)


@asynccontextmanager
async def practice_systems(data_dir: Path) -> AsyncIterator[tuple[PracticeRecord,
                                                                  Endpoints | None]]:
    """Start the practice's mailbox (SMTP) and MESH for the block; yield the record of what
    arrives and the endpoints for the bot (None, with `record.problem` set, when the sandbox
    extra is missing or a server would not start)."""
    record = PracticeRecord(data_dir / "practice-record")
    record.folder.mkdir(parents=True, exist_ok=True)
    record.load()
    record.problem = available()
    if record.problem is not None:
        yield record, None
        return
    async with contextlib.AsyncExitStack() as stack:
        port, cert = await stack.enter_async_context(local_smtp(record))
        mesh_url = await stack.enter_async_context(mesh_server())
        poller = asyncio.create_task(_poll_mesh(mesh_url, record))
        try:
            yield record, Endpoints(port, cert, mesh_url)
        finally:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
