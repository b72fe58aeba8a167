"""Set-up from the command line: a practice, a member, and an invite link that works."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.emulator import Emulator
from bot.store import open_store
from bot.store.models import Outgoing
from tests.auxil.e2e.bot_app import TOKEN, USERNAME, as_operator


def test_practice_member_and_invite_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["practice", "add", "--name", "Lawson", "--phone", "020 7729 7236"]) == 0
    assert main(["member", "add", "--practice", "1", "--telegram-user-id", "77", "--role", "gp",
                 "--name", "Dr Lock"]) == 0
    assert main(["invite", "create", "--practice", "1", "--patient-ref", "P-1", "--dob",
                 "1980-02-03", "--bot-username", "@telederm_bot"]) == 0
    link = capsys.readouterr().out.strip().splitlines()[-1]
    assert link.startswith("https://t.me/telederm_bot?start=")
    token = link.split("start=", 1)[1]
    assert main(["invite", "create", "--practice", "5", "--patient-ref", "P-1", "--dob",
                 "1980-02-03", "--bot-username", "x"]) == 2
    for name in ("JaneSmith", "Jane Smith", "9434765919"):  # shown in chats, emails, PDFs
        assert main(["invite", "create", "--practice", "1", "--patient-ref", name, "--dob",
                     "1980-02-03", "--bot-username", "x"]) == 2
        assert "https://t.me/" not in capsys.readouterr().out, "no link for a name"

    async def check() -> None:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            invite = await store.invites.find(token)
            assert invite is not None and invite.date_of_birth == "1980-02-03"
            members = await store.practices.memberships(77)
            assert [m.role for m in members] == ["gp"]
        finally:
            await store.close()

    asyncio.run(check())
    assert main(["member", "remove", "--practice", "1", "--telegram-user-id", "77"]) == 0
    assert main(["member", "remove", "--practice", "1", "--telegram-user-id", "77"]) == 2

    async def gone() -> None:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            assert await store.practices.memberships(77) == []
        finally:
            await store.close()

    asyncio.run(gone())


def test_purge_from_the_command_line_erases_only_what_is_past_retention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.chdir(tmp_path)

    async def abandoned(days_ago: int) -> int:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            practice = await store.practices.add("Lawson", "020 7729 7236")
            invite, _ = await store.invites.create(practice.id, "P", "1990-01-01", valid_days=7)
            case = await store.cases.open_from_invite(invite, patient_user_id=days_ago,
                                                      patient_chat_id=days_ago, is_child=False)
            when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
            await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                         (when, case.id))
            await store.db._conn.commit()
            return case.id
        finally:
            await store.close()

    old, recent = asyncio.run(abandoned(40)), asyncio.run(abandoned(2))
    assert main(["purge"]) == 0
    assert "erased 1 case(s)" in capsys.readouterr().out

    async def stages() -> dict[int, str]:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            return {i: (await store.cases.get(i)).stage.value for i in (old, recent)}  # type: ignore[union-attr]
        finally:
            await store.close()

    assert asyncio.run(stages()) == {old: "erased", recent: "identity"}


def test_unreached_lists_the_case_whose_alert_reached_nobody_with_the_practice_to_phone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A practice whose only GP blocked the bot: the operator's `unreached` names the
    practice, its phone number and the case reference, and nothing of the patient."""
    from bot.services.reminders import alert_waiting

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    async def blocked() -> str:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            practice = await store.practices.add("Lawson", "020 7729 7236")
            await store.practices.add_member(practice.id, 77, "gp", "Dr Lock")
            invite, _ = await store.invites.create(practice.id, "P-77", "1990-01-01",
                                                   valid_days=7)
            case = await store.cases.open_from_invite(invite, patient_user_id=5,
                                                      patient_chat_id=5, is_child=False)
            await store.outbox.add(case.id, [Outgoing(77, "gp.album", {"case_id": case.id},
                                                      f"case:{case.id}:album:77")])
            (album,) = await store.outbox.for_case(case.id)
            await store.outbox.mark_failed(album.id, "403: Forbidden: bot was blocked")
            await store.db._conn.execute(
                "UPDATE cases SET stage = 'submitted', submitted_at = ? WHERE id = ?",
                ((datetime.now(UTC) - timedelta(days=9)).isoformat(timespec="seconds"),
                 case.id))
            await store.db._conn.commit()
            assert await alert_waiting(store, 3) == 0, "nobody left to tell"
            return case.reference
        finally:
            await store.close()

    assert main(["unreached"]) == 0
    before = capsys.readouterr().out
    reference = asyncio.run(blocked())
    assert reference not in before
    assert main(["unreached"]) == 0
    listed = capsys.readouterr().out
    assert reference in listed and "Lawson (020 7729 7236)" in listed and "submitted" in listed
    assert "P-77" not in listed and "1990-01-01" not in listed


async def test_an_inbox_group_must_be_a_group_and_the_practices_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with Emulator(bot_token=TOKEN, bot_username=USERNAME) as emu:
        as_operator(monkeypatch, emu, tmp_path)
        group = str(emu.group("Lawson GP inbox").chat_id)
        assert await asyncio.to_thread(main, [
            "practice", "add", "--name", "Lawson", "--phone", "020 7729 7236",
            "--inbox-chat-id", group]) == 0
        capsys.readouterr()
        # A person's own chat (a positive id: here a practice manager's, who may see no
        # photos), and the inbox group of another practice, would each get every case of
        # this practice.
        for wrong in ("987654321", group):
            assert await asyncio.to_thread(main, [
                "practice", "add", "--name", "Riverside", "--phone", "020 7000 0000",
                "--inbox-chat-id", wrong]) == 2
            assert capsys.readouterr().out.startswith("error: ")

    store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
    try:
        found = [await store.practices.get(number) for number in (1, 2, 3)]
        assert [(p.name, p.inbox_chat_id) for p in found if p is not None] == [
            ("Lawson", int(group))]
    finally:
        await store.close()
