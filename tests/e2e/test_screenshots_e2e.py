"""Screenshots through the real bot (words by content key).

- A file whose metadata says "Screenshot", sent again and again, is refused with the
  screenshot words, never kept, and "use this photo anyway" is never offered; sent as a photo
  (too small once Telegram shrinks it) it is not called "too small, send the file".
- A picture that only looks like a screen (its shape and flat bars: a full-screen camera photo
  can too) gets the usual retake with the screen advice, then "use it anyway" as for any
  retake, and the GP's note says it may be a screenshot.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.inbox.digest import quality_flags, shot_label
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import first_line, tap, to_photos
from tests.auxil.e2e.practice import new_invite
from tests.auxil.photos import phone_screenshot

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_screenshot_that_says_so_is_refused_as_a_photo_or_a_file_and_never_sent_anyway(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Sid")
    await to_photos(patient, await new_invite(app, practice))
    screenshot = phone_screenshot(sample("locator-good.jpg"), marker=True)
    await patient.send_photo(screenshot)
    await patient.wait_for_text(text("quality.refusal.screenshot"), timeout=20)
    for _ in range(3):  # more tries than it takes to be offered "use anyway" for a real photo
        await patient.send_document(screenshot, "Screenshot_20261130-174422.png", "image/png")
        await patient.wait_for_text(text("quality.refusal.screenshot"), timeout=20)
    said = [m.text or "" for m in patient.all_messages]
    assert not any(text("quality.refusal.too_small") in words for words in said)
    assert not any(first_line("journey.photos.send_anyway_offer") in words for words in said)
    assert not any(m.buttons for m in patient.messages
                   if text("quality.refusal.screenshot") in (m.text or "")), "no button"
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert await store.photos.for_case(case.id) == [], "no screenshot kept, even as a retake"
    await patient.send_photo(sample("locator-good.jpg"))  # a photo from the camera
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)
    assert list(await store.photos.accepted(case.id)) == ["locator"]


async def test_a_picture_that_only_looks_like_a_screen_gets_a_retake_then_anyway_flagged_to_the_gp(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ria")
    await to_photos(patient, await new_invite(app, practice))
    first = phone_screenshot(sample("locator-good.jpg"))
    await patient.send_document(first, "IMG_20261130_174422.png", "image/png")
    retake = await patient.wait_for_text(text("journey.photos.retake"), timeout=20)
    assert text("quality.screen.screenshot") in (retake.text or "")
    assert text("quality.refusal.screenshot") not in (retake.text or "")
    second = phone_screenshot(sample("locator-good.jpg"), app="chat")
    await patient.send_document(second, "IMG_20261130_174501.png", "image/png")
    await patient.wait_for_text(first_line("journey.photos.send_anyway_offer"), timeout=20)
    await tap(patient, text("journey.photos.send_anyway"), text("journey.photos.kept_anyway"))
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert kept.sent_anyway
    flags = quality_flags(await store.photos.for_case(case.id), await store.audit.for_case(case.id))
    despite = text("inbox.gp.flag_line", shot=shot_label("locator"), notes=text(
        "inbox.gp.flag_sent_anyway", problems=text("inbox.gp.problem_screen")))
    assert any(line.startswith(despite) for line in flags), flags
    retakes = text("inbox.gp.flag_retake_one", reasons=text("inbox.gp.problem_screen"))
    assert any(retakes in line for line in flags), flags
