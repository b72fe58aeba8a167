"""A red-flag "yes" is never lost, through the real bot: the urgent advice comes at once with the
first tap, before any confirmation; staff are alerted and the event log has it even if the
patient never confirms; and a "yes" the patient then says was a mistake reaches the GP's
summary (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Case
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import (
    Team,
    case_of,
    make_team,
)

App = Application[Any, Any, Any, Any, Any, Any]


def say(key: str, **values: object) -> str:
    """The patient's words under `journey.<key>`."""
    return text(f"journey.{key}", **values)


CONFIRMATION = say("confirm.ask", choice=say("screening.red_flags.yes"),
                   means=say("confirm.means.red_flag"))


async def link(app: App, team: Team, ref: str) -> str:
    """An adult's invite link, its cases going to the team's GP."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def events(app: App, case: Case) -> list[str]:
    return [event.kind for event in await services_of(app).store.audit.for_case(case.id)]


async def says_yes(app: App, team: Team, patient: TelegramUser, ref: str) -> Case:
    """Tap "Yes, one or more": the advice comes at once, with or before the confirmation, and
    staff are alerted without any confirmation."""
    before = len(patient.messages)
    await patient.tap(say("screening.red_flags.yes"))
    advice = await patient.wait_for_text(say("red_flag.now"), timeout=10)
    confirm = await patient.wait_for_text(CONFIRMATION) if CONFIRMATION not in (
        advice.text or "") else advice
    new = patient.messages[before:]
    assert new.index(advice) <= new.index(confirm), "the advice first, then the question"
    assert "999" in (advice.text or "") and "111" in (advice.text or "")
    case = await case_of(app, patient)
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_yes", patient_ref=ref,
                                        reference=case.reference), timeout=10)
    assert "case.red_flag_yes" in await events(app, case)
    return case


async def test_an_unconfirmed_red_flag_yes_is_advised_alerted_kept_and_shown_to_the_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ray")
    await to_consent(patient, await link(app, team, "RF-1"))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    case = await says_yes(app, team, patient, "RF-1")

    await patient.send_command("/status")  # no tap on the confirmation
    await patient.wait_for_text(say("red_flag.now"), timeout=10)
    await patient.wait_until(lambda: CONFIRMATION in (patient.last_message.text or "")
                             if patient.last_message else False, timeout=10)
    assert patient.last_message is not None
    assert patient.last_message.buttons == [[say("confirm.yes")], [say("confirm.no_red_flag")]], (
        "the confirmation is still waiting, not the question asked afresh")
    alert = text("inbox.staff.stopped.red_flag_yes", patient_ref="RF-1", reference=case.reference)
    assert [m.text for m in team.staff.messages].count(alert) == 1, "one alert for one yes"

    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    state = f"{text('inbox.staff.step.screening')}; {text('inbox.staff.step.red_flag_yes')}"
    assert text("inbox.staff.red_flag_line", patient_ref="RF-1", state=state) in (
        listing.text or "").splitlines()

    await tap(patient, say("confirm.no_red_flag"), say("screening.red_flags.question"))
    assert "case.red_flag_withdrawn" in await events(app, case)
    await tap(patient, SCREENING[1], say("screening.site.question"))
    await tap(patient, SCREENING[2], say("screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    assert text("inbox.gp.red_flags_withdrawn", answer=say("screening.red_flags.no")) in (
        summary.text or ""), "the GP sees the red flag first answered yes"


async def test_no_at_the_review_keeps_the_red_flag_yes_for_staff_and_the_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Rio")
    await to_consent(patient, await link(app, team, "RF-2"))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    await tap(patient, SCREENING[1], say("screening.site.question"))
    await tap(patient, SCREENING[2], say("screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_red_flags"), say("screening.red_flags.question"))
    case = await says_yes(app, team, patient, "RF-2")

    await tap(patient, say("confirm.no_red_flag"), say("screening.red_flags.question"))
    await tap(patient, SCREENING[1], say("review.changed"))
    assert "case.red_flag_withdrawn" in await events(app, case)
    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    assert text("inbox.gp.red_flags_withdrawn", answer=say("screening.red_flags.no")) in (
        summary.text or "")
    assert worded("inbox.staff.stopped.red_flag", parent=False, patient_ref="RF-2",
                  reference=case.reference) not in [m.text for m in team.staff.messages], (
        "not told it stopped: it goes on")


async def test_help_and_the_cancel_answer_lead_with_the_urgent_advice_once_while_a_red_flag_waits(
    app: App, emu: Emulator
) -> None:
    """A patient who tapped "yes" to a warning sign, then types /help, reads "Please get help
    now" first, before the help (it came before every other answer, not this one), and "Is
    that right?" again last, with its buttons. /cancel's
    question leaves it to the answer: either answer leads with it, once, so it never comes
    twice in a row (question, then answer, with no message of the patient's between)."""
    team = await make_team(app, emu)
    patient = emu.user("Rae")
    await to_consent(patient, await link(app, team, "RF-9"))
    await tap(patient, say("consent.yes"), say("screening.is_rash.question"))
    await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    await says_yes(app, team, patient, "RF-9")
    urgent = say("red_flag.now")

    async def answer(send: Any, words: str) -> str:
        before = len(patient.messages)
        await send
        await patient.wait_for_text(words.splitlines()[0], timeout=10)
        return "\n\n".join(m.text or "" for m in patient.messages[before:])

    said = await answer(patient.send_command("/help"), CONFIRMATION)
    assert said.startswith(urgent) and said.count(urgent) == 1, said
    # ...and "Is that right?" again last, with its buttons, so no scrolling up to answer it
    assert said.index(first_line("messages.help.text")) < said.index(CONFIRMATION), said
    last = patient.messages[-1]
    assert last.text == CONFIRMATION and [say("confirm.yes")] in last.buttons, last
    said = await answer(patient.send_command("/cancel"), say("commands.cancel_confirm"))
    assert urgent not in said, said
    said = await answer(patient.tap(say("commands.cancel_no")), CONFIRMATION)
    assert said.startswith(urgent) and said.count(urgent) == 1, said
    # once the yes is withdrawn, /help is the plain help, then the red-flag question again
    await tap(patient, say("confirm.no_red_flag"), say("screening.red_flags.question"))
    await patient.send_command("/help")
    reply = await patient.wait_for_text(first_line("messages.help.text"), timeout=10)
    assert reply.text == text("messages.help.text")
    again = await patient.wait_for_text(say("screening.red_flags.question"), timeout=10)
    assert urgent not in (again.text or "") and again.buttons, again
