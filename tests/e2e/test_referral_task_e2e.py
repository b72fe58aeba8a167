"""When a GP decides to refer, practice staff get a task to make the e-RS referral, through the
real bot and the emulator (hazard log H48: a referral decided but never made).

Whoever taps "Referral sent on e-RS" first (a member of staff or the GP) records it; every
other copy's button then says who and when, and a second tap changes nothing. A referral nobody
marks sent is chased once, with the same button, across a restart. Every expected text is read
from bot/content by key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.app import REFERRAL_CHASE
from bot.content import text
from bot.emulator import Emulator
from bot.inbox.digest import uk_time
from bot.inbox.referral_again import chase_referrals_again
from bot.inbox.reminding import UK
from bot.services.reminders import chase_referrals
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import refer, submit
from tests.auxil.e2e.referral import (
    SENT,
    STAFF_SENT,
    alerted,
    asked_if_made,
    buttons,
    marked_by,
    patient_told,
    referred,
    tap_and_confirm,
    the_task,
)
from tests.auxil.inbox import working_days_from

App = Application[Any, Any, Any, Any, Any, Any]


async def test_staff_get_the_task_and_the_first_to_mark_it_sent_records_it_for_everyone(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    store = services_of(app).store
    assert done.text == text("inbox.gp.decided_refer", reference=case.reference, gp="Dr Gee",
                             days=3) + text("inbox.gp.decided_refer_staff")
    assert max(len(line) for line in done.text.splitlines()) <= 90, \
        "the GP reads short lines, one step a line, not one long paragraph"
    assert buttons(done) == [SENT]
    (confirm,) = [m for m in team.gp.messages
                  if first_line("inbox.gp.refer_confirm").strip() in (m.text or "")]
    assert confirm.text == text("inbox.gp.refer_confirm", reference=case.reference,
                                days=3) + text("inbox.gp.refer_confirm_staff"), \
        "the GP is told before referring that staff get the task too"
    task = await the_task(team, case)
    assert buttons(task) == [STAFF_SENT]
    assert not [m for m in team.staff.all_messages if m.kind in ("photo", "document")], \
        "staff are told where the pack is, never sent it or the photos"
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert text("inbox.staff.group_referred") in (listing.text or "")

    await tap_and_confirm(team.staff, STAFF_SENT, case)
    await team.staff.wait_for_text(text("inbox.staff.referral_recorded", ubrn="",
                                        reference=case.reference, name="Sue Smith"), timeout=10)
    now, actors = await marked_by(app, case)
    (sue,) = await store.practices.memberships(team.staff.id)
    assert now.referral_sent_at and actors == [f"member:{sue.id}"]
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
    label = text("inbox.staff.referral_marked", name="Sue Smith",
                 when=uk_time(now.referral_sent_at))
    await team.gp.wait_until(lambda: buttons(done) == [label], timeout=10)
    await team.staff.wait_until(lambda: buttons(task) == [label], timeout=10)
    note = text("inbox.staff.referral_marked_note", patient_ref="P-300", ubrn="",
                reference=case.reference, name="Sue Smith", when=uk_time(now.referral_sent_at))
    assert done.text == note, "the GP's copy no longer says to make the referral"
    assert task.text == note

    already = text("inbox.staff.referral_already", reference=case.reference, name="Sue Smith",
                   when=uk_time(now.referral_sent_at))
    for person in (team.gp, team.staff):  # a second tap, by either, changes nothing
        await person.tap(label)
        await alerted(person, already)
    await emu.wait_until_idle()
    again, actors = await marked_by(app, case)
    assert again.referral_sent_at == now.referral_sent_at and len(actors) == 1
    assert len(patient_told(patient, case)) == 1, "the patient is told once"
    assert buttons(done) == [label] and buttons(task) == [label]
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert text("inbox.staff.group_referred") not in (listing.text or "")


async def test_a_tap_on_referral_sent_asks_first_and_no_records_nothing(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    task = await the_task(team, case)
    asked = await asked_if_made(team.staff, case)
    assert buttons(asked) == [text("inbox.staff.referral_confirm_yes"),
                              text("inbox.staff.referral_confirm_no")]
    await emu.wait_until_idle()
    now, actors = await marked_by(app, case)
    assert not now.referral_sent_at and not actors, "a tap alone records nothing"
    assert not patient_told(patient, case)

    await team.staff.tap(text("inbox.staff.referral_confirm_no"))
    await team.staff.wait_until(lambda: asked.text == text(
        "inbox.staff.referral_confirm_cancelled", reference=case.reference), timeout=10)
    await emu.wait_until_idle()
    now, actors = await marked_by(app, case)
    assert not now.referral_sent_at and not actors
    assert not patient_told(patient, case), "the patient is not told it was sent"
    assert buttons(asked) == [] and buttons(task) == [STAFF_SENT]
    assert buttons(done) == [SENT]


async def test_the_question_shows_the_yes_tapped_with_a_tick_once_recorded(
    app: App, emu: Emulator
) -> None:
    """"Have you made the referral on e-RS?" answered "Yes, sent, no UBRN": the question
    keeps its words and shows the answer tapped under them with a tick, in place of its
    buttons, as a patient's questions show theirs (newcomer walkthrough, words37)."""
    team, _, case, _ = await referred(app, emu)
    await the_task(team, case)
    asked = await asked_if_made(team.staff, case)
    await team.staff.tap(text("inbox.staff.referral_confirm_yes"))
    await team.staff.wait_for_text(text("inbox.staff.referral_recorded", ubrn="",
                                        reference=case.reference, name="Sue Smith"), timeout=10)
    question = text("inbox.staff.referral_confirm", reference=case.reference)
    await team.staff.wait_until(lambda: asked.text == (
        f"{question}\n\n{text('inbox.staff.referral_confirm_chosen')}"), timeout=10)
    assert buttons(asked) == []


async def test_the_gp_marks_it_first_and_the_staff_task_then_says_so(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    task = await the_task(team, case)
    await team.gp.tap(SENT)
    await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference), timeout=10)
    await team.gp.tap(text("inbox.gp.ubrn_skip"))
    await team.gp.wait_for_text(text("inbox.gp.referral_recorded", reference=case.reference,
                                     gp="Dr Gee", ubrn=""), timeout=10)
    now, actors = await marked_by(app, case)
    assert now.referral_sent_at and actors == [f"member:{team.gp_member.id}"]
    label = text("inbox.staff.referral_marked", name="Dr Gee",
                 when=uk_time(now.referral_sent_at))
    await team.staff.wait_until(lambda: buttons(task) == [label], timeout=10)
    await team.gp.wait_until(lambda: buttons(done) == [label], timeout=10)

    await team.staff.tap(label)
    await alerted(team.staff, text("inbox.staff.referral_already", reference=case.reference,
                                   name="Dr Gee", when=uk_time(now.referral_sent_at)))
    await emu.wait_until_idle()
    assert len((await marked_by(app, case))[1]) == 1
    assert len(patient_told(patient, case)) == 1


async def test_a_gp_asked_for_the_ubrn_can_go_back_and_nothing_is_recorded(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    await the_task(team, case)
    await team.gp.tap(SENT)
    asked = await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference),
                                        timeout=10)
    assert buttons(asked) == [text("inbox.gp.ubrn_skip"), text("inbox.gp.ubrn_back")]

    await team.gp.tap(text("inbox.gp.ubrn_back"))
    await team.gp.wait_until(lambda: asked.text == text(
        "inbox.gp.ubrn_cancelled", reference=case.reference), timeout=10)
    assert buttons(asked) == [], "the question is closed"
    await team.gp.send_text("0000 1234 5678")  # typed after going back: not taken as a UBRN
    await emu.wait_until_idle()
    now, actors = await marked_by(app, case)
    assert not now.referral_sent_at and not actors and now.ubrn is None
    assert not patient_told(patient, case), "the patient is not told it was sent"
    assert buttons(done) == [SENT], "the GP can mark it once it is made"

    await team.gp.tap(SENT)
    await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference), timeout=10)
    await team.gp.send_text("0000 1234 5678")
    await team.gp.wait_for_text(text("inbox.gp.referral_recorded", reference=case.reference,
                                     gp="Dr Gee", ubrn=text("inbox.gp.ubrn_note",
                                                            ubrn="0000 1234 5678")),
                                timeout=10)
    now, _ = await marked_by(app, case)
    assert now.referral_sent_at and now.ubrn == "000012345678"


async def test_staff_marking_it_sent_may_type_its_ubrn_which_is_checked_and_recorded(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    task = await the_task(team, case)
    asked = await asked_if_made(team.staff, case)
    await team.staff.send_text("1234 5678")
    await team.staff.wait_for_text(text("inbox.staff.ubrn_bad"), timeout=10)
    await emu.wait_until_idle()
    now, actors = await marked_by(app, case)
    assert not now.referral_sent_at and not actors, "a wrong UBRN records nothing"
    assert not patient_told(patient, case)
    assert buttons(asked) == [text("inbox.staff.referral_confirm_yes"),
                              text("inbox.staff.referral_confirm_no")]

    await team.staff.send_text("0000-1234-5678")
    note = text("inbox.gp.ubrn_note", ubrn="0000 1234 5678")
    await team.staff.wait_for_text(text("inbox.staff.referral_recorded", ubrn=note,
                                        reference=case.reference, name="Sue Smith"),
                                   timeout=10)
    now, actors = await marked_by(app, case)
    (sue,) = await services_of(app).store.practices.memberships(team.staff.id)
    assert now.referral_sent_at and now.ubrn == "000012345678"
    assert actors == [f"member:{sue.id}"]
    assert buttons(asked) == [], "the question is closed once answered"
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
    marked = text("inbox.staff.referral_marked_note", patient_ref="P-300", ubrn=note,
                  reference=case.reference, name="Sue Smith",
                  when=uk_time(now.referral_sent_at))
    await team.gp.wait_until(lambda: done.text == marked, timeout=10)
    assert task.text == marked, "every copy shows the UBRN, whoever marked it"
    await team.staff.send_text("0000 1234 9999")  # answered: a second number changes nothing
    await emu.wait_until_idle()
    again, actors = await marked_by(app, case)
    assert again.ubrn == "000012345678" and len(actors) == 1
    assert len(patient_told(patient, case)) == 1

async def test_a_referral_nobody_marks_sent_is_chased_once_with_the_button_after_a_restart(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as app:
        team, patient, case, done = await referred(app, emu)
        await the_task(team, case)
        store = services_of(app).store
        assert await chase_referrals(store, 3, now=datetime.now(UTC) + timedelta(days=2)) == 0

    async with start_bot() as app:  # restarted: everything it needs is in SQLite
        store = services_of(app).store
        later = working_days_from(datetime.now(UTC) + timedelta(days=3))[0]
        assert await chase_referrals(store, 3, now=later) == 1
        services_of(app).queued()
        reminder = await team.staff.wait_for_text(
            first_line("inbox.staff.referral_waiting_alert"), timeout=10)
        assert reminder.text == text("inbox.staff.referral_waiting_alert", patient_ref="P-300",
                                     reference=case.reference, days=3)
        assert buttons(reminder) == [STAFF_SENT]
        assert await chase_referrals(store, 3, now=later + timedelta(days=1)) == 0, "once"
        waiting = [i for i in await store.outbox.for_case(case.id)
                   if "referral-waiting" in i.dedupe_key]
        assert [(i.chat_id, json.loads(i.payload).get("referral")) for i in waiting] == [
            (team.staff.id, 1)]

        await tap_and_confirm(team.staff, STAFF_SENT, case)
        await team.staff.wait_for_text(text("inbox.staff.referral_recorded", ubrn="",
                                            reference=case.reference, name="Sue Smith"),
                                       timeout=10)
        now = await store.cases.get(case.id)
        assert now is not None and now.referral_sent_at
        label = text("inbox.staff.referral_marked", name="Sue Smith",
                     when=uk_time(now.referral_sent_at))
        await team.gp.wait_until(lambda: buttons(done) == [label], timeout=10)
        await patient.wait_until(lambda: patient_told(patient, case), timeout=10)


async def test_a_referral_still_not_marked_sent_is_chased_each_working_day_until_it_is(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as app:
        team, patient, case, _ = await referred(app, emu)
        await the_task(team, case)
        assert app.job_queue is not None and app.job_queue.get_jobs_by_name(REFERRAL_CHASE)
        store = services_of(app).store
        decided = uk_time((await store.cases.get(case.id) or case).decided_at)
        first = working_days_from(datetime.now(UTC) + timedelta(days=3))[0]
        assert await chase_referrals(store, 3, now=first) == 1
        services_of(app).queued()
        await team.staff.wait_for_text(first_line("inbox.staff.referral_waiting_alert"),
                                       timeout=10)
        day1, day2, day3 = working_days_from(first)[:3]
        weekend = next(day for day in (first + timedelta(days=n) for n in range(1, 8))
                       if day.astimezone(UK).isoweekday() in (6, 7))
        assert await chase_referrals_again(store, 3, now=weekend) == 0, "not on a weekend"
        assert await chase_referrals_again(store, 3, now=day1) == 1
        assert await chase_referrals_again(store, 3, now=day1 + timedelta(hours=3)) == 0, \
            "once a working day"
        services_of(app).queued()
        again = await team.staff.wait_for_text(
            first_line("inbox.staff.referral_waiting_again"), timeout=10)
        assert again.text == text("inbox.staff.referral_waiting_again", patient_ref="P-300",
                                  reference=case.reference, count=1,
                                  since=decided)
        assert buttons(again) == [STAFF_SENT]

    async with start_bot() as app:  # restarted: what went today is in SQLite
        store = services_of(app).store
        assert await chase_referrals_again(store, 3, now=day1 + timedelta(hours=4)) == 0
        assert await chase_referrals_again(store, 3, now=day2) == 1
        services_of(app).queued()
        await team.staff.wait_until(lambda: len([
            m for m in team.staff.messages
            if m.text == text("inbox.staff.referral_waiting_again", patient_ref="P-300",
                              reference=case.reference, count=2,
                              since=decided)]) == 1, timeout=10)
        await tap_and_confirm(team.staff, STAFF_SENT, case)
        await team.staff.wait_for_text(text("inbox.staff.referral_recorded", ubrn="",
                                            reference=case.reference, name="Sue Smith"),
                                       timeout=10)
        assert await chase_referrals_again(store, 3, now=day3) == 0, "marked sent: no more"
        await patient.wait_until(lambda: patient_told(patient, case), timeout=10)


async def test_a_ubrn_typed_in_reply_to_an_older_question_is_never_recorded_on_another_case(
    app: App, emu: Emulator
) -> None:
    """Sue has two referral tasks open and taps "Referral sent on e-RS" on each: the UBRN she
    types in reply to the first question is not recorded against the second case (H70)."""
    team, _first_patient, first, _ = await referred(app, emu)
    first_task = await the_task(team, first)
    second_patient = await submit(app, emu, team, name="Bea")
    store = services_of(app).store
    second = await store.cases.current_for_patient(second_patient.id)
    assert second is not None
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + second.reference, timeout=20)
    await refer(team.gp)
    await team.staff.wait_until(
        lambda: len([m for m in team.staff.messages if STAFF_SENT in buttons(m)]) == 2,
        timeout=10)

    await team.staff.tap_callback(first_task.message_id, first_task.callback_data[STAFF_SENT])
    asked_first = await team.staff.wait_for_text(
        text("inbox.staff.referral_confirm", reference=first.reference), timeout=10)
    await team.staff.tap(STAFF_SENT)  # the newest task: the second case
    await team.staff.wait_for_text(
        text("inbox.staff.referral_confirm", reference=second.reference), timeout=10)

    await team.staff.send_text("0000 1234 5678", reply_to=asked_first.message_id)
    await team.staff.wait_for_text(text("inbox.gp.reply_not_waiting",
                                        reference=second.reference), timeout=10)
    await emu.wait_until_idle()
    for case in (first, second):
        now, actors = await marked_by(app, case)
        assert not now.referral_sent_at and now.ubrn is None and not actors, \
            "a UBRN given in reply to one case's question is recorded against no other case"
