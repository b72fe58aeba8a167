"""The operator cannot make a group a practice's inbox unless Telegram says the bot can post
there (hazard log H54), with the real bot running against the emulator.

`python -m bot practice add --inbox-chat-id` and `practice inbox --inbox-chat-id` used to take
any negative id on trust: a mistyped id, a group the bot had been taken out of, or one where an
admin had stopped it sending messages became the practice's inbox, and its cases were retried
there, reaching nobody, before staff heard. Every expected text is read from bot/content by key.
"""

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
from tests.auxil.e2e.practice import group_practice, sent_from_link

App = Application[Any, Any, Any, Any, Any, Any]


async def operator(
    monkeypatch: pytest.MonkeyPatch,
    emu: Emulator,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, str]:
    """The operator runs `python -m bot ...` on the bot's host: exit code and what it
    printed."""
    as_operator(monkeypatch, emu, data_dir)
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(args))
    return code, capsys.readouterr().out


async def test_a_group_the_bot_cannot_post_in_is_refused_and_nothing_changes(
    app: App,
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped id, a group the bot was removed from, and one where it may not send
    messages are each refused with what to do, and the practice's cases still go to its
    inbox group; once the bot may send messages in the new group, the change is made and
    the next case goes there."""
    store = services_of(app).store
    practice, old, _, _ = await group_practice(app, emu)
    admin = emu.user("Ann Admin")
    removed, restricted = emu.group("Lawson new inbox"), emu.group("Lawson other inbox")
    removed.remove_bot(admin)
    restricted.restrict_bot(admin, can_send_photos=True, can_send_documents=True)
    unknown = removed.chat_id - 500

    async def move_inbox(chat_id: int) -> tuple[int, str]:
        return await operator(monkeypatch, emu, data_dir, capsys, "practice", "inbox",
                              "--practice", str(practice.id), f"--inbox-chat-id={chat_id}")

    for chat_id, key in (
        (unknown, "not_found"),
        (removed.chat_id, "not_member"),
        (restricted.chat_id, "cannot_send"),
    ):
        code, said = await move_inbox(chat_id)
        assert code == 2
        assert said.strip() == "error: " + text(f"operator.inbox_group.{key}", chat_id=chat_id)
        code, said = await operator(
            monkeypatch,
            emu,
            data_dir,
            capsys,
            "practice",
            "add",
            "--name",
            "Riverside",
            "--phone",
            "020 7000 0000",
            f"--inbox-chat-id={chat_id}",
        )
        assert code == 2
        assert said.strip() == "error: " + text(f"operator.inbox_group.{key}", chat_id=chat_id)
    assert await store.practices.ids() == [practice.id], "no practice added"
    assert (await store.practices.get(practice.id)).inbox_chat_id == old.chat_id  # type: ignore[union-attr]

    _, token = await store.invites.create(practice.id, "G-1", "1980-02-03", valid_days=7)
    patient = await sent_from_link(emu, token)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await old.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)

    restricted.unrestrict_bot(admin)
    code, _ = await move_inbox(restricted.chat_id)
    assert code == 0
    _, later = await store.invites.create(practice.id, "G-2", "1980-02-03", valid_days=7)
    second = await sent_from_link(emu, later, "Bea")
    next_case = await store.cases.current_for_patient(second.id)
    assert next_case is not None
    await restricted.wait_for_text(first_line("inbox.gp.summary") + next_case.reference, timeout=20)


async def test_a_group_where_the_bot_may_send_text_but_no_files_is_refused(
    app: App,
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A group whose permissions let members send text but no files, and one where the bot
    itself is restricted to text, cannot take a case (its pack and photos go as files): both
    are refused with what to do (H49). Made an admin, which the group's permissions do not
    bind, the bot is accepted and the next case arrives there whole."""
    store = services_of(app).store
    practice, old, _, _ = await group_practice(app, emu)
    admin = emu.user("Ann Admin")
    text_only, restricted = emu.group("Lawson text inbox"), emu.group("Lawson other inbox")
    text_only.set_permissions(admin, can_send_messages=True, can_send_photos=True)
    restricted.restrict_bot(admin, can_send_messages=True, can_send_photos=True)

    async def move_inbox(chat_id: int) -> tuple[int, str]:
        return await operator(monkeypatch, emu, data_dir, capsys, "practice", "inbox",
                              "--practice", str(practice.id), f"--inbox-chat-id={chat_id}")

    for group, key in ((text_only, "members_cannot_send"), (restricted, "cannot_send")):
        code, said = await move_inbox(group.chat_id)
        assert code == 2
        assert said.strip() == "error: " + text(f"operator.inbox_group.{key}",
                                                chat_id=group.chat_id)
    assert (await store.practices.get(practice.id)).inbox_chat_id == old.chat_id  # type: ignore[union-attr]

    text_only.promote_bot(admin)
    code, _ = await move_inbox(text_only.chat_id)
    assert code == 0
    _, token = await store.invites.create(practice.id, "G-3", "1980-02-03", valid_days=7)
    patient = await sent_from_link(emu, token)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await text_only.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await text_only.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
