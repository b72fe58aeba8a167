"""The bot's rate limiter (issue 16, fast under load): replies to people first, chats in turn,
never more than Telegram's budget in any one second, and Telegram's retry_after respected.

The limiter is the real `PriorityRateLimiter`; the calls it lets through record their order
and time instead of going to Telegram. A small budget (2 or 3 a second) makes queues form.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import warnings
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.handlers.bot_api import (
    BACKGROUND,
    BACKGROUND_SHARE,
    FOLLOW_ON,
    TIDYING,
    PriorityRateLimiter,
)


class Telegram:
    """Stands where Telegram would be: notes what arrives, in order, and when."""

    def __init__(self, refuse_first: int = 0) -> None:
        self.arrived: list[tuple[str, float]] = []
        self.refuse_first = refuse_first

    async def send(self, limiter: PriorityRateLimiter, name: str, chat: int,
                   kind: str | None = None, endpoint: str = "sendMessage") -> Any:
        async def call() -> dict[str, Any]:
            if self.refuse_first:
                self.refuse_first -= 1
                with warnings.catch_warnings():  # python-telegram-bot's notice of a change
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    refused = RetryAfter(dt.timedelta(seconds=1))
                raise refused
            self.arrived.append((name, time.monotonic()))
            return {"ok": True}

        return await limiter.process_request(call, (), {}, endpoint, {"chat_id": chat}, kind)

    @property
    def order(self) -> list[str]:
        return [name for name, _ in self.arrived]


async def started(*calls: Any) -> list[asyncio.Task[Any]]:
    """Start calls one after the other, each queued before the next starts."""
    tasks = []
    for call in calls:
        tasks.append(asyncio.ensure_future(call))
        await asyncio.sleep(0.01)
    return tasks


async def test_a_patients_first_reply_does_not_wait_behind_all_of_another_patients() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=2), Telegram()
    tasks = await started(*(telegram.send(limiter, f"A{n}", 1) for n in range(1, 5)),
                          telegram.send(limiter, "B1", 2))
    await asyncio.gather(*tasks)
    assert telegram.order == ["A1", "A2", "A3", "B1", "A4"], "chats take turns"


async def test_a_patients_first_message_goes_before_the_rest_of_anothers_reply() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=2), Telegram()
    tasks = await started(telegram.send(limiter, "A why", 1),
                          *(telegram.send(limiter, f"A {part}", 1, FOLLOW_ON)
                            for part in ("who", "keep", "question")),
                          telegram.send(limiter, "B why", 2))
    await asyncio.gather(*tasks)
    assert telegram.order == ["A why", "A who", "B why", "A keep", "A question"]


async def test_replies_go_before_tidying_and_tidying_before_background_sends() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=2), Telegram()
    tasks = await started(telegram.send(limiter, "reply 1", 1),
                          telegram.send(limiter, "reply 2", 2),
                          telegram.send(limiter, "to the GP", 9, BACKGROUND),
                          telegram.send(limiter, "tidy", 3, TIDYING, "editMessageText"),
                          telegram.send(limiter, "reply 3", 4))
    await asyncio.gather(*tasks)
    assert telegram.order == ["reply 1", "reply 2", "reply 3", "tidy", "to the GP"]


async def test_a_case_for_the_gp_is_not_held_up_for_long_by_a_stream_of_replies() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=6), Telegram()
    first = await started(*(telegram.send(limiter, f"now {n}", n) for n in range(6)))
    queued = await started(telegram.send(limiter, "to the GP", 99, BACKGROUND),
                           *(telegram.send(limiter, f"reply {n}", n) for n in range(10)))
    await asyncio.gather(*first, *queued)
    waited = telegram.order[6:]
    assert waited.index("to the GP") <= BACKGROUND_SHARE - 1, "one turn in six is theirs"


async def test_replies_go_at_once_while_tidying_keeps_the_bot_busy() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=6), Telegram()  # 2 kept for replies
    tidying = await started(*(telegram.send(limiter, f"tidy {n}", n, TIDYING, "editMessageText")
                              for n in range(8)))
    replies = await started(telegram.send(limiter, "reply 1", 20), telegram.send(
        limiter, "reply 2", 21))
    await asyncio.gather(*tidying, *replies)
    assert telegram.order[:6] == ["tidy 0", "tidy 1", "tidy 2", "tidy 3", "reply 1", "reply 2"]


async def test_never_more_than_the_budget_in_any_one_second() -> None:
    limiter, telegram = PriorityRateLimiter(per_second=3), Telegram()
    await asyncio.gather(*(telegram.send(limiter, f"m{n}", n % 4) for n in range(8)))
    times = [at for _, at in telegram.arrived]
    assert len(times) == 8
    assert all(later - earlier >= 0.99 for earlier, later in zip(times, times[3:], strict=False))


async def test_a_reply_refused_with_429_is_sent_after_retry_after_a_background_is_not() -> None:
    limiter, telegram = PriorityRateLimiter(), Telegram(refuse_first=1)
    asked = time.monotonic()
    await telegram.send(limiter, "reply", 1)
    assert telegram.order == ["reply"] and telegram.arrived[0][1] - asked >= 1.0
    telegram.refuse_first = 1
    with pytest.raises(RetryAfter):  # the outbox schedules its own retry
        await telegram.send(limiter, "to the GP", 9, BACKGROUND)
    refused = time.monotonic()
    await telegram.send(limiter, "next reply", 2)
    assert telegram.arrived[-1][1] - refused >= 1.0, "nothing goes until retry_after is over"
