"""A photo held for the patient's choice of request survives no restart, and does not stay in
their chat either: the real `python -m bot run` process is killed with SIGKILL while the photo
is held; the next start-up deletes its message, and the old question asks for it again.

Audit (clinical safety, 30 November 2026): after a restart the tap answered "photo gone" but
the photo message stayed in the chat until erasure or retention, usually past Telegram's
48 hours in which a bot may still delete it."""

from __future__ import annotations

from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from bot.store import open_store
from tests.auxil.e2e.bot_app import sample
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.patient import to_photos


async def two_invites(data_dir: Path) -> tuple[str, str]:
    """A practice and two invites for one patient in the bot's database; their tokens."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        _, first = await store.invites.create(practice.id, "P-801", "1980-02-03", valid_days=7)
        _, second = await store.invites.create(practice.id, "P-802", "1980-02-03", valid_days=7)
    finally:
        await store.close()
    return first, second


async def test_a_held_photo_lost_with_a_restart_is_deleted_from_the_chat_and_asked_for_again(
    emu: Emulator, data_dir: Path
) -> None:
    first, second = await two_invites(data_dir)
    patient = emu.user("Ada")
    async with bot_process(emu, data_dir) as bot:
        await wait_until_ready(patient)
        await to_photos(patient, first)
        await to_photos(patient, second)  # both requests now wait for photo 1
        photo = await patient.send_photo(sample("locator-good.jpg"))
        asked = await patient.wait_for_text(text("journey.cases.which_photo"), timeout=30)
        await patient.wait_until(lambda: query(
            data_dir, "SELECT COUNT(*) FROM chat_photos WHERE held = 1") == [(2,)], timeout=10)
        await bot.kill_9()
    shown = [m["message_id"] for m in patient.shown_incoming]
    assert photo["message_id"] in shown, "held: left in the chat until the patient chooses"

    async with bot_process(emu, data_dir):
        await patient.wait_until(lambda: photo["message_id"] not in
                                 [m["message_id"] for m in patient.shown_incoming],
                                 timeout=90)
        assert query(data_dir, "SELECT COUNT(*) FROM chat_photos") == [(0,)]
        request = next(label for label in asked.callback_data
                       if label != text("journey.cases.photo_for_none"))
        await patient.tap_callback(asked.message_id, asked.callback_data[request])
        await patient.wait_for_text(text("journey.cases.photo_gone"), timeout=30)
        assert query(data_dir, "SELECT COUNT(*) FROM photos") == [(0,)], "nothing filed"
