"""Words a newcomer tripped over in a walkthrough, through the real bot (words by content key):
which copy of the photos the bot deletes, that a GP checks an "I am not sure", which photo
"Use it anyway" uses once it has left the chat, the reference again in /status after sending,
and a parent's tips and photo advice worded for a parent (the parent's reminder:
test_lock_screen_e2e.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import asset, text, texts
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.journey.stop_words import stop_words
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    after,
    child_birthday,
    details_and_review,
    first_line,
    give_date_of_birth,
    read_the_tips,
    send_three,
    tap,
    to_child_eczema_question,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]
RECORD = "GP record"
"""Where the practice keeps its own copy: the consent's "who" message names it, and the
message on how long the bot keeps its copy must name it too, so the two are never read as
one copy both kept and deleted."""


@pytest.mark.parametrize("parent", [False, True], ids=["adult", "parent"])
async def test_consent_says_the_bot_deletes_its_own_copy_and_the_gp_record_keeps_its_own(
    app: App, emu: Emulator, practice: Practice, parent: bool
) -> None:
    born = child_birthday(6) if parent else date(1980, 2, 3)
    patient = emu.user("Ada")
    await patient.open_deep_link(await new_invite(app, practice, born.isoformat()))
    await patient.wait_for_text(
        first_line("journey.identity.ask_parent" if parent else "journey.identity.ask"))
    matched = await give_date_of_birth(patient, born.strftime("%d/%m/%Y"))
    await patient.wait_for(lambda m: bool(m.buttons), timeout=10)
    who, keep = [m.text or "" for m in after(patient, matched)]
    assert who == worded("journey.consent.who", parent=parent)
    assert keep.startswith(worded("journey.consent.keep", parent=parent, days=30))
    assert RECORD in who, "the practice's copy, where it is kept"
    assert RECORD in keep, "the deletion is told apart from the copy in the GP record"


@pytest.mark.parametrize("parent", [False, True], ids=["adult", "parent"])
async def test_consent_says_no_is_fine_and_no_names_the_practice_to_call_instead(
    app: App, emu: Emulator, practice: Practice, parent: bool
) -> None:
    """The service is optional (hazard log H59): the question whether they agree says that
    saying no is fine and the practice can see them instead; after "No", confirmed, the reply
    names the practice and its number."""
    born = child_birthday(6) if parent else date(1980, 2, 3)
    patient = emu.user("Ada")
    await to_consent(patient, await new_invite(app, practice, born.isoformat()),
                     born.strftime("%d/%m/%Y"))
    if parent:
        await tap(patient, text("journey.consent.guardian_yes"),
                  text("journey.consent.agree_parent"))
    asked = patient.last_message
    assert asked is not None and asked.buttons == [[text("journey.consent.yes"),
                                                    text("journey.consent.no")]]
    no_is_fine = worded("journey.consent.no_is_fine", parent=parent)
    assert (asked.text or "").endswith(no_is_fine), "said with the question, before any answer"
    await tap(patient, text("journey.consent.no"), first_line("journey.confirm.ask"))
    declined = await tap(patient, text("journey.confirm.yes"),
                         first_line("journey.consent.declined"))
    assert declined.text == stop_words("consent_declined", parent=parent, practice=practice.name,
                                       phone=practice.phone)
    assert practice.name in declined.text and practice.phone in declined.text


async def test_is_it_a_rash_tells_the_patient_i_am_not_sure_is_fine_and_goes_on(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_consent(patient, await new_invite(app, practice))
    question = await tap(patient, text("journey.consent.yes"),
                         text("journey.screening.is_rash.question"))
    unsure = text("journey.screening.is_rash.unsure")
    assert f'"{unsure}"' in (question.text or ""), "named, as the eczema question names it"
    assert question.buttons[-1] == [unsure]
    await tap(patient, unsure, text("journey.screening.red_flags.question"))

    born = child_birthday(9)
    parent = emu.user("Kit's mum")
    await to_child_eczema_question(parent, await new_invite(app, practice, born.isoformat()),
                                   born)
    asked = [m.text or "" for m in parent.messages]
    assert worded("journey.screening.is_rash.question", parent=True) in "\n".join(asked)
    assert f'"{unsure}"' in text("journey.screening.eczema.question_parent")


async def test_use_it_anyway_names_the_photo_it_uses_once_it_has_left_the_chat(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ola")
    await to_photos(patient, await new_invite(app, practice))
    dark = sample("close-up-dark.jpg")
    await patient.send_photo(dark)
    await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    await patient.send_document(dark, "dark.jpg", "image/jpeg")
    offer = await patient.wait_for_text(first_line("journey.photos.send_anyway_offer"),
                                        timeout=15)
    retake = patient.messages[patient.messages.index(offer) - 1]
    assert text("journey.photos.removed_file") in (retake.text or ""), "it left the chat"
    assert text("journey.status_words.locator") in (offer.text or ""), "so it is named"
    assert offer.buttons == [[text("journey.photos.send_anyway")]]
    await tap(patient, text("journey.photos.send_anyway"), text("journey.photos.kept_anyway"))
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1
    assert (await store.photos.accepted(case.id))["locator"].sent_anyway


async def test_status_after_sending_repeats_the_reference_from_the_receipt(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_command("/status")
    before = await patient.wait_for_text(first_line("journey.commands.status"), timeout=10)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert case.reference not in (before.text or ""), "never shown before the receipt"

    await send_three(patient)
    await details_and_review(patient)
    receipt = await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    assert case.reference in (receipt.text or "")
    await patient.send_command("/status")
    status = await patient.wait_for(
        lambda m: m is not before and first_line("journey.commands.status") in (m.text or ""),
        timeout=10)
    assert status.text == text(
        "journey.commands.status_sent", reference=case.reference,
        where=text("journey.status_words.submitted"),
        next=text("journey.status_words.next_submitted"))


async def test_a_parent_reads_tips_for_taking_the_childs_photos(
    app: App, emu: Emulator, practice: Practice
) -> None:
    born = child_birthday(9)
    parent = emu.user("Kit's dad")
    await to_child_eczema_question(parent, await new_invite(app, practice, born.isoformat()),
                                   born)
    steps = texts("journey.prepare.steps_parent")
    pictures = texts("journey.prepare.pictures_parent")
    assert len(steps) == len(pictures) == len(texts("journey.prepare.steps"))
    await tap(parent, text("journey.screening.eczema.no"), steps[0])
    for step in steps[1:]:
        await tap(parent, text("journey.prepare.next"), step)
    await tap(parent, text("journey.prepare.ready"), first_line("journey.photos.locator"))
    shown = [m for m in parent.messages if m.text in steps]
    assert [m.text for m in shown] == steps, "every tip as worded for a parent"
    for message, picture in zip(shown, pictures, strict=True):
        assert message.uploaded_bytes == asset(picture).read_bytes()
    patients = set(texts("journey.prepare.steps")) - set(steps)
    assert patients, "some tips are the patient's own (a helper, a timer)"
    assert not [m for m in parent.messages if m.text in patients]
    await parent.send_command("/status")
    status = await parent.wait_for_text(first_line("journey.commands.status"), timeout=10)
    assert worded("journey.status_words.locator", parent=True) in (status.text or "")


async def test_a_parent_reads_status_and_photo_advice_about_the_childs_body(
    app: App, emu: Emulator, practice: Practice
) -> None:
    born = child_birthday(9)
    parent = emu.user("Kit's dad")
    await to_child_eczema_question(parent, await new_invite(app, practice, born.isoformat()),
                                   born)
    await parent.send_command("/status")
    where = worded("journey.status_words.screening", parent=True)
    assert where != text("journey.status_words.screening"), "the child's rash, not 'your rash'"
    await parent.wait_for_text(first_line("journey.commands.status") + where, timeout=10)

    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    await parent.send_document(sample("close-up-good.jpg"), "near.jpg", "image/jpeg")
    noted = await parent.wait_for_text(text("journey.photos.accepted_with_note", number=1),
                                       timeout=15)
    advice = worded("quality.framing.close_warn", parent=True)
    assert advice != text("quality.framing.close_warn"), "the child's body, not 'your body'"
    assert f"• {advice}" in (noted.text or "")


async def test_a_parent_asked_to_retake_a_photo_reads_of_their_childs_gp_not_their_own(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """A parent is not the patient: a blurred photo, the offer to use it anyway and its
    "OK" speak of the child's GP (`_parent` texts), never "your GP"."""
    born = child_birthday(9)
    parent = emu.user("Kit's dad")
    await to_child_eczema_question(parent, await new_invite(app, practice, born.isoformat()),
                                   born)
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    retake = worded("journey.photos.retake", parent=True)
    assert retake != text("journey.photos.retake"), "the child's GP, not 'your GP'"
    await parent.send_document(sample("close-up-blurred.jpg"), "blur.jpg", "image/jpeg")
    await parent.wait_for_text(retake, timeout=15)
    await parent.send_document(sample("close-up-dark.jpg"), "dark.jpg", "image/jpeg")
    offer = worded("journey.photos.send_anyway_offer", parent=True,
                   photo=worded("journey.status_words.locator", parent=True))
    await parent.wait_for_text(offer, timeout=15)
    await tap(parent, text("journey.photos.send_anyway"),
              worded("journey.photos.kept_anyway", parent=True))
    mine = [text(f"journey.photos.{key}") for key in ("retake", "kept_anyway")]
    assert not [m for m in parent.messages if any(words in (m.text or "") for words in mine)]
