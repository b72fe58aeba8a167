"""A practice moves its cases to a new Telegram inbox group (or back to its GPs' own chats)
from the command line, while the bot runs: later cases go there, and the cases still waiting
for a GP in the former group are sent again to the new one with working buttons, and staff
are told. Before this verb the change needed SQL on the bot's database, and waiting cases were
left in a group nobody may be reading (audit31)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.__main__ import main
from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import as_operator, services_of
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import (
    case_of,
    group_practice,
    group_practice_with_gp,
    invited,
    sent_from_link,
    until_lost,
)

App = Application[Any, Any, Any, Any, Any, Any]


async def operator(monkeypatch: pytest.MonkeyPatch, emu: Emulator, data_dir: Path,
                   *args: str) -> int:
    """The operator runs `python -m bot practice inbox ...` on the bot's host."""
    as_operator(monkeypatch, emu, data_dir)
    return await asyncio.to_thread(main, ["practice", "inbox", *args])


async def test_a_new_inbox_group_gets_the_waiting_cases_and_the_next_ones(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    store = services_of(app).store
    practice, old, gp, rita = await group_practice(app, emu)
    await rita.send_command("/help")
    await rita.next_message()
    _, token = await store.invites.create(practice.id, "G-1", "1980-02-03", valid_days=7)
    patient = await sent_from_link(emu, token)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await old.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    new = emu.group("Lawson GP inbox 2")

    other = await store.practices.add("Riverside", "020 7000 0000", inbox_chat_id=-100777)
    for wrong in ("--inbox-chat-id=123456", f"--inbox-chat-id={other.inbox_chat_id}"):
        assert await operator(monkeypatch, emu, data_dir, "--practice", str(practice.id),
                              wrong) == 2, "a person's chat, or another practice's group"
    assert (await store.practices.get(practice.id)).inbox_chat_id == old.chat_id  # type: ignore[union-attr]
    capsys.readouterr()

    assert await operator(monkeypatch, emu, data_dir, "--practice", str(practice.id),
                          f"--inbox-chat-id={new.chat_id}") == 0
    assert "1 case(s)" in capsys.readouterr().out
    summary = await new.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                      timeout=20)
    await rita.wait_for_text(text("inbox.staff.redirected_alert", reference=case.reference),
                             timeout=10)
    in_new = new.member(gp)
    await in_new.tap_callback(summary.message_id,
                              summary.callback_data[text("inbox.gp.refer")])
    confirm = await new.wait_for_text(text("inbox.gp.refer_confirm", reference=case.reference,
                                           days=3).splitlines()[0], timeout=10)
    assert confirm.callback_data, "the buttons work in the new group"

    _, later = await store.invites.create(practice.id, "G-2", "1980-02-03", valid_days=7)
    second = await sent_from_link(emu, later, "Bea")
    next_case = await store.cases.current_for_patient(second.id)
    assert next_case is not None
    await new.wait_for_text(first_line("inbox.gp.summary") + next_case.reference, timeout=20)
    assert not [m for m in old.messages if next_case.reference in (m.text or "")]

    assert await operator(monkeypatch, emu, data_dir, "--practice", str(practice.id), "--gps") == 0
    assert (await store.practices.get(practice.id)).inbox_chat_id is None  # type: ignore[union-attr]


async def test_a_group_the_operator_sets_back_as_the_inbox_is_told_so_and_holds_no_live_copy(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """A case waits in the inbox group when its settings stop files; the next case is
    refused there and both go to Dr Gee's own chat. The admin puts the settings right and the
    operator sets the group back as the inbox at once (not waiting for the bot's next check):
    the group is told it is the inbox again, the waiting case's summary there loses its
    buttons and says it went to the GPs, and the next case comes to the group. A new group
    set as the inbox is told it is the inbox now."""
    store = services_of(app).store
    practice, group, gp, _ = await group_practice_with_gp(app, emu)
    waiting = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "B-1"), "Ada"))
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    admin = emu.user("Ann Admin")
    group.set_permissions(admin, can_send_messages=True, can_send_photos=True)
    await sent_from_link(emu, await invited(app, practice, "B-2"), "Bea")
    await gp.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
    await until_lost(app, group.chat_id)

    group.set_permissions(admin, can_send_messages=True, can_send_photos=True,
                          can_send_documents=True)
    assert await operator(monkeypatch, emu, data_dir, "--practice", str(practice.id),
                          f"--inbox-chat-id={group.chat_id}") == 0
    services_of(app).queued()  # the operator's command queued from another process
    await group.wait_for_text(text("inbox.gp.group_inbox_again", practice=practice.name),
                              timeout=20)
    moved = text("inbox.gp.moved_to_gps", reference=waiting.reference)
    await group.wait_until(lambda: any(m.text == moved and not m.buttons
                                       for m in group.messages), timeout=20)
    later = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "B-3"), "Cy"))
    await group.wait_for_text(first_line("inbox.gp.summary") + later.reference, timeout=20)

    new = emu.group("Lawson GP inbox 2")
    assert await operator(monkeypatch, emu, data_dir, "--practice", str(practice.id),
                          f"--inbox-chat-id={new.chat_id}") == 0
    services_of(app).queued()
    await new.wait_for_text(text("inbox.gp.group_inbox_set", practice=practice.name),
                            timeout=20)
    assert (await store.practices.get(practice.id)).inbox_chat_id == new.chat_id  # type: ignore[union-attr]
