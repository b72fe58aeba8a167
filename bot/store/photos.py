"""Photo records: every attempt at every shot, with its quality result."""

from __future__ import annotations

from typing import Literal

import aiosqlite

from bot.store.audit import write_event
from bot.store.cases import StageConflict, touch
from bot.store.database import Database, utc_now
from bot.store.models import Photo, ShotSlot, Stage
from bot.store.photo_files import StoredFile
from bot.store.rows import maybe, record

Verdict = Literal["accept", "retake", "unchecked"]
Status = Literal["pending", "accepted", "rejected", "replaced"]


class PhotoRepository:
    """Record photo attempts and which one stands for each shot."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        case_id: int,
        shot: ShotSlot,
        stored: StoredFile,
        *,
        source: Literal["photo", "document"],
        verdict: Verdict,
        status: Status,
        quality: str = "{}",
        width: int | None = None,
        height: int | None = None,
        in_album: bool = False,
    ) -> Photo:
        """Record a new attempt at a shot (numbered after the earlier ones) and return it;
        `in_album`: it came in an album with other photos, so its shot is only the order it
        came in (noted in `album_photos`, `unordered`).

        StageConflict if the case was erased meanwhile: no row is written, and the file is
        queued for removal (`file_deletions`) unless another photo row uses it.
        """
        photo_id = None
        async with self._db.transaction() as conn:
            if not await _erased(conn, case_id, stored):
                photo_id = await _insert(conn, case_id, shot, stored, source, verdict, status,
                                         quality, width, height)
                if in_album:
                    await conn.execute(
                        "INSERT INTO album_photos (photo_id, case_id, noted_at) VALUES (?, ?, ?)",
                        (photo_id, case_id, utc_now()))
                await touch(conn, case_id)
        if photo_id is None:
            raise StageConflict(f"case {case_id} was erased")
        photo = await self.get(photo_id)
        assert photo is not None
        return photo

    async def get(self, photo_id: int) -> Photo | None:
        """Return the photo record with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT * FROM photos WHERE id = ?", (photo_id,))
            return maybe(Photo, await cursor.fetchone())

    async def for_case(self, case_id: int) -> list[Photo]:
        """Return every attempt of the case, in the order they arrived."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM photos WHERE case_id = ? ORDER BY id", (case_id,)
            )
            return [record(Photo, row) for row in await cursor.fetchall()]

    async def accepted(self, case_id: int) -> dict[ShotSlot, Photo]:
        """Return the photo that currently stands for each shot taken so far."""
        return {p.shot: p for p in await self.for_case(case_id) if p.status == "accepted"}

    async def unordered(self, case_id: int) -> bool:
        """True while the photo standing for the locator came in an album (`add` with
        `in_album`), so was labelled by the order it came in, and the patient has not yet said
        which is the locator (`choose_locator`). Close-ups sent together after a locator sent
        alone, or for a GP's "new close-up", are not asked about: only the locator's label
        matters clinically, and the patient chose it."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM album_photos JOIN photos ON photos.id = album_photos.photo_id "
                "WHERE album_photos.case_id = ? AND photos.status = 'accepted' "
                "AND photos.shot = 'locator' LIMIT 1",
                (case_id,))
            return await cursor.fetchone() is not None

    async def choose_locator(self, case_id: int, slot: ShotSlot) -> bool:
        """The patient said the photo now standing for `slot` is the locator (the one from
        further away): in one transaction, every attempt of `slot` and of the locator swap
        shots (each row keeps its quality result, flags and attempt number, so the checks stay
        with the photo), the case's `album_photos` rows go, and `photos.locator_chosen` is
        audited (the slot chosen, no personal data). False, with nothing changed, when no
        photo of the set is waiting for this answer (`unordered`)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM album_photos JOIN photos ON photos.id = album_photos.photo_id "
                "WHERE album_photos.case_id = ? AND photos.status = 'accepted' "
                "AND photos.shot = 'locator' LIMIT 1",
                (case_id,))
            if await cursor.fetchone() is None:
                return False
            if slot != "locator":
                # (case, shot, attempt) is unique at every row updated: the locator's rows
                # move aside with negative attempts first.
                await conn.execute(
                    "UPDATE photos SET shot = ?, attempt = -attempt "
                    "WHERE case_id = ? AND shot = 'locator'", (slot, case_id))
                await conn.execute(
                    "UPDATE photos SET shot = 'locator' "
                    "WHERE case_id = ? AND shot = ? AND attempt > 0", (case_id, slot))
                await conn.execute(
                    "UPDATE photos SET attempt = -attempt "
                    "WHERE case_id = ? AND shot = ? AND attempt < 0", (case_id, slot))
            await conn.execute("DELETE FROM album_photos WHERE case_id = ?", (case_id,))
            await write_event(conn, "photos.locator_chosen", actor="patient", case_id=case_id,
                              detail={"chosen": slot, "reordered": slot != "locator"})
            await touch(conn, case_id)
        return True

    async def rehash(self, changed: list[StoredFile]) -> int:
        """Note the new hash and size of files rewritten in place (their names unchanged), on
        every photo row that names them; return how many rows changed."""
        count = 0
        async with self._db.transaction() as conn:
            for stored in changed:
                cursor = await conn.execute(
                    "UPDATE photos SET sha256 = ?, size_bytes = ? WHERE file_name = ? "
                    "AND (sha256 != ? OR size_bytes != ?)",
                    (stored.sha256, stored.size_bytes, stored.name, stored.sha256,
                     stored.size_bytes))
                count += cursor.rowcount
        return count

    async def with_hash(self, case_id: int, sha256: str) -> Photo | None:
        """Return an earlier attempt of this case with exactly these bytes, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM photos WHERE case_id = ? AND sha256 = ? ORDER BY id LIMIT 1",
                (case_id, sha256),
            )
            return maybe(Photo, await cursor.fetchone())

    async def set_quality(self, photo_id: int, quality: str) -> None:
        """Replace the stored quality result of a photo (its checks judged again for the shot
        it now stands for, `PhotoStep.rejudge`); its verdict and status stay."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE photos SET quality = ? WHERE id = ?", (quality, photo_id))

    async def accept_anyway(self, photo_id: int) -> Photo:
        """Keep a photo that failed its checks, flagged for the GP, as the one for its shot."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT case_id, shot FROM photos WHERE id = ?", (photo_id,)
            )
            row = await cursor.fetchone()
            assert row is not None
            await conn.execute(
                "UPDATE photos SET status = 'replaced' WHERE case_id = ? AND shot = ? "
                "AND status = 'accepted'",
                (row["case_id"], row["shot"]),
            )
            await conn.execute(
                "UPDATE photos SET status = 'accepted', sent_anyway = 1 WHERE id = ?", (photo_id,)
            )
            await write_event(conn, "photo.sent_anyway", actor="patient", case_id=row["case_id"],
                              detail={"shot": row["shot"]})
        photo = await self.get(photo_id)
        assert photo is not None
        return photo

    async def unneeded_files(self, case_id: int, shot: ShotSlot) -> list[str]:
        """Return files of this shot's attempts that no longer stand, and no accepted photo uses."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT DISTINCT file_name FROM photos WHERE case_id = ? AND shot = ? "
                "AND status != 'accepted' AND file_name NOT IN "
                "(SELECT file_name FROM photos WHERE status = 'accepted')",
                (case_id, shot),
            )
            return [row[0] for row in await cursor.fetchall()]


async def _erased(conn: aiosqlite.Connection, case_id: int, stored: StoredFile) -> bool:
    """True if the case is erased (or gone) or no longer takes photos (sent, decided, or
    stopped meanwhile: a practice /stop while the photo was being checked erases what the
    holder sent, and this photo must not come back); then queue the file for removal, if
    unused."""
    cursor = await conn.execute("SELECT erased_at, stage FROM cases WHERE id = ?", (case_id,))
    found = await cursor.fetchone()
    if found is not None and found[0] is None and Stage(found[1]).is_open:
        return False
    await conn.execute(
        "INSERT OR IGNORE INTO file_deletions (file_name, case_id, queued_at) "
        "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM photos WHERE file_name = ?)",
        (stored.name, case_id, utc_now(), stored.name))
    return True


async def _insert(conn: aiosqlite.Connection, case_id: int, shot: ShotSlot, stored: StoredFile,
                  source: str, verdict: str, status: str, quality: str, width: int | None,
                  height: int | None) -> int:
    """Insert the attempt (numbered after the earlier ones) and audit it; return its id."""
    cursor = await conn.execute(
        "SELECT COALESCE(MAX(attempt), 0) + 1 FROM photos WHERE case_id = ? AND shot = ?",
        (case_id, shot),
    )
    row = await cursor.fetchone()
    attempt = int(row[0]) if row else 1
    if status == "accepted":
        await conn.execute(
            "UPDATE photos SET status = 'replaced' WHERE case_id = ? AND shot = ? "
            "AND status = 'accepted'",
            (case_id, shot),
        )
    cursor = await conn.execute(
        "INSERT INTO photos (case_id, shot, attempt, source, file_name, sha256, "
        "size_bytes, width, height, verdict, quality, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, shot, attempt, source, stored.name, stored.sha256, stored.size_bytes,
         width, height, verdict, quality, status, utc_now()),
    )
    await write_event(
        conn, "photo.received", actor="patient", case_id=case_id,
        detail={"shot": shot, "attempt": attempt, "verdict": verdict, "status": status,
                "source": source},
    )
    return int(cursor.lastrowid or 0)
