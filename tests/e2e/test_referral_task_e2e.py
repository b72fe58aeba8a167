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

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.inbox.digest import uk_time
from bot.services.reminders import chase_referrals
from bot.store.models import Case
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import Team, make_team, refer, submit

App = Application[Any, Any, Any, Any, Any, Any]
SENT = text("inbox.gp.referral_sent")
STAFF_SENT = text("inbox.staff.referral_sent")


def buttons(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [label for row in message.buttons for label in row]


async def referred(app: App, emu: Emulator) -> tuple[Team, TelegramUser, Case, SentMessage]:
    """A patient invited as P-300 sent their photos; Dr Gee referred them. The team, the
    patient, the case and the GP's "referred" message."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await refer(team.gp)
    done = await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    return team, patient, case, done


async def the_task(team: Team, case: Case) -> SentMessage:
    """The task to make the referral, as Sue (staff) received it."""
    task = await team.staff.wait_for_text(first_line("inbox.staff.referral_task"), timeout=10)
    assert task.text == text(
        "inbox.staff.referral_task", patient_ref="P-300", reference=case.reference, gp="Dr Gee",
        where=text("inbox.staff.referral_pack_gp_only", gp="Dr Gee"))
    return task


async def tap_and_confirm(person: TelegramUser, label: str, case: Case) -> None:
    """Tap "Referral sent on e-RS" (or its marked label), get the question whether it was
    made on e-RS, and answer Yes."""
    await person.tap(label)
    await person.wait_for_text(text("inbox.staff.referral_confirm", reference=case.reference),
                               timeout=10)
    await person.tap(text("inbox.staff.referral_confirm_yes"))


async def marked_by(app: App, case: Case) -> tuple[Case, list[str]]:
    """The case as stored now, and the actors of its "referral sent" audit events."""
    store = services_of(app).store
    now = await store.cases.get(case.id)
    assert now is not None
    return now, [e.actor for e in await store.audit.for_case(case.id)
                 if e.kind == "case.referral_sent"]


async def alerted(person: TelegramUser, said: str) -> None:
    """Wait until the person's tap was answered with this alert."""
    await person.wait_until(lambda: any(a["text"] == said and a["show_alert"]
                                        for a in person.callback_answers), timeout=10)


def patient_told(patient: TelegramUser, case: Case) -> list[SentMessage]:
    """The patient's messages that say the referral was sent."""
    told = text("inbox.patient.referral_sent", reference=case.reference,
                practice="The Lawson Practice", phone="020 7729 7236")
    return [m for m in patient.messages if m.text == told]


async def test_staff_get_the_task_and_the_first_to_mark_it_sent_records_it_for_everyone(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    store = services_of(app).store
    assert done.text == text("inbox.gp.decided_refer", reference=case.reference, gp="Dr Gee",
                             days=3) + text("inbox.gp.decided_refer_staff")
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
    await team.staff.wait_for_text(text("inbox.staff.referral_recorded",
                                        reference=case.reference, name="Sue Smith"), timeout=10)
    now, actors = await marked_by(app, case)
    (sue,) = await store.practices.memberships(team.staff.id)
    assert now.referral_sent_at and actors == [f"member:{sue.id}"]
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
    label = text("inbox.staff.referral_marked", name="Sue Smith",
                 when=uk_time(now.referral_sent_at))
    await team.gp.wait_until(lambda: buttons(done) == [label], timeout=10)
    await team.staff.wait_until(lambda: buttons(task) == [label], timeout=10)
    note = text("inbox.staff.referral_marked_note", patient_ref="P-300",
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
    await team.staff.tap(STAFF_SENT)
    asked = await team.staff.wait_for_text(
        text("inbox.staff.referral_confirm", reference=case.reference), timeout=10)
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
        later = datetime.now(UTC) + timedelta(days=4)
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
        await team.staff.wait_for_text(text("inbox.staff.referral_recorded",
                                            reference=case.reference, name="Sue Smith"),
                                       timeout=10)
        now = await store.cases.get(case.id)
        assert now is not None and now.referral_sent_at
        label = text("inbox.staff.referral_marked", name="Sue Smith",
                     when=uk_time(now.referral_sent_at))
        await team.gp.wait_until(lambda: buttons(done) == [label], timeout=10)
        await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
