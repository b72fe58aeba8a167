"""Old "Use this photo anyway" buttons, through the real bot: an offer loses its buttons once a
newer photo comes, and a tap on one left behind is told truthfully what became of its photo,
never "Already done." when nothing was done (words by content key)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]
ANYWAY = text("journey.photos.send_anyway")
OFFER = text("journey.photos.send_anyway_offer", photo=text("journey.status_words.locator"))


def turned(jpeg: bytes) -> bytes:
    """The same failing photo turned upside down: a new photo, with the same fault."""
    out = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).rotate(180).save(out, "JPEG", quality=90)
    return out.getvalue()


async def test_an_older_offer_loses_its_buttons_and_a_stale_tap_is_told_the_truth(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ola")
    await to_photos(patient, await new_invite(app, practice))
    dark = sample("close-up-dark.jpg")
    await patient.send_document(dark, "dark.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    await patient.send_document(turned(dark), "dark2.jpg", "image/jpeg")
    first = await patient.wait_for_text(OFFER, timeout=15)
    first_tap = first.callback_data[ANYWAY]
    await patient.send_document(sample("close-up-blurred.jpg"), "blur.jpg", "image/jpeg")
    second = await patient.wait_for_text(OFFER, timeout=15)
    await patient.wait_until(lambda: not first.buttons, timeout=10)
    assert second.buttons == [[ANYWAY]], "only the newest offer is live"

    await patient.tap_callback(first.message_id, first_tap)  # tapped before the edit arrived
    await patient.wait_for_text(text("journey.photos.anyway_newer_sent"), timeout=10)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.LOCATOR
    assert "locator" not in await store.photos.accepted(case.id), "nothing was used"

    second_tap = second.callback_data[ANYWAY]
    await patient.send_document(sample("locator-good.jpg"), "good.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    await patient.wait_until(lambda: not second.buttons, timeout=10)
    await patient.tap_callback(second.message_id, second_tap)
    await patient.wait_for_text(text("journey.photos.anyway_newer_kept"), timeout=10)
    kept = (await store.photos.accepted(case.id))["locator"]
    assert not kept.sent_anyway, "the good photo is the one used"
    assert text("journey.input.done_button") not in [
        answer.get("text") for answer in patient.callback_answers]
