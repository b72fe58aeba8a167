"""/status and /start never hide a request still waiting: after /cancel of one request, the
patient is told that another is still with the GP (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.journey.naming import request_name
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    tap,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import make_team

App = Application[Any, Any, Any, Any, Any, Any]


def still_with_gp(case: Case, answers: dict[str, str]) -> str:
    """The words that name `case` as still with the GP, as the patient knows it."""
    return text("journey.cases.still_with_gp", request=request_name(case, answers))


async def test_after_cancelling_one_request_status_and_start_say_the_other_is_with_the_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    links = [(await store.invites.create(team.practice.id, ref, "1980-02-03", valid_days=7,
                                         gp_member_id=team.gp_member.id))[1]
             for ref in ("ST-1", "ST-2")]
    patient = emu.user("Sol")
    await to_photos(patient, links[0])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    sent = await store.cases.current_for_patient(patient.id)
    assert sent is not None and sent.stage is Stage.SUBMITTED
    waiting = still_with_gp(sent, await store.answers.for_case(sent.id))

    await to_consent(patient, links[1])
    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    await tap(patient, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))

    await patient.send_command("/status")
    status = await patient.wait_for_text(text("journey.status_words.cancelled"), timeout=10)
    await patient.wait_until(lambda: waiting in (
        patient.last_message.text or "" if patient.last_message else ""), timeout=10)
    assert patient.messages.index(status) <= patient.messages.index(patient.last_message)

    await patient.send_command("/start")
    await patient.wait_for_text(first_line("journey.stop.ended"), timeout=10)
    await patient.wait_until(lambda: waiting in (
        patient.last_message.text or "" if patient.last_message else ""), timeout=10)
