"""Photo intake: keep a patient's photo safely on disk and record it against their case."""

from __future__ import annotations

import asyncio
from typing import Literal

from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Photo, ShotSlot


def shot_for_stage(case: Case) -> ShotSlot | None:
    """Return the shot the case is waiting for, or None if it is not at a photo step."""
    stage = case.stage.value
    for slot in SHOT_SLOTS:
        if slot == stage:
            return slot
    return None


class PhotoIntake:
    """Write photo bytes atomically, then commit their record, before anyone is told."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def receive(
        self, case: Case, shot: ShotSlot, data: bytes, *, source: Literal["photo", "document"]
    ) -> Photo:
        """Store the bytes under their hash and record them as the accepted photo for the shot."""
        stored = await asyncio.to_thread(self._store.files.write, data, ".jpg")
        return await self._store.photos.add(
            case.id, shot, stored, source=source, verdict="unchecked", status="accepted"
        )
