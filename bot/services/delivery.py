"""The outbox worker: sends queued messages in order, retrying what can succeed later."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot import testpoints
from bot.store import Store
from bot.store.models import OutboxItem
from bot.store.photo_files import PhotoFileMissing

log = logging.getLogger("bot.delivery")

MAX_BACKOFF_SECONDS = 300.0
MAX_ATTEMPTS = 30


class TryLater(Exception):
    """Telegram was busy or unreachable: try again after `seconds`."""

    def __init__(self, reason: str, seconds: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.seconds = seconds


class Undeliverable(Exception):
    """The message can never be delivered as it is (the person blocked the bot, no such chat)."""


class NotStarted(Exception):
    """The person has never opened the bot, and Telegram does not let a bot write first: the
    message waits until they do (403 "bot can't initiate conversation with a user")."""


REFUSED_FOR_GOOD = "403"
"""`last_error` prefix (then ": " and Telegram's words) of a message Telegram refused for good:
the person blocked the bot or deleted their account. Written by the Telegram sender
(`bot.handlers.delivery`), read by alerting (`bot.services.alerting.failed_chats`): every other
failure says nothing about the chat (retries run out in an outage, a 400 about one message, an
error of ours, an item stopped when its case was erased or stopped). A person who never opened
the bot is the same 403 from Telegram, but waits (`PARKED`) and is not refused for good."""
MISSING_FILE = "photo file missing"
"""`last_error` of an item that needed a photo file no longer on disk (`PhotoFileMissing`: the
photo was replaced or erased since it was queued). It can never be sent as it is, so it fails
at once, with the staff alert of any failed item, instead of being retried."""
PARKED = "not started"
"""`last_error` prefix of messages waiting for their person to open the bot."""
PARKED_RECHECK_SECONDS = 3600.0
"""A waiting message is also tried again every hour (the bot may have missed the opening)."""

Send = Callable[[OutboxItem], Awaitable[None]]
OnUndeliverable = Callable[[OutboxItem, str], Awaitable[None]]


def backoff(attempts: int, base: float = 2.0) -> float:
    """Seconds to wait after this many failed attempts: 2, 4, 8... up to five minutes."""
    return float(min(MAX_BACKOFF_SECONDS, base * 2.0 ** max(attempts, 0)))


class OutboxWorker:
    """Deliver the outbox: each message once, in order per chat, surviving restarts."""

    def __init__(self, store: Store, send: Send, on_undeliverable: OnUndeliverable,
                 *, idle_seconds: float = 5.0,
                 on_not_started: OnUndeliverable | None = None,
                 wake: asyncio.Event | None = None) -> None:
        """`wake` is the event that says something was queued (made by the caller when
        services built before this worker must be able to set it)."""
        self._store = store
        self._send = send
        self._on_undeliverable = on_undeliverable
        self._on_not_started = on_not_started
        self._idle = idle_seconds
        self._wake = wake if wake is not None else asyncio.Event()
        self._waiting_chats: set[int] | None = None

    def wake(self) -> None:
        """Look at the outbox now (something was just queued)."""
        self._wake.set()

    async def chat_opened(self, chat_id: int) -> None:
        """Someone wrote to the bot from this chat: deliver now what waited for them to open it.

        Cheap for every other chat (a set lookup); one write when messages were waiting.
        """
        if self._waiting_chats is None:
            self._waiting_chats = set(await self._store.outbox.parked_chats(PARKED))
        if chat_id not in self._waiting_chats:
            return
        self._waiting_chats.discard(chat_id)
        await self._store.outbox.unpark(chat_id, PARKED)
        log.info("delivery resumed", extra={"reason": "chat opened"})
        self.wake()

    async def run_once(self) -> int:
        """Try every message that is due now (and those it unblocks); return how many were sent."""
        sent = 0
        while True:
            batch = 0
            for item in await self._store.outbox.due():
                if await self._deliver(item):
                    batch += 1
            sent += batch
            if not batch:
                return sent

    async def _deliver(self, item: OutboxItem) -> bool:
        context = {"outbox_id": item.id, "case_id": item.case_id, "kind": item.kind,
                   "attempt": item.attempts + 1}
        try:
            await self._send(item)
        except TryLater as later:
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await self._give_up(item, f"gave up after {MAX_ATTEMPTS} tries: {later.reason}")
                return False
            wait = later.seconds if later.seconds is not None else backoff(item.attempts)
            await self._store.outbox.retry_later(item.id, later.reason, wait)
            log.warning("delivery deferred", extra={**context, "reason": later.reason,
                                                     "retry_in": wait})
            return False
        except Undeliverable as never:
            await self._give_up(item, str(never))
            return False
        except PhotoFileMissing:
            await self._give_up(item, MISSING_FILE)
            return False
        except NotStarted as waiting:
            await self._store.outbox.park(item.id, f"{PARKED}: {waiting}", PARKED_RECHECK_SECONDS)
            if self._waiting_chats is not None:
                self._waiting_chats.add(item.chat_id)
            log.warning("delivery waits for the chat to be opened", extra=context)
            if self._on_not_started is not None:
                await self._on_not_started(item, str(waiting))
            return False
        except Exception as bug:  # a fault of ours: back off rather than spin, and say so
            log.exception("delivery error", extra=context)
            if item.attempts + 1 >= MAX_ATTEMPTS:
                await self._give_up(item, f"error: {type(bug).__name__}")
            else:
                await self._store.outbox.retry_later(item.id, type(bug).__name__,
                                                     backoff(item.attempts))
            return False
        await self._store.outbox.mark_sent(item.id)
        log.info("delivered", extra=context)
        return True

    async def _give_up(self, item: OutboxItem, reason: str) -> None:
        await self._store.outbox.give_up(item, reason)
        log.error("delivery failed", extra={"outbox_id": item.id, "case_id": item.case_id,
                                             "kind": item.kind, "reason": reason[:100]})
        await testpoints.reached("delivery.failed_marked")
        await self._on_undeliverable(item, reason)
        await self._store.outbox.followed_up(item.id)

    async def follow_up_failures(self) -> int:
        """The follow-up of every message given up whose follow-up was never queued (the
        process was killed in between, `OutboxRepository.not_followed_up`): the staff alert,
        the patient's notice or the staff message passed on, queued now. Each follow-up keeps
        its own dedupe keys, so one queued before the kill is not queued twice. Returns how
        many were followed up."""
        done = 0
        for item in await self._store.outbox.not_followed_up():
            log.warning("delivery failure followed up after a restart",
                        extra={"outbox_id": item.id, "case_id": item.case_id,
                               "kind": item.kind})
            await self._on_undeliverable(item, item.last_error or "")
            await self._store.outbox.followed_up(item.id)
            done += 1
        return done

    async def run(self) -> None:
        """Deliver until cancelled, waking when told to or when the next retry is due; first,
        follow up any failure a restart interrupted (`follow_up_failures`)."""
        try:
            await self.follow_up_failures()
        except Exception:  # a bug must not stop delivery of everything else
            log.exception("follow-up of failed deliveries failed")
        while True:
            try:
                await self.run_once()
            except Exception:  # a bug must not stop delivery of everything else
                log.exception("outbox pass failed")
            await self._sleep()

    async def _sleep(self) -> None:
        wait = self._idle
        next_due = await self._store.outbox.next_due_at()
        if next_due is not None:
            until = (datetime.fromisoformat(next_due) - datetime.now(UTC)).total_seconds()
            wait = min(wait, max(until, 0.05))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), wait)
        self._wake.clear()
