"""The update queue behind getUpdates: offsets, long polling, allowed_updates, conflicts."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

from .errors import CONFLICT_POLL

DEFAULT_EXCLUDED = {"chat_member", "message_reaction", "message_reaction_count"}


class UpdateQueue:
    """Unconfirmed updates, kept until a getUpdates offset confirms them (as Telegram does)."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self.pending: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []  # every update getUpdates returned, in order
        self.allowed: list[str] | None = None
        self._ids = itertools.count(first_update_id)
        self._changed: asyncio.Event | None = None
        self._polls = itertools.count(1)
        self._current_poll = 0

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def _event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def wants(self, kind: str) -> bool:
        """Whether the bot's allowed_updates let this kind of update be created."""
        if not self.allowed:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update; None when allowed_updates filters it out."""
        if not self.wants(kind):
            return None
        update = {"update_id": next(self._ids), kind: payload}
        self.pending.append(update)
        self._notify()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget updates below a positive offset; a negative one keeps the last -offset."""
        if not offset:
            return
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        else:
            self.pending = self.pending[offset:]

    def drop_all(self) -> None:
        """deleteWebhook/setWebhook with drop_pending_updates."""
        self.pending.clear()

    async def poll(
        self, offset: int | None, limit: int, wait: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """Answer getUpdates: at once if updates wait, else when one arrives or time runs out."""
        if allowed is not None:
            self.allowed = allowed or None
        self.confirm(offset)
        me = next(self._polls)
        self._current_poll = me
        self._notify()  # an older long poll still waiting ends with 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, wait)
        while True:
            if self._current_poll != me:
                raise CONFLICT_POLL
            if self.pending:
                batch = self.pending[: max(1, min(limit, 100))]
                self.delivered.extend(batch)
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event().wait(), remaining)

    async def wait_empty(self, seconds: float) -> bool:
        """Wait until the bot confirmed every update; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.pending:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(0.02, remaining))
        return True
