"""A phone screenshot is never taken for the patient's own photo, through the real bot: sent
as a photo it is not called "too small, send the file"; sent as a file, again and again, it is
never kept and "use this photo anyway" is never offered; the patient's camera photo then is
(words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import to_photos
from tests.auxil.e2e.practice import new_invite
from tests.auxil.photos import phone_screenshot

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_screenshot_is_refused_the_same_way_as_a_photo_or_a_file_and_never_sent_anyway(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Sid")
    await to_photos(patient, await new_invite(app, practice))
    screenshot = phone_screenshot(sample("locator-good.jpg"))
    await patient.send_photo(screenshot)
    await patient.wait_for_text(text("quality.refusal.screenshot"), timeout=20)
    for _ in range(3):  # more tries than it takes to be offered "use anyway" for a real photo
        await patient.send_document(screenshot, "Screenshot_20261130-174422.png", "image/png")
        await patient.wait_for_text(text("quality.refusal.screenshot"), timeout=20)
    said = [m.text or "" for m in patient.all_messages]
    assert not any(text("quality.refusal.too_small") in words for words in said)
    assert not any(text("journey.photos.send_anyway_offer") in words for words in said)
    assert not any(m.buttons for m in patient.messages
                   if text("quality.refusal.screenshot") in (m.text or "")), "no button"
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert await store.photos.for_case(case.id) == [], "no screenshot kept, even as a retake"
    await patient.send_photo(sample("locator-good.jpg"))  # a photo from the camera
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)
    assert list(await store.photos.accepted(case.id)) == ["locator"]
