"""Retention: delete photos and answers once they are no longer needed; keep the audit trail."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store.models import Stage

log = logging.getLogger("bot.retention")


async def purge(store: Store, retention_days: int, now: datetime | None = None) -> int:
    """Erase every case past its retention period; return how many were erased."""
    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=retention_days)).isoformat(timespec="seconds")
    erased = 0
    for case in await store.cases.past_retention(decided_before=cutoff, idle_before=cutoff):
        files = await store.cases.erase(case, Stage.ERASED, actor="retention",
                                        reason=f"{retention_days} days after last use")
        for name in files:
            await asyncio.to_thread(store.files.delete, name)
        erased += 1
    scrubbed = await store.invites.scrub_unused(cutoff)
    log.info("retention purge", extra={"erased": erased, "invites_scrubbed": scrubbed,
                                        "retention_days": retention_days})
    return erased
