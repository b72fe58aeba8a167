"""Input that does not fit a question step, through the real bot: a photo sent while "Is that
right?" waits gets one kind answer and no second keyboard, and typed text is pointed to the
buttons where they are: below the words (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import SCREENING, tap, to_consent
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


def say(key: str, **values: object) -> str:
    return text(f"journey.{key}", **values)


async def test_a_photo_while_a_stop_waits_for_its_confirmation_adds_no_second_keyboard(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Pia")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    await tap(patient, SCREENING[1], say("screening.site.question"))
    confirm = await tap(patient, say("screening.site.breast"), say("confirm.means.intimate"))
    await patient.send_photo(sample("close-up-good.jpg"))
    answer = await patient.wait_for_text(say("photos.not_now_question"), timeout=15)
    assert not answer.buttons
    await patient.wait_until(lambda: bool(patient.deleted_incoming), timeout=10)
    live = [m for m in patient.messages if m.buttons]
    assert live[-1] is confirm, "the confirmation still has the newest buttons"
    assert [m for m in live if say("screening.site.question") in (m.text or "")
            and m.message_id > confirm.message_id] == [], "no second 'Where is the rash?'"
    await tap(patient, say("confirm.no"), say("screening.site.question"))
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING


async def test_typed_text_at_a_question_points_to_the_buttons_below(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Tom")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await patient.send_text("it is on my arm")
    nudge = await patient.wait_for_text(say("input.need_button"), timeout=10)
    asked = nudge if nudge.buttons else await patient.wait_for_text(
        say("screening.is_rash.question"), timeout=10)
    assert asked.message_id >= nudge.message_id and asked.buttons, "the buttons come below"
    assert "below" in say("input.need_button")
