"""A red-flag "yes" waiting for its confirmation, through the real bot: /cancel, /status and
/start lead with the urgent advice, never routine words; and the red-flag buttons of a request
that has ended still give the advice, naming that request and worded for whose it was, without
touching the request the patient is on now (words by content key)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.services.naming import named
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    child_birthday,
    first_line,
    parent_agrees,
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import Team, make_team

App = Application[Any, Any, Any, Any, Any, Any]
ADULT = date(1980, 2, 3)
CHILD = child_birthday(8)


def say(key: str, *, parent: bool = False, **values: object) -> str:
    """The patient's words under `journey.<key>`, worded for a parent or not."""
    return worded(f"journey.{key}", parent=parent, **values)


async def link(app: App, team: Team, ref: str, born: date) -> str:
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, born.isoformat(), valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def current(app: App, patient: TelegramUser) -> Case:
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


async def to_red_flags(app: App, team: Team, patient: TelegramUser, ref: str,
                       born: date) -> bool:
    """Open the link for `ref` and agree, up to the red-flag question; True for a parent."""
    await to_consent(patient, await link(app, team, ref, born), born.strftime("%d/%m/%Y"))
    parent = born == CHILD
    if parent:
        await parent_agrees(patient)
        await tap(patient, text("journey.consent.child_yes"),
                  say("screening.is_rash.question", parent=True))
    else:
        await tap(patient, text("journey.consent.yes"), say("screening.is_rash.question"))
    await tap(patient, SCREENING[0], say("screening.red_flags.question", parent=parent))
    return parent


async def says_yes(patient: TelegramUser, parent: bool) -> SentMessage:
    """Tap "Yes, one or more" (not confirmed): the advice, then the confirmation, whose
    message is returned."""
    await patient.tap(say("screening.red_flags.yes"))
    await patient.wait_for_text(say("red_flag.now", parent=parent), timeout=10)
    return await patient.wait_for_text(say("confirm.means.red_flag", parent=parent), timeout=10)


async def cancels(patient: TelegramUser) -> None:
    """/cancel the request the patient is on, and "Yes"."""
    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    await tap(patient, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))


async def answer_to(patient: TelegramUser, send: Any, until: str) -> str:
    """The bot's messages after `send()` up to and including one containing `until`, joined
    in the order the patient reads them."""
    before = len(patient.messages)
    await send()
    await patient.wait_for_text(until, timeout=10)
    await patient.wait_until(lambda: any(until in (m.text or "")
                                         for m in patient.messages[before:]), timeout=10)
    return "\n\n".join(m.text or "" for m in patient.messages[before:])


async def test_cancelling_while_a_red_flag_yes_waits_repeats_the_advice_and_status_leads_with_it(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Cass")
    await to_red_flags(app, team, patient, "RC-1", ADULT)
    await says_yes(patient, parent=False)
    practice = team.practice

    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    said = await answer_to(patient, lambda: patient.tap(text("journey.commands.cancel_yes")),
                           first_line("journey.commands.cancelled"))
    assert say("red_flag.now") in said, "the patient said yes to a warning sign"
    assert said.index(say("red_flag.now")) < said.index(first_line("journey.commands.cancelled"))

    status = await answer_to(patient, lambda: patient.send_command("/status"),
                             say("commands.status", where=text("journey.status_words.cancelled"),
                                 next="").strip())
    assert status.startswith(say("red_flag.now")), "the urgent advice first"
    assert say("status_words.next_closed", practice=practice.name) not in status.split(
        "Next: ")[-1].split("\n")[0], "never 'Next: nothing' beside 'Please get help now'"
    assert say("commands.status", where=text("journey.status_words.cancelled"),
               next=say("status_words.next_red_flag")) in status


async def test_status_and_start_lead_with_the_advice_while_a_red_flag_yes_waits(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Stan")
    await to_red_flags(app, team, patient, "RS-1", ADULT)
    await says_yes(patient, parent=False)
    confirmation = say("confirm.means.red_flag")

    status = await answer_to(patient, lambda: patient.send_command("/status"), confirmation)
    where = say("commands.status", where=text("journey.status_words.screening"),
                next=text("journey.status_words.next_screening"))
    assert status.startswith(say("red_flag.now")), "no routine words before the advice"
    assert where in status and status.index(where) < status.index(confirmation)

    start = await answer_to(patient, lambda: patient.send_command("/start"), confirmation)
    assert start.startswith(say("red_flag.now")), "not 'Welcome back' first"
    assert say("invite.welcome_back") in start

    sticker = await answer_to(patient, lambda: patient.send_sticker(), confirmation)
    assert sticker.startswith(say("red_flag.now")), "not 'Thank you! But...' first"
    typed = await answer_to(patient, lambda: patient.send_text("it is spreading on my legs"),
                            confirmation)
    assert typed.startswith(say("red_flag.now")), "not 'the GP will not see this' first"
    assert say("input.need_button") in typed
    assert patient.last_message is not None
    assert patient.last_message.buttons == [[say("confirm.yes")], [say("confirm.no_red_flag")]]

    number = await answer_to(patient, lambda: patient.send_text("call me on 07700 900123"),
                             confirmation)
    assert number.startswith(say("red_flag.now")), "not 'I have deleted your message' first"
    assert say("input.personal_removed") in number
    photo = await answer_to(
        patient, lambda: patient.send_photo(sample("close-up-good.jpg"), caption="it spreads"),
        confirmation)
    assert photo.startswith(say("red_flag.now")), "a photo at the question: the advice first"
    assert say("photos.not_now_red_flag") in photo
    assert photo.index(say("photos.not_now_red_flag")) < photo.index(confirmation), (
        "the question again below 'answer the question below', no scrolling up")
    assert patient.last_message is not None and confirmation in (patient.last_message.text or "")
    assert patient.last_message.buttons == [[say("confirm.yes")], [say("confirm.no_red_flag")]]
    await patient.wait_until(lambda: bool(patient.deleted_incoming), timeout=10)
    assert say("photos.removed") in "\n\n".join(m.text or "" for m in patient.messages[-2:])
    assert patient.last_message.buttons, "the question stays the last message"
    await tap(patient, say("confirm.no_red_flag"), say("screening.red_flags.question"))


@pytest.mark.parametrize(("ended", "now_on"), [(ADULT, CHILD), (CHILD, ADULT)],
                         ids=["own-ended-child-open", "child-ended-own-open"])
async def test_a_cancelled_requests_red_flag_confirmation_names_it_and_leaves_the_other_alone(
    app: App, emu: Emulator, ended: date, now_on: date
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Pam")
    parent = await to_red_flags(app, team, patient, "RE-1", ended)
    confirm = await says_yes(patient, parent)
    yes_data = confirm.callback_data[say("confirm.yes")]
    cancelled = await current(app, patient)
    await cancels(patient)

    other_parent = await to_red_flags(app, team, patient, "RE-2", now_on)
    await tap(patient, SCREENING[1], say("screening.site.question", parent=other_parent))
    working = await current(app, patient)
    answers = await store.answers.for_case(working.id)

    before = len(patient.messages)
    await patient.tap_callback(confirm.message_id, yes_data)  # the cancelled request's "Yes"
    advice = say("red_flag.ended", parent=parent,
                 request=await named(store, await store.cases.get(cancelled.id) or cancelled))
    await patient.wait_for_text(advice, timeout=10)
    assert "999" in advice and "111" in advice
    assert not [m for m in patient.messages[before:]
                if say("red_flag.now", parent=not parent) in (m.text or "")
                or say("stop.red_flag_after", parent=not parent) in (m.text or "")], (
        "worded for whose request it was")
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_ended", patient_ref="RE-1",
                                        reference=cancelled.reference), timeout=10)

    still = await current(app, patient)
    assert still.id == working.id and still.stage is Stage.SCREENING, "the other request goes on"
    assert await store.answers.for_case(working.id) == answers
    await tap(patient, SCREENING[2], say("screening.areas.question", parent=other_parent))
    assert [m.text for m in team.staff.messages].count(text(
        "inbox.staff.stopped.red_flag", patient_ref="RE-2",
        reference=working.reference)) == 0, "nothing about the open request"


async def test_status_gives_the_advice_once_first_when_two_requests_each_carry_it(
    app: App, emu: Emulator
) -> None:
    """A request cancelled while its red-flag "yes" waited keeps its advice in /status; the
    request the patient is on now has a "yes" waiting too, and a child's request is open
    beside them: "Please get help now" is said once, first, and then each request as before,
    the open ones named."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Dot")
    await to_red_flags(app, team, patient, "RD-1", ADULT)
    await says_yes(patient, parent=False)
    await cancels(patient)
    await to_red_flags(app, team, patient, "RD-2", CHILD)  # open, at the red flags
    await to_red_flags(app, team, patient, "RD-3", ADULT)
    await says_yes(patient, parent=False)
    now_on = await current(app, patient)
    others = [c for c in await store.cases.for_patient(patient.id) if c.id != now_on.id]
    assert sorted(c.stage for c in others) == sorted([Stage.CANCELLED, Stage.SCREENING])

    confirmation = say("confirm.means.red_flag")
    status = await answer_to(patient, lambda: patient.send_command("/status"), confirmation)
    assert status.startswith(say("red_flag.now")), "the urgent advice first"
    assert status.count(first_line("journey.red_flag.now")) == 1, status
    where = say("commands.status", where=text("journey.status_words.screening"),
                next=text("journey.status_words.next_screening"))
    assert where in status and status.index(where) < status.index(confirmation)
    assert await named(store, now_on) in status, "the request the patient is on"
    child = next(c for c in others if c.stage is Stage.SCREENING)
    assert await named(store, child) in status, "the child's request, still open"


async def test_status_keeps_a_childs_urgent_advice_beside_the_parents_own(
    app: App, emu: Emulator
) -> None:
    """A parent cancelled their child's request while its red-flag "yes" waited, then said
    "yes" on their own request: /status gives their own advice first and then the child's
    ("if the child is very unwell"), both before the routine words; only a repeat for the
    same person is left out (the child's advice was dropped as a repeat of the parent's)."""
    team = await make_team(app, emu)
    patient = emu.user("Pat")
    await to_red_flags(app, team, patient, "RK-1", CHILD)
    await says_yes(patient, parent=True)
    await cancels(patient)
    await to_red_flags(app, team, patient, "RK-2", ADULT)
    await says_yes(patient, parent=False)

    confirmation = say("confirm.means.red_flag")
    status = await answer_to(patient, lambda: patient.send_command("/status"), confirmation)
    own, child = say("red_flag.now"), say("red_flag.now", parent=True)
    assert status.startswith(own), "the patient's own urgent advice first"
    assert child in status, "the child's urgent advice kept"
    assert status.count(first_line("journey.red_flag.now")) == 2, status
    where = say("commands.status", where=text("journey.status_words.screening"),
                next=text("journey.status_words.next_screening"))
    assert status.index(child) < status.index(where) < status.index(confirmation)
