"""A referral still not marked sent on e-RS is chased again every working day (hazard log H48,
H68), after the one reminder `bot.services.reminders.chase_referrals` sends once
`REFERRAL_SEND_DAYS` have passed.

One reminder per case, chat and UK working day (Monday to Friday, not an English bank
holiday: `bot.domain.working_days.working_day`), never on the day the first reminder went, and
none once the referral is marked sent or the case is closed (the patient deleted it, a
retention purge): `CaseRepository.outcome_open_since` gives only decided cases still open,
and the reminder is queued only if the case is as it was read (`as_read`). Each reminder is
a `staff.task` with the "Referral sent on e-RS" button, as the first one, so marking it sent
there changes every copy. What was sent is the outbox's own rows (their dedupe keys end with
the UK day), so a restart neither repeats nor loses a day's reminder; the job runs each
working day at `bot.inbox.chasing.LIST_AT` and at start-up in working hours
(`bot.app.referral_chase`). Plain service, no Telegram.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.content import text
from bot.domain.working_days import working_day
from bot.inbox.alerts import patient_ref_of
from bot.inbox.digest import uk_time
from bot.inbox.reminding import UK, uk_day
from bot.services.alerting import alert_recipients
from bot.store import Store
from bot.store.cases import REFERRED
from bot.store.models import Case, OutboxItem, Outgoing

log = logging.getLogger("bot.reminders")

WAITING = ":referral-waiting:"
"""What the dedupe key of every reminder about a referral not marked sent holds: the first
(`...:referral-waiting:CHAT`) and each one after it (`...:referral-waiting:CHAT:DAY`)."""


def _reminders(items: list[OutboxItem]) -> list[OutboxItem]:
    return [item for item in items if WAITING in item.dedupe_key]


def _reminded_days(reminders: list[OutboxItem]) -> set[str]:
    """The UK days a reminder went (was queued) on: a repeat's from its key, the first's from
    when it was queued."""
    days = set()
    for item in reminders:
        parts = item.dedupe_key.split(WAITING, 1)[1].split(":")
        days.add(parts[1] if len(parts) > 1 else uk_day(datetime.fromisoformat(item.created_at)))
    return days


async def chase_referrals_again(store: Store, referral_days: int,
                                now: datetime | None = None) -> int:
    """On a working day, queue one more reminder (`inbox.staff.referral_waiting_again`) to the
    practice's staff and admins (its GPs if it has none: `alert_recipients`) for each case
    referred more than `referral_days` days ago whose referral is still not marked sent, which
    had its first reminder on an earlier UK day and none yet today; the number of messages
    queued. Nothing on a weekend or bank holiday (the one check of it: the job that calls
    this, `bot.app.referral_chase`, leaves it here)."""
    moment = now or datetime.now(UTC)
    today = uk_day(moment)
    if not working_day(moment.astimezone(UK).date()):
        return 0
    cutoff = (moment - timedelta(days=referral_days)).isoformat(timespec="seconds")
    queued = 0
    for case in await store.cases.outcome_open_since(REFERRED, "referral_sent_at", cutoff):
        if case.erased_at is not None:
            continue  # the patient deleted it: staff were asked to contact them instead
        days = _reminded_days(_reminders(await store.outbox.for_case(case.id)))
        if not days or today in days:
            continue  # the first reminder is housekeeping's; one a day
        items = await _again(store, case, len(days), today)
        queued += await store.outbox.add(case.id, items, as_read=case)
    log.info("referrals chased again", extra={"queued": queued})
    return queued


async def _again(store: Store, case: Case, count: int, today: str) -> list[Outgoing]:
    """Today's reminder for each chat that hears about the case: how many reminders went
    before (`count`, one a day) and when the GP decided (UK date)."""
    words = text("inbox.staff.referral_waiting_again", reference=case.reference,
                 patient_ref=await patient_ref_of(store, case), count=count,
                 since=uk_time(case.decided_at))
    return [Outgoing(chat, "staff.task", {"text": words, "case_id": case.id, "referral": 1},
                     f"case:{case.id}:sub:{case.submissions}{WAITING}{chat}:{today}")
            for chat in await alert_recipients(store, case, "referral-waiting")]
