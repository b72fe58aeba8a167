""""Replace a photo" and "Change an answer" at the review are never a dead end, through the
real bot: a patient who tapped one (or the wrong photo) by mistake can go back to the review
with the photos and answers they have, since the same photo cannot be sent again and a typed
answer would have to be typed again; the GP then gets the photo kept before, with no retake
counted on it. A photo the GP asked for again has no such way out (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    to_photos,
)
from tests.auxil.e2e.practice import ask_new_photos, make_team, retake, send_again

App = Application[Any, Any, Any, Any, Any, Any]


async def at_the_review(app: App, emu: Emulator, ref: str) -> tuple[Any, TelegramUser]:
    """A team, and a patient at the review with 3 good photos."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, ref, "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where="left forearm")
    return team, patient


async def test_keep_all_my_photos_goes_back_to_the_review_with_nothing_replaced(
    app: App, emu: Emulator
) -> None:
    team, patient = await at_the_review(app, emu, "P-KEEP")
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    before = {s: p.id for s, p in (await store.photos.accepted(case.id)).items()}

    which = await tap(patient, text("journey.review.replace"), text("journey.review.which"))
    assert [b for row in which.buttons for b in row][-1] == text("journey.review.keep")
    review = await tap(patient, text("journey.review.keep"), text("journey.review.keep_done"))
    assert first_line("journey.review.summary") in (review.text or "")
    assert review.buttons[0] == [text("journey.review.send")]

    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    after = {s: p.id for s, p in (await store.photos.accepted(case.id)).items()}
    assert after == before, "the same 3 photos go to the GP"
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    assert text("inbox.gp.no_flags") in (summary.text or "")


async def test_keep_the_photo_i_have_after_a_failed_retake_sends_the_photo_kept_before(
    app: App, emu: Emulator
) -> None:
    """The patient picked photo 2 to replace, sent a blurred one, and gives up with the
    button under the advice to take it again: the review comes back, and the GP gets the
    close-up kept before, with no retake counted on it."""
    team, patient = await at_the_review(app, emu, "P-OLD")
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    before = {s: p.id for s, p in (await store.photos.accepted(case.id)).items()}

    await tap(patient, text("journey.review.replace"), text("journey.review.which"))
    asked = await tap(patient, text("journey.review.replace_close_up_1"),
                      taken_again("close_up_1"))
    assert [b for row in asked.buttons for b in row] == [text("journey.photos.keep_old")]
    await patient.send_photo(sample("close-up-blurred.jpg"))
    retake = await patient.wait_for_text(text("quality.sharpness.blurred"), timeout=15)
    # Only the newest "Keep the photo I have" is live: the request's comes off.
    await patient.wait_until(lambda: asked.buttons == [], timeout=10)
    # The way back is under the newest message too, not only scrolled away above it.
    assert [b for row in retake.buttons for b in row] == [text("journey.photos.keep_old")]

    await tap(patient, text("journey.photos.keep_old"), text("journey.photos.kept_old"))
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    after = {s: p.id for s, p in (await store.photos.accepted(case.id)).items()}
    assert after == before, "close-up 1 is the one kept before"
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    assert text("inbox.gp.no_flags") in (summary.text or "")


async def test_a_replacement_given_up_is_never_counted_on_a_later_photo(
    app: App, emu: Emulator
) -> None:
    """The blurred try at a replacement the patient gave up ("Keep the photo I have") was
    a try at a photo that was never kept: when the GP later asks for that close-up again and
    the patient's new one passes first time, the GP reads "no retakes", not the old blur."""
    team, patient = await at_the_review(app, emu, "P-GAVE")
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await tap(patient, text("journey.review.replace"), text("journey.review.which"))
    await tap(patient, text("journey.review.replace_close_up_1"), taken_again("close_up_1"))
    await patient.send_photo(sample("close-up-blurred.jpg"))
    await patient.wait_for_text(text("quality.sharpness.blurred"), timeout=15)
    await tap(patient, text("journey.photos.keep_old"), text("journey.photos.kept_old"))
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await send_again(patient)
    first = await team.gp.wait_for_text(case.reference, timeout=20)
    assert text("inbox.gp.no_flags") in (first.text or "")

    await ask_new_photos(team.gp, case.reference, "close_up_1")
    await patient.wait_for_text(first_line("inbox.patient.new_photos"), timeout=15)
    await retake(patient, "close_up_1")
    await send_again(patient)
    again = await team.gp.wait_for_text("🔁", timeout=20)
    assert case.reference in (again.text or "")
    assert text("inbox.gp.no_flags") in (again.text or ""), again.text


async def test_keep_all_my_answers_goes_back_to_the_review_with_nothing_changed(
    app: App, emu: Emulator
) -> None:
    team, patient = await at_the_review(app, emu, "P-ANS")
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    before = await store.answers.for_case(case.id)

    which = await tap(patient, text("journey.review.change"), text("journey.review.change_which"))
    assert [b for row in which.buttons for b in row][-1] == text("journey.review.keep_answers")
    review = await tap(patient, text("journey.review.keep_answers"),
                       text("journey.review.keep_answers_done"))
    assert first_line("journey.review.summary") in (review.text or "")
    assert "left forearm" in (review.text or "")
    assert review.buttons[0] == [text("journey.review.send")]

    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    assert await store.answers.for_case(case.id) == before
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    assert "left forearm" in (summary.text or "")
