"""Wrong invite tokens and join codes: counted per Telegram account, slowed down and audited.

Invite tokens (192 bits) and join codes (96 bits) cannot be guessed, but somebody trying is
worth knowing about, and a link mangled by an SMS app should not be retried endlessly. Each
wrong try is audited (`access.wrong_invite` or `access.wrong_join_code`, with the account as
a short hash and the count in the window, never the token or code typed). After `LIMIT`
wrong tries within `WINDOW_SECONDS`, further tries from that account, right or wrong, are
refused unchecked until the oldest of them leaves the window (`access.throttled`). Counts are
kept in memory: a restart forgets them, which only gives a guesser a fresh `LIMIT` tries.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

from bot.store import Store
from bot.store.audit import stranger

LIMIT = 5
WINDOW_SECONDS = 15 * 60.0
Kind = Literal["invite", "join_code"]


class WrongTries:
    """Per-account counts of wrong invite tokens and join codes (both count together)."""

    def __init__(self, store: Store, *, limit: int = LIMIT, window_seconds: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._limit = limit
        self._window = window_seconds
        self._clock = clock
        self._tries: dict[int, deque[float]] = {}

    def _recent(self, telegram_user_id: int) -> deque[float]:
        tries = self._tries.setdefault(telegram_user_id, deque())
        while tries and tries[0] <= self._clock() - self._window:
            tries.popleft()
        if not tries:
            self._tries.pop(telegram_user_id, None)
        return tries

    async def wait_minutes(self, telegram_user_id: int, kind: Kind) -> int:
        """0 if this account may try now; else whole minutes until it may (audited)."""
        tries = self._recent(telegram_user_id)
        if len(tries) < self._limit:
            return 0
        seconds = tries[0] + self._window - self._clock()
        await self._store.audit.record("access.throttled", actor=stranger(telegram_user_id),
                                       detail={"kind": kind, "count": len(tries)})
        return max(1, math.ceil(seconds / 60))

    async def wrong(self, telegram_user_id: int, kind: Kind) -> int:
        """Count and audit one wrong try; return how many in the window so far."""
        tries = self._recent(telegram_user_id)
        tries.append(self._clock())
        self._tries[telegram_user_id] = tries
        event = "access.wrong_invite" if kind == "invite" else "access.wrong_join_code"
        await self._store.audit.record(event, actor=stranger(telegram_user_id),
                                       detail={"count": len(tries)})
        return len(tries)
