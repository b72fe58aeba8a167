"""Words nobody reads get a kind answer, through the real bot: a message changed after it was
sent during a request (the GP will not see the changed words, how to tell the practice, the
safety net; once a message; after the urgent advice while a red-flag "yes" waits), a typed
answer changed after the next question came (put right with "Change an answer", not by sending
it again), and words typed or changed once the request was sent to the GP (words by content
key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Practice
from tests.auxil.e2e.patient import (
    SCREENING,
    first_line,
    send_three,
    tap,
    then_says,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import make_team, new_invite, submit

App = Application[Any, Any, Any, Any, Any, Any]


def said_after(patient: TelegramUser, before: int) -> str:
    return "\n\n".join(m.text or "" for m in patient.messages[before:])


async def test_words_changed_at_a_question_are_not_passed_on_and_answered_once(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Eve")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    sent = await patient.send_text("it is on my arm")
    await patient.wait_for_text(text("journey.input.need_button"), timeout=10)
    before = len(patient.messages)
    await patient.edit_text(sent["message_id"], "it is on my arm and I have a fever")
    answer = await patient.wait_for_text(first_line("journey.input.changed_not_passed_on"))
    assert practice.phone in (answer.text or "") and "999" in (answer.text or "")
    # the note fills a phone's screen: the question again below it, with its buttons
    again = await patient.wait_until(lambda: patient.messages[-1].buttons and patient.messages[-1])
    assert (again.text or "").endswith(text("journey.screening.is_rash.question")), again
    assert again.buttons, "the question again, with its buttons"
    await patient.edit_text(sent["message_id"], "it is on my arm and I have a high fever")
    await emu.wait_until_idle()
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    assert said_after(patient, before).count(
        first_line("journey.input.changed_not_passed_on")) == 1, "once a message"


async def test_words_changed_while_a_red_flag_yes_waits_come_after_the_urgent_advice(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Fay")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    sent = await patient.send_text("it spreads")
    await patient.wait_for_text(text("journey.input.need_button"), timeout=10)
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    await patient.tap(text("journey.screening.red_flags.yes"))
    await patient.wait_for_text(text("journey.confirm.means.red_flag"), timeout=10)
    before = len(patient.messages)
    await patient.edit_text(sent["message_id"], "it spreads fast")
    await patient.wait_for_text(text("journey.input.not_passed_on_urgent"), timeout=10)
    answer = said_after(patient, before)
    assert answer.startswith(first_line("journey.red_flag.now")), "'Please get help now' first"
    assert answer.index(text("journey.input.not_passed_on_urgent")) > 0
    # "Is that right?" again, its buttons last, and the urgent advice said once
    last = await patient.wait_until(lambda: patient.messages[-1].buttons and patient.messages[-1])
    assert text("journey.confirm.means.red_flag") in (last.text or ""), last
    answer = said_after(patient, before)
    assert answer.count(first_line("journey.red_flag.now")) == 1, answer


async def test_words_typed_or_changed_after_sending_say_the_gp_will_not_see_them(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = await submit(app, emu, team, "Gus")
    before = len(patient.messages)
    sent = await patient.send_text("it has got worse since, and spread to my back")
    note = await patient.wait_for_text(first_line("journey.input.sent_not_passed_on"),
                                       timeout=10)
    assert team.practice.phone in (note.text or "") and "999" in (note.text or "")
    await patient.edit_text(sent["message_id"], "it has got much worse")
    await patient.wait_until(lambda: said_after(patient, before).count(
        first_line("journey.input.sent_not_passed_on")) == 2, timeout=10)
    assert text("journey.input.edited") not in said_after(patient, before)


async def test_a_typed_answer_changed_later_points_to_change_an_answer_not_send_it_again(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """A patient in a hurry types "left elbow" at "Exactly where is the rash?", then changes
    the message to "right elbow" once "How long?" is asked: sending it again would answer
    another question, so the bot says where answers are changed (the list of answers' "Change
    an answer"), at the questions about the rash and at the review alike."""
    patient = emu.user("Hal")
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    await then_says(patient, first_line("journey.details.where_exactly"))
    sent = await patient.send_text("left elbow")
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    before = len(patient.messages)
    await patient.edit_text(sent["message_id"], "right elbow")
    change = text("journey.review.change")
    await patient.wait_for_text(text("journey.input.edited_details", change=change), timeout=10)
    said = said_after(patient, before)
    assert text("journey.input.edited") not in said, "sending it again would answer How long?"
    assert first_line("journey.input.changed_not_passed_on") in said
    again = await patient.wait_until(lambda: patient.messages[-1].buttons and patient.messages[-1])
    assert (again.text or "").endswith(text("journey.details.duration_question")), again
    assert again.buttons, "How long? again, its buttons last"
    await tap(patient, text("journey.details.duration_weeks"),
              first_line("journey.details.symptoms_question"))
    await tap(patient, text("journey.details.symptoms_itchy"),
              first_line("journey.details.tried_question"))
    tried = await patient.send_text("E45")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await patient.edit_text(tried["message_id"], "E45 and hydrocortisone")
    await patient.wait_for_text(text("journey.input.edited_review", change=change), timeout=10)
