"""A photo of the first set sent again while the GP's new photo is asked for, through the real
bot: it is named as the photo it is, never "Already have this one", and the answer says which
photo is needed now (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import mirrored, sent_then_asked_again

App = Application[Any, Any, Any, Any, Any, Any]


async def test_the_newest_photo_sent_again_when_the_gp_asked_for_the_locator_says_what_is_needed(
    app: App, emu: Emulator
) -> None:
    _, patient = await sent_then_asked_again(app, emu)
    # photo 3 of the first set, the newest the bot has, as it was sent (`send_three`)
    await patient.send_document(sample("close-up-good-2.jpg"), "c.jpg", "image/jpeg")
    answer = await patient.wait_for_text(text(
        "journey.photos.same_as_kept", number=3, what=text("journey.photos.what_locator")),
        timeout=20)
    assert text("journey.photos.already_have_this") not in (answer.text or "")
    assert not any(text("journey.photos.already_have_this") in (m.text or "")
                   for m in patient.all_messages)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.LOCATOR, "still waiting for the locator"
    await patient.send_document(mirrored("locator-good.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=20)
