"""Reminders: one kind nudge to a patient who started sending photos and then stopped."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.content import text
from bot.store import Store
from bot.store.models import Outgoing

log = logging.getLogger("bot.reminders")


async def remind_stalled(store: Store, stalled_after_days: int,
                         now: datetime | None = None) -> int:
    """Queue a reminder for each case idle for `stalled_after_days` (once per case)."""
    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=stalled_after_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.idle_open(cutoff):
        practice = await store.practices.get(case.practice_id)
        if practice is None:
            continue
        words = text("journey.reminder.text", practice=practice.name, phone=practice.phone)
        before = len(await store.outbox.for_case(case.id))
        await store.outbox.add(case.id, [Outgoing(case.patient_chat_id, "patient.text",
                                                  {"text": words}, f"case:{case.id}:reminder")])
        queued += len(await store.outbox.for_case(case.id)) - before
    log.info("stalled reminders", extra={"queued": queued})
    return queued


async def alert_waiting(store: Store, waiting_days: int, now: datetime | None = None) -> int:
    """Tell a practice's staff, once, about each case waiting longer than this for a GP."""
    from bot.inbox.routing import staff_chats

    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=waiting_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.waiting_since(cutoff):
        words = text("inbox.staff.waiting_alert", reference=case.reference, days=waiting_days)
        before = len(await store.outbox.for_case(case.id))
        await store.outbox.add(case.id, [
            Outgoing(chat, "staff.alert", {"text": words},
                     f"case:{case.id}:sub:{case.submissions}:waiting:{chat}")
            for chat in await staff_chats(store, case.practice_id)])
        queued += len(await store.outbox.for_case(case.id)) - before
    log.info("waiting alerts", extra={"queued": queued})
    return queued
