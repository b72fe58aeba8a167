"""Reminders: one kind nudge to a patient who started sending photos and then stopped, and
one reminder to practice staff about cases that wait for a person (a GP, an urgent phone call,
a referral to be sent on e-RS)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.content import text
from bot.domain.questions import worded
from bot.services.naming import named
from bot.store import Store
from bot.store.audit import Note
from bot.store.models import Case, Outgoing

log = logging.getLogger("bot.reminders")


REMINDED = "case.reminded"
"""The audit event of a reminder queued for a patient whose request stalled: the bot's own
(`remind_stalled`, actor `bot`) or a member's "Remind now" in /invites (`bot.inbox.chasing`,
actor `member:ID`); detail `by` ("bot" or "staff"), nothing personal."""


async def stall_reminder(store: Store, case: Case, dedupe_key: str) -> Outgoing | None:
    """The kind reminder to the patient of a stalled request (`journey.reminder.text`): it
    names the request as the patient knows it (`bot.services.naming`) and is sent
    (`patient.reminder`) with a button that carries on with that case
    (`bot.journey.prompts.carry_on`), not with whichever of the patient's open cases they
    acted on last. None if the case's practice is gone."""
    practice = await store.practices.get(case.practice_id)
    if practice is None:
        return None
    request = await named(store, case)
    words = text("journey.reminder.text", practice=practice.name, phone=practice.phone,
                 request=request)
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


URGENT_CHASE_HOURS = 24
"""An urgent (two-week-wait) task still not done this long after the GP's decision is sent
to staff again, once."""


async def chase_open_outcomes(store: Store, referral_days: int,
                              now: datetime | None = None) -> int:
    """Remind the practice, once per case, of an urgent task not done within a day and of a
    referral not marked sent on e-RS within `referral_days` (what the patient was told).

    An urgent task is chased even if the patient has erased the case since
    (`inbox.staff.urgent_task_again_erased`), named as the first task named it: the
    practice's reference is kept while the task is open. For a child under 16 whose parent
    answered, the words ask staff to phone the parent or carer (`_parent`)."""
    from bot.inbox.alerts import patient_ref_of
    from bot.services.alerting import alert_recipients

    moment = now or datetime.now(UTC)
    queued = 0
    chases = (("urgent", "task_done_at", timedelta(hours=URGENT_CHASE_HOURS), "staff.task",
               "inbox.staff.urgent_task_again", "urgent-again"),
              ("referred", "referral_sent_at", timedelta(days=referral_days), "staff.alert",
               "inbox.staff.referral_waiting_alert", "referral-waiting"))
    for decision, column, after, kind, key, tag in chases:
        cutoff = (moment - after).isoformat(timespec="seconds")
        for case in await store.cases.outcome_open_since(decision, column, cutoff):
            wording = f"{key}_erased" if case.erased_at else key
            words = worded(wording, parent=case.consent_by == "parent",
                           reference=case.reference, days=referral_days,
                           patient_ref=await patient_ref_of(store, case))
            before = len(await store.outbox.for_case(case.id))
            await store.outbox.add(case.id, [
                Outgoing(chat, kind, {"text": words, "case_id": case.id},
                         f"case:{case.id}:sub:{case.submissions}:{tag}:{chat}")
                for chat in await alert_recipients(store, case, tag)])
            queued += len(await store.outbox.for_case(case.id)) - before
    log.info("open outcomes chased", extra={"queued": queued})
    return queued
