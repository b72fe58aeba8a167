"""Reminders: one kind nudge to a patient who started sending photos and then stopped; one
reminder to practice staff about cases that wait for a person (a GP, a referral to be sent on
e-RS); and an urgent phone call chased every few working hours until it is done."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from bot.content import text
from bot.domain.questions import worded
from bot.domain.working_days import today_is_working_day
from bot.services.naming import named
from bot.store import Store
from bot.store.audit import Note
from bot.store.models import Case, Outgoing

log = logging.getLogger("bot.reminders")


REMINDED = "case.reminded"
"""The audit event of a reminder queued for a patient whose request stalled: the bot's own
(`remind_stalled`, actor `bot`) or a member's "Send reminder" in /invites (`bot.inbox.chasing`,
actor `member:ID`); detail `by` ("bot" or "staff"), nothing personal."""


async def stall_reminder(store: Store, case: Case, dedupe_key: str) -> Outgoing | None:
    """The kind reminder to the patient of a stalled request (`journey.reminder.text`, worded
    for a parent who answers for a child under 16): it
    names the request as the patient knows it (`bot.services.naming`) and is sent
    (`patient.reminder`) with a button that carries on with that case
    (`bot.journey.prompts.carry_on`), not with whichever of the patient's open cases they
    acted on last. None if the case's practice is gone."""
    practice = await store.practices.get(case.practice_id)
    if practice is None:
        return None
    request = await named(store, case)
    words = worded("journey.reminder.text", parent=case.consent_by == "parent",
                   practice=practice.name, phone=practice.phone, request=request)
    return Outgoing(case.patient_chat_id, "patient.reminder", {"text": words}, dedupe_key)


async def remind_stalled(store: Store, stalled_after_days: int,
                         now: datetime | None = None) -> int:
    """Queue a reminder (`stall_reminder`) for each case idle for `stalled_after_days` (once
    per case), audited `case.reminded` by the bot so /invites shows it and staff do not remind
    the patient again the same day. Never for a request with a red-flag answer: that patient
    is phoned by the practice, not reminded (`AuditRepository.has_red_flag`)."""
    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=stalled_after_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.idle_open(cutoff):
        if await store.audit.has_red_flag(case.id):
            continue
        reminder = await stall_reminder(store, case, f"case:{case.id}:reminder")
        if reminder is None:
            continue
        queued += await store.outbox.add_once(case.id, reminder, [Note(
            REMINDED, case.id, case.practice_id, {"by": "bot"})],
                                              as_read=case)  # not if deleted meanwhile
    log.info("stalled reminders", extra={"queued": queued})
    return queued


async def alert_waiting(store: Store, waiting_days: int, now: datetime | None = None) -> int:
    """Tell a practice's staff, once per submission, about each case waiting longer than
    `waiting_days` (calendar days from submission) for a GP; a practice without staff tells
    its GPs, leaving out any chat the case could not be delivered to
    (`bot.services.alerting.alert_recipients`, which records an alert that reaches nobody)."""
    from bot.services.alerting import alert_recipients

    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=waiting_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.waiting_since(cutoff):
        words = text("inbox.staff.waiting_alert", reference=case.reference, days=waiting_days)
        before = len(await store.outbox.for_case(case.id))
        await store.outbox.add(case.id, [
            Outgoing(chat, "staff.alert", {"text": words},
                     f"case:{case.id}:sub:{case.submissions}:waiting:{chat}")
            for chat in await alert_recipients(store, case, "waiting")], as_read=case)
        queued += len(await store.outbox.for_case(case.id)) - before
    log.info("waiting alerts", extra={"queued": queued})
    return queued


URGENT_CHASE_HOURS = 4
"""An urgent (two-week-wait) task not marked done this long after the GP's decision, or after
its last chase, is sent to staff again (`chase_urgent_tasks`), and again every 4 hours of the
working day until someone taps Done: the task says "phone the patient today" (hazard log H22:
until December 2026 it was chased once, a day or two later)."""
URGENT_TELL_GP_FROM = 3
"""From this chase on (about 12 working hours after the decision, normally the next working
day), the GP who decided is sent the chase too (`inbox.staff.urgent_task_again_gp`), if they are
still a GP of the practice: staff have not acted on two reminders."""
URGENT_CHASED = "task.chased"
"""The audit event of an urgent task sent again; detail `chase` (1, 2, ...) and `at` (the
moment it was due, ISO UTC), nothing personal."""


async def chase_urgent_tasks(store: Store, now: datetime | None = None) -> int:
    """Send each urgent task still open to the practice's staff again, once `URGENT_CHASE_HOURS`
    have passed since the GP's decision or since its last chase, naming when the GP decided
    (`inbox.staff.urgent_task_again`), until Done. The caller runs it in working hours only
    (`bot.inbox.chasing.urgent_chase_hours`). Each chase is audited `task.chased` with its
    number in the transaction that queues it, and its dedupe key carries that number, so a
    restart neither repeats nor loses one. An urgent task is chased even if the patient has
    erased the case since (`urgent_task_again_erased`), named as the first task named it: the
    practice's reference is kept while the task is open. For a child under 16 whose parent
    answered, the words ask staff to phone the parent or carer (`_parent`). From the
    `URGENT_TELL_GP_FROM`th chase, the GP who decided gets it too, in their own words."""
    from bot.inbox.alerts import patient_ref_of
    from bot.inbox.digest import uk_time
    from bot.services.alerting import alert_recipients

    moment = now or datetime.now(UTC)
    every = timedelta(hours=URGENT_CHASE_HOURS)
    cutoff = (moment - every).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.outcome_open_since("urgent", "task_done_at", cutoff):
        chased = [json.loads(e.detail or "{}") for e in await store.audit.for_case(case.id)
                  if e.kind == URGENT_CHASED]
        if chased and datetime.fromisoformat(str(chased[-1].get("at"))) > moment - every:
            continue
        number = len(chased) + 1
        key = "inbox.staff.urgent_task_again"
        words = worded(f"{key}_erased" if case.erased_at else key,
                       parent=case.consent_by == "parent", reference=case.reference,
                       since=uk_time(case.decided_at),
                       patient_ref=await patient_ref_of(store, case))
        chats = await alert_recipients(store, case, "urgent-again")
        items = [Outgoing(chat, "staff.task", {"text": words, "case_id": case.id},
                          f"case:{case.id}:sub:{case.submissions}:urgent-again:{number}:{chat}")
                 for chat in chats]
        gp = await _deciding_gp(store, case) if number >= URGENT_TELL_GP_FROM else None
        if gp is not None and gp not in chats:
            told = worded(f"{key}_gp_erased" if case.erased_at else f"{key}_gp",
                          parent=case.consent_by == "parent",
                          reference=case.reference, since=uk_time(case.decided_at),
                          patient_ref=await patient_ref_of(store, case), count=number - 1)
            items.append(Outgoing(  # personal: never passed on to others (`pass_on`)
                gp, "staff.task", {"text": told, "case_id": case.id, "personal": 1},
                f"case:{case.id}:sub:{case.submissions}:urgent-again:{number}:{gp}"))
        await store.outbox.add(case.id, items, [Note(
            URGENT_CHASED, case.id, case.practice_id,
            {"chase": number, "at": moment.isoformat(timespec="seconds")})])
        queued += len(items)
    log.info("urgent tasks chased", extra={"queued": queued})
    return queued


async def _deciding_gp(store: Store, case: Case) -> int | None:
    """The Telegram user id of the GP who judged the case urgent (the actor of the audit
    event that moved it to decided; audit events outlive an erasure), if they are still a GP
    of the case's practice. The event names a member row id, which SQLite hands to the next
    member added once the newest member is removed: a member who joined after the decision
    is someone else (the GP who took a departed locum's place), so gets None."""
    decided = [e for e in await store.audit.for_case(case.id) if e.kind == "case.stage"
               and e.actor.startswith("member:")
               and json.loads(e.detail or "{}").get("to") == "decided"]
    if not decided:
        return None
    member = await store.practices.member(int(decided[-1].actor.removeprefix("member:")))
    if member is None or member.practice_id != case.practice_id or member.role != "gp":
        return None
    if datetime.fromisoformat(member.created_at) > datetime.fromisoformat(
            decided[-1].created_at):
        return None
    return member.telegram_user_id


async def chase_referrals(store: Store, referral_days: int, now: datetime | None = None) -> int:
    """Remind the practice, once per case, of a referral not marked sent on e-RS within
    `referral_days` (what the patient was told): a task with the "Referral sent on e-RS"
    button (`bot.inbox.referral_task`, hazard log H48), so whoever made it can mark it there.
    Once per case and chat (its dedupe key), so a restart never sends it twice. On a UK
    working day only (`bot.domain.working_days.working_day`), as the reminders after it
    (`bot.inbox.referral_again`): on a weekend or bank holiday nothing is queued, and the
    first housekeeping run of the next working day sends it (hazard log H71)."""
    from bot.inbox.alerts import patient_ref_of
    from bot.services.alerting import alert_recipients

    moment = now or datetime.now(UTC)
    if not today_is_working_day(moment):
        return 0
    cutoff = (moment - timedelta(days=referral_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.outcome_open_since("referred", "referral_sent_at", cutoff):
        words = text("inbox.staff.referral_waiting_alert", reference=case.reference,
                     days=referral_days, patient_ref=await patient_ref_of(store, case))
        queued += await store.outbox.add(case.id, [
            Outgoing(chat, "staff.task", {"text": words, "case_id": case.id, "referral": 1},
                     f"case:{case.id}:sub:{case.submissions}:referral-waiting:{chat}")
            for chat in await alert_recipients(store, case, "referral-waiting")])
    log.info("referrals chased", extra={"queued": queued})
    return queued
