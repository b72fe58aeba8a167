"""Delivery channels chosen at set-up: `practice add/update --deliver ...`, kept in the
database, and refused when an address is missing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import open_store
from bot.store.models import Practice


def stored(tmp_path: Path) -> Practice:
    async def read() -> Practice:
        store = await open_store(tmp_path / "telederm.sqlite3", tmp_path / "photos")
        try:
            found = await store.practices.get(1)
            assert found is not None
            return found
        finally:
            await store.close()

    return asyncio.run(read())


def test_channels_are_chosen_at_set_up_and_changed_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["practice", "add", "--name", "Lawson", "--phone", "020 7729 7236",
                 "--deliver", "telegram,email", "--inbox-email", "lawson@nhs.net"]) == 0
    assert "email to lawson@nhs.net" in capsys.readouterr().out
    practice = stored(tmp_path)
    assert practice.channels == ("telegram", "email") and practice.gp_chat_gets_content
    assert practice.inbox_email == "lawson@nhs.net"

    assert main(["practice", "update", "--practice", "1", "--deliver", "telegram,email,mesh",
                 "--inbox-email", "lawson@nhs.net", "--mesh-mailbox", "X26OT123",
                 "--ods-code", "Y12345", "--telegram-notification-only"]) == 0
    assert "notification only" in capsys.readouterr().out
    practice = stored(tmp_path)
    assert practice.channels == ("telegram", "email", "mesh")
    assert not practice.gp_chat_gets_content
    assert (practice.mesh_mailbox, practice.ods_code) == ("X26OT123", "Y12345")


@pytest.mark.parametrize("extra", [
    ["--deliver", "email"],
    ["--deliver", "mesh", "--mesh-mailbox", "X26OT123"],
    ["--deliver", "fax"],
    ["--deliver", "telegram", "--telegram-notification-only"],
])
def test_a_channel_without_its_address_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    extra: list[str],
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["practice", "add", "--name", "Lawson", "--phone", "020", *extra]) == 2
    assert capsys.readouterr().out.startswith("error: ")
    assert main(["practice", "update", "--practice", "9", "--deliver", "telegram"]) == 2


def test_an_nhs_number_on_another_patients_invite_is_refused_by_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`invite create --nhs-number` refuses a number already on an invite of the practice
    with another date of birth, and makes no link; the same date of birth is fine."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["practice", "add", "--name", "Lawson", "--phone", "020", "--deliver",
                 "telegram,mesh", "--mesh-mailbox", "X26OT123", "--ods-code", "Y12345"]) == 0
    invite = ["invite", "create", "--practice", "1", "--bot-username", "@telederm_bot",
              "--nhs-number", "943 476 5919"]
    assert main([*invite, "--patient-ref", "P-1", "--dob", "1980-02-03"]) == 0
    assert main([*invite, "--patient-ref", "P-2", "--dob", "1980-02-03"]) == 0
    capsys.readouterr()
    assert main([*invite, "--patient-ref", "P-3", "--dob", "1962-06-01"]) == 2
    said = capsys.readouterr().out
    assert said.startswith("error: ") and "https://t.me/" not in said and "P-1" not in said
