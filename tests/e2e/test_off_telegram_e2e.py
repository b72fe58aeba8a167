"""Health data off Telegram as soon as it is safe (issue 15): once a photo is kept, or refused,
the running bot deletes the patient's own photo message from the private chat and says so in
the verdict; where Telegram refuses (after 48 hours), the journey carries on all the same. A
video, voice note, file that is not a picture, location or contact, which the bot cannot use,
is deleted from the chat too."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import first_line, media_ids, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def test_each_kept_photo_is_deleted_from_the_patients_chat_and_the_verdict_says_so(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    removed, removed_file = text("journey.photos.removed"), text("journey.photos.removed_file")
    sent = [await patient.send_document(sample("locator-good.jpg"), "IMG_1.jpg", "image/jpeg")]
    first = await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert removed_file in (first.text or ""), "told in the verdict's own message, as a file"
    assert media_ids(patient.shown_incoming) == []

    sent.append(await patient.send_photo(sample("close-up-blurred.jpg")))
    retake = await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    assert removed in (retake.text or ""), "a retake is kept on disk too, so it goes"
    sent.append(await patient.send_photo(sample("close-up-good.jpg")))
    await patient.wait_for_text(text("journey.photos.accepted", number=2), timeout=15)
    sent.append(await patient.send_document(sample("close-up-good-2.jpg"), "rash.jpg",
                                            "image/jpeg"))
    last = await patient.wait_for_text(text("journey.photos.accepted", number=3), timeout=15)
    assert removed_file in (last.text or "")
    assert text("journey.photos.all_done") in (last.text or ""), "still one message, not two"

    assert media_ids(patient.shown_incoming) == [], "no photo of the patient left in the chat"
    assert media_ids(patient.deleted_incoming) == [m["message_id"] for m in sent]
    assert any(m.get("text", "").startswith("/start") for m in patient.shown_incoming), (
        "only the photos go: the patient's words stay")
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.DETAILS
    kept = await store.photos.accepted(case.id)
    assert sorted(kept) == ["close_up_1", "close_up_2", "locator"]
    assert all(store.files.path(p.file_name).exists() for p in kept.values()), (
        "deleted from Telegram only after the bot kept its own copy")


async def test_a_photo_telegram_will_not_let_the_bot_delete_does_not_stop_the_journey(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Bo")
    await to_photos(patient, await new_invite(app, practice))
    emu.world.clock_ahead = 49 * 3600  # past the 48 hours in which a bot may delete it
    photo = await patient.send_photo(sample("locator-good.jpg"))
    verdict = await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert text("journey.photos.removed") not in (verdict.text or ""), "never claimed"
    assert media_ids(patient.shown_incoming) == [photo["message_id"]]
    await patient.wait_for_text(text("journey.photos.close_up_1").split("\n")[0], timeout=10)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1


async def test_a_video_a_pdf_a_location_or_a_contact_is_answered_and_deleted_from_the_chat(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ivy")
    await to_photos(patient, await new_invite(app, practice))
    sent = {
        "video": patient.send_video(),  # it may show the body: a child's private parts, say
        "document": patient.send_document(b"%PDF-1.4 clinic letter\n%%EOF", "letter.pdf",
                                          "application/pdf"),
        "location": patient.send_location(51.5465, -0.0553),
        "contact": patient.send_contact(),
        "voice": patient.send_voice(),
    }
    for kind, sending in sent.items():
        message = await sending
        if kind in ("location", "contact"):  # personal details: said in the privacy words
            await patient.wait_for_text(text("journey.input.personal_removed"), timeout=15)
            await patient.wait_for_text(first_line("journey.photos.locator"), timeout=10)
        else:
            answer = await patient.wait_for_text(text(f"journey.input.{kind}"), timeout=15)
            await patient.wait_for_text(first_line("journey.photos.locator"), timeout=10)
            assert text("journey.input.removed") in "\n".join(
                m.text or "" for m in patient.messages if m.message_id >= answer.message_id), kind
        assert message["message_id"] not in [m["message_id"] for m in patient.shown_incoming]
    sticker = await patient.send_sticker()
    await patient.wait_for_text(text("journey.input.sticker"), timeout=15)
    assert sticker["message_id"] in [m["message_id"] for m in patient.shown_incoming], (
        "a sticker shows nothing of the patient: it stays")
