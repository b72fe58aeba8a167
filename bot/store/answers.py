"""The patient's answers to the bot's questions, one value per question per case."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.store.audit import write_event
from bot.store.cases import CLOSED, CLOSED_MARKS, touch
from bot.store.database import Database, utc_now


async def save_answer(conn: aiosqlite.Connection, case_id: int, question: str,
                      value: str) -> bool:
    """Save (or replace) one answer inside the caller's transaction; False, and nothing
    written, if the case is erased or closed (an erased case never gets rows back, and a
    case stopped meanwhile, whose answers a stop deleted, gets none either)."""
    cursor = await conn.execute(
        "INSERT INTO answers (case_id, question, value, answered_at) "
        "SELECT ?, ?, ?, ? WHERE EXISTS "
        "(SELECT 1 FROM cases WHERE id = ? AND erased_at IS NULL "
        f"AND stage NOT IN ({CLOSED_MARKS})) "
        "ON CONFLICT (case_id, question) DO UPDATE SET value = excluded.value, "
        "answered_at = excluded.answered_at",
        (case_id, question, value, utc_now(), case_id, *CLOSED),
    )
    if cursor.rowcount != 1:
        return False
    await touch(conn, case_id)
    await write_event(conn, "answer.saved", actor="patient", case_id=case_id,
                      detail={"question": question})
    return True


class AnswerRepository:
    """Save and read a case's answers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, case_id: int, question: str, value: str, *,
                   clears: Sequence[str] = ()) -> bool:
        """Save (or replace) the answer to one question; False if the case is erased.

        `clears` names answers deleted in the same transaction (answers that depended on
        the old value, `bot.domain.questions.DEPENDENT`), audited as `answer.cleared` with
        the question ids only.
        """
        async with self._db.transaction() as conn:
            saved = await save_answer(conn, case_id, question, value)
            if saved and clears:
                marks = ", ".join("?" for _ in clears)
                cursor = await conn.execute(
                    f"DELETE FROM answers WHERE case_id = ? AND question IN ({marks})",
                    (case_id, *clears))
                if cursor.rowcount:
                    await write_event(conn, "answer.cleared", actor="patient", case_id=case_id,
                                      detail={"questions": ",".join(sorted(clears)),
                                              "because": question})
            return saved

    async def for_case(self, case_id: int) -> dict[str, str]:
        """Return every answer of the case, by question."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT question, value FROM answers WHERE case_id = ? ORDER BY question",
                (case_id,),
            )
            return {row["question"]: row["value"] for row in await cursor.fetchall()}

    async def answered_at(self, case_id: int) -> dict[str, str]:
        """When each answer of the case was last given, by question: ISO timestamps (UTC),
        `answers.answered_at`. The consent answers are given once, so theirs is when the
        patient (or parent) tapped them."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT question, answered_at FROM answers WHERE case_id = ?", (case_id,))
            return {row["question"]: row["answered_at"] for row in await cursor.fetchall()}

    async def confirm(self, case_id: int, question: str, value: str, *, event: str,
                      detail: dict[str, str | int]) -> bool:
        """Save (or replace) one answer that confirms something, audited as `event` with
        `detail` (ids and counts only, never the answer) in the same transaction; False, and
        nothing written, if the case is erased or closed."""
        async with self._db.transaction() as conn:
            saved = await save_answer(conn, case_id, question, value)
            if saved:
                await write_event(conn, event, actor="patient", case_id=case_id,
                                  detail=dict(detail))
            return saved
