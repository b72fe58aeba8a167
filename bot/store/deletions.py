"""Photo files an erasure still has to remove: a durable list, so a crash cannot leave them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.store.database import Database


class FileDeletions:
    """The files erasures queued for removal (`file_deletions`), and their removal."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def pending(self, case_id: int | None = None) -> list[str]:
        """The file names still to remove (of one case, or of all), oldest first."""
        where, params = ("WHERE case_id = ?", (case_id,)) if case_id is not None else ("", ())
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT file_name FROM file_deletions {where} ORDER BY queued_at, file_name",
                params)
            return [str(row[0]) for row in await cursor.fetchall()]

    async def cases_pending(self, case_ids: list[int]) -> set[int]:
        """Which of these cases still have files to remove."""
        if not case_ids:
            return set()
        marks = ", ".join("?" for _ in case_ids)
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT DISTINCT case_id FROM file_deletions WHERE case_id IN ({marks})",
                case_ids)
            return {int(row[0]) for row in await cursor.fetchall()}

    async def remove(self, name: str, unlink: Callable[[str], None]) -> None:
        """Remove one queued file with `unlink` (blocking; run in a thread) and forget it.

        A file that a photo row uses again (the same bytes sent since) is only forgotten. Done
        under the database's lock, so no photo row can take the file up half-way. `unlink`'s
        OSError propagates and the file stays queued.
        """
        async with self._db.transaction() as conn:
            cursor = await conn.execute("SELECT 1 FROM photos WHERE file_name = ? LIMIT 1",
                                        (name,))
            if await cursor.fetchone() is None:
                await asyncio.to_thread(unlink, name)
            await conn.execute("DELETE FROM file_deletions WHERE file_name = ?", (name,))

    async def in_use(self) -> set[str]:
        """Every file name a photo row refers to."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT DISTINCT file_name FROM photos")
            return {str(row[0]) for row in await cursor.fetchall()}
