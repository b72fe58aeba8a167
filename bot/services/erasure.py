"""Erasure that finishes: photo files removed even after a crash, no orphans, no WAL copies.

An erasure commits in one transaction (rows deleted, files queued in `file_deletions`), then
unlinks the queued files and checkpoints the write-ahead log (TRUNCATE), so erased rows leave
no readable copy in `telederm.sqlite3-wal`. Killed in between, the queue is finished at the
next start-up (`recover`) and by every retention purge.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot import testpoints
from bot.domain.questions import worded
from bot.services.alerting import Alerts
from bot.store import Store
from bot.store.cases import REFERRED, URGENT
from bot.store.database import PRIVATE_FILE, PRIVATE_FOLDER
from bot.store.models import Case, Outgoing, Stage
from bot.store.photo_files import INCOMING_PREFIX

log = logging.getLogger("bot.erasure")


@dataclass(frozen=True, slots=True)
class Recovered:
    """What start-up found and put right: counts of files."""

    finished: int
    """Files queued by an interrupted erasure, now removed."""
    orphans: int
    """Photo files no row refers to (a crash between writing a photo and its row), removed."""
    temporary: int
    """`.incoming-*` files left by a crash while writing a photo, removed."""
    left: int
    """Queued files that still could not be removed (they stay queued)."""


async def erase(store: Store, case: Case, to: Stage, *, actor: str, reason: str) -> int:
    """Erase the case's photos and answers for good; return how many of its photo files are
    still on disk (0 unless removing one failed: they stay queued and are retried).

    `actor` is "patient" or "retention"; `reason` goes to the audit trail. An urgent
    (two-week-wait) task not yet done outlives the erasure: the practice's staff get it again,
    named by the case reference (`erased_task`), and it is chased as before. When the patient
    erases (`/cancel`, `/delete`), staff are told, with their own reference, in the same
    transaction (`patient_ended_alerts`). An alert that can reach nobody is recorded in that
    transaction too (`Alerts`), never for an erasure that did not commit.
    """
    notice = await erased_task(store, case) if case.decision == URGENT else Alerts([])
    told = await patient_ended_alerts(store, case, to) if actor == "patient" else Alerts([])
    await store.cases.erase(case, to, actor=actor, reason=reason,
                            if_task_open=notice.messages, task_notes=notice.notes,
                            outbox=told.messages, notes=told.notes)
    await testpoints.reached("erasure.committed")
    left = await finish(store, case.id)
    await checkpoint(store)
    return left


def awaiting_new_photos(case: Case) -> bool:
    """Whether a GP asked for new photos of this (open) case and they are not yet sent: it
    was submitted before, is undecided, and is back at a photo, the questions or the review."""
    return (case.submissions > 0 and case.decision is None and case.stage.is_open
            and case.stage is not Stage.SUBMITTED)


async def patient_ended_alerts(store: Store, case: Case, to: Stage) -> Alerts:
    """The staff's alert that the patient cancelled the request (`to` is CANCELLED) or asked
    for it to be deleted (`/delete`): the practice's own patient reference (kept on the invite
    for this purpose, `CaseRepository.erase`) and the case reference, no health data
    (`inbox.staff.patient_cancelled`, `inbox.staff.patient_deleted`), to the practice's staff
    and admins (its GPs if none), so someone can contact the patient. A case a GP decided to
    refer whose referral was not yet marked sent says so and asks staff to ask the patient
    whether they still want it (`inbox.staff.patient_deleted_referral`); one whose new photos a
    GP asked for and was waiting for says so, so staff tell the GP
    (`inbox.staff.patient_deleted_new_photos`, `awaiting_new_photos`). Each has a `_parent`
    version, "the parent asked", for a child whose parent answers (`Case.consent_by`)."""
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    ended = "cancelled" if to is Stage.CANCELLED else "deleted"
    key = f"inbox.staff.patient_{ended}"
    if case.decision == REFERRED and not case.referral_sent_at:
        key = "inbox.staff.patient_deleted_referral"  # the referral is left to be made
    elif awaiting_new_photos(case):
        key = f"inbox.staff.patient_{ended}_new_photos"  # the GP is waiting for them
    words = worded(key, parent=case.consent_by == "parent",
                   patient_ref=invite.patient_ref if invite else "?", reference=case.reference)
    log.info("staff told the patient ended a request", extra={"case_id": case.id,
                                                             "ended": ended})
    return await Alerts.to_practice(store, case, ended, lambda chat: Outgoing(
        chat, "staff.alert", {"text": words}, f"case:{case.id}:{ended}:{chat}"))


async def erased_task(store: Store, case: Case) -> Alerts:
    """The task for staff when a case whose urgent task is not done is erased: the task stays
    open, named as the first task named it: the practice's own reference (kept while the task
    is open, `CaseRepository.scrub_erased_references`; docs/dpia.md, Rights) and the case
    reference, for a child worded for the parent or carer (`_parent`), with a "Done" button,
    to the practice's staff and
    admins (its GPs if none). Queued by `CaseRepository.erase` only if the task is still open
    then."""
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    words = worded("inbox.staff.urgent_task_erased", parent=case.consent_by == "parent",
                   reference=case.reference,
                   patient_ref=invite.patient_ref if invite else "?")

    def task(chat: int) -> Outgoing:
        return Outgoing(chat, "staff.task", {"text": words, "case_id": case.id},
                        f"case:{case.id}:urgent-erased:{chat}")

    if case.task_done_at is None:
        return await Alerts.to_practice(store, case, "urgent-erased", task)
    return Alerts([task(chat) for chat in await store.practices.alert_chats(case.practice_id)])


async def finish(store: Store, case_id: int | None = None) -> int:
    """Remove the queued files (of one case, or all); return how many could not be removed."""
    left = 0
    for name in await store.deletions.pending(case_id):
        try:
            await store.deletions.remove(name, store.files.delete)
        except (OSError, ValueError) as error:
            left += 1
            log.warning("photo file not removed yet",
                        extra={"case_id": case_id, "error": type(error).__name__})
    return left


async def checkpoint(store: Store) -> None:
    """Truncate the write-ahead log, so erased rows leave no copy in it."""
    if not await store.db.checkpoint():
        log.warning("WAL checkpoint held up by another connection; retried at the next erasure")


async def recover(store: Store) -> Recovered:
    """At start-up, before any update is handled: finish interrupted erasures, remove orphan
    and temporary photo files, make every file 0600 and folder 0700, truncate the WAL.

    Only safe while nothing else writes photos (a photo file is written before its row).
    """
    queued = len(await store.deletions.pending())
    left = await finish(store)
    in_use = await store.deletions.in_use()
    orphans, temporary = await asyncio.to_thread(_sweep, store.files.root, in_use)
    await checkpoint(store)
    found = Recovered(queued - left, orphans, temporary, left)
    log.info("start-up erasure check", extra={"finished": found.finished, "orphans": orphans,
                                               "temporary": temporary, "left": left})
    return found


def _sweep(root: Path, in_use: set[str]) -> tuple[int, int]:
    """Remove files under `root` that no photo row uses; fix modes. Return (orphans, temps)."""
    orphans = temporary = 0
    for path in sorted(root.rglob("*")):
        if path.is_dir():
            path.chmod(PRIVATE_FOLDER)
            continue
        name = str(path.relative_to(root))
        if path.name.startswith(INCOMING_PREFIX):
            path.unlink(missing_ok=True)
            temporary += 1
        elif name not in in_use:
            path.unlink(missing_ok=True)
            orphans += 1
        else:
            path.chmod(PRIVATE_FILE)
    return orphans, temporary
