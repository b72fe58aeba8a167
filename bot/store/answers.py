"""The patient's answers to the bot's questions, one value per question per case."""

from __future__ import annotations

from bot.store.audit import write_event
from bot.store.database import Database, utc_now


class AnswerRepository:
    """Save and read a case's answers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, case_id: int, question: str, value: str) -> None:
        """Save (or replace) the answer to one question."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO answers (case_id, question, value, answered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (case_id, question) DO UPDATE SET value = excluded.value, "
                "answered_at = excluded.answered_at",
                (case_id, question, value, utc_now()),
            )
            await write_event(conn, "answer.saved", actor="patient", case_id=case_id,
                              detail={"question": question})

    async def for_case(self, case_id: int) -> dict[str, str]:
        """Return every answer of the case, by question."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT question, value FROM answers WHERE case_id = ? ORDER BY question",
                (case_id,),
            )
            return {row["question"]: row["value"] for row in await cursor.fetchall()}
