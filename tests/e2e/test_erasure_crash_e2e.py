"""Erasure survives kill -9: a /delete killed half-way is finished at start-up, and a photo
half-saved leaves nothing behind. The real `python -m bot run` process is held at the named
moment (`bot/testpoints.py`) and killed there with SIGKILL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import text
from bot.emulator import Emulator
from bot.store import open_store
from tests.auxil.e2e.bot_app import sample
from tests.auxil.e2e.held_process import bot_process, files_under, query, wait_until_ready
from tests.auxil.e2e.patient import (
    answer_details,
    first_line,
    send_three,
    tap,
    to_photos,
    words,
)

STATUS = text("journey.commands.status").split("{")[0]
"""The start of the /status answer, whatever the step."""


async def invite_for(data_dir: Path, ref: str = "P-700") -> str:
    """A practice and an invite in the bot's database; the invite's token."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        _, token = await store.invites.create(practice.id, ref, "1980-02-03", valid_days=7)
    finally:
        await store.close()
    return token


async def test_a_delete_killed_before_the_files_are_removed_is_finished_at_start_up(
    emu: Emulator, data_dir: Path
) -> None:
    token = await invite_for(data_dir)
    patient = emu.user("Ada")
    photos = data_dir / "photos"
    async with bot_process(emu, data_dir, hold_at="erasure.committed") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
        await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=30)
        kept = files_under(photos)
        assert len(kept) == 1
        await patient.send_command("/delete")
        await patient.wait_for_text(words("journey.delete.one"))
        await patient.tap(text("journey.commands.delete_yes"))
        await bot.held_at("erasure.committed")
        await bot.kill_9()
    assert kept[0].exists(), "killed after the database said erased, before the unlink"
    assert not any(text("journey.commands.deleted").split("\n")[0] in (m.text or "")
                   for m in patient.messages), "no 'Done' was said for an unfinished erasure"
    assert query(data_dir, "SELECT COUNT(*) FROM file_deletions") == [(1,)]

    async with bot_process(emu, data_dir):
        await patient.send_command("/delete")
        answer = await patient.wait_for_text(text("journey.commands.nothing_to_delete"),
                                             timeout=90)
        assert answer is not None
        assert files_under(photos) == [], "start-up removed the photo the crash left"
    assert query(data_dir, "SELECT COUNT(*) FROM file_deletions") == [(0,)]
    assert query(data_dir, "SELECT COUNT(*) FROM photos") == [(0,)]


@pytest.mark.parametrize("moment", ["photo.temp_written", "photo.file_written"])
async def test_a_photo_killed_half_saved_leaves_no_file_behind_after_a_restart(
    emu: Emulator, data_dir: Path, moment: str
) -> None:
    token = await invite_for(data_dir)
    patient = emu.user("Bea")
    photos = data_dir / "photos"
    async with bot_process(emu, data_dir, hold_at=moment) as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
        await bot.held_at(moment, timeout=60)
        await bot.kill_9()
    left = files_under(photos)
    temporary = [p for p in left if p.name.startswith(".incoming-")]
    if moment == "photo.temp_written":
        assert len(temporary) == 1, "the crash left a half-written temporary file"
    else:
        assert len(left) == 1 and not temporary, "the crash left a photo file with no row"
    assert query(data_dir, "SELECT COUNT(*) FROM photos") == [(0,)]

    async with bot_process(emu, data_dir):
        await patient.send_command("/status")
        await patient.wait_for_text(STATUS, timeout=90)
        on_disk = {str(p.relative_to(photos)) for p in files_under(photos)}
        rows = {name for (name,) in query(data_dir, "SELECT file_name FROM photos")}
        assert on_disk <= rows, "every photo file left on disk belongs to a photo row"
        assert not any(name.split("/")[-1].startswith(".incoming-") for name in on_disk)
        await patient.send_command("/delete")
        await patient.wait_for_text(words("journey.delete.one"))
        await tap(patient, text("journey.commands.delete_yes"),
                  first_line("journey.commands.deleted"))
        assert files_under(photos) == [], "after /delete no photo of the patient is on disk"


async def test_a_delete_killed_at_the_review_still_takes_the_summary_off_the_chat_after_a_restart(
    emu: Emulator, data_dir: Path
) -> None:
    """The deletion of the review summary (and its album) from the chat is queued in the
    erasure's own transaction: killed just after it, the next start deletes them."""
    token = await invite_for(data_dir, "P-701")
    patient = emu.user("Cy")
    where, tried = "behind the left kneecap", "Zorbulon paste"
    async with bot_process(emu, data_dir, hold_at="erasure.committed") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await send_three(patient)
        await answer_details(patient, where, tried)
        summary = await patient.wait_for(lambda m: where in (m.text or "")
                                         and tried in (m.text or ""), timeout=30)
        await patient.send_command("/delete")
        await patient.wait_for_text(words("journey.delete.one"), timeout=30)
        await patient.tap(text("journey.commands.delete_yes"))
        await bot.held_at("erasure.committed")
        await bot.kill_9()
    assert summary in patient.messages, "killed before the outbox ran"
    assert query(data_dir, "SELECT COUNT(*) FROM chat_answers") == [(0,)]

    async with bot_process(emu, data_dir):
        await patient.wait_until(lambda: summary not in patient.messages, timeout=90)
    assert not any(where in (m.text or "") for m in patient.messages)
    assert not any(m.kind == "photo" and m.media_group_id for m in patient.messages)
