"""A question shown again keeps its buttons on the newest copy only, through the real bot:
after /help or /status the older copy loses them, even across a restart; a tap on an older
copy that kept them gets a kind answer and does nothing twice (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import SCREENING, first_line, tap, to_consent
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]
RED_FLAGS = text("journey.screening.red_flags.question")
NO = text("journey.screening.red_flags.no")


async def at_red_flags(patient: TelegramUser, app: App, practice: Practice) -> SentMessage:
    """Open a new invite, agree and say it is a rash: the red-flag question, with buttons."""
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    asked = await tap(patient, SCREENING[0], RED_FLAGS)
    assert [NO] in asked.buttons
    return asked


async def staffed_practice(app: App, emu: Emulator) -> Practice:
    """A practice with one member of staff, for a bot started in the test itself."""
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    reception = emu.user("Reception")
    await store.practices.add_member(practice.id, reception.id, "staff", "Rita Reception")
    return practice


async def asked_again(patient: TelegramUser, command: str) -> SentMessage:
    await patient.send_command(command)
    again = await patient.wait_for_text(RED_FLAGS, timeout=10)
    assert [NO] in again.buttons, "the newest copy keeps its buttons"
    return again


async def test_help_and_status_take_the_buttons_off_the_older_copy(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Kit")
    first = await at_red_flags(patient, app, practice)
    second = await asked_again(patient, "/help")
    await patient.wait_until(lambda: first.buttons == [], timeout=10)
    assert RED_FLAGS in (first.text or ""), "the words stay"
    third = await asked_again(patient, "/status")
    await patient.wait_until(lambda: second.buttons == [], timeout=10)
    await patient.tap(NO)  # the newest copy answers it, once
    await patient.wait_for_text(text("journey.screening.site.question"), timeout=10)
    await patient.wait_until(lambda: third.buttons == [], timeout=10)


async def test_an_older_copy_tapped_is_answered_kindly_and_does_nothing_twice(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """A copy whose buttons were left (a kill -9 before they came off): its tap after the
    question was answered on the newer copy says so, asks nothing again and loses them."""
    patient = emu.user("Lex")
    first = await at_red_flags(patient, app, practice)
    data = first.callback_data[NO]
    await asked_again(patient, "/help")
    await patient.wait_until(lambda: first.buttons == [], timeout=10)
    await patient.tap(NO)
    await patient.wait_for_text(text("journey.screening.site.question"), timeout=10)
    await emu.wait_until_idle()
    before, answers = len(patient.messages), len(patient.callback_answers)
    await patient.tap_callback(first.message_id, data)
    await patient.wait_until(lambda: len(patient.callback_answers) > answers, timeout=10)
    note = patient.callback_answers[-1].get("text")
    assert note in (text("journey.input.done_button"), text("journey.input.old_button")), note
    await emu.wait_until_idle()
    assert not any(RED_FLAGS in (m.text or "") or first_line("journey.screening.site.question")
                   in (m.text or "") for m in patient.messages[before:]), "nothing asked twice"
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING


async def test_after_a_restart_help_still_takes_the_buttons_off_the_older_copy(
    start_bot: BotStarter, emu: Emulator
) -> None:
    patient = emu.user("Mo")
    async with start_bot() as app:
        first = await at_red_flags(patient, app, await staffed_practice(app, emu))
    async with start_bot():
        await asked_again(patient, "/help")
        await patient.wait_until(lambda: first.buttons == [], timeout=10)


async def test_an_older_copy_tapped_after_a_restart_does_nothing_twice(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """The tap the bot remembers in memory is gone after a restart: the older copy's "No"
    is still refused kindly, by where the request is, not by that memory."""
    patient = emu.user("Ned")
    async with start_bot() as app:
        first = await at_red_flags(patient, app, await staffed_practice(app, emu))
        data = first.callback_data[NO]
        await asked_again(patient, "/help")
        await patient.tap(NO)
        await patient.wait_for_text(text("journey.screening.site.question"), timeout=10)
        await emu.wait_until_idle()
    async with start_bot() as app:
        before, answers = len(patient.messages), len(patient.callback_answers)
        await patient.tap_callback(first.message_id, data)
        await patient.wait_until(lambda: len(patient.callback_answers) > answers, timeout=10)
        assert patient.callback_answers[-1].get("text") in (
            text("journey.input.done_button"), text("journey.input.old_button"))
        await emu.wait_until_idle()
        assert not any(RED_FLAGS in (m.text or "") for m in patient.messages[before:])
        case = await services_of(app).store.cases.current_for_patient(patient.id)
        assert case is not None and case.stage is Stage.SCREENING
