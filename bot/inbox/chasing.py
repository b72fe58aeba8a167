"""Practice staff chase the patients who stall: "Send reminder" on a stalled row of /invites, and
once a working day a list of the requests newly stalled and the links not opened.

A request stalls when it was started and has had no progress for `stalled_after_days`; a link
is left unopened when nobody opened it that many days after it was sent. Both are found as
/invites finds them (`StaffDesk.lines_at`, `InviteLine.chase`), so the list and the buttons
never disagree. A request with a red-flag answer, or one that ended, is never chased: its
patient is phoned, not reminded (hazard log H03).

"Send reminder" sends the patient the same kind reminder the bot sends by itself
(`bot.services.reminders.stall_reminder`), with its button to carry on, at most once a UK
calendar day per request whoever sent the last one (the bot's own counts). Each reminder is
audited `case.reminded` (the member as actor), and /invites says on the row when and by whom,
so two receptionists do not chase one patient twice.

The daily list (`list_to_chase`) names each request once per stall, and each link once per
link sent: what it named is kept as audit events (`case.stall_listed`,
`invite.unopened_listed`, ids and times only), so a restart neither repeats nor loses it.
Nothing is sent to a practice with nothing new.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from bot.content import text
from bot.domain.working_days import working_day
from bot.inbox.reminding import UK, uk_day
from bot.inbox.staff import InviteLine, StaffDesk
from bot.store import Store
from bot.store.audit import Note
from bot.store.models import Outgoing

log = logging.getLogger("bot.chasing")

LIST_AT = time(9, 30, tzinfo=UK)
"""When the daily list goes out: 09:30 UK time, once the surgery's phones are open."""
LIST_UNTIL = time(17, 30)
"""A bot started on a working day after `LIST_AT` and before this (UK time) sends the day's
list at once, if it has not gone yet (`catch_up_due`)."""
LIST_KIND = "staff.chase_list"
"""The outbox kind of the daily list: its words, and a button that opens /invites."""
MOST_NAMED = 30
"""The most requests (and links) one list names by reference; it says how many more."""
STALL_LISTED = "case.stall_listed"
UNOPENED_LISTED = "invite.unopened_listed"


def _listed_key(line: InviteLine) -> str:
    """How the daily list remembers a row it named: the request and when it went idle, or
    the link and when it was sent (so a new stall, or a new link, is named again)."""
    if line.chase == "remind":
        return f"case:{line.case_id}:{line.chase_since}"
    return f"invite:{line.invite.id}:{line.chase_since}"


def chase_list_words(practice: str, stalled: list[InviteLine], unopened: list[InviteLine],
                     days: int) -> str:
    """The daily list's words: the practice, then the requests newly stalled (with the step
    reached) and the links not opened, by the practice's own reference as /invites names
    them; at most `MOST_NAMED` of each, then how many more."""
    parts = [text("inbox.staff.chase_list_title", practice=practice)]
    for key, lines in (("stalled", stalled), ("unopened", unopened)):
        if not lines:
            continue
        parts.append("\n" + text(f"inbox.staff.chase_list_{key}", days=days))
        parts += [text("inbox.staff.invite_line", patient_ref=line.invite.patient_ref,
                       state=line.state) if line.state else f"• {line.invite.patient_ref}"
                  for line in lines[:MOST_NAMED]]
        if len(lines) > MOST_NAMED:
            parts.append(text("inbox.staff.chase_list_more", count=len(lines) - MOST_NAMED))
    parts.append("\n" + text("inbox.staff.chase_list_end"))
    return "\n".join(parts)


async def list_to_chase(store: Store, desk: StaffDesk, *, days: int,
                        now: datetime | None = None) -> int:
    """Queue, for each practice with anything new, one message to its staff and admins (its
    GPs if it has none: `PracticeRepository.alert_chats`) naming the requests newly stalled
    and the links left unopened since the last list (`InviteLine.chase`, not yet named:
    `AuditRepository.chase_listed`), recorded in the same transaction; at most one list a
    practice a UK day; the number of messages queued."""
    moment = now or datetime.now(UTC)
    queued = 0
    for practice_id in await store.practices.ids():
        practice = await store.practices.get(practice_id)
        chats = await store.practices.alert_chats(practice_id)
        last = await store.audit.chase_listed_last(practice_id)
        if practice is None or not chats or (
                last is not None and uk_day(datetime.fromisoformat(last)) == uk_day(moment)):
            continue  # one list a day: a restart's catch-up after today's list sends none
        named = await store.audit.chase_listed(practice_id)
        new = [line for line in await desk.lines_at(practice_id, moment)
               if line.chase is not None and _listed_key(line) not in named]
        if not new:
            continue
        stalled = [line for line in new if line.chase == "remind"]
        unopened = [line for line in new if line.chase == "resend"]
        words = chase_list_words(practice.name, stalled, unopened, days)
        notes = [Note(STALL_LISTED, line.case_id, practice_id, {"listed": _listed_key(line)})
                 for line in stalled]
        notes += [Note(UNOPENED_LISTED, None, practice_id,
                       {"listed": _listed_key(line), "invite_id": line.invite.id})
                  for line in unopened]
        day = uk_day(moment)
        await store.outbox.add(None, [
            Outgoing(chat, LIST_KIND, {"text": words, "practice_id": practice_id},
                     f"practice:{practice_id}:chase-list:{day}:{chat}") for chat in chats],
            notes)
        queued += len(chats)
        log.info("chase list queued", extra={"practice_id": practice_id,
                                             "stalled": len(stalled),
                                             "unopened": len(unopened)})
    return queued


URGENT_FROM, URGENT_UNTIL = time(8, 0), time(18, 30)
"""The working day in which open urgent tasks are chased (UK time): a surgery's core hours."""


def urgent_chase_hours(now: datetime | None = None) -> bool:
    """Whether open urgent tasks are chased now: a working day (`working_day`), from
    `URGENT_FROM` to `URGENT_UNTIL` UK time, so a chase never lands in an empty surgery."""
    moment = (now or datetime.now(UTC)).astimezone(UK)
    at = moment.time().replace(tzinfo=None)
    return working_day(moment.date()) and URGENT_FROM <= at < URGENT_UNTIL


def catch_up_due(now: datetime | None = None) -> bool:
    """True if a bot starting now should send the day's list at once: a working day
    (`working_day`), after `LIST_AT` and before `LIST_UNTIL` (UK time). What was already named
    is not named again (`list_to_chase`), so a list that went before the restart is not
    repeated."""
    moment = (now or datetime.now(UTC)).astimezone(UK)
    at = LIST_AT.replace(tzinfo=None)
    return working_day(moment.date()) and at <= moment.time() < LIST_UNTIL
