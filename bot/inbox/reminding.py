""""Send reminder" on a stalled row of /invites (`bot.inbox.chasing` tells the whole story): the
patient gets the kind reminder the bot sends by itself, at most once a UK day per request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.reminders import REMINDED, stall_reminder
from bot.store import Store
from bot.store.audit import Note
from bot.store.models import Case

log = logging.getLogger("bot.chasing")

UK = ZoneInfo("Europe/London")


def uk_day(moment: datetime) -> str:
    """The UK calendar day of a moment, as an ISO date."""
    when = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return when.astimezone(UK).date().isoformat()


@dataclass(frozen=True, slots=True)
class Reminded:
    """What "Send reminder" did: `sent` a reminder now, or not, because the last one (`at`, ISO
    UTC, by `actor`: `bot` or `member:ID`) went the same UK day."""

    sent: bool
    at: str
    actor: str


async def remind_now(store: Store, case: Case, *, actor: str,
                     now: datetime | None = None) -> Reminded | None:
    """Queue the stall reminder for this case's patient, audited `case.reminded` by `actor`
    in the same transaction, unless one went the same UK day; the caller checked the case is
    stalled and has no red flag (`InviteLine.chase`). None, sending nothing, if the case was
    erased or moved on since the caller read it (the patient deleted it or carried on)."""
    moment = now or datetime.now(UTC)
    last = await store.audit.last_reminder(case.id)
    if last is not None and uk_day(datetime.fromisoformat(last[0])) == uk_day(moment):
        return Reminded(False, *last)
    reminder = await stall_reminder(store, case,
                                    f"case:{case.id}:reminder:{uk_day(moment)}")
    if reminder is not None and await store.outbox.add_once(case.id, reminder, [Note(
            REMINDED, case.id, case.practice_id, {"by": "staff"}, actor=actor)],
            as_read=case):
        log.info("stalled request reminded by staff",
                 extra={"case_id": case.id, "practice_id": case.practice_id})
        return Reminded(True, *(await store.audit.last_reminder(case.id) or ("", actor)))
    again = await store.audit.last_reminder(case.id)  # a tap at the same moment won
    if again is None or uk_day(datetime.fromisoformat(again[0])) != uk_day(moment):
        return None  # not queued, and no reminder today: the case moved on or was erased
    return Reminded(False, *again)
