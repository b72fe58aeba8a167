"""/status and /start never hide a request still waiting: after /cancel of one request, the
patient is told that another is still with the GP (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.inbox.decisions import Inbox
from bot.services.naming import request_name
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
from tests.auxil.e2e.practice import Team, make_team

App = Application[Any, Any, Any, Any, Any, Any]


def still_with_gp(case: Case, answers: dict[str, str]) -> str:
    """The words that name `case` as still with the GP, as the patient knows it."""
    return text("journey.cases.still_with_gp", request=request_name(case, answers))


def other_status(case: Case, answers: dict[str, str], where: str, next_words: str) -> str:
    """The /status words that name `case`, a request sent to the GP, among the patient's
    other requests: with its reference, which staff ask for on the phone."""
    return text("journey.cases.other_status_sent", request=request_name(case, answers),
                reference=case.reference, where=text(f"journey.status_words.{where}"),
                next=next_words)


async def one_sent_of_two(app: App, emu: Emulator, name: str, prefix: str
                          ) -> tuple[Team, TelegramUser, list[str], Case]:
    """A patient with two links (references `prefix`-1 and -2) who sent the first request:
    the team, the patient, both links and the sent case."""
    team = await make_team(app, emu)
    store = services_of(app).store
    links = [(await store.invites.create(team.practice.id, f"{prefix}-{n}", "1980-02-03",
                                         valid_days=7, gp_member_id=team.gp_member.id))[1]
             for n in (1, 2)]
    patient = emu.user(name)
    await to_photos(patient, links[0])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    sent = await store.cases.current_for_patient(patient.id)
    assert sent is not None and sent.stage is Stage.SUBMITTED
    return team, patient, links, sent


async def test_after_cancelling_one_request_status_and_start_say_the_other_is_with_the_gp(
    app: App, emu: Emulator
) -> None:
    _, patient, links, sent = await one_sent_of_two(app, emu, "Sol", "ST")
    store = services_of(app).store
    answers = await store.answers.for_case(sent.id)
    waiting = still_with_gp(sent, answers)
    with_gp = other_status(sent, answers, "submitted", text("journey.status_words.next_submitted"))

    await to_consent(patient, links[1])
    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    await tap(patient, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))

    await patient.send_command("/status")
    status = await patient.wait_for_text(text("journey.status_words.cancelled"), timeout=10)
    await patient.wait_until(lambda: with_gp in (
        patient.last_message.text or "" if patient.last_message else ""), timeout=10)
    assert patient.messages.index(status) <= patient.messages.index(patient.last_message)

    await patient.send_command("/start")
    await patient.wait_for_text(first_line("journey.stop.ended"), timeout=10)
    await patient.wait_until(lambda: waiting in (
        patient.last_message.text or "" if patient.last_message else ""), timeout=10)


async def test_status_after_cancelling_names_the_other_request_the_gp_referred(
    app: App, emu: Emulator
) -> None:
    team, patient, links, sent = await one_sent_of_two(app, emu, "Ray", "SR")
    store = services_of(app).store
    assert (await Inbox(store).refer(team.gp.id, sent.id)).done
    referred = other_status(sent, await store.answers.for_case(sent.id), "decided",
                            text("journey.status_words.next_referred"))

    await to_consent(patient, links[1])
    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    await tap(patient, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))
    await patient.send_command("/status")

    await patient.wait_until(lambda: referred in (
        patient.last_message.text or "" if patient.last_message else ""), timeout=10)
    said = "\n\n".join(m.text or "" for m in patient.messages[-2:])
    lead = text("journey.commands.status", where=text("journey.status_words.cancelled"),
                next=text("journey.status_words.next_closed"))
    assert lead in said and said.index(lead) < said.index(referred), "led by the one cancelled"
