"""/help at any step ends with what the bot waits for again, through the real bot: the question
with its buttons (a screening question, "Exactly where?" with Skip), or at a photo step the
request for the photo, so the patient need not scroll up past the help to answer (words by
content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.models import Practice
from tests.auxil.e2e.patient import (
    SCREENING,
    first_line,
    send_three,
    tap,
    then_says,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def helped(emu: Emulator, patient: TelegramUser, last: str) -> list[SentMessage]:
    """Type /help; the bot's messages in answer, once the one with `last` has come."""
    before = len(patient.messages)
    await patient.send_command("/help")
    await patient.wait_for_text(last, timeout=10)
    await emu.wait_until_idle()
    return patient.messages[before:]


async def test_help_at_a_question_ends_with_the_question_and_its_buttons(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Hope")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    said = await helped(emu, patient, text("journey.screening.red_flags.question"))
    assert first_line("messages.help.text") in (said[0].text or ""), "the help words first"
    again = said[-1]
    assert text("journey.screening.red_flags.question") in (again.text or "")
    assert [text("journey.screening.red_flags.no")] in again.buttons, again.buttons
    # the copy shown after /help answers it
    await patient.tap(text("journey.screening.red_flags.no"))
    await patient.wait_for_text(text("journey.screening.site.question"), timeout=10)


async def test_help_at_exactly_where_ends_with_it_and_its_skip_button(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ivo")
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    await then_says(patient, first_line("journey.details.where_exactly"), timeout=15)
    said = await helped(emu, patient, first_line("journey.details.where_exactly"))
    assert first_line("messages.help.text") in (said[0].text or "")
    assert first_line("journey.details.where_exactly") in (said[-1].text or "")
    assert said[-1].buttons == [[text("journey.details.skip")]]


async def test_help_at_a_photo_step_ends_with_the_photo_asked_for(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Jem")
    await to_photos(patient, await new_invite(app, practice))
    said = await helped(emu, patient, first_line("journey.photos.locator"))
    assert first_line("messages.help.text") in (said[0].text or "")
    assert first_line("journey.photos.locator") in (said[-1].text or ""), "what to send next"
