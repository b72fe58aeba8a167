"""A question answered by typing loses its buttons, as one answered by a tap does: "Exactly
where is the rash?" keeps no Skip under it once the patient typed where, even when the bot
restarted in between; a typed answer the bot refuses leaves the buttons (words by content
key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line, send_three, tap, then_says, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def where_asked(patient: TelegramUser, app: App, practice: Practice) -> SentMessage:
    """Open a new invite of the practice, go to the photos and send the three; the "Exactly
    where?" question, with its Skip button."""
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    asked = await then_says(patient, first_line("journey.details.where_exactly"), timeout=15)
    assert asked.buttons == [[text("journey.details.skip")]]
    return asked


async def test_a_typed_answer_takes_the_buttons_off_its_question(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Tam")
    asked = await where_asked(patient, app, practice)
    await patient.send_text("left forearm")
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    await patient.wait_until(lambda: asked.buttons == [], timeout=10)
    assert first_line("journey.details.where_exactly") in (asked.text or ""), "words kept"
    tried = await tap(patient, text("journey.details.duration_weeks"),
                      first_line("journey.details.symptoms_question"))
    tried = await tap(patient, text("journey.details.symptoms_itchy"),
                      first_line("journey.details.tried_question"))
    assert tried.buttons, "'Nothing yet' is there to tap"
    await patient.send_text("E45 cream")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await patient.wait_until(lambda: tried.buttons == [], timeout=10)


async def test_a_typed_answer_refused_leaves_the_buttons(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ula")
    asked = await where_asked(patient, app, practice)
    await patient.send_text("x" * 300)  # over the limit for a typed answer
    await patient.wait_for_text(text("journey.details.too_long", limit=200), timeout=10)
    await emu.wait_until_idle()
    assert asked.buttons == [[text("journey.details.skip")]], "still there to tap"
    await tap(patient, text("journey.details.skip"),
              text("journey.details.duration_question"))


async def test_a_typed_answer_after_a_restart_still_takes_the_buttons_off(
    start_bot: BotStarter, emu: Emulator
) -> None:
    patient = emu.user("Val")
    async with start_bot() as app:
        store = services_of(app).store
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        reception = emu.user("Reception")
        await store.practices.add_member(practice.id, reception.id, "staff", "Rita Reception")
        asked = await where_asked(patient, app, practice)
    async with start_bot():
        await patient.send_text("left forearm")
        await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
        await patient.wait_until(lambda: asked.buttons == [], timeout=10)
