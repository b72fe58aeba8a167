"""The NHSmail channel's transport and message: TLS always (STARTTLS or implicit), a certificate
that is checked, and a message that keeps within the size limit."""

from __future__ import annotations

import io
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from PIL import Image

from bot.channels.casefile import CaseFile
from bot.channels.email import SmtpSettings, build_message, send_message, size_words
from bot.content import text
from bot.inbox.digest import CaseDigest, ShotForGp
from bot.services.delivery import TryLater, Undeliverable
from bot.store.models import Case, Practice, Stage
from tests.auxil.e2e.smtp_server import PASSWORD, USER, SmtpServer, smtp_server

SENDER, TO = "teledermatology@nhs.test", "lawson.practice@nhs.test"


def jpeg(seed: int, side: int = 900) -> bytes:
    """A noisy JPEG (does not compress much), different for each seed."""
    out = io.BytesIO()
    Image.effect_noise((side, side), 60 + seed).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def case_file(pdf_bytes: int = 200_000) -> CaseFile:
    case = Case(7, "TD-7Q2K", 1, 3, 11, 11, False, Stage.SUBMITTED, "2026-11-29T10:00:00+00:00",
                "2026-11-29T10:00:00+00:00", "2026-11-29T10:00:00+00:00", None, None, None, 1)
    practice = Practice(1, "The Lawson Practice", "020 7729 7236", None, "telegram,email",
                        True, TO)
    shots = tuple(ShotForGp(slot, text(f"inbox.gp.caption_{slot}"), jpeg(i), None)
                  for i, slot in enumerate(("locator", "close_up_1", "close_up_2")))
    digest = CaseDigest(case, practice, "P-300", "45 years", "29 November 2026 10:00 UTC",
                        shots, (("Where is it?", "left forearm"),), (), "<b>TD-7Q2K</b>")
    return CaseFile(digest, b"%PDF-1.4\n" + b"0" * pdf_bytes, 1)


def settings(server: SmtpServer, **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": server.port,
        "security": "tls" if server.implicit_tls else "starttls", "username": USER,
        "password": PASSWORD, "sender": SENDER, "ca_file": server.cert_file}
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]


async def test_implicit_tls_delivers_with_the_login(tmp_path: Path) -> None:
    message = build_message(case_file(), sender=SENDER, to=TO, max_bytes=20 * 1024 * 1024)
    with smtp_server(tmp_path, implicit_tls=True) as server:
        await send_message(message, settings(server))
    assert server.mailbox.authenticated == [True]
    parsed = BytesParser(policy=policy.default).parsebytes(server.mailbox.received[0])
    assert parsed["Subject"] == text("channels.email.subject", reference="TD-7Q2K")
    assert len(list(parsed.iter_attachments())) == 4


async def test_a_server_without_starttls_gets_nothing(tmp_path: Path) -> None:
    message = build_message(case_file(), sender=SENDER, to=TO, max_bytes=20 * 1024 * 1024)
    with smtp_server(tmp_path, plain=True) as server, pytest.raises(TryLater):
        await send_message(message, settings(server))
    assert server.mailbox.data_commands == 0, "never sent in clear text"


async def test_a_certificate_the_bot_does_not_trust_gets_nothing(tmp_path: Path) -> None:
    message = build_message(case_file(), sender=SENDER, to=TO, max_bytes=20 * 1024 * 1024)
    with smtp_server(tmp_path) as server, pytest.raises(TryLater):
        await send_message(message, settings(server, ca_file=None))
    assert server.mailbox.data_commands == 0


def test_photos_that_would_pass_the_limit_are_left_out_and_the_body_says_so() -> None:
    case = case_file()  # one set of photos: Pillow's noise differs from one call to the next
    full = build_message(case, sender=SENDER, to=TO, max_bytes=20 * 1024 * 1024)
    assert [a.get_content_type() for a in full.iter_attachments()] == [
        "application/pdf", "image/jpeg", "image/jpeg", "image/jpeg"]
    limit = len(full.as_bytes()) - 1000  # one photo less would fit: each is far larger
    slim = build_message(case, sender=SENDER, to=TO, max_bytes=limit)
    assert len(slim.as_bytes()) <= limit
    assert [a.get_content_type() for a in slim.iter_attachments()] == ["application/pdf"]
    body = slim.get_body(("plain",))
    assert body is not None
    assert text("channels.email.photos_left_out", limit=size_words(limit)) in \
        body.get_content().replace("\n", " ")


def test_sizes_read_as_staff_read_them() -> None:
    assert [size_words(n) for n in (20 * 1024 * 1024, 3_355_443, 921_600)] == [
        "20 MB", "3.2 MB", "900 KB"]


def test_a_pack_larger_than_the_limit_is_undeliverable_by_email() -> None:
    with pytest.raises(Undeliverable):
        build_message(case_file(pdf_bytes=400_000), sender=SENDER, to=TO, max_bytes=300_000)
