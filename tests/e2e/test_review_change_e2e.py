"""An answer being changed at the review, end to end through the emulator: no button still on
screen from an earlier message (Send or Replace on an earlier review message, one /status
showed, the list of answers to change) can send the request past it.

Audit (clinical safety, 30 November 2026): "Breast" tapped while changing the site at the
review waits for its "Yes"; Send on the first review message then sent the request with the
old site ("Arm or hand") and told the patient it was sent, and the GP saw no trace of the
breast. Same for a child's eczema, "Most of my body" and "any area on the breast, private
parts or bottom: yes" (and a child's "any area on the face or head: yes", H58). Now such a tap
says nothing was sent and asks the question being changed again; the stopping answer, once
confirmed, ends the request as at screening (hazard log H04, H21)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    then_says,
    to_child_eczema_question,
    to_photos,
)
from tests.auxil.e2e.practice import Team, make_team

App = Application[Any, Any, Any, Any, Any, Any]
REFUSED = text("journey.review.finish_change")

CHANGES = {
    # name: (a child's request, answers given first, question changed, its answer, stop)
    "breast": (False, (), "site", "screening.site.breast", "intimate"),
    "most-of-the-body": (False, (), "areas", "screening.areas.everywhere", "everywhere"),
    "other-area-intimate": (False, ("screening.areas.several", "screening.other_areas.no"),
                            "other_areas", "screening.other_areas.yes", "intimate"),
    "child-eczema": (True, (), "eczema", "screening.eczema.yes", "eczema"),
    "child-other-area-face": (True, ("screening.areas.several", "screening.other_areas.no",
                                     "screening.other_face.no"),
                              "other_face", "screening.other_face.yes", "child_face"),
}


def say(key: str, *, parent: bool = False, **values: object) -> str:
    """Patient words from journey.toml, worded for a parent if `parent`."""
    return worded(f"journey.{key}", parent=parent, **values)


async def at_review(app: App, emu: Emulator, child: bool) -> tuple[Team, TelegramUser]:
    """A patient (or a parent, for a 9-year-old) of a team's GP who took 3 photos of the arm,
    at the review."""
    team = await make_team(app, emu)
    born = child_birthday(9) if child else None
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-300", born.isoformat() if born else "1980-02-03", valid_days=7,
        gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    if born is not None:
        await to_child_eczema_question(patient, token, born)
        await read_the_tips(patient, say("screening.eczema.no"), parent=True)
    else:
        await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, parent=child)
    return team, patient


async def change(patient: TelegramUser, qid: str, answer: str, expect: str, *,
                 parent: bool) -> SentMessage:
    """Change an answer from the newest review message; the bot's answer with `expect`."""
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say(f"review.change_{qid}"),
              say(f"screening.{qid}.question", parent=parent))
    return await tap(patient, say(answer, parent=parent), expect)


async def old_tap(patient: TelegramUser, message: tuple[int, dict[str, str]],
                  label: str) -> SentMessage:
    """Tap a button of an earlier message, as it was shown (`shown`: a slow phone can still
    show buttons the bot has since taken off); the bot's answer."""
    message_id, buttons = message
    await patient.tap_callback(message_id, buttons[label])
    return await patient.wait_for_text(first_line("journey.review.finish_change"), timeout=10)


def shown(message: SentMessage) -> tuple[int, dict[str, str]]:
    """A message and its buttons as the patient sees them now (its buttons may be taken off
    later, once it is answered)."""
    return message.message_id, dict(message.callback_data)


async def current(app: App, patient: TelegramUser) -> Case:
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


@pytest.mark.parametrize("name", list(CHANGES))
async def test_an_earlier_send_never_goes_past_a_stopping_answer_being_changed(
    app: App, emu: Emulator, name: str
) -> None:
    child, first, qid, answer, stop = CHANGES[name]
    team, patient = await at_review(app, emu, child)
    if first:  # "Two or more areas" asks each follow-up at once, each answered "No"
        await change(patient, "areas", first[0], first_line("journey.review.ask_again"),
                     parent=child)
        follow_ups = first[1:]
        for label, then in zip(follow_ups, (*follow_ups[1:], None), strict=True):
            await tap(patient, say(label), say("review.changed") if then is None else
                      say(f"screening.{then.split('.')[1]}.question", parent=child))
    review = shown(await then_says(patient, first_line("journey.review.summary")))
    await patient.send_command("/status")  # a second review message, with live buttons
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, say("review.change"), say("review.change_which"))
    assert patient.last_message is not None
    changes = shown(patient.last_message)
    await tap(patient, say(f"review.change_{qid}"),
              say(f"screening.{qid}.question", parent=child))
    confirm = say("confirm.ask", choice=say(answer, parent=child),
                  means=say(f"confirm.means.{stop}", parent=child))
    await tap(patient, say(answer, parent=child), confirm)

    send = say("review.send", parent=child)
    for message, label in ((review, send), (changes, say("review.change_duration")),
                           (review, say("review.replace"))):
        again = await old_tap(patient, message, label)
        assert REFUSED in (again.text or "")
        assert say(f"screening.{qid}.question", parent=child) in (again.text or ""), (
            "the question being changed is asked again")
    case = await current(app, patient)
    assert case.stage is Stage.REVIEW and case.submitted_at is None
    receipt = first_line("journey.receipt.text").split("{")[0]
    assert not any(receipt in (m.text or "") for m in patient.messages), "nothing said sent"

    await tap(patient, say(answer, parent=child), confirm)
    practice = team.practice
    ending = say(f"stop.{stop}", parent=child, practice=practice.name, phone=practice.phone)
    await tap(patient, say("confirm.yes"), ending.split("\n")[0])
    assert (await current(app, patient)).stage is Stage.STOPPED
    await emu.wait_until_idle()
    assert not any(case.reference in (m.text or "") for m in team.gp.messages), (
        "the GP never received the request")
    assert not any(m.kind == "photo" for m in team.gp.messages)


async def test_an_earlier_send_under_a_red_flag_yes_being_changed_gives_the_advice_again(
    app: App, emu: Emulator
) -> None:
    """A red-flag "yes" changed at the review gets the 999 / NHS 111 advice at once; Send on
    an earlier review message then sends nothing and gives the advice and its confirmation
    again, never the bare question."""
    team, patient = await at_review(app, emu, child=False)
    review = shown(await then_says(patient, first_line("journey.review.summary")))
    await patient.send_command("/status")  # a second review message, with live buttons
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_red_flags"), say("screening.red_flags.question"))
    confirm = say("confirm.ask", choice=say("screening.red_flags.yes"),
                  means=say("confirm.means.red_flag"))
    await tap(patient, say("screening.red_flags.yes"), confirm)

    again = await old_tap(patient, review, say("review.send"))
    assert first_line("journey.red_flag.now") in (again.text or ""), "the advice again"
    await then_says(patient, confirm)
    case = await current(app, patient)
    assert case.stage is Stage.REVIEW and case.submitted_at is None
    await tap(patient, say("confirm.yes"), first_line("journey.stop.red_flag"))
    assert (await current(app, patient)).stage is Stage.STOPPED
    await emu.wait_until_idle()
    assert not any(case.reference in (m.text or "") for m in team.gp.messages)
