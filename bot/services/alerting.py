"""Who hears an alert about a case: the practice's staff and admins, else its GPs, never a
chat that refused the case for good; and, when nobody can, a record for the operator (hazard
log H07, H22). Plain service, no Telegram: the journey, the inbox, reminders, erasure and the
record channels all alert through it.

When the alert that nobody can hear is about the delivery of the patient's submitted case
itself (`DELIVERY_ALERTS`), and no part of that submission has reached the practice, the
patient is told once per submission to phone the practice (`unreached_notice`,
`tell_patient`, hazard log H07)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.channels.queue import GP_CONTENT_PARTS, GP_NOTICE_PARTS, RECORD_KINDS
from bot.domain.questions import worded
from bot.services.delivery import PARKED, REFUSED_FOR_GOOD
from bot.store import Store
from bot.store.audit import Note
from bot.store.models import Case, Event, OutboxItem, Outgoing, Stage

DELIVERY_ALERTS = frozenset({"no_inbox", "blocked", "failed", "not_started", "missing"})
"""The alerts about the delivery of the patient's submitted case to the practice: no GP or
inbox to send it to (`no_inbox`, at submission or when its GP left), or a part of it refused
by a GP's chat or the inbox group (`blocked`: a 403; `failed`: a 400 or retries run out;
`not_started`: a GP who never opened the bot, the case waiting for them; `missing`: a photo
file gone since the part was queued). Only these, raised
for a `CASE_KINDS` item, can tell the patient. Never a stop, red flags, a cancellation or
deletion, an urgent task, a case waiting too long (the patient was told already, or has their
own advice), a record channel still retrying, or a message to the patient that failed (hazard
log H08). A record channel that gives up is a `failed` alert for its own item, and tells the
patient only if nothing else of the case reached the practice (`reached_or_going`)."""
CASE_KINDS = frozenset({*(f"gp.{part}" for part in (*GP_CONTENT_PARTS, *GP_NOTICE_PARTS)),
                        *RECORD_KINDS.values()})
"""The outbox kinds that carry a submission of the case to the practice: the photos, summary,
notice and pack to a GP chat or the inbox group (routed, or "Open" from `/inbox`), and the
NHSmail or MESH copy."""
REACHED_NOBODY = "delivery.reached_nobody"
"""The audit event of an alert that could reach nobody at the practice (`unheard`), listed by
`python -m bot unreached`."""
TOLD_UNREACHED = "patient.told_unreached"
"""The audit event of the patient told their submission reached nobody (`told`)."""
UNREACHED = "unreached"
"""The part of the dedupe key of the patient's notice (`case:<id>:sub:<n>:unreached:<chat>`)."""

log = logging.getLogger("bot.alerts")


@dataclass(frozen=True, slots=True)
class Alerts:
    """Alerts built for a change not yet committed (a stop): the `messages` to queue, and
    the audit `notes` to write in the same transaction (`unheard`, when nobody can hear
    them), so that nothing is recorded for a change that never happened."""

    messages: list[Outgoing]
    notes: tuple[Note, ...] = field(default=())

    @classmethod
    async def to_practice(cls, store: Store, case: Case, alert: str,
                          build: Callable[[int], Outgoing]) -> Alerts:
        """One message per chat that would hear `alert` about the case (`would_hear`, built
        by `build(chat)`), or, when nobody would, the note that it reached nobody."""
        chats = await would_hear(store, case)
        return cls([build(chat) for chat in chats], () if chats else (unheard(case, alert),))


async def failed_chats(store: Store, case: Case) -> set[int]:
    """The Telegram chats that refused something of this case for good (REFUSED_FOR_GOOD) and
    have received nothing of it since (a person who unblocked the bot counts again): an alert
    sent there would fail too."""
    return refused_chats(await store.outbox.for_case(case.id))


def refused_chats(items: Iterable[OutboxItem]) -> set[int]:
    """`failed_chats`, from the case's outbox items already read."""
    refused: dict[int, str] = {}
    reached: dict[int, str] = {}
    for item in items:
        if item.channel != "telegram":
            continue
        if item.sent_at is not None:
            reached[item.chat_id] = max(reached.get(item.chat_id, ""), item.sent_at)
        elif item.failed_at is not None and (item.last_error or "").startswith(
                REFUSED_FOR_GOOD):
            refused[item.chat_id] = max(refused.get(item.chat_id, ""), item.failed_at)
    return {chat for chat, when in refused.items() if reached.get(chat, "") < when}


async def alert_recipients(store: Store, case: Case, alert: str, *,
                           leaving_out: Collection[int] = ()) -> list[int]:
    """The chats that get an alert about this case (`alert_chats`): the practice's staff and
    admins, else its GPs, without `leaving_out` and the chats that already failed for this
    case (`failed_chats`).

    `alert` names the alert ("blocked", "waiting", "stopped", ...) for the record: when
    nobody at all can be reached, the bot does not stay silent but logs an error and audits
    `delivery.reached_nobody` (case and practice ids and the alert's name, no personal
    data), which `python -m bot unreached` lists for the operator (hazard log H07).
    """
    chats = await would_hear(store, case, leaving_out=leaving_out)
    if not chats:
        await reached_nobody(store, case, alert)
    return chats


async def would_hear(store: Store, case: Case, *,
                     leaving_out: Collection[int] = ()) -> list[int]:
    """The chats `alert_recipients` gives, without recording anything: for messages built
    before the transaction that queues them, which may yet be refused (a double *Send*)."""
    skip = {*leaving_out, *await failed_chats(store, case)}
    return await store.practices.alert_chats(case.practice_id, leaving_out=skip)


def unheard(case: Case, alert: str) -> Note:
    """The audit note that an alert about this case could reach nobody at its practice:
    `delivery.reached_nobody` (detail: the alert's name), once per case and alert, with an
    error log line when written. To write in the transaction of what raised the alert."""
    return Note(REACHED_NOBODY, case.id, case.practice_id, {"alert": alert}, once=True,
                says="practice alert reached nobody")


async def reached_nobody(store: Store, case: Case, alert: str) -> None:
    """Record that an alert about this case could reach nobody at its practice: an error log
    line each time, and the audit event `delivery.reached_nobody` (detail: the alert's name)
    once per case and alert (a daily reminder that reaches nobody is audited once)."""
    log.error("practice alert reached nobody",
              extra={"case_id": case.id, "practice_id": case.practice_id, "alert": alert})
    await store.audit.write([replace(unheard(case, alert), says=None)])


def unreached_words(case: Case, practice_name: str, phone: str) -> str:
    """What the patient reads when their submitted case can reach nobody at the practice
    (`inbox.patient.not_received`, or `_parent` to a parent who sent a child's photos): the
    practice has not been able to get the photos yet, phone it, and NHS 111 or 999 if the rash
    gets worse. Nothing about why."""
    return worded("inbox.patient.not_received", parent=case.consent_by == "parent",
                  reference=case.reference, practice=practice_name, phone=phone)


def unreached_notice(case: Case, practice_name: str, phone: str, number: int) -> Outgoing:
    """The patient's message (`unreached_words`) for submission `number` of the case, when
    its delivery fails after it was sent; its dedupe key keeps it to one per submission."""
    return Outgoing(case.patient_chat_id, "patient.text",
                    {"text": unreached_words(case, practice_name, phone)},
                    f"case:{case.id}:sub:{number}:{UNREACHED}:{case.patient_chat_id}")


async def reached_or_going(store: Store, case: Case, number: int, *,
                           leaving_out: Collection[int] = ()) -> bool:
    """Whether submission `number` of the case reached the practice, or may still: a
    `CASE_KINDS` item of it was sent (Telegram or the record channel accepted it), or one to a
    Telegram chat is still being tried (not failed, not waiting for its person to open the
    bot, its chat not one that refused the case for good, `failed_chats`). A record channel
    still retrying does not count: it may retry for days. Items to the chats `leaving_out`
    (a GP who has left the practice) do not count either way."""
    prefix = f"case:{case.id}:sub:{number}:"
    every = await store.outbox.for_case(case.id)
    items = [item for item in every
             if item.kind in CASE_KINDS and item.dedupe_key.startswith(prefix)
             and item.chat_id not in leaving_out]
    if any(item.sent_at is not None for item in items):
        return True
    refused = refused_chats(every)
    return any(item.channel == "telegram" and item.failed_at is None
               and not (item.last_error or "").startswith(PARKED)
               and item.chat_id not in refused for item in items)


async def tell_patient(store: Store, case: Case, alert: str, *, kind: str,
                       leaving_out: Collection[int] = ()) -> bool:
    """An alert about the case reached nobody at its practice: if it is about the delivery of
    the patient's submitted case (`alert` in `DELIVERY_ALERTS`, raised for an item of `kind`
    in `CASE_KINDS`, or `no_inbox`), the case is still waiting for a GP (submitted, not
    erased) and no part of its current submission reached the practice or is still on its
    way to a GP chat (`reached_or_going`: a failed photo may be followed by its summary in a
    chat that can receive; `leaving_out`: a GP who has left), queue the patient's notice
    (`unreached_notice`) and record it (`told`), in one transaction. True if it was queued
    now; False if it does not apply or the patient was already told for this submission
    (`was_told`)."""
    if alert not in DELIVERY_ALERTS or (alert != "no_inbox" and kind not in CASE_KINDS):
        return False
    if case.stage is not Stage.SUBMITTED or case.erased_at or case.submissions < 1:
        return False
    number = case.submissions
    if await was_told(store, case, number):
        return False
    if await reached_or_going(store, case, number, leaving_out=leaving_out):
        return False
    practice = await store.practices.get(case.practice_id)
    if practice is None:
        return False
    await store.outbox.add(case.id, [unreached_notice(case, practice.name, practice.phone,
                                                      number)], [told(case, alert, number)])
    return True


def told(case: Case, alert: str, number: int) -> Note:
    """The audit note that the patient was told their submission `number` could reach nobody
    at the practice: `patient.told_unreached` (detail: the alert's name and the submission
    number; case and practice ids, no personal data), with a warning log line."""
    return Note(TOLD_UNREACHED, case.id, case.practice_id,
                {"alert": alert, "submission": number},
                says="patient told their case reached nobody at the practice",
                level=logging.WARNING)


async def still_unreached(store: Store, case: Case, events: Sequence[Event]) -> bool:
    """Whether the patient of this sent case was told its current submission could reach
    nobody at the practice (`told_in` the case's audit `events`) and nothing of it has reached
    the practice, or is on its way, since (`reached_or_going`: a GP who unblocked the bot and
    opened it from /inbox has it). While True, what the bot says next is "phone the
    practice", never that a GP will look (`bot.journey.status_next`)."""
    if case.stage is not Stage.SUBMITTED or case.erased_at or case.submissions < 1:
        return False
    return (told_in(events, case.submissions)
            and not await reached_or_going(store, case, case.submissions))


async def was_told(store: Store, case: Case, number: int) -> bool:
    """Whether the patient was told that submission `number` reached nobody (`told`),
    by the reply to their *Send* or by a later notice."""
    return told_in(await store.audit.for_case(case.id), number)


def told_in(events: Iterable[Event], number: int) -> bool:
    """`was_told`, from the case's audit events already read."""
    return any(event.kind == TOLD_UNREACHED
               and json.loads(event.detail or "{}").get("submission") == number
               for event in events)


def submission_notes(case: Case, queued: Sequence[Outgoing]) -> tuple[Note, ...]:
    """The audit notes to write in the transaction that moves `case` (as it is before the
    move) to submitted with `queued` (`bot.inbox.routing.submission_messages`), so they exist
    only for a submission that committed (never for a double *Send*) and always with it (a
    crash cannot leave the patient told but the case missing from `python -m bot unreached`).

    When nothing of it goes to anyone in Telegram (no GP or inbox, and nobody to alert), the
    alert that reached nobody (`unheard`, `no_inbox`); when it goes to no record channel
    either, also that the patient is told (`told`, `tells_patient`): the reply to their
    *Send* is then `unreached_words`, never the receipt, which would say the practice has the
    photos. A case on its way to the practice's mailbox is not told anything yet (the
    channel's own failure tells the patient, `bot.channels.dispatch`)."""
    if any(item.kind.startswith("gp.") or item.kind == "staff.alert" for item in queued):
        return ()
    if any(item.kind in RECORD_KINDS.values() for item in queued):
        return (unheard(case, "no_inbox"),)
    return unheard(case, "no_inbox"), told(case, "no_inbox", case.submissions + 1)


def tells_patient(notes: Sequence[Note]) -> bool:
    """Whether `notes` (`submission_notes`) record that the patient is told their submission
    reached nobody: the reply to *Send* must then say so."""
    return any(note.kind == TOLD_UNREACHED for note in notes)
