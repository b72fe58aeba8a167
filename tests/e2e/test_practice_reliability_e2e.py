"""GP delivery survives a busy Telegram, a blocked GP and a restart; strangers see nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line, tap, words
from tests.auxil.e2e.practice import CAPTIONS, make_team, packs, photos, submit

App = Application[Any, Any, Any, Any, Any, Any]


async def test_flood_control_is_respected_and_the_case_arrives_once(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    emu.fail_next("sendDocument", 429, retry_after=1)
    emu.fail_next("sendDocument", 500)
    await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=30)
    assert photos(team.gp) == CAPTIONS
    assert len(packs(team.gp)) == 1, "delivered exactly once"
    assert len(emu.calls_of("sendDocument")) == 6, "the locator refused with 429, then 500"


async def test_a_gp_who_blocked_the_bot_is_not_retried_and_staff_are_told(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    team.gp.block_bot()
    await submit(app, emu, team)
    alert = await team.staff.wait_for_text(first_line("inbox.staff.blocked_alert"), timeout=20)
    assert words("inbox.staff.blocked_alert") in (alert.text or "")
    await emu.wait_until_idle()
    to_gp = [c for c in emu.calls_of("sendDocument") if c["chat_id"] == str(team.gp.id)]
    assert len(to_gp) == 1, "a 403 is not retried"


async def test_a_restart_between_sent_and_delivered_still_delivers_once(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as first:
        team = await make_team(first, emu)
        emu.delay_next("sendDocument", 0, times=3)  # the three photos go through
        emu.fail_next("sendDocument", 500, times=1)  # the referral pack does not
        patient = await submit(first, emu, team)
        await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    assert not packs(team.gp), \
        "stopped before the referral pack was delivered"
    async with start_bot() as second:
        await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        case = await services_of(second).store.cases.current_for_patient(patient.id)
        assert case is not None
        outbox = services_of(second).store.outbox
        for _ in range(50):  # the pack is on screen a moment before the bot records it sent
            if all(item.sent_at for item in await outbox.for_case(case.id)):
                break
            await asyncio.sleep(0.1)
        assert all(item.sent_at for item in await outbox.for_case(case.id))
    assert photos(team.gp) == CAPTIONS


async def test_strangers_and_replayed_buttons_reveal_nothing(app: App, emu: Emulator) -> None:
    team = await make_team(app, emu)
    await submit(app, emu, team)
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    refer = summary.callback_data[text("inbox.gp.refer")]
    other = await services_of(app).store.practices.add("Other Surgery", "020 0000 0000")
    other_gp = emu.user("Dr Other")
    await services_of(app).store.practices.add_member(other.id, other_gp.id, "gp", "Dr Other")
    await other_gp.send_command("/inbox")
    assert text("inbox.gp.inbox_empty") in ((await other_gp.next_message()).text or "")
    await other_gp.tap_callback(summary.message_id, refer)
    await other_gp.wait_until(lambda: other_gp.callback_answers)
    assert text("inbox.gp.expired_button") in (other_gp.callback_answers[-1].get("text") or "")
    stranger = emu.user("Mallory")
    await stranger.send_command("/inbox")
    assert text("inbox.gp.not_member") in ((await stranger.next_message()).text or "")
    await stranger.send_command("/invites")
    assert text("inbox.gp.not_member") in ((await stranger.next_message()).text or "")
    await stranger.send_command("/start")
    await stranger.next_message()
    await stranger.tap_callback(summary.message_id, refer)
    await stranger.wait_until(lambda: stranger.callback_answers)
    assert text("inbox.gp.expired_button") in (stranger.callback_answers[-1].get("text") or "")
    await emu.wait_until_idle()
    reference = summary.text.split(": ", 1)[1].split("\n", 1)[0] if summary.text else ""
    assert reference and not any(reference in (m.text or "") for m in stranger.messages)
    waiting = await services_of(app).store.cases.at_stage(team.practice.id, Stage.SUBMITTED)
    assert [c.reference for c in waiting] == [reference], "the case was not decided"


async def test_a_reply_refused_with_429_is_sent_after_the_wait(app: App, emu: Emulator) -> None:
    patient = emu.user("Uma")
    emu.fail_next("sendMessage", 429, retry_after=1)
    await patient.send_command("/help")
    reply = await patient.next_message(timeout=10)
    assert "photos" in (reply.text or "")
    assert len(emu.calls_of("sendMessage")) == 2


async def test_a_patient_who_deletes_after_sending_is_removed_from_the_gp_chat(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    received = [m for m in team.gp.all_messages if m.kind == "document" or m.buttons]
    assert len(received) == 5
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    note = await team.gp.wait_for_text(words("inbox.gp.retracted"), timeout=20)
    assert text("inbox.gp.erased_by_patient") in (note.text or "")
    assert all(m.deleted for m in received)
    assert not any(m.kind == "document" for m in team.gp.messages)
