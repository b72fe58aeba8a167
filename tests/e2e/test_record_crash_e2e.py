"""Record channels survive kill -9: the real `python -m bot run` process is killed just before
sending a case by email, or just after MESH accepted it but before the bot recorded that; after
a restart the case arrives exactly once. Killed just after the SMTP server accepted the email,
it arrives twice (SMTP cannot be asked), identical, and the practice is told so."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store import open_store
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.mesh_sandbox import NHS_NUMBER, RECIPIENT, MeshSandbox, inbox
from tests.auxil.e2e.patient import details_and_review, first_line, send_three, tap, to_photos
from tests.auxil.e2e.smtp_server import SmtpServer

MAILBOX = "lawson.practice@nhs.test"


async def practice_with(data_dir: Path, gp: TelegramUser, channels: DeliveryChannels,
                        nhs_number: str | None) -> str:
    """A practice delivering by these channels, its GP, and an invite; the invite's token."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                             channels=channels)
        member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
        _, token = await store.invites.create(practice.id, "P-800", "1980-02-03",
                                              valid_days=7, gp_member_id=member.id,
                                              nhs_number=nhs_number)
    finally:
        await store.close()
    return token


async def submit(patient: TelegramUser, token: str) -> None:
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))


async def until_recorded_sent(data_dir: Path, channel: str) -> None:
    for _ in range(600):
        if query(data_dir, "SELECT COUNT(*) FROM outbox WHERE channel = ? AND sent_at IS NOT "
                           "NULL", channel) == [(1,)]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the {channel} item was never recorded as sent")


async def test_killed_after_mesh_accepted_the_case_it_is_not_sent_again(
    emu: Emulator, data_dir: Path, process_mesh: MeshSandbox
) -> None:
    gp, patient = emu.user("Gee"), emu.user("Ada")
    token = await practice_with(data_dir, gp, DeliveryChannels(
        ("telegram", "mesh"), True, None, RECIPIENT, "Y12345"), NHS_NUMBER)
    async with bot_process(emu, data_dir, hold_at="record.sent") as bot:
        await wait_until_ready(gp)
        await submit(patient, token)
        await bot.held_at("record.sent", timeout=60)
        await bot.kill_9()
    assert len(await asyncio.to_thread(inbox, process_mesh)) == 1, "MESH has the case"
    assert query(data_dir, "SELECT sent_at, remote_id FROM outbox WHERE channel = 'mesh'") == [
        (None, None)], "killed before the bot recorded it"
    async with bot_process(emu, data_dir):
        await until_recorded_sent(data_dir, "mesh")
    assert len(await asyncio.to_thread(inbox, process_mesh)) == 1, "not sent a second time"


async def test_killed_before_the_email_was_sent_it_is_sent_once_after_a_restart(
    emu: Emulator, data_dir: Path, process_smtp: SmtpServer
) -> None:
    gp, patient = emu.user("Gee"), emu.user("Ada")
    token = await practice_with(data_dir, gp, DeliveryChannels(
        ("telegram", "email"), False, MAILBOX), None)
    async with bot_process(emu, data_dir, hold_at="record.before_send") as bot:
        await wait_until_ready(gp)
        await submit(patient, token)
        await bot.held_at("record.before_send", timeout=60)
        await bot.kill_9()
    assert process_smtp.mailbox.received == []
    async with bot_process(emu, data_dir):
        await until_recorded_sent(data_dir, "email")
    mailbox = process_smtp.mailbox
    assert len(mailbox.received) == 1 and mailbox.recipients == [[MAILBOX]]
    assert query(data_dir, "SELECT COUNT(*) FROM outbox WHERE kind = 'staff.alert'") == [(0,)], (
        "nothing had been sent: no warning of a second copy")


async def test_killed_after_the_smtp_server_took_the_email_it_comes_twice_and_staff_are_told(
    emu: Emulator, data_dir: Path, process_smtp: SmtpServer
) -> None:
    """The true worst case of the email channel (README "Delivery guarantees")."""
    gp, patient = emu.user("Gee"), emu.user("Ada")
    token = await practice_with(data_dir, gp, DeliveryChannels(
        ("telegram", "email"), False, MAILBOX), None)
    async with bot_process(emu, data_dir, hold_at="record.sent") as bot:
        await wait_until_ready(gp)
        await submit(patient, token)
        await bot.held_at("record.sent", timeout=60)
        await bot.kill_9()
    assert len(process_smtp.mailbox.received) == 1
    async with bot_process(emu, data_dir):
        await until_recorded_sent(data_dir, "email")
        (reference,) = query(data_dir, "SELECT reference FROM cases")[0]
        told = await gp.wait_for_text(text("channels.staff.maybe_twice", reference=reference,
                                           where=text("channels.gp.where_email")), timeout=30)
    assert told.text is not None and reference in told.text
    first, second = process_smtp.mailbox.messages()
    assert first["Message-ID"] == second["Message-ID"], "the copy is recognisably the same"
    assert first["Subject"] == second["Subject"]
