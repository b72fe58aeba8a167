"""A real local SMTP server for tests (aiosmtpd): STARTTLS or implicit TLS with a self-signed
certificate made for the test, a login, and replies the test can make fail."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.sandbox.smtp_controller import SmtpController

USER, PASSWORD = "practice-bot@nhs.test", "s3cret-app-password"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `folder`; (cert, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the server received, and the replies it should give to the next DATA commands."""

    received: list[bytes] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)
    data_commands: int = 0
    authenticated: list[bool] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_commands += 1
        if self.fail_next:
            return self.fail_next.pop(0)
        self.received.append(bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        self.authenticated.append(bool(session.authenticated))
        return "250 2.0.0 OK: queued"

    def messages(self) -> list[EmailMessage]:
        """The received messages, parsed."""
        return [BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[misc]
                for raw in self.received]


def _login(server: Any, session: Any, envelope: Any, mechanism: str,
           data: Any) -> AuthResult:
    ok = (isinstance(data, LoginPassword) and data.login.decode() == USER
          and data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)


@dataclass
class SmtpServer:
    """A running server: where it is, its certificate, and its mailbox."""

    port: int
    cert_file: Path
    mailbox: Mailbox
    implicit_tls: bool


@contextmanager
def smtp_server(folder: Path, *, implicit_tls: bool = False, plain: bool = False,
                port: int | None = None) -> Iterator[SmtpServer]:
    """Run the server on 127.0.0.1 for the block: STARTTLS required (or implicit TLS), and
    AUTH LOGIN/PLAIN only over TLS (aiosmtpd counts only STARTTLS as TLS, so with implicit TLS
    it cannot require AUTH: `Mailbox.authenticated` records whether each sender logged in)."""
    cert_file, key_file = self_signed(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    mailbox = Mailbox()
    chosen = port or free_port()
    options: dict[str, Any] = {"tls_context": context, "require_starttls": True,
                               "auth_require_tls": True, "auth_required": True}
    if implicit_tls:
        options = {"ssl_context": context, "auth_require_tls": False, "auth_required": False}
    if plain:  # no TLS offered at all: the bot must refuse to send
        options = {"auth_require_tls": False, "auth_required": False}
    controller = SmtpController(mailbox, hostname="127.0.0.1", port=chosen,
                                authenticator=_login, server_hostname="127.0.0.1", **options)
    controller.start()
    try:
        yield SmtpServer(chosen, cert_file, mailbox, implicit_tls)
    finally:
        controller.stop()
