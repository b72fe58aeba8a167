"""Set-up from the command line: a practice, a member, and an invite link that works."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import open_store


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
