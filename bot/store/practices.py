"""Practices and their members (staff and GPs)."""

from __future__ import annotations

from bot.store.database import Database, utc_now
from bot.store.models import Member, Practice, Role
from bot.store.rows import maybe, record


class PracticeRepository:
    """Create and find practices and the people who work in them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, name: str, phone: str, inbox_chat_id: int | None = None) -> Practice:
        """Register a practice and return it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO practices (name, phone, inbox_chat_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                (name, phone, inbox_chat_id, utc_now()),
            )
            practice_id = cursor.lastrowid
        assert practice_id is not None
        return Practice(practice_id, name, phone, inbox_chat_id)

    async def get(self, practice_id: int) -> Practice | None:
        """Return the practice with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT id, name, phone, inbox_chat_id FROM practices WHERE id = ?", (practice_id,)
            )
            return maybe(Practice, await cursor.fetchone())

    async def add_member(
        self, practice_id: int, telegram_user_id: int, role: Role, display_name: str
    ) -> Member:
        """Add a member of staff or a GP to a practice."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO members (practice_id, telegram_user_id, role, display_name, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (practice_id, telegram_user_id, role, display_name, utc_now()),
            )
            member_id = cursor.lastrowid
        assert member_id is not None
        return Member(member_id, practice_id, telegram_user_id, role, display_name)

    async def memberships(self, telegram_user_id: int) -> list[Member]:
        """Return every practice membership held by this Telegram user."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM members WHERE telegram_user_id = ? ORDER BY id",
                (telegram_user_id,),
            )
            return [record(Member, row) for row in await cursor.fetchall()]

    async def member(self, member_id: int) -> Member | None:
        """Return the member with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT * FROM members WHERE id = ?", (member_id,))
            return maybe(Member, await cursor.fetchone())
