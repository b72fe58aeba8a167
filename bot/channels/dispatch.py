"""The outbox's one sender: each item goes to its channel (Telegram, NHSmail or MESH).

Record-channel items carry `{"case_id", "submission"}`; the case is built into a `CaseFile`
when it is sent, so an erased case sends nothing, and an item whose submission was replaced
before it could be sent (new photos sent since) sends nothing either: the later
submission's item carries the case. A photo file missing when the case is built fails the
item at once (`bot.services.delivery.MISSING_FILE`). Just before a send the item is marked
`started`; if a later try finds that mark on a channel that cannot ask whether the message
arrived (email), the message may now be in the practice's mailbox twice, and staff are told.
A record channel that keeps failing is reported to the practice's staff once, after
ALERT_AFTER_TRIES, while the worker keeps trying (with the outbox's backoff: 2 s doubling to
5 minutes, up to MAX_ATTEMPTS).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from hashlib import sha256
from typing import Protocol

from bot import testpoints
from bot.channels.casefile import CaseFile, case_file
from bot.channels.outcome import Refused
from bot.content import text
from bot.inbox.routing import current_submission
from bot.services.alerting import alert_recipients, tell_patient
from bot.services.delivery import TryLater, Undeliverable
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing, Practice

log = logging.getLogger("bot.channels")

STARTED = "started"
"""Payload flag of a record-channel item, written just before a send: a later try that finds
it (after a kill, or a time-out) knows the message may already have arrived. A refusal from
the server (`Refused`) clears it: nothing arrived."""

TO = "to"
"""Payload field of a record-channel item, written with `STARTED`: the practice's address the
message is sent to (its NHSmail mailbox or MESH mailbox id, never a patient's). Only an ITK
Response from that MESH mailbox is taken as about the case (`bot.channels.record_answers`)."""

ALERT_AFTER_TRIES = 5
"""Default of DELIVERY_ALERT_AFTER_TRIES: failed tries of a record channel after which staff
are told (once) that it keeps failing."""


class RecordChannel(Protocol):
    """A channel into the practice's own systems."""

    @property
    def checks_earlier_sends(self) -> bool:
        """Whether `deliver` finds out itself that an earlier try already delivered the
        message (MESH: tracking by local id), so a retry never makes a second copy."""

    async def deliver(self, case: CaseFile, to: str, outbox_id: int) -> str:
        """Send the case to the practice's address `to`; return the channel's message id."""


def where(channel: str) -> str:
    """The channel as staff read it: "the practice mailbox", "the GP record (MESH)"."""
    return text(f"channels.gp.where_{channel}")


def address(practice: Practice, channel: str) -> str | None:
    """The practice's address on a record channel, if set."""
    return practice.inbox_email if channel == "email" else practice.mesh_mailbox


class Dispatcher:
    """Send an outbox item by its channel; Telegram items go to `telegram` unchanged."""

    def __init__(self, store: Store, telegram: Callable[[OutboxItem], Awaitable[None]],
                 channels: dict[str, RecordChannel], *, pack_limit: int,
                 queued: Callable[[], None], alert_after: int = ALERT_AFTER_TRIES) -> None:
        self._store = store
        self._telegram = telegram
        self._channels = channels
        self._pack_limit = pack_limit
        self._queued = queued
        self._alert_after = alert_after

    async def __call__(self, item: OutboxItem) -> None:
        if item.channel == "telegram":
            await self._telegram(item)
            return
        try:
            await self._record(item)
        except TryLater:
            if item.attempts + 1 == self._alert_after:
                await self._alert(item, text("channels.staff.channel_failing",
                                             reference="{reference}", where=where(item.channel),
                                             tries=self._alert_after), "failing")
            raise

    async def _record(self, item: OutboxItem) -> None:
        payload = json.loads(item.payload)
        case = await self._store.cases.get(int(payload.get("case_id") or 0))
        if case is None or case.erased_at:
            return  # erased since: nothing to deliver
        if not current_submission(case, int(payload["submission"])):
            log.info("delivery skipped: submission replaced or new photos awaited",
                     extra={"outbox_id": item.id, "case_id": case.id, "channel": item.channel})
            return  # the next submission is queued to this channel and carries the case then
        if item.remote_id:
            log.info("already sent", extra={"outbox_id": item.id, "case_id": case.id,
                                             "channel": item.channel})
            return  # sent before a restart, not yet marked: never send twice
        practice = await self._store.practices.get(case.practice_id)
        to = address(practice, item.channel) if practice else None
        if to is None:
            raise Undeliverable(f"no {item.channel} address for the practice")
        channel = self._channels.get(item.channel)
        if channel is None:
            raise TryLater(f"{item.channel} channel not configured (settings)")
        try:
            built = await case_file(self._store, case, int(payload["submission"]),
                                    self._pack_limit)
        except ValueError as unusable:
            raise Undeliverable(f"cannot build: {unusable}") from unusable
        await testpoints.reached("record.before_send")
        started_before = bool(payload.get(STARTED))
        if not started_before or payload.get(TO) != to:
            await self._store.outbox.save_payload(item.id, {**payload, STARTED: True, TO: to})
        try:
            remote_id = await channel.deliver(built, to, item.id)
        except Refused:
            await self._store.outbox.save_payload(item.id, {k: v for k, v in payload.items()
                                                            if k != STARTED})
            raise
        await testpoints.reached("record.sent")
        await self._store.outbox.set_remote_id(item.id, remote_id)
        await self._photos_off(case.id)
        if started_before and not channel.checks_earlier_sends:
            log.warning("possible second copy", extra={"outbox_id": item.id,
                                                       "case_id": case.id,
                                                       "channel": item.channel})
            await self._alert(item, text("channels.staff.maybe_twice", reference="{reference}",
                                         where=where(item.channel)), "maybe_twice")
        await self._store.audit.record("case.delivered", actor="bot", case_id=case.id,
                                       detail={"channel": item.channel,
                                               "submission": built.submission,
                                               "pack_sha256": sha256(built.pdf).hexdigest()})

    async def _photos_off(self, case_id: int) -> None:
        """The case is in the practice's record: queue deleting the patient's photo messages
        still in their chat and the bot's messages showing their answers back (one item per
        chat, for the messages known now: `upto`, the newest of them, so a message shown after
        this, such as the review of new photos a GP asks for meanwhile, stays)."""
        left = (await self._store.outbox.chat_photos(case_id)
                + await self._store.outbox.chat_answers(case_id))
        if not left:
            return
        newest: dict[int, int] = {}
        for chat, message_id in left:
            newest[chat] = max(message_id, newest.get(chat, 0))
        await self._store.outbox.add(case_id, [
            Outgoing(chat, "patient.photos_off", {"case_id": case_id, "upto": last},
                     f"case:{case_id}:photos_off:{chat}:{last}")
            for chat, last in newest.items()])
        self._queued()

    async def _alert(self, item: OutboxItem, template: str, why: str) -> bool:
        """Queue the alert for the case's practice; False when it can reach nobody there."""
        case = await self._store.cases.get(item.case_id or 0)
        if case is None:
            return True
        words = template.replace("{reference}", case.reference)
        chats = await alert_recipients(self._store, case, f"channel-{why}")
        await self._store.outbox.add(case.id, [
            Outgoing(chat, "staff.alert", {"text": words}, f"alert:{item.id}:{why}:{chat}")
            for chat in chats])
        self._queued()
        return bool(chats)

    async def undeliverable(self, item: OutboxItem, reason: str) -> bool:
        """Tell staff a record channel gave up on a case, or, when nobody at the practice can
        hear it and nothing else of the case reached the practice, the patient
        (`bot.services.alerting.tell_patient`); False for a Telegram item (the caller's own
        alert applies)."""
        if item.channel == "telegram":
            return False
        heard = await self._alert(item, text("channels.staff.channel_failed",
                                             reference="{reference}", where=where(item.channel),
                                             reason=reason[:80]), "failed")
        case = await self._store.cases.get(item.case_id or 0)
        if not heard and case is not None:  # nobody at the practice: tell the patient
            await tell_patient(self._store, case, "failed", kind=item.kind)
            self._queued()
        return True
