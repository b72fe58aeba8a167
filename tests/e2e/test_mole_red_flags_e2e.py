"""A "mole, spot or lump" answer never hides an urgent one (audit35, hazard log H43): the
red-flag question is asked before that stop, as before every other stop, so spots that do not
fade under a glass (meningococcal disease) get 999 / NHS 111, not "book an appointment"."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.journey.stop_words import stop_words
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    first_line,
    parent_agrees,
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import (
    case_of,
    make_team,
    new_invite,
)

App = Application[Any, Any, Any, Any, Any, Any]


def say(key: str, **values: object) -> str:
    """The patient's words under `journey.<key>`."""
    return text(f"journey.{key}", **values)


async def says_mole(patient: TelegramUser, *, parent: bool = False) -> None:
    """Tap "No, it is a mole, spot or lump" and confirm it."""
    means = worded("journey.confirm.means.mole", parent=parent)
    await tap(patient, say("screening.is_rash.mole"), means)
    question = worded("journey.screening.red_flags.question", parent=parent)
    await tap(patient, say("confirm.yes"), question)


async def test_a_mole_answer_is_followed_by_the_red_flags_and_a_yes_gets_999_and_111(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Meg")
    await to_consent(patient, await new_invite(app, team.practice))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await says_mole(patient)
    case = await case_of(app, patient)
    assert case.stage is Stage.SCREENING, "not stopped before the red flags were asked"
    stop = say("stop.mole", practice=team.practice.name, phone=team.practice.phone)
    assert stop not in [m.text for m in patient.messages]
    await tap(patient, say("screening.red_flags.yes"), say("red_flag.now"))
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_yes",
                                        patient_ref="P-100", reference=case.reference),
                                   timeout=10)
    urgent = say("stop.red_flag", practice=team.practice.name, phone=team.practice.phone)
    await tap(patient, say("confirm.yes"), first_line("journey.stop.red_flag"))
    assert urgent in [m.text for m in patient.messages]
    assert stop not in [m.text for m in patient.messages], "one ending: the urgent one"
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    answers = await services_of(app).store.answers.for_case(case.id)
    assert answers["screen.red_flags"] == "yes"


async def test_a_mole_answer_with_no_red_flags_then_stops_as_before(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Nell")
    born = child_birthday(6)
    await to_consent(patient, await new_invite(app, team.practice, born.isoformat()),
                     born.strftime("%d/%m/%Y"))
    await parent_agrees(patient)
    await tap(patient, say("consent.child_yes"), say("screening.is_rash.question"))
    await says_mole(patient, parent=True)
    stop = stop_words("screen_mole", parent=True, practice=team.practice.name,
                      phone=team.practice.phone)
    stopped = await tap(patient, say("screening.red_flags.no"), stop)
    assert stopped.text == stop
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    said = "\n".join(m.text or "" for m in patient.messages)
    assert worded("journey.red_flag.now", parent=True) not in said, "no urgent advice on a no"
