"""A photo or file sent once the request is with the GP, through the real bot: the patient is
told it cannot be added now, nothing is kept, and the GP will ask here for new photos if they
need them; the message goes from the chat (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import media_ids
from tests.auxil.e2e.practice import make_team, submit

App = Application[Any, Any, Any, Any, Any, Any]
PRACTICE, PHONE = "The Lawson Practice", "020 7729 7236"


async def test_a_photo_or_file_after_sending_is_not_added_and_the_patient_knows_what_happens(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    kept = [p.id for p in await store.photos.for_case(case.id)]
    not_added = text("journey.photos.sent_not_added", practice=PRACTICE, phone=PHONE)

    sent = [await patient.send_photo(sample("close-up-good.jpg"))]
    answer = await patient.wait_for_text(not_added, timeout=15)
    assert answer.text == f"{not_added}\n\n{text('journey.photos.removed')}"
    assert not answer.buttons

    sent.append(await patient.send_document(sample("locator-good.jpg"), "IMG_2.jpg",
                                            "image/jpeg"))
    await patient.wait_for_text(f"{not_added}\n\n{text('journey.photos.removed_file')}",
                                timeout=15)

    before = len(patient.messages)
    sent.append(await patient.send_document(b"%PDF-1.4 letter", "letter.pdf", "application/pdf",
                                            caption="it is spreading"))
    await patient.wait_for_text(text("journey.input.sent_not_passed_on", practice=PRACTICE,
                                     phone=PHONE), timeout=15)
    await emu.wait_until_idle()
    said = "\n\n".join(m.text or "" for m in patient.messages[before:])
    assert said.startswith(f"{not_added}\n\n{text('journey.input.removed')}"), said
    assert text("journey.input.document") not in said, "no 'I need a photo': none is wanted"

    before = len(patient.messages)
    sent += await patient.send_album([sample("close-up-good.jpg"), sample("locator-good.jpg")])
    await patient.wait_for_text(not_added, timeout=15)
    await emu.wait_until_idle()
    said = [m.text or "" for m in patient.messages[before:]]
    assert sum(not_added in s for s in said) == 1, "one answer for an album"

    await patient.wait_until(lambda: media_ids(patient.shown_incoming) == [], timeout=15)
    assert media_ids(patient.deleted_incoming)[-5:] == [m["message_id"] for m in sent]
    case = await store.cases.get(case.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    assert [p.id for p in await store.photos.for_case(case.id)] == kept, "nothing stored"
    said = [m.text or "" for m in patient.messages]
    assert not any(text("journey.photos.not_now") in s for s in said)
