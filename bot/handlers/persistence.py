"""python-telegram-bot persistence backed by the bot's own SQLite store.

Keeps only what the staff conversations need (issue 14, item 3): the state of each persistent
`ConversationHandler` (the staff /invite) and, of a person's user_data, the keys a
conversation names (`kept_keys`: the invite draft). No bot_data, chat_data or callback data.
python-telegram-bot loads it when the Application initialises (before `post_init`), so the
persistence opens the store and the services then use that same store (`store()`).

Writes happen when python-telegram-bot updates its persistence: every `update_interval`
seconds (1 s here) for what changed, and once more on a clean stop. State unchanged for
`max_idle` is not loaded again (the retention purge deletes it: `forget_idle`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.store import Store
from bot.store.conversations import IDLE_LIMIT

UPDATE_SECONDS = 1.0
"""How often python-telegram-bot writes changed conversation state to the store."""
MAX_IDLE = IDLE_LIMIT
"""A staff conversation (an invite draft) untouched this long is dropped."""

UserData = dict[str, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
"""python-telegram-bot's own shapes (`telegram.ext._utils.types`, not public)."""


class StorePersistence(BasePersistence[UserData, dict[str, Any], dict[str, Any]]):
    """Conversation states and chosen user_data keys in the store's tables."""

    def __init__(self, open_store: Callable[[], Awaitable[Store]], kept_keys: Collection[str],
                 *, max_idle: timedelta = MAX_IDLE) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False,
                                                     user_data=True, callback_data=False),
                         update_interval=UPDATE_SECONDS)
        self._open = open_store
        self._store: Store | None = None
        self._opening = asyncio.Lock()
        self._kept = frozenset(kept_keys)
        self._max_idle = max_idle
        self._kept_for: set[int] = set()
        """Who has a user_data row: everyone else's empty user_data costs no write."""

    async def store(self) -> Store:
        """The store, opened (and migrated) at the first call."""
        async with self._opening:
            if self._store is None:
                self._store = await self._open()
            return self._store

    def _since(self) -> str:
        return (datetime.now(UTC) - self._max_idle).isoformat(timespec="seconds")

    async def get_conversations(self, name: str) -> ConversationDict:
        """The states of the conversations called `name` that are not idle."""
        states = await (await self.store()).conversations.states(name, self._since())
        return {key: tuple(state) if isinstance(state, list) else state
                for key, state in states.items()}

    async def update_conversation(self, name: str, key: ConversationKey,
                                  new_state: object | None) -> None:
        """Keep a conversation's new state (None: it ended)."""
        await (await self.store()).conversations.set_state(name, key, new_state)

    async def get_user_data(self) -> dict[int, UserData]:
        """The kept user_data of each person (only `kept_keys`), if not idle."""
        found = await (await self.store()).conversations.user_data(self._since())
        self._kept_for = set(found)
        return found

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        """Keep the `kept_keys` of this person's user_data (none left: the row goes).

        Only a member of a practice's: someone removed (by the admin CLI, another process,
        which deletes their row) may still have a draft in this process's memory, and is not
        to get it back: it is refused and its row deleted (`set_user_data`). python-telegram-bot
        hands over a copy: the draft in memory goes at the person's next update, in the
        /invite conversation's callbacks (`bot.handlers.invite`).
        """
        kept = {key: value for key, value in data.items() if key in self._kept}
        if not kept and user_id not in self._kept_for:
            return  # a patient, or staff without a draft: no write
        if await (await self.store()).conversations.set_user_data(user_id, kept):
            self._kept_for.add(user_id)
            return
        self._kept_for.discard(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        """Forget this person's kept user_data."""
        await (await self.store()).conversations.set_user_data(user_id, {})
        self._kept_for.discard(user_id)

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to refresh: the bot is the only writer."""

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        """Not kept."""
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        """Not kept."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not kept."""

    async def get_bot_data(self) -> dict[str, Any]:
        """Not kept."""
        return {}

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        """Not kept."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """Not kept."""

    async def get_callback_data(self) -> CDCData | None:
        """Not kept (buttons are signed, not cached)."""
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        """Not kept."""

    async def flush(self) -> None:
        """Every write is already committed."""
