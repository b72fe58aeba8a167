"""An urgent (two-week-wait) task always reaches a person, through the real bot and the
emulator (audit findings 2 and 3; hazard log H22).

A task that a member of staff cannot receive (they blocked the bot, or left the practice
before it was sent) goes to someone else at the practice; a patient who deletes their photos
after an urgent decision does not cancel the task, which is still chased and can still be
marked done. Every expected text is read from bot/content by key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.inbox.chasing import urgent_chase_hours
from bot.inbox.digest import uk_time
from bot.services.reminders import chase_urgent_tasks
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    to_consent,
    words,
)
from tests.auxil.e2e.practice import (
    Team,
    group_practice,
    make_team,
    new_member,
    sent_by_parent,
    sent_from_link,
    submit,
)

App = Application[Any, Any, Any, Any, Any, Any]


def buttons(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [label for row in message.buttons for label in row]


async def decided_urgent(app: App, team: Team, case: Case) -> None:
    """Dr Gee opens "Not suitable" on the case's summary and taps "Urgent: two-week wait";
    for a child's case the GP reads that staff phone the parent or carer (`_parent`)."""
    parent = case.consent_by == "parent"
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await team.gp.tap(text("inbox.gp.appointment"))
    urgent = text("inbox.gp.urgent")
    await team.gp.wait_until(lambda: any(urgent in row for m in team.gp.messages
                                         for row in m.buttons), timeout=10)
    await team.gp.tap(urgent)
    await team.gp.wait_for_text(worded("inbox.gp.urgent_confirm", parent=parent,
                                       reference=case.reference), timeout=10)
    await team.gp.tap(text("inbox.gp.urgent_yes"))
    await team.gp.wait_for_text(worded("inbox.gp.decided_urgent", parent=parent,
                                       reference=case.reference, gp="Dr Gee"), timeout=10)


async def submitted(app: App, emu: Emulator, team: Team) -> tuple[TelegramUser, Case]:
    """A patient invited as P-300 has sent their photos to Dr Gee; the patient and the case."""
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return patient, case


async def case_now(app: App, case: Case) -> Case:
    """The case as stored now."""
    found = await services_of(app).store.cases.get(case.id)
    assert found is not None
    return found


async def test_a_task_no_member_of_staff_can_receive_goes_to_the_deciding_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    _, case = await submitted(app, emu, team)
    team.staff.block_bot()  # the practice's only member of staff
    await decided_urgent(app, team, case)

    task = text("inbox.staff.urgent_task", patient_ref="P-300", reference=case.reference,
                gp="Dr Gee")
    told = await team.gp.wait_for_text(words("inbox.gp.task_undelivered"), timeout=15)
    assert told.text == text("inbox.gp.task_undelivered", reference=case.reference, task=task)
    assert buttons(told) == [text("inbox.staff.task_done")]
    assert not [m for m in team.staff.all_messages if case.reference in (m.text or "")]

    await team.gp.tap(text("inbox.staff.task_done"))
    await team.gp.wait_for_text(text("inbox.staff.task_recorded", reference=case.reference,
                                     name="Dr Gee"), timeout=10)
    assert (await case_now(app, case)).task_done_at
    assert buttons(told) == [], "the button goes once the task is done"


async def test_a_task_refused_for_one_member_still_reaches_the_other_once(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    ron = await new_member(app, emu, team, "Ron", "admin", "Ron Reed")
    _, case = await submitted(app, emu, team)
    emu.fail_next("sendMessage", 400, description="Bad Request: chat not found",
                  chat_id=team.staff.id)
    await decided_urgent(app, team, case)
    await ron.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=15)
    await emu.wait_until_idle()
    failed = [i for i in await store.outbox.for_case(case.id) if i.failed_at]
    assert [(i.kind, i.chat_id) for i in failed] == [("staff.task", team.staff.id)]
    tasks = [m for m in ron.messages if first_line("inbox.staff.urgent_task") in (m.text or "")]
    assert len(tasks) == 1, "the member who has the task is not sent it twice"
    assert not [m for m in team.gp.messages
                if words("inbox.gp.task_undelivered") in (m.text or "")], \
        "the GP is not alarmed while a member of staff has the task"


async def test_a_task_for_someone_who_left_the_practice_goes_to_the_staff_instead(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, case = await submitted(app, emu, team)
    ron = emu.user("Ron")  # has opened the bot; joins the practice as Sue leaves
    await ron.send_command("/help")
    await ron.next_message()
    emu.fail_next("sendMessage", 502, times=3, chat_id=team.staff.id)  # tried again 2, 4, 8 s on
    await decided_urgent(app, team, case)
    await store.practices.add_member(team.practice.id, ron.id, "staff", "Ron Reed")
    assert await store.practices.remove_member(team.practice.id, team.staff.id, actor="test")

    task = await ron.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=20)
    assert task.text == text("inbox.staff.urgent_task", patient_ref="P-300",
                             reference=case.reference, gp="Dr Gee")
    assert buttons(task) == [text("inbox.staff.task_done")]
    await emu.wait_until_idle()
    assert not [m for m in team.staff.all_messages if "P-300" in (m.text or "")], \
        "someone who left the practice is not sent the patient's reference"
    assert not [m for m in team.gp.messages
                if words("inbox.gp.task_undelivered") in (m.text or "")]
    await ron.tap(text("inbox.staff.task_done"))
    await ron.wait_for_text(text("inbox.staff.task_recorded", reference=case.reference,
                                 name="Ron Reed"), timeout=10)


async def test_deleting_after_an_urgent_decision_keeps_the_task_open_chased_and_doable(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient, case = await submitted(app, emu, team)
    await decided_urgent(app, team, case)
    await team.staff.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=10)
    await patient.wait_for_text(f"({case.reference})", timeout=10)

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    still = await patient.wait_for_text(first_line("journey.delete.still_phoning"), timeout=10)
    assert still.text == text("journey.delete.still_phoning", practice=team.practice.name,
                              phone=team.practice.phone)
    erased = await case_now(app, case)
    assert erased.stage is Stage.ERASED and erased.task_done_at is None

    notice = await team.staff.wait_for_text(first_line("inbox.staff.urgent_task_erased"),
                                            timeout=10)
    assert notice.text == text("inbox.staff.urgent_task_erased", patient_ref="P-300",
                               reference=case.reference)
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    urgent_part = (listing.text or "").split(text("inbox.staff.group_urgent"), 1)[1]
    assert text("inbox.staff.invite_line", patient_ref="P-300",
                state=text("inbox.staff.now.erased")) in urgent_part

    assert await chase_urgent_tasks(store, now=datetime.now(UTC) + timedelta(days=2)) == 1
    services_of(app).queued()
    again = await team.staff.wait_for_text(first_line("inbox.staff.urgent_task_again_erased"),
                                           timeout=10)
    assert again.text == text("inbox.staff.urgent_task_again_erased", patient_ref="P-300",
                              reference=case.reference, since=uk_time(erased.decided_at))
    await team.staff.tap(text("inbox.staff.task_done"))
    await team.staff.wait_for_text(text("inbox.staff.task_recorded", reference=case.reference,
                                        name="Sue Smith"), timeout=10)
    assert (await case_now(app, case)).task_done_at
    assert await chase_urgent_tasks(store, now=datetime.now(UTC) + timedelta(days=3)) == 0


async def test_an_erased_urgent_case_with_a_red_flag_is_named_one_way_and_one_tap_records_the_call(
    app: App, emu: Emulator
) -> None:
    """A patient taps yes to a red flag after sending; the GP decides urgent; the patient then
    deletes the request. Staff see one name for it everywhere (the practice's reference, kept
    while the task is open: docs/dpia.md, Rights), the /invites row says once that it was
    deleted, and there is no separate "Patient contacted" button: the task's Done records the
    one call, red-flag contact included. After Done the row still says it was deleted."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-300", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_consent(patient, token)
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    question = await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    yes = question.callback_data[text("journey.screening.red_flags.yes")]
    await tap(patient, SCREENING[1], text("journey.screening.site.question"))
    await tap(patient, SCREENING[2], text("journey.screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await decided_urgent(app, team, case)
    await team.staff.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=10)
    await patient.tap_callback(question.message_id, yes)
    await patient.wait_for_text(text("journey.stop.red_flag_after"), timeout=10)
    await team.staff.wait_for_text(first_line("inbox.staff.stopped.red_flag_after"), timeout=10)
    patient.skip_to_end()
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    notice = await team.staff.wait_for_text(first_line("inbox.staff.urgent_task_erased"),
                                            timeout=10)
    assert notice.text == text("inbox.staff.urgent_task_erased", patient_ref="P-300",
                               reference=case.reference)

    team.staff.skip_to_end()
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    said = listing.text or ""
    assert text("inbox.staff.group_red_flag") not in said, "listed once, with the urgent ones"
    urgent_part = said.split(text("inbox.staff.group_urgent"), 1)[1]
    assert "P-300" in urgent_part and case.reference not in said
    assert said.count(text("inbox.staff.now.erased")) == 1
    assert text("inbox.staff.red_flag_urgent") in urgent_part
    contacted = text("inbox.staff.contacted", patient_ref="P-300")
    assert contacted not in buttons(listing), "one call, one tap: the task's Done"

    await team.staff.tap(text("inbox.staff.task_done"))
    done = await team.staff.wait_for_text(first_line("inbox.staff.task_recorded"), timeout=10)
    assert done.text == text("inbox.staff.task_recorded", reference=case.reference,
                             name="Sue Smith") + text("inbox.staff.task_recorded_red_flag")
    assert case.id in await store.audit.contacted(team.practice.id)
    team.staff.skip_to_end()
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    said = listing.text or ""
    assert text("inbox.staff.group_red_flag") not in said
    assert text("inbox.staff.group_urgent") not in said
    erased_part = said.split(text("inbox.staff.group_erased"), 1)[1]
    assert f"P-300: {text('inbox.staff.ended.urgent')}" in erased_part
    assert contacted not in buttons(listing)


async def test_a_task_nobody_can_receive_in_private_goes_to_the_practice_inbox_group(
    app: App, emu: Emulator
) -> None:
    """A practice whose GPs work in its inbox group: its only member of staff blocked the bot
    and the GP who decided (in the group) never opened a private chat with it. The task goes
    to the group, where the GP reads it and taps Done (it reached nobody: the GP had been told
    in the group that staff had the task, and nobody phoned the patient)."""
    store = services_of(app).store
    practice, group, gp, rita = await group_practice(app, emu)
    await rita.send_command("/help")
    await rita.next_message()
    rita.block_bot()
    _, token = await store.invites.create(practice.id, "G-7", "1980-02-03", valid_days=7)
    patient = await sent_from_link(emu, token)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None

    in_group = group.member(gp)
    summary = await group.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                        timeout=20)
    await in_group.tap_callback(summary.message_id,
                                summary.callback_data[text("inbox.gp.appointment")])
    await group.wait_until(lambda: text("inbox.gp.urgent") in buttons(summary), timeout=10)
    await in_group.tap_callback(summary.message_id, summary.callback_data[text("inbox.gp.urgent")])
    confirm = await group.wait_for_text(text("inbox.gp.urgent_confirm", reference=case.reference),
                                        timeout=10)
    await in_group.tap_callback(confirm.message_id,
                                confirm.callback_data[text("inbox.gp.urgent_yes")])
    await group.wait_for_text(words("inbox.gp.decided_urgent"), timeout=10)

    task = text("inbox.staff.urgent_task", patient_ref="G-7", reference=case.reference,
                gp="Dr Gee")
    told = await group.wait_for_text(words("inbox.gp.task_undelivered"), timeout=20)
    assert told.text == text("inbox.gp.task_undelivered", reference=case.reference, task=task)
    assert buttons(told) == [text("inbox.staff.task_done")]
    await in_group.tap_callback(told.message_id, told.callback_data[text("inbox.staff.task_done")])
    await group.wait_for_text(text("inbox.staff.task_recorded", reference=case.reference,
                                   name="Dr Gee"), timeout=10)
    assert (await case_now(app, case)).task_done_at


async def test_urgent_tasks_are_looked_at_every_half_hour_and_chased_in_working_hours_only(
    app: App,
) -> None:
    """The chase is python-telegram-bot's repeating job, every 30 minutes; it sends only on
    working days from 08:00 to 18:30 UK time, so a chase never lands in an empty surgery."""
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("urgent chase")
    assert job.job.trigger.interval == timedelta(minutes=30)
    london = ZoneInfo("Europe/London")
    tuesday = datetime(2026, 12, 1, 8, 0, tzinfo=london)
    assert urgent_chase_hours(tuesday)
    assert urgent_chase_hours(tuesday.replace(hour=18, minute=29))
    assert not urgent_chase_hours(tuesday.replace(hour=7, minute=59))
    assert not urgent_chase_hours(tuesday.replace(hour=18, minute=30))
    assert not urgent_chase_hours(datetime(2026, 12, 5, 10, 0, tzinfo=london)), "a Saturday"
    assert not urgent_chase_hours(datetime(2026, 12, 25, 10, 0, tzinfo=london)), "Christmas"
    assert urgent_chase_hours(datetime(2026, 7, 1, 7, 30, tzinfo=UTC)), "08:30 in summer time"


async def test_a_gp_deciding_a_childs_case_urgent_reads_that_staff_phone_the_parent(
    app: App, emu: Emulator
) -> None:
    """A child's case: the staff task says to phone the parent or carer, so the GP's
    confirmation and the decided note say so too, never "phone the patient"."""
    team = await make_team(app, emu)
    _, case = await sent_by_parent(app, emu, team)
    await decided_urgent(app, team, case)
    for key in ("inbox.gp.urgent_confirm", "inbox.gp.decided_urgent"):
        assert worded(key, parent=True, reference=case.reference, gp="Dr Gee") != text(
            key, reference=case.reference, gp="Dr Gee"), key
