"""Named moments at which a test can hold the running bot, to kill it (kill -9) or race it.

Test-only, and inert unless the environment asks: with `BOT_PAUSE_AT=<name>` (one name, or
several separated by commas), the bot, on reaching that moment, appends the name to the file
`BOT_PAUSE_MARK` (if set) and then waits `BOT_PAUSE_SECONDS` (default 30), or until the file
`BOT_PAUSE_RELEASE` exists, before going on. The moments are:

- `erasure.committed`: an erasure (or the deletion of photos of another area, to take all 3
  again) is committed in the database, its photo files not yet removed;
- `photo.temp_written`: a photo's temporary `.incoming-*` file is written, not yet renamed;
- `photo.file_written`: a photo file is in place, its database row not yet committed;
- `submission.committed`: a patient's *Send* is committed (the case submitted, its messages
  queued and its audit notes written), the reply to *Send* not yet given;
- `inbox.new_photos_checked`: a GP's "new photos" has passed its stage check, nothing written;
- `record.before_send`: a case is built for a record channel (email, MESH), not yet sent;
- `record.sent`: a record channel accepted the case, which is not yet recorded as sent;
- `gp.sent`: Telegram took a part of a case (summary, notice, pack, one photo) for a GP chat
  or the practice inbox group, its message id not yet written down;
- `record.answer_recorded`: what a message in the bot's MESH inbox said about a case (an ITK
  acknowledgement, a non-delivery report) is recorded with its staff alert, the message not
  yet acknowledged in MESH;
- `delivery.failed_marked`: an outbox item is recorded as failed for good, its follow-up (the
  staff alert, the patient's notice, passing a staff message on) not yet queued;
- `locator.chosen`: a patient's answer to which photo is the one from further away (photos
  sent in an album) is committed, the set relabelled, the review not yet shown;
- `question.buttons_due`: patient question messages are marked to lose their buttons (shown
  again, or answered by typing), Telegram not yet asked to take them off.
- `invite.checked`: an invite link a patient opened is read and found usable (not cancelled,
  locked, used or expired), no request opened from it yet.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

STEP = 0.05
"""Seconds between looks for the release file while holding."""
MOMENTS = frozenset({"erasure.committed", "photo.temp_written", "photo.file_written",
                     "submission.committed", "inbox.new_photos_checked", "record.before_send",
                     "record.sent", "gp.sent", "record.answer_recorded", "delivery.failed_marked",
                     "question.buttons_due", "locator.chosen", "invite.checked"})


def _hold_seconds(name: str) -> float | None:
    """How long to wait at `name`, or None when no test asked to hold the bot there."""
    wanted = os.environ.get("BOT_PAUSE_AT", "")
    if not wanted or name not in wanted.split(","):
        return None
    assert name in MOMENTS, f"unknown moment {name}"
    mark = os.environ.get("BOT_PAUSE_MARK")
    if mark:
        with open(mark, "a", encoding="utf-8") as fh:
            fh.write(name + "\n")
    return float(os.environ.get("BOT_PAUSE_SECONDS", "30"))


def _released() -> bool:
    release = os.environ.get("BOT_PAUSE_RELEASE", "")
    return bool(release) and Path(release).exists()


async def reached(name: str) -> None:
    """The bot is at moment `name` (on the event loop): hold here if a test asked to."""
    seconds = _hold_seconds(name)
    for _ in range(round((seconds or 0) / STEP)):
        if _released():
            break
        await asyncio.sleep(STEP)


def reached_in_thread(name: str) -> None:
    """Like `reached`, for code that runs in a worker thread (blocking file writes)."""
    seconds = _hold_seconds(name)
    for _ in range(round((seconds or 0) / STEP)):
        if _released():
            break
        time.sleep(STEP)
