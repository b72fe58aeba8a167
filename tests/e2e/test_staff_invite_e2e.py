"""Staff /invite through the real bot: one answer per message (the conversation stops group 0's
catch-alls), a draft that does not outlive its author's membership, and a conversation restored
at start-up that still ends after a day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.users import TelegramUser
from bot.handlers.invite import DRAFT, NAME, SINCE
from bot.handlers.persistence import MAX_IDLE, UPDATE_SECONDS
from bot.store import Store, open_store
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import LINK, make_team, second_gp

App = Application[Any, Any, Any, Any, Any, Any]
QUIET = 1.5
"""Seconds in which no further answer may come."""


def shown(key: str, **values: Any) -> str:
    """A content text as the chat shows an HTML reply."""
    return render(text(key, **values), "HTML")[0]


async def nothing_more(person: TelegramUser) -> None:
    """No further message from the bot arrives in a moment."""
    with pytest.raises(TimeoutError):
        await person.next_message(timeout=QUIET)


async def flushed() -> None:
    """Long enough for python-telegram-bot to write its persistence (every second)."""
    await asyncio.sleep(UPDATE_SECONDS * 2.5)


async def cli_store(settings: Settings) -> Store:
    """The store as the admin CLI, another process, opens it."""
    return await open_store(settings.database_path, settings.photos_dir)


async def test_invite_gets_the_prompt_alone_and_a_stranger_the_refusal_alone(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    await team.staff.send_command("/invite")
    assert (await team.staff.next_message()).text == shown("inbox.staff.invite_ask")
    await nothing_more(team.staff)

    stranger = emu.user("Zed")
    await stranger.send_command("/invite")
    assert (await stranger.next_message()).text == shown("inbox.gp.not_member")
    await nothing_more(stranger)


async def test_where_the_practice_uses_mesh_the_first_question_asks_for_the_nhs_number(
    app: App, emu: Emulator
) -> None:
    """The NHS number is asked for at once, not only after a first answer without it; an
    answer that cannot be read is met with the same three-part example."""
    team = await make_team(app, emu)
    store = services_of(app).store
    await store.practices.set_channels(team.practice.id, DeliveryChannels(
        ("telegram", "mesh"), False, None, "X26ABC2", "Y12345"), actor="test")
    await team.staff.send_command("/invite")
    assert (await team.staff.next_message()).text == shown(
        "channels.staff.invite_ask_nhs_number")
    await team.staff.send_text("P-9 31/02/1980 943 476 5919")
    assert (await team.staff.next_message()).text == shown(
        "channels.staff.invite_bad_with_nhs_number")
    await team.staff.send_text("P-9 03/02/1980 943 476 5919")
    await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None)
    invites = await store.invites.for_practice(team.practice.id)
    assert [(i.patient_ref, i.nhs_number) for i in invites] == [("P-9", "9434765919")]


async def test_the_gp_tapped_for_an_invite_is_answered_once(
    app: App, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    team = await make_team(app, emu)
    await second_gp(app, emu, team)
    await team.staff.send_command("/invite", "P-201 03/02/1980")
    choose = await team.staff.wait_for_text(text("inbox.staff.invite_choose_gp"))
    await team.staff.tap_callback(choose.message_id, choose.callback_data["Dr Gee"])
    made = await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None)
    assert "P-201" in (made.text or "")
    sms, qr = await team.staff.next_message(), await team.staff.next_message()
    assert LINK.search(sms.text or "") and qr.kind == "photo"
    await nothing_more(team.staff)
    assert len(team.staff.callback_answers) == 1
    refused = [r for r in caplog.records if r.getMessage() == "tap answer refused"]
    assert refused == [], "group 0 answered the tap again (Telegram refuses that)"


async def test_a_member_removed_by_the_cli_does_not_get_their_draft_back(
    app: App, emu: Emulator, bot_settings: Settings
) -> None:
    team = await make_team(app, emu)
    await second_gp(app, emu, team)
    store = services_of(app).store
    await team.staff.send_command("/invite", "P-202 03/02/1980")
    await team.staff.wait_for_text(text("inbox.staff.invite_choose_gp"))
    await team.staff.wait_until(lambda: team.staff.id in app.user_data)
    await flushed()
    assert await store.conversations.user_data("") != {}, "the draft is kept"

    cli = await cli_store(bot_settings)
    try:
        assert await cli.practices.remove_member(team.practice.id, team.staff.id, actor="cli")
    finally:
        await cli.close()
    assert await store.conversations.count() == 0

    await team.staff.send_command("/invite")
    assert (await team.staff.next_message()).text == shown("inbox.gp.not_member")
    await nothing_more(team.staff)
    await flushed()
    assert await store.conversations.count() == 0, "no draft row, no conversation row"
    assert DRAFT not in app.user_data.get(team.staff.id, {})


async def test_a_member_removed_while_asked_for_details_gets_a_strangers_answer(
    app: App, emu: Emulator, bot_settings: Settings
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    await team.staff.send_command("/invite")
    await team.staff.wait_for_text(first_line("inbox.staff.invite_ask"))
    await flushed()
    assert await store.conversations.count() == 2, "the step and when it began"

    cli = await cli_store(bot_settings)
    try:
        assert await cli.practices.remove_member(team.practice.id, team.staff.id, actor="cli")
    finally:
        await cli.close()

    await team.staff.send_text("P-203 03/02/1980")
    assert (await team.staff.next_message()).text == text("journey.invite.no_case")
    await nothing_more(team.staff)
    await flushed()
    assert await store.conversations.count() == 0
    assert await store.invites.for_practice(team.practice.id) == []


async def test_a_conversation_restored_after_a_day_does_not_read_text_as_details(
    emu: Emulator, start_bot: BotStarter, bot_settings: Settings
) -> None:
    """Loaded at start-up while fresh (the rows changed just now), but the step began more
    than a day ago: python-telegram-bot has no time-out job for it, the bot ends it itself."""
    staff = emu.user("Sue")
    began = (datetime.now(UTC) - MAX_IDLE - timedelta(minutes=1)).isoformat(timespec="seconds")
    store = await cli_store(bot_settings)
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        await store.practices.add_member(practice.id, staff.id, "staff", "Sue Smith")
        await store.conversations.set_state(NAME, (staff.id, staff.id), "details")
        await store.conversations.set_user_data(staff.id, {DRAFT: {SINCE: began}})
    finally:
        await store.close()

    async with start_bot() as app:
        await staff.send_text("P-204 03/02/1980")
        assert (await staff.next_message()).text == text("journey.invite.no_case")
        await nothing_more(staff)
        await flushed()
        running = services_of(app).store
        assert await running.conversations.count() == 0, "the step and the draft are gone"
        assert await running.invites.for_practice(practice.id) == []

        await staff.send_command("/invite")  # a new invite still works
        assert (await staff.next_message()).text == shown("inbox.staff.invite_ask")
        await staff.send_text("P-205 03/02/1980")
        await staff.wait_for(lambda m: LINK.search(m.text or "") is not None)


async def test_a_name_as_the_reference_is_refused_kindly_and_the_help_says_what_to_use(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    await team.staff.send_command("/invite", "JaneSmith 03/02/1980")
    assert (await team.staff.next_message()).text == shown(
        "inbox.staff.invite_reference_is_name")
    await team.staff.send_text("Jane Smith 03/02/1980")
    assert (await team.staff.next_message()).text == shown(
        "inbox.staff.invite_reference_is_name")
    assert await store.invites.for_practice(team.practice.id) == [], "no invite made"
    await team.staff.send_text("P-77 03/02/1980")
    await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None)
    invites = await store.invites.for_practice(team.practice.id)
    assert [i.patient_ref for i in invites] == ["P-77"]

    await team.staff.send_command("/help")
    helped = await team.staff.wait_for_text(first_line("inbox.staff.help_staff"))
    assert shown("inbox.staff.help_staff",
                 invite_form=text("inbox.staff.invite_form")) in (helped.text or "")


async def test_an_nhs_number_on_another_patients_invite_is_refused_without_naming_them(
    app: App, emu: Emulator
) -> None:
    """The newcomer's three invites with one NHS number and dates of birth 1980, 1980, 1962:
    the second is a new request for the same patient and is made; the third is refused (the
    NHS number goes into the MESH record, so a mistyped or reused one files a case to the
    wrong patient), naming neither the other patient's reference nor their date of birth,
    and the details are asked for again. With two GPs it is refused before the GP is asked,
    and another practice may use the number with its own date of birth."""
    team = await make_team(app, emu)
    store = services_of(app).store
    mesh = DeliveryChannels(("telegram", "mesh"), False, None, "X26ABC2", "Y12345")
    await store.practices.set_channels(team.practice.id, mesh, actor="test")
    for ref in ("P-1", "P-2"):
        await team.staff.send_command("/invite", f"{ref} 03/02/1980 943 476 5919")
        await team.staff.wait_for(lambda m, ref=ref: LINK.search(m.text or "") is not None
                                  and ref in (m.text or ""))
    await team.staff.send_command("/invite", "P-3 01/06/1962 943 476 5919")
    refused = await team.staff.wait_for_text(
        shown("inbox.staff.invite_nhs_number_other_patient"))
    assert "P-1" not in (refused.text or "") and "1980" not in (refused.text or "")
    await nothing_more(team.staff)
    refs = [i.patient_ref for i in await store.invites.for_practice(team.practice.id)]
    assert refs == ["P-2", "P-1"], "no invite made for the third"

    await team.staff.send_text("P-3 01/06/1962 401 023 2137")  # asked again: a right number
    await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None
                              and "P-3" in (m.text or ""))

    await second_gp(app, emu, team)
    await team.staff.send_command("/invite", "P-4 01/06/1962 943 476 5919")
    await team.staff.wait_for_text(shown("inbox.staff.invite_nhs_number_other_patient"))
    await nothing_more(team.staff)
    assert not [m for m in team.staff.messages
                if m.text == text("inbox.staff.invite_choose_gp")], "refused before the GP"

    other = await store.practices.add("Other Surgery", "020 0000 0000")
    await store.practices.set_channels(other.id, mesh, actor="test")
    sue_there = emu.user("Olly")
    await store.practices.add_member(other.id, sue_there.id, "staff", "Olly")
    await sue_there.send_command("/invite", "O-1 01/06/1962 943 476 5919")
    await sue_there.wait_for(lambda m: LINK.search(m.text or "") is not None)


async def test_another_command_while_asked_for_details_gives_the_invite_up(
    app: App, emu: Emulator
) -> None:
    """Staff who type /invite, then /invites instead of the details, have given the invite up:
    words typed later ("thanks") are not read as a patient's details and answered with the
    invite's example. /help in between does not give it up."""
    team = await make_team(app, emu)
    await team.staff.send_command("/invite")
    assert (await team.staff.next_message()).text == shown("inbox.staff.invite_ask")
    await team.staff.send_command("/invites")
    await team.staff.next_message()
    await nothing_more(team.staff)
    await team.staff.send_text("thanks")
    answer = await team.staff.next_message()
    assert answer.text not in (shown("inbox.staff.invite_ask"), shown("inbox.staff.invite_bad"))
    assert first_line("inbox.staff.invite_bad") not in (answer.text or ""), answer.text
    await team.staff.send_command("/invite", "P-12 03/02/1980")
    made = await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None)
    assert "P-12" in (made.text or ""), "a new /invite still works"
    for _ in range(2):  # the SMS and the QR code
        await team.staff.next_message()
    # /help, read to find what to type, keeps the question: the details typed next make it
    await team.staff.send_command("/invite")
    assert (await team.staff.next_message()).text == shown("inbox.staff.invite_ask")
    await team.staff.send_command("/help")
    await team.staff.next_message()
    await team.staff.send_text("P-13 03/02/1980")
    made = await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None)
    assert "P-13" in (made.text or "")
