"""A photo replaced at the review, through the real bot: the GP's summary no longer says
"no retakes"; the replaced photo is a retake of its shot, with its reason (words by content
key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    then_says,
    to_photos,
)
from tests.auxil.e2e.practice import CAPTIONS, make_team, mirrored

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_photo_replaced_at_the_review_is_a_retake_in_the_gps_summary(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-REP", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where="left forearm")
    await tap(patient, text("journey.review.replace"), text("journey.review.which"))
    await tap(patient, text("journey.review.replace_close_up_2"), taken_again("close_up_2"))
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted_again",
                                     which=text("journey.photos.which_again_one")), timeout=15)
    await then_says(patient, first_line("journey.review.summary"))
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    notes = text("inbox.gp.flag_retake_one", count=1,
                 reasons=text("inbox.gp.replaced_by_patient"))
    assert text("inbox.gp.flag_line", shot=CAPTIONS[2], notes=notes) in (summary.text or "")
    assert text("inbox.gp.no_flags") not in (summary.text or "")
