"""A *Send* to a practice with nobody to receive the case, killed (kill -9) just after it
committed: the operator's `python -m bot unreached` still lists the case, with the record that
the patient is told (hazard log H07). Both are written in the submission's own transaction, so
no crash can leave one without the other or without the submission. (The reply to *Send*,
which tells the patient, dies with the process: known gap, listed in the hazard log H07.)"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from bot.store import open_store
from tests.auxil.e2e.held_process import ROOT, bot_process, query, wait_until_ready
from tests.auxil.e2e.patient import details_and_review, send_three, to_photos


async def nobody_there(data_dir: Path) -> tuple[str, str]:
    """A practice with no GP, inbox or staff, and an invite to it; (token, practice phone)."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Empty Practice", "020 7729 7000")
        _, token = await store.invites.create(practice.id, "P-800", "1980-02-03",
                                              valid_days=7)
    finally:
        await store.close()
    return token, practice.phone


async def test_a_send_killed_after_its_commit_is_still_listed_for_the_operator(
    emu: Emulator, data_dir: Path
) -> None:
    token, phone = await nobody_there(data_dir)
    patient = emu.user("Ada")
    async with bot_process(emu, data_dir, hold_at="submission.committed") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await send_three(patient)
        await details_and_review(patient)
        await patient.tap(text("journey.review.send"))
        await bot.held_at("submission.committed", timeout=60)
        await bot.kill_9()
    ((reference, stage),) = query(data_dir, "SELECT reference, stage FROM cases")
    assert stage == "submitted"
    assert [kind for (kind,) in query(
        data_dir, "SELECT kind FROM events WHERE kind IN "
        "('delivery.reached_nobody', 'patient.told_unreached') ORDER BY id")] == [
        "delivery.reached_nobody", "patient.told_unreached"]
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "unreached", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "DATA_DIR": str(data_dir)})
    out, _ = await asyncio.wait_for(command.communicate(), 60)
    listed = out.decode()
    assert command.returncode == 0
    assert reference in listed and phone in listed
