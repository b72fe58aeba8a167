"""The summary and referral pack of a case's current submission, built once and kept.

One row per (case, submission): the summary as JSON text (`bot.inbox.submission` gives it its
shape) and, once built, the referral pack PDF with the size limit it was built for, and the
record channels' copy of it (with the NHS number and date of birth) with its limit. Storing a
summary for a newer submission deletes the rows of the older ones; an erasure deletes the
case's rows in its own transaction (`CaseRepository.erase`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database, utc_now


@dataclass(frozen=True, slots=True)
class SubmissionFile:
    """What was built for one submission: `summary` (JSON text), and the pack if built."""

    case_id: int
    submission: int
    summary: str
    pack: bytes | None
    pack_limit: int | None
    record_pack: bytes | None = None
    """The pack as NHSmail and MESH send it: with the NHS number and date of birth."""
    record_pack_limit: int | None = None


class SubmissionFileRepository:
    """Read and keep the built summary and pack of each submission."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, case_id: int, submission: int) -> SubmissionFile | None:
        """What was built for this submission of the case, if anything."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, submission, summary, pack, pack_limit, record_pack, "
                "record_pack_limit FROM submission_files "
                "WHERE case_id = ? AND submission = ?", (case_id, submission))
            row = await cursor.fetchone()
        if row is None:
            return None
        return SubmissionFile(int(row[0]), int(row[1]), str(row[2]),
                              bytes(row[3]) if row[3] is not None else None,
                              int(row[4]) if row[4] is not None else None,
                              bytes(row[5]) if row[5] is not None else None,
                              int(row[6]) if row[6] is not None else None)

    async def keep_summary(self, case_id: int, submission: int, summary: str) -> bool:
        """Keep the summary of this submission (the first one kept wins) and forget older
        submissions'; False, and nothing written, if the case is erased."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO submission_files (case_id, submission, summary, built_at) "
                "SELECT ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM cases WHERE id = ? AND erased_at IS NULL)",
                (case_id, submission, summary, utc_now(), case_id))
            await conn.execute("DELETE FROM submission_files WHERE case_id = ? AND submission < ?",
                               (case_id, submission))
        return cursor.rowcount == 1

    async def keep_pack(self, case_id: int, submission: int, pack: bytes,
                        limit_bytes: int, *, for_record: bool = False) -> None:
        """Keep the referral pack built for this submission at this size limit, or with
        `for_record` the record channels' copy (with the patient's identifiers); nothing is
        written if its summary is gone (the case was erased or submitted again)."""
        columns = ("record_pack = ?, record_pack_limit = ?" if for_record
                   else "pack = ?, pack_limit = ?")
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE submission_files SET {columns} WHERE case_id = ? AND submission = ?",
                (pack, limit_bytes, case_id, submission))

    async def count(self, case_id: int) -> int:
        """How many submissions of the case have something kept (0 once it is erased)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT COUNT(*) FROM submission_files WHERE case_id = ?", (case_id,))
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
