"""The bot's connection to the Bot API: tap answers that never stop a reply, interactive
replies ahead of background sends, and upload time-outs that fit the upload.

`TelegramBot` is python-telegram-bot's `ExtBot` with one change: a refused or late answer to
a button tap (Telegram accepts one answer per tap, within roughly 10-15 s) is logged and
ignored, so the handler goes on to send the next question or confirmation.
`PriorityRateLimiter` is a python-telegram-bot rate limiter that keeps within Telegram's
overall limit of about 30 messages a second while letting replies to people go first: the
outbox and reminders mark their calls with `BACKGROUND` and wait while replies are queued;
taking the buttons off an answered question is marked `TIDY` and waits for replies too. Replies
are served one chat at a time in turn, so a patient's first answer never waits behind all
three consent messages of each patient who tapped just before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter, Defaults, ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("bot.telegram")

BACKGROUND = "background"
"""`rate_limit_args` of a send nobody is waiting for (outbox, reminders): it yields to replies
and is not retried on 429 by the limiter (the outbox schedules its own retry)."""
FOLLOW_ON = "follow-on"
"""`rate_limit_args` of the second and later messages of one reply (the 2nd and 3rd parts of
consent, a verdict's next request): each patient's first message goes before them."""
TIDYING = "tidy"
"""`rate_limit_args` of an edit that tidies the chat after the reply has gone (the buttons
taken off an answered question, the answer added under it): it yields to replies."""

OVERALL_PER_SECOND = 30.0
"""Telegram's overall limit for a bot: about 30 messages a second (Bots FAQ)."""
GROUP_PER_MINUTE = 20
"""Telegram's limit per group chat (a practice's inbox group): 20 messages a minute."""
REPLY_RETRIES = 3
"""A reply refused with 429 is sent again after Telegram's retry_after, up to this many times."""

UNCOUNTED = frozenset({"sendchataction", "answercallbackquery", "getfile", "getchat",
                       "getupdates", "getme", "setmycommands", "deletewebhook"})
"""Methods that are not messages and do not use the message budget."""

UPLOAD_BASE_SECONDS = 20.0
UPLOAD_BYTES_PER_SECOND = 100_000.0
"""An upload may take 20 s plus one second per 100 kB (a slow 0.8 Mbit/s link) to be sent and
another as long to be answered: 3 photos of 4 MB (12 MB) wait up to 140 s each way."""


def upload_seconds(size_bytes: int) -> float:
    """Per-call `write_timeout` and `read_timeout` (seconds) for an upload of this many bytes.

    python-telegram-bot's default (20 s to send, 5 s to answer) makes a slow Telegram look like
    a failure after 5 s while it still carries out the upload; resending then duplicates it.
    """
    return UPLOAD_BASE_SECONDS + max(size_bytes, 0) / UPLOAD_BYTES_PER_SECOND


class TelegramBot(ExtBot[Any]):
    """`ExtBot` whose tap answers never raise: a refused answer must not stop the reply."""

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        """Answer a tap; False (logged, not raised) when Telegram refuses or does not answer.

        Telegram refuses a second answer and any answer after its time limit ("query is too
        old and response timeout expired or query ID is invalid", 400): a tap made while the
        bot was away is answered late. The tap's effect is already applied by then.
        """
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as refused:
            log.warning("tap answer refused", extra={"reason": refused.message[:60]})
        except NetworkError as failed:  # includes TimedOut
            log.warning("tap answer failed", extra={"reason": type(failed).__name__})
        return False


def retry_seconds(busy: RetryAfter) -> float:
    """Telegram's `retry_after` of a 429, in seconds (an int, or a timedelta in newer
    python-telegram-bot; read without its deprecation warning about that change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after: Any = busy.retry_after
    return float(after.total_seconds() if hasattr(after, "total_seconds") else after)


REPLY, FOLLOW, TIDY, LATER = 0, 1, 2, 3
"""Priorities, first served first: the first message of a reply to a person; the rest of it
(`FOLLOW_ON`); tidying (taking the buttons off a question already answered); a background
send (`BACKGROUND`)."""
REPLY_HEADROOM = 1 / 3
"""The part of Telegram's budget kept for replies: tidying and background sends use at most
20 of any second's 30."""
BACKGROUND_SHARE = 6
"""While background sends wait, at least one send in this many is one of them (5 a second of
Telegram's 30), so a case for a GP or a staff alert is never held up for long by replies."""


def priority(endpoint: str, data: dict[str, Any], rate_limit_args: str | None) -> int:
    """The priority of one call: `BACKGROUND` sends last, tidying (`TIDYING`, or taking
    buttons off) after replies."""
    if rate_limit_args == BACKGROUND:
        return LATER
    if rate_limit_args == FOLLOW_ON:
        return FOLLOW
    if rate_limit_args == TIDYING or (
            endpoint.lower() == "editmessagereplymarkup" and not data.get("reply_markup")):
        return TIDY
    return REPLY


class _Budget:
    """At most `per_second` sends in any one second (a sliding window), served by priority;
    within a priority, one send per chat in turn (round robin), each chat's in order.

    Replies may use the whole window; tidying and background sends only up to `headroom` less,
    so the window always has room for a burst of replies, which then go at once instead of
    waiting for edits sent a moment before them to age out of it. While background sends wait,
    every `BACKGROUND_SHARE`th turn is theirs (with the whole window), so they are never
    starved. Shapes: `take(level, chat)` waits for a turn; `level` is `REPLY`, `TIDY` or
    `LATER`, `chat` any hashable naming the chat (None for calls that name none).
    """

    def __init__(self, per_second: float, headroom: int = 0) -> None:
        self._limit = max(1, int(per_second))
        self._low_limit = max(1, self._limit - headroom)
        self._ahead = 0  # sends at a better priority since a background send last went
        self._sent: deque[float] = deque()
        self._queues: tuple[OrderedDict[object, deque[asyncio.Future[None]]], ...] = (
            OrderedDict(), OrderedDict(), OrderedDict(), OrderedDict())
        self._dispatcher: asyncio.Task[None] | None = None
        self._arrived = asyncio.Event()

    def _in_window(self) -> int:
        """Sends in the last second."""
        now = time.monotonic()
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        return len(self._sent)

    def _share_due(self) -> bool:
        return bool(self._queues[LATER]) and self._ahead >= BACKGROUND_SHARE - 1

    def _room(self, level: int) -> int:
        """How many sends in the window leave room for one more at this level."""
        if level in (REPLY, FOLLOW) or (level == LATER and self._share_due()):
            return self._limit
        return self._low_limit

    def _order(self) -> tuple[int, ...]:
        return (LATER, REPLY, FOLLOW, TIDY) if self._share_due() else (
            REPLY, FOLLOW, TIDY, LATER)

    def _granted(self, level: int) -> None:
        self._sent.append(time.monotonic())
        self._ahead = 0 if level == LATER or not self._queues[LATER] else self._ahead + 1

    async def take(self, level: int, chat: object = None) -> None:
        """Wait for this call's turn, then count it as sent."""
        first = next((lv for lv in self._order() if self._queues[lv]), None)
        ahead = first is not None and ((first == LATER and self._share_due()) or first <= level)
        if not ahead and self._in_window() < self._room(level):
            self._granted(level)
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[level].setdefault(chat, deque()).append(turn)
        self._arrived.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        try:
            await turn
        except asyncio.CancelledError:
            waiting = self._queues[level].get(chat)
            if waiting is not None and turn in waiting:
                waiting.remove(turn)
                if not waiting:
                    del self._queues[level][chat]
            raise

    def _next_turn(self, level: int) -> asyncio.Future[None] | None:
        """The first waiting call of the first chat at this level; that chat then goes to the
        back of the level's line."""
        chats = self._queues[level]
        while chats:
            chat, waiting = next(iter(chats.items()))
            turn = waiting.popleft()
            if waiting:
                chats.move_to_end(chat)
            else:
                del chats[chat]
            if not turn.done():
                return turn
        return None

    async def _dispatch(self) -> None:
        while any(self._queues):
            level = next(lv for lv in self._order() if self._queues[lv])
            room, sent = self._room(level), self._in_window()
            if sent < room:
                turn = self._next_turn(level)
                if turn is not None:
                    self._granted(level)
                    turn.set_result(None)
                continue
            self._arrived.clear()  # a reply arriving meanwhile may go before the wait is over
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(),
                                       self._sent[sent - room] + 1.0 - time.monotonic())


class PriorityRateLimiter(BaseRateLimiter[str]):
    """Telegram's rate limits, with replies to people ahead of background sends.

    Counts messages, edits and deletions (not chat actions, tap answers or downloads) against
    30 in any one second overall and 20 a minute per group, served by `priority`: replies, then
    tidying answered questions, then background sends; within each, chats take turns. Tidying
    and background sends use at most 20 of any second's 30 (`REPLY_HEADROOM`). A 429 on
    a reply is retried after Telegram's `retry_after` (up to `REPLY_RETRIES` times), a 429 on a
    `BACKGROUND` send is raised to the outbox; every call waits out a `retry_after` in force.
    """

    def __init__(self, per_second: float = OVERALL_PER_SECOND,
                 group_per_minute: int = GROUP_PER_MINUTE) -> None:
        self._budget = _Budget(per_second, headroom=int(per_second * REPLY_HEADROOM))
        self._group_per_minute = group_per_minute
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._retry_after = asyncio.Event()
        self._retry_after.set()
        self._paused_until = 0.0
        self._resume: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the budget, then make the call (retrying a reply after a 429)."""
        level = priority(endpoint, data, rate_limit_args)
        counted = endpoint.lower() not in UNCOUNTED and data.get("chat_id") is not None
        retries = 0 if level == LATER else REPLY_RETRIES
        for attempt in range(retries + 1):
            await self._retry_after.wait()
            if counted:
                await self._budget.take(level, data.get("chat_id"))
                group = self._group_of(data.get("chat_id"))
                if group is not None:
                    await group.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as busy:
                self._pause(retry_seconds(busy) + 0.1)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        """Hold every call for `seconds` (Telegram's retry_after applies to the whole bot)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        if until <= self._paused_until:
            return
        if self._resume is not None:
            self._resume.cancel()
        self._paused_until = until
        self._retry_after.clear()
        self._resume = loop.call_at(until, self._retry_after.set)

    def _group_of(self, chat_id: Any) -> AsyncLimiter | None:
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            if chat_id not in self._groups:
                self._groups[chat_id] = AsyncLimiter(self._group_per_minute, 60)
            return self._groups[chat_id]
        return None


CONNECTIONS = 64
"""Connections to the Bot API open at once (python-telegram-bot's builder uses 256)."""
POOL_WAIT_SECONDS = 30.0
"""How long a call may wait for a free connection. With python-telegram-bot's default, 1 s, a
burst of replies can fail with "Pool timeout" and the patient's answer is lost; early runs of
benchmarks/load_patients.py lost replies (4 of 30 journeys stalled with 8 connections) before
this and the first-come-first-served rate limiter, after which none were lost."""


def build_bot(token: str, base_url: str, base_file_url: str,
              defaults: Defaults | None = None) -> TelegramBot:
    """The bot for the Application: tolerant tap answers, the priority rate limiter and
    python-telegram-bot `Defaults` (set here: the builder cannot add them to a given bot)."""
    return TelegramBot(token=token, base_url=base_url, base_file_url=base_file_url,
                       defaults=defaults,
                       request=HTTPXRequest(connection_pool_size=CONNECTIONS,
                                            pool_timeout=POOL_WAIT_SECONDS),
                       get_updates_request=HTTPXRequest(),
                       rate_limiter=PriorityRateLimiter())
