"""Durable staff conversations: python-telegram-bot's conversation states and user_data.

Backs `bot.handlers.persistence.StorePersistence`: the state of each persistent
ConversationHandler per (chat, user), and the part of a person's user_data that a
conversation keeps (the staff /invite draft), as JSON. Only staff and GPs have rows (patients'
state lives in their case). Rows idle longer than the retention window are removed by the purge
(`forget_idle`), and a person's rows when they stop being a member of any practice.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiosqlite

from bot.store.database import Database, utc_now

IDLE_LIMIT = timedelta(days=1)
"""A staff conversation (an invite draft) untouched this long is dropped: not loaded at
start-up, and deleted by the retention purge."""
ConversationKey = tuple[int | str, ...]
"""python-telegram-bot's key of a conversation: (chat id, user id) for the staff /invite."""


async def forget_former_member(conn: aiosqlite.Connection, telegram_user_id: int) -> None:
    """Inside the caller's transaction: if this person is no longer a member of any
    practice, delete their conversation states and kept user_data."""
    cursor = await conn.execute("SELECT 1 FROM members WHERE telegram_user_id = ? LIMIT 1",
                                (telegram_user_id,))
    if await cursor.fetchone() is not None:
        return
    await conn.execute("DELETE FROM staff_conversations WHERE user_id = ?", (telegram_user_id,))
    await conn.execute("DELETE FROM staff_user_data WHERE user_id = ?", (telegram_user_id,))


class ConversationRepository:
    """Conversation states and kept user_data, each with when it last changed."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def states(self, name: str, changed_since: str) -> dict[ConversationKey, object]:
        """The states of the conversations called `name` that changed since this moment."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, user_id, state FROM staff_conversations "
                "WHERE name = ? AND updated_at >= ?", (name, changed_since))
            return {(int(row[0]), int(row[1])): json.loads(row[2])
                    for row in await cursor.fetchall()}

    async def set_state(self, name: str, key: ConversationKey, state: object | None) -> None:
        """Keep the conversation's new state (JSON-serialisable) if the person is a member of
        a practice; None, or someone who is a member of none, ends it."""
        chat_id, user_id = int(key[0]), int(key[-1])
        async with self._db.transaction() as conn:
            if state is not None:
                cursor = await conn.execute(
                    "INSERT INTO staff_conversations (name, chat_id, user_id, state, updated_at) "
                    "SELECT ?, ?, ?, ?, ? WHERE EXISTS "
                    "(SELECT 1 FROM members WHERE telegram_user_id = ?) "
                    "ON CONFLICT (name, chat_id, user_id) DO UPDATE SET "
                    "state = excluded.state, updated_at = excluded.updated_at",
                    (name, chat_id, user_id, json.dumps(state), utc_now(), user_id))
                if cursor.rowcount == 1:
                    return
            await conn.execute(
                "DELETE FROM staff_conversations WHERE name = ? AND chat_id = ? "
                "AND user_id = ?", (name, chat_id, user_id))

    async def user_data(self, changed_since: str) -> dict[int, dict[str, Any]]:
        """The kept user_data of each person, changed since this moment."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT user_id, data FROM staff_user_data WHERE updated_at >= ?",
                (changed_since,))
            return {int(row[0]): json.loads(row[1]) for row in await cursor.fetchall()}

    async def set_user_data(self, user_id: int, data: dict[str, Any]) -> bool:
        """Keep this person's user_data (JSON-serialisable) if they are a member of a practice;
        True if kept. An empty dict, or someone who is a member of no practice (removed, say,
        by the admin CLI while the bot still held their draft), deletes it: checked in the same
        transaction as the write, so a removal cannot be undone by a write racing it."""
        async with self._db.transaction() as conn:
            if data:
                cursor = await conn.execute(
                    "INSERT INTO staff_user_data (user_id, data, updated_at) "
                    "SELECT ?, ?, ? WHERE EXISTS "
                    "(SELECT 1 FROM members WHERE telegram_user_id = ?) "
                    "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, "
                    "updated_at = excluded.updated_at",
                    (user_id, json.dumps(data), utc_now(), user_id))
                if cursor.rowcount == 1:
                    return True
            await conn.execute("DELETE FROM staff_user_data WHERE user_id = ?", (user_id,))
            return False

    async def forget_idle(self, changed_before: str) -> int:
        """Delete states and user_data unchanged since before this moment; how many rows."""
        async with self._db.transaction() as conn:
            first = await conn.execute("DELETE FROM staff_conversations WHERE updated_at < ?",
                                       (changed_before,))
            second = await conn.execute("DELETE FROM staff_user_data WHERE updated_at < ?",
                                        (changed_before,))
        return first.rowcount + second.rowcount

    async def count(self) -> int:
        """How many states and user_data rows are kept."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT (SELECT COUNT(*) FROM staff_conversations) + "
                "(SELECT COUNT(*) FROM staff_user_data)")
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
