"""Retention: delete photos and answers once they are no longer needed; keep the audit trail."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.services import erasure
from bot.store import Store
from bot.store.conversations import IDLE_LIMIT
from bot.store.models import Stage

log = logging.getLogger("bot.retention")


async def purge(store: Store, retention_days: int, now: datetime | None = None) -> int:
    """Erase every case past its retention period; return how many were erased.

    First finishes any erasure a crash interrupted (files still queued); clears the practice
    reference of invites never used, or whose case the patient erased, `retention_days` ago
    (`scrub_unused`, `scrub_erased_references`); also drops staff
    conversations (invite drafts) idle for `IDLE_LIMIT`; ends with a WAL checkpoint
    (TRUNCATE), so nothing erased stays readable in the write-ahead log.
    """
    moment = now or datetime.now(UTC)
    cutoff = (moment - timedelta(days=retention_days)).isoformat(timespec="seconds")
    left = await erasure.finish(store)
    erased = 0
    for case in await store.cases.past_retention(decided_before=cutoff, idle_before=cutoff):
        left += await erasure.erase(store, case, Stage.ERASED, actor="retention",
                                    reason=f"{retention_days} days after last use")
        erased += 1
    scrubbed = await store.invites.scrub_unused(cutoff)
    scrubbed += await store.cases.scrub_erased_references(cutoff)
    drafts = await store.conversations.forget_idle(
        (moment - IDLE_LIMIT).isoformat(timespec="seconds"))
    await erasure.checkpoint(store)
    log.info("retention purge", extra={"erased": erased, "invites_scrubbed": scrubbed,
                                        "staff_drafts_dropped": drafts,
                                        "files_left": left, "retention_days": retention_days})
    return erased
