"""Staff /invite survives kill -9 (issue 14, item 3): the real `python -m bot run` process is
killed while it waits for the patient's details, or for the choice of GP; after a restart the
member of staff carries on where they were and gets the invite link."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.users import TelegramUser
from bot.store import open_store
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.practice import LINK


async def practice_with(data_dir: Path, staff: TelegramUser, *gps: TelegramUser) -> list[int]:
    """A practice with this member of staff and these GPs; the GPs' member ids."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        await store.practices.add_member(practice.id, staff.id, "staff", "Sue Smith")
        return [(await store.practices.add_member(practice.id, gp.id, "gp", f"Dr {gp.id}")).id
                for gp in gps]
    finally:
        await store.close()


async def until_stored(data_dir: Path, state: str | None) -> None:
    """Wait until the conversation's state (None: its end) is in the database, with its draft
    (written within a second)."""
    expected = [(f'"{state}"',)] if state else []
    for _ in range(100):
        if query(data_dir, "SELECT state FROM staff_conversations") == expected and (
                state is None or query(data_dir, "SELECT COUNT(*) FROM staff_user_data")
                == [(1,)]):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the conversation never reached {state} in the store")


async def link_for(staff: TelegramUser) -> str:
    """The invite link the bot gives staff next."""
    made = await staff.wait_for(lambda m: LINK.search(m.text or "") is not None, timeout=90)
    found = LINK.search(made.text or "")
    assert found
    return found.group(0)


async def test_a_restart_while_asked_for_the_details_carries_on(
    emu: Emulator, data_dir: Path
) -> None:
    staff = emu.user("Sue")
    await practice_with(data_dir, staff)
    async with bot_process(emu, data_dir) as bot:
        await wait_until_ready(staff)
        await staff.send_command("/invite")
        asked = await staff.next_message(timeout=30)
        assert asked.text == render(text("inbox.staff.invite_ask"), "HTML")[0]
        await until_stored(data_dir, "details")
        await bot.kill_9()

    async with bot_process(emu, data_dir):
        await staff.send_text("P-123 03/02/1980")
        await link_for(staff)
        await until_stored(data_dir, None)  # the conversation ended
    assert query(data_dir, "SELECT patient_ref, date_of_birth FROM invites") == [
        ("P-123", "1980-02-03")]


async def test_a_restart_while_choosing_the_gp_carries_on_with_the_same_draft(
    emu: Emulator, data_dir: Path
) -> None:
    staff, one, two = emu.user("Sue"), emu.user("One"), emu.user("Two")
    gp_ids = await practice_with(data_dir, staff, one, two)
    async with bot_process(emu, data_dir) as bot:
        await wait_until_ready(staff)
        await staff.send_command("/invite P-124 03/02/1980")
        choose = await staff.wait_for_text(text("inbox.staff.invite_choose_gp"), timeout=30)
        assert list(choose.callback_data) == [f"Dr {one.id}", f"Dr {two.id}",
                                              text("inbox.staff.practice_inbox")]
        await until_stored(data_dir, "choose_gp")
        assert query(data_dir, "SELECT COUNT(*) FROM invites") == [(0,)], "not made yet"
        await bot.kill_9()

    async with bot_process(emu, data_dir):
        await wait_until_ready(staff)
        await staff.tap_callback(choose.message_id, choose.callback_data[f"Dr {two.id}"])
        await link_for(staff)
        await until_stored(data_dir, None)
        for _ in range(100):  # the draft is gone once the invite is made
            if query(data_dir, "SELECT COUNT(*) FROM staff_user_data") == [(0,)]:
                break
            await asyncio.sleep(0.1)
    assert query(data_dir, "SELECT COUNT(*) FROM staff_user_data") == [(0,)]
    assert query(data_dir, "SELECT patient_ref, date_of_birth, gp_member_id FROM invites") == [
        ("P-124", "1980-02-03", gp_ids[1])]
