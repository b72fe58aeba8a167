"""Per-person ordering: each person's updates are handled one after another, in the order
they were sent, while different people's updates run at once.

Without it the replies to an album's photos, or to a quick double tap, could interleave.
`PerUserOrder` is python-telegram-bot's update processor (`concurrent_updates(...)` in
`bot.app`), so it covers every handler group of an update, the patient's and the GP's alike.
Its memory is bounded: a person's lock exists only while one of their updates is in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.services.turns import UserLocks

MAX_CONCURRENT_UPDATES = 256
"""Updates handled at once over all people (python-telegram-bot's default for `True`)."""
_UNLIMITED = 2**31 - 1
"""The library's own semaphore is set this wide: the limit is applied after a person's turn
comes (see `PerUserOrder`)."""


class PerUserOrder(BaseUpdateProcessor):
    """Run updates concurrently, except that one person's updates run one at a time, in order.

    Updates with no person (a channel post, say) run without waiting. Order holds because
    python-telegram-bot starts processing updates in the order it fetched them, and an
    `asyncio.Lock` is first come first served.

    At most `max_concurrent_updates` updates run at once, and an update counts towards that
    limit only once its person's turn has come: a person who sends hundreds of messages in a
    burst waits for their own turns without holding places that other patients and GPs need.
    (python-telegram-bot's own semaphore is taken before `do_process_update`, so it is set
    wide open and this class applies the limit itself.)
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(_UNLIMITED)
        self.locks = UserLocks()
        self.running = asyncio.BoundedSemaphore(max_concurrent_updates)

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Process `update` once no earlier update of the same person is in flight, and a
        place among the updates running at once is free."""
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            async with self.running:
                await coroutine
            return
        async with self.locks.hold(user.id), self.running:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
