"""Locks per person that are dropped when unused, so memory does not grow with every person
who ever wrote to the bot."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Turn:
    """One person's lock and how many of their updates hold it or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class UserLocks:
    """One `asyncio.Lock` per key, dropped as soon as nobody holds or awaits it.

    `async with locks.hold(key): ...` runs bodies of the same key one at a time, first come
    first served; memory is one small entry per key in use, none once all are done.
    """

    def __init__(self) -> None:
        self._turns: dict[int, _Turn] = {}

    def __len__(self) -> int:
        """Keys with a body running or waiting (0 when idle)."""
        return len(self._turns)

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        """Wait for `key`'s turn, hold it for the body, then pass it on (or drop the entry)."""
        turn = self._turns.get(key)
        if turn is None:
            turn = self._turns[key] = _Turn()
        turn.users += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[key]


class Recent(Generic[K, V]):
    """A mapping that keeps only the `limit` most recently written keys (oldest dropped first).

    For per-person notes that matter for seconds (a double tap, the album being received):
    memory stays bounded however many people ever wrote to the bot.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        """The value written for `key`, or None (never written, or dropped as oldest)."""
        return self._items.get(key)

    def __setitem__(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def pop(self, key: K, default: V | None = None) -> V | None:
        """Forget `key`; return its value or `default`."""
        return self._items.pop(key, default)
