"""The link of a request already sent and decided, opened while another request is open at
"Where exactly is the rash?", through the real bot: the patient is told the other request is
open and gets its question again, with its Skip button; a date of birth typed next is not
saved as where the rash is (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.services.naming import named
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, send_three, then_says, to_photos
from tests.auxil.e2e.practice import make_team, refer, sent_from_link

App = Application[Any, Any, Any, Any, Any, Any]
WHERE = first_line("journey.details.where_exactly")


async def test_an_ended_requests_link_shows_the_open_request_and_a_date_is_not_where(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, ended_link = await store.invites.create(
        team.practice.id, "P-300", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    patient = await sent_from_link(emu, ended_link)
    decided = await store.cases.current_for_patient(patient.id)
    assert decided is not None
    await team.gp.wait_for_text(decided.reference, timeout=20)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await refer(team.gp)
    await patient.wait_until(lambda: any(f"({decided.reference})" in (m.text or "")
                                         for m in patient.all_messages), timeout=10)
    patient.skip_to_end()

    _, open_link = await store.invites.create(
        team.practice.id, "P-301", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, open_link)
    await send_three(patient)
    await then_says(patient, WHERE)
    now = await store.cases.current_for_patient(patient.id)
    assert now is not None and now.stage is Stage.DETAILS and now.id != decided.id

    await patient.open_deep_link(ended_link)
    told = await patient.wait_for_text(
        text("journey.invite.other_open", request=await named(store, now)), timeout=10)
    asked = told if WHERE in (told.text or "") else await patient.wait_for_text(WHERE)
    assert [text("journey.details.skip")] in asked.buttons, "the question with its button"

    for typed in ("2 3 1950", "02/03/1950", "2 March 1950"):
        patient.skip_to_end()
        await patient.send_text(typed)
        await patient.wait_for_text(first_line("journey.details.where_not_a_date"), timeout=10)
    assert "detail.where" not in await store.answers.for_case(now.id), "no date kept as where"
    await patient.send_text("back of left knee")
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    assert (await store.answers.for_case(now.id))["detail.where"] == "back of left knee"
