"""The SQLite store: repositories that return plain records, and photo files on disk."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.store.answers import AnswerRepository
from bot.store.audit import AuditRepository
from bot.store.cases import CaseRepository, StageConflict
from bot.store.conversations import ConversationRepository
from bot.store.database import Database, private_folder
from bot.store.deletions import FileDeletions
from bot.store.invites import InviteRepository
from bot.store.outbox import OutboxRepository
from bot.store.photo_files import PhotoFiles, StoredFile
from bot.store.photos import PhotoRepository
from bot.store.practices import PracticeRepository
from bot.store.submission_files import SubmissionFileRepository

__all__ = ["StageConflict", "Store", "StoredFile", "open_store"]


@dataclass(frozen=True)
class Store:
    """Every repository over one database, plus the photo folder."""

    db: Database
    practices: PracticeRepository
    invites: InviteRepository
    cases: CaseRepository
    photos: PhotoRepository
    answers: AnswerRepository
    audit: AuditRepository
    outbox: OutboxRepository
    files: PhotoFiles
    deletions: FileDeletions
    submission_files: SubmissionFileRepository
    conversations: ConversationRepository

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()


async def open_store(database_path: Path, photos_dir: Path) -> Store:
    """Open the database (migrating it) and the photo folder, and return the store.

    Folders are made 0700 and the database files 0600, whatever the umask.
    """
    db = await Database.open(database_path)
    await asyncio.to_thread(private_folder, photos_dir)
    return Store(
        db=db,
        practices=PracticeRepository(db),
        invites=InviteRepository(db),
        cases=CaseRepository(db),
        photos=PhotoRepository(db),
        answers=AnswerRepository(db),
        audit=AuditRepository(db),
        outbox=OutboxRepository(db),
        files=PhotoFiles(photos_dir),
        deletions=FileDeletions(db),
        submission_files=SubmissionFileRepository(db),
        conversations=ConversationRepository(db),
    )
