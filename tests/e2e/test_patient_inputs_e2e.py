"""A child with eczema, HEIC files, odd inputs at a button step, bad dates and bad links."""

from __future__ import annotations

import io
from collections.abc import Awaitable
from typing import Any

import pillow_heif
from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    first_line,
    give_date_of_birth,
    tap,
    to_child_eczema_question,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_child_with_known_eczema_is_not_suitable(
    app: App, emu: Emulator, practice: Practice
) -> None:
    born = child_birthday(6)
    patient = emu.user("Ola's dad")
    await to_child_eczema_question(patient, await new_invite(app, practice, born.isoformat()),
                                   born)
    await tap(patient, text("journey.screening.eczema.yes"),
              worded("journey.confirm.means.eczema", parent=True))
    stop = await tap(patient, text("journey.confirm.yes"),
                     worded("journey.stop.eczema", parent=True, practice=practice.name,
                            phone=practice.phone))
    assert "020 7729 7236" in (stop.text or "")


async def test_an_iphone_heic_file_is_checked_and_kept_as_jpeg(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Pat")
    await to_photos(patient, await new_invite(app, practice))
    heif = pillow_heif.from_pillow(Image.open(io.BytesIO(sample("locator-good.jpg"))))
    out = io.BytesIO()
    heif.save(out, quality=90)
    await patient.send_document(out.getvalue(), "IMG_4242.HEIC", "image/heic")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert store.files.read(kept.file_name)[:2] == b"\xff\xd8"


async def test_odd_inputs_at_a_button_step_keep_the_question(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Quin")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    patient.skip_to_end()
    await patient.send_photo(sample("close-up-good.jpg"))  # one kind answer, no new keyboard
    pointed = await patient.wait_for_text(text("journey.photos.not_now_question"), timeout=10)
    assert not pointed.buttons, "the question above keeps the only buttons"
    sends = (patient.send_sticker(),
             patient.send_voice(), patient.send_video(), patient.send_location(51.5, -0.1),
             patient.send_contact(), patient.send_text("yes"),
             patient.forward_text("look at this"))
    for send in sends:
        await send
        again = await patient.wait_for_text(text("journey.screening.is_rash.question"), timeout=10)
        assert again.buttons, "the question is asked again, with its buttons"
    sent = await patient.send_text("my answer")
    await patient.wait_for_text(text("journey.screening.is_rash.question"), timeout=10)
    await patient.edit_text(sent["message_id"], "changed answer")
    edited = await patient.next_message()
    assert first_line("journey.input.changed_not_passed_on") in (edited.text or ""), (
        "changed words are read by nobody: the GP will not see them")
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING
    assert await services_of(app).store.photos.for_case(case.id) == []
    await tap(patient, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))


async def test_a_forwarded_photo_is_not_used(app: App, emu: Emulator,
                                            practice: Practice) -> None:
    patient = emu.user("Rae")
    await to_photos(patient, await new_invite(app, practice))
    message = await patient.send_photo(sample("locator-good.jpg"))
    assert message["photo"]
    forwarded = dict(patient._deliver({"photo": message["photo"],
                                       "forward_origin": {"type": "hidden_user", "date": 0,
                                                          "sender_user_name": "Someone"}}))
    assert forwarded
    await patient.wait_for_text(text("journey.photos.forwarded"), timeout=15)


async def test_three_wrong_dates_of_birth_lock_the_link(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Sol")
    token = await new_invite(app, practice)
    await patient.open_deep_link(token)
    await patient.wait_for_text(first_line("journey.identity.ask"))
    for wrong in ("01/01/1990", "02/01/1990"):
        await give_date_of_birth(patient, wrong, first_line("journey.identity.wrong"))
    locked = await give_date_of_birth(patient, "03/01/1990",
                                      first_line("journey.identity.locked"))
    assert "020 7729 7236" in (locked.text or "")
    invite = await services_of(app).store.invites.find(token)
    assert invite is not None and invite.locked_at
    await patient.send_text("03/02/1980")
    assert "ended" in ((await patient.next_message()).text or "")


async def test_an_expired_link_says_to_contact_the_practice(
    app: App, emu: Emulator, practice: Practice
) -> None:
    store = services_of(app).store
    invite, token = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    await store.db._conn.execute("UPDATE invites SET expires_at = '2020-01-01T00:00:00+00:00' "
                                 "WHERE id = ?", (invite.id,))
    patient = emu.user("Tam")
    await patient.open_deep_link(token)
    expired = await patient.next_message()
    assert "expired" in (expired.text or "") and "020 7729 7236" in (expired.text or "")


async def test_words_sent_with_a_photo_or_typed_at_the_photo_step_are_said_not_to_reach_the_gp(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ash")
    await to_photos(patient, await new_invite(app, practice))
    symptom = "It is spreading fast and I have a fever now"

    async def answer_to(send: Awaitable[object]) -> str:
        """Everything the bot says to one message, up to asking for photo 2 again."""
        before = len(patient.messages)
        await send
        await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=20)
        return "\n".join(m.text or "" for m in patient.messages[before:])

    def told(key: str) -> str:
        return text(key, practice=practice.name, phone=practice.phone)

    said = await answer_to(patient.send_photo(sample("locator-good.jpg"), caption=symptom))
    assert text("journey.photos.accepted", number=1) in said
    assert told("journey.input.caption_not_passed_on") in said
    assert not any("caption" in m for m in patient.shown_incoming), (
        "the photo message, caption and all, is off the chat: the patient was told instead")
    said = await answer_to(patient.send_text(symptom))
    assert told("journey.input.typed_not_passed_on") in said
    assert text("journey.input.need_photo") in said


async def test_words_sent_with_a_file_a_video_a_voice_note_or_a_photo_too_big_are_answered(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """Words written with something the bot does not keep (a PDF, a video, a voice note,
    each deleted from the chat words and all; a photo file over Telegram's 20 MB, whether
    or not Telegram gave its size) are read by nobody: once per message, after the refusal
    words, the patient is told the GP will not see them, whom to call, and the safety net."""
    patient = emu.user("Kit")
    await to_photos(patient, await new_invite(app, practice))
    symptom = "It is spreading fast and I have a fever now"
    note = text("journey.input.file_caption_not_passed_on", practice=practice.name,
                phone=practice.phone)
    huge = b"\xff\xd8" + b"\0" * (20 * 1024 * 1024)

    async def answer_to(send: Awaitable[object], refused: str) -> str:
        """What the bot says to one message, up to the note (it comes last but for the
        step's prompt, which is not waited for)."""
        before = len(patient.messages)
        await send
        await patient.wait_for_text(first_line("journey.input.file_caption_not_passed_on"),
                                    timeout=20)
        said = "\n".join(m.text or "" for m in patient.messages[before:])
        assert said.count(note) == 1, said
        assert -1 < said.find(refused) < said.find(note), said
        return said

    said = await answer_to(patient.send_document(b"%PDF-1.4 letter", "letter.pdf",
                                                 "application/pdf", caption=symptom),
                           text("journey.input.document"))
    assert -1 < said.find(text("journey.input.removed")) < said.find(note)
    await answer_to(patient.send_video(caption=symptom), text("journey.input.video"))
    await answer_to(patient.send_voice(caption=symptom), text("journey.input.voice"))
    await answer_to(patient.send_document(huge, "rash.jpg", "image/jpeg", caption=symptom),
                    text("journey.photos.too_big"))
    await answer_to(patient.send_document(huge, "rash.jpg", "image/jpeg", caption=symptom,
                                          with_size=False),
                    text("journey.photos.too_big"))
    await patient.send_photo(sample("locator-good.jpg"))  # no words: no note
    await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=20)
    assert "\n".join(m.text or "" for m in patient.messages).count(note) == 5
    assert sum(symptom in str(m) for m in patient.shown_incoming) == 1, (
        "the file, the video, the voice note and the file Telegram said was too big went "
        "from the chat with their words; the one found too big only when fetched stays, "
        "noted to go with the request")
