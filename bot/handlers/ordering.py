"""Per-person ordering: each person's updates are handled one after another, in the order
they were sent, while different people's updates run at once.

Without it the replies to an album's photos, or to a quick double tap, could interleave.
`PerUserOrder` is python-telegram-bot's update processor (`concurrent_updates(...)` in
`bot.app`), so it covers every handler group of an update, the patient's and the GP's alike.
Its memory is bounded: a person's lock exists only while one of their updates is in flight.
"""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.services.turns import UserLocks

MAX_CONCURRENT_UPDATES = 256
"""Updates handled at once over all people (python-telegram-bot's default for `True`)."""


class PerUserOrder(BaseUpdateProcessor):
    """Run updates concurrently, except that one person's updates run one at a time, in order.

    Updates with no person (a channel post, say) run without waiting. Order holds because
    python-telegram-bot starts processing updates in the order it fetched them, and an
    `asyncio.Lock` is first come first served.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = UserLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Process `update` once no earlier update of the same person is in flight."""
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        async with self.locks.hold(user.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
