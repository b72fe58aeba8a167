"""Safety and privacy end to end: a child's face is never kept, /delete erases, and the
screening stops only on the service's criteria, each confirmed first (words by content key)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from telegram.ext import Application

from bot.content import text, texts
from bot.emulator import Emulator
from bot.journey.stop_words import stop_words
from bot.quality import dataset, render
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    first_line,
    media_ids,
    read_the_tips,
    tap,
    to_child_eczema_question,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


@pytest.mark.parametrize("turns", [0, 2], ids=["upright", "upside-down"])
async def test_a_childs_face_is_refused_and_never_kept(
    app: App, emu: Emulator, practice: Practice, turns: int
) -> None:
    """Upright, or upside down as a baby lying on a mat photographed from the feet shows it
    (hazard log H65)."""
    born = child_birthday(9)
    patient = emu.user("Kit's mum")
    await to_child_eczema_question(patient, await new_invite(app, practice, born.isoformat()),
                                   born)
    await read_the_tips(patient, say("screening.eczema.no"), parent=True)
    rng = np.random.default_rng(3)
    upright = render.camera(dataset.photo_scene(rng, "astronaut", 960, 1280), rng)
    face = render.jpeg(np.ascontiguousarray(np.rot90(upright, turns)))
    sent = await patient.send_document(face, "IMG_2001.jpg", "image/jpeg")
    refusal = await patient.wait_for_text(first_line("journey.photos.child_face"), timeout=15)
    assert text("journey.photos.removed_file") in (refusal.text or ""), "and gone from the chat"
    assert sent["message_id"] not in [m["message_id"] for m in patient.shown_incoming]
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.is_child and case.stage is Stage.LOCATOR
    assert not any(store.files.path(p.file_name).exists()
                   for p in await store.photos.for_case(case.id))
    assert not list(store.files.path("x").parent.rglob("*.jpg"))


async def test_delete_erases_the_photos_from_disk_and_keeps_an_audit_stub(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Lee")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert store.files.path(kept.file_name).exists()
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    assert not store.files.path(kept.file_name).exists()
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.stage is Stage.ERASED
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    assert any(e.kind.endswith("erased") or "erase" in e.kind
               for e in await store.audit.for_case(case.id))


def say(key: str, **values: object) -> str:
    """The patient-facing words under `journey.<key>`."""
    return text(f"journey.{key}", **values)


async def test_a_rash_in_two_or_more_areas_goes_on_to_the_photos(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    for key, expect in (("screening.is_rash.rash", "screening.red_flags.question"),
                        ("screening.red_flags.no", "screening.site.question"),
                        ("screening.site.leg", "screening.areas.question")):
        await tap(patient, say(key), say(expect))
    await tap(patient, say("screening.areas.several"), say("screening.other_areas.question"))
    await tap(patient, say("screening.other_areas.no"), texts("journey.prepare.steps")[0])
    for step in texts("journey.prepare.steps")[1:]:
        await tap(patient, say("prepare.next"), step)
    await tap(patient, say("prepare.ready"), say("photos.locator"))
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(say("photos.accepted", number=1), timeout=15)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1
    assert (await store.answers.for_case(case.id))["screen.areas"] == "several"
    assert not [m for m in patient.messages if say("confirm.yes") in
                [label for row in m.buttons for label in row]], "no stop was offered"


@pytest.mark.parametrize(("before", "answer", "stop"), [
    ((), "screening.is_rash.mole", "mole"),
    (("screening.is_rash.rash",), "screening.red_flags.yes", "red_flag"),
    (("screening.is_rash.rash", "screening.red_flags.no"), "screening.site.breast", "intimate"),
    (("screening.is_rash.rash", "screening.red_flags.no"), "screening.site.private",
     "intimate"),
    (("screening.is_rash.rash", "screening.red_flags.no", "screening.site.back"),
     "screening.areas.everywhere", "everywhere"),
], ids=["mole", "red-flag", "breast", "private", "widespread"])
async def test_each_screening_stop_is_confirmed_no_goes_back_yes_stops(
    app: App, emu: Emulator, practice: Practice, before: tuple[str, ...], answer: str,
    stop: str,
) -> None:
    patient = emu.user("Nia")
    await to_consent(patient, await new_invite(app, practice))
    question = await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    for key in before:
        question = await tap(patient, say(key), "?")
    asking = question.text or ""  # before the tap adds the answer chosen under it
    confirm = say("confirm.ask", choice=say(answer), means=say(f"confirm.means.{stop}"))
    asked = await tap(patient, say(answer), confirm)
    # a red flag's "No" says it was a mistake: its advice came first (test_red_flags_e2e.py)
    no = say("confirm.no_red_flag" if stop == "red_flag" else "confirm.no")
    assert asked.buttons == [[say("confirm.yes")], [no]]

    await patient.wait_until(lambda: question.text == (
        f"{asking}\n\n{say('input.chosen', choice=say(answer))}"))
    asked_again = say(f"{answer.rsplit('.', 1)[0]}.question")
    again = await tap(patient, no, asked_again)
    assert again.text == f"{say('confirm.back')}\n\n{asked_again}", "one message: choose again"
    assert again.buttons, "the same question, with its buttons"
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING
    await tap(patient, say(answer), confirm)
    ending = stop_words(f"screen_{stop}", parent=False, practice=practice.name,
                        phone=practice.phone)
    if stop == "mole":  # asked before the red flags: they come first (hazard log H43)
        await tap(patient, say("confirm.yes"), say("screening.red_flags.question"))
        stopped = await tap(patient, say("screening.red_flags.no"), ending)
    else:
        stopped = await tap(patient, say("confirm.yes"), ending)
    assert stopped.text == ending
    case = await store.cases.get(case.id)
    assert case is not None and case.stage is Stage.STOPPED
    sent = await patient.send_photo(sample("close-up-good.jpg"))
    await patient.wait_for_text(say("photos.removed"), timeout=10)
    assert await store.photos.for_case(case.id) == [], "no photo is taken"
    assert sent["message_id"] in media_ids(patient.deleted_incoming), (
        "a photo sent after the stop (for an intimate area, the very photo the stop is about) "
        "does not stay in the chat")


async def test_declining_consent_is_confirmed_first(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Bo")
    await to_consent(patient, await new_invite(app, practice))
    confirm = say("confirm.ask", choice=say("consent.no"),
                  means=say("confirm.means.consent_declined"))
    await tap(patient, say("consent.no"), confirm)
    await tap(patient, say("confirm.no"), say("consent.keep", days=30).splitlines()[0])
    await tap(patient, say("consent.no"), confirm)
    declined = stop_words("consent_declined", parent=False, practice=practice.name,
                          phone=practice.phone)
    stopped = await tap(patient, say("confirm.yes"), declined)
    assert stopped.text == declined, "before the red-flag question: the 999 / NHS 111 line too"
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.STOPPED
