"""The outbox's one sender: each item goes to its channel (Telegram, NHSmail or MESH).

Record-channel items carry `{"case_id", "submission"}`; the case is built into a `CaseFile`
when it is sent, so an erased case sends nothing. A record channel that keeps failing is
reported to the practice's staff once, after ALERT_AFTER_TRIES, while the worker keeps trying
(with the outbox's backoff: 2 s doubling to 5 minutes, up to MAX_ATTEMPTS).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from hashlib import sha256
from typing import Protocol

from bot import testpoints
from bot.channels.casefile import CaseFile, case_file
from bot.content import text
from bot.inbox.routing import staff_chats
from bot.services.delivery import TryLater, Undeliverable
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing, Practice

log = logging.getLogger("bot.channels")

ALERT_AFTER_TRIES = 5
"""Default of DELIVERY_ALERT_AFTER_TRIES: failed tries of a record channel after which staff
are told (once) that it keeps failing."""


class RecordChannel(Protocol):
    """A channel into the practice's own systems."""

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
        remote_id = await channel.deliver(built, to, item.id)
        await testpoints.reached("record.sent")
        await self._store.outbox.set_remote_id(item.id, remote_id)
        await self._store.audit.record("case.delivered", actor="bot", case_id=case.id,
                                       detail={"channel": item.channel,
                                               "submission": built.submission,
                                               "pack_sha256": sha256(built.pdf).hexdigest()})

    async def _alert(self, item: OutboxItem, template: str, why: str) -> None:
        case = await self._store.cases.get(item.case_id or 0)
        if case is None:
            return
        words = template.replace("{reference}", case.reference)
        await self._store.outbox.add(case.id, [
            Outgoing(chat, "staff.alert", {"text": words}, f"alert:{item.id}:{why}:{chat}")
            for chat in await staff_chats(self._store, case.practice_id)])
        self._queued()

    async def undeliverable(self, item: OutboxItem, reason: str) -> bool:
        """Tell staff a record channel gave up on a case; False for a Telegram item (the
        caller's own alert applies)."""
        if item.channel == "telegram":
            return False
        await self._alert(item, text("channels.staff.channel_failed", reference="{reference}",
                                     where=where(item.channel), reason=reason[:80]), "failed")
        return True
