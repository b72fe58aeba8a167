"""The sandbox stopped and started again on the same data folder: the page says plainly that
earlier messages are not shown (the emulator keeps chats in memory only, the store keeps the
data), the demo patient is listed once on staff's /invites, and an open request carries on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import text
from bot.sandbox.serve import serving
from bot.sandbox.session import PATIENT_REF, PEOPLE, RESTARTED, Sandbox
from tests.auxil.e2e.patient import to_consent


def notes(sandbox: Sandbox, key: str) -> list[str]:
    return [item["html"] for item in sandbox.state()["chats"][key]["messages"]
            if item["kind"] == "note"]


async def demo_rows(sandbox: Sandbox) -> str:
    """Staff's /invites as the page shows it."""
    staff = sandbox.users["staff"]
    await staff.send_command("/invites")
    listed = await staff.wait_for_text(PATIENT_REF, timeout=15)
    return listed.text or ""


@pytest.fixture(autouse=True)
def _quick_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


async def test_a_restart_says_earlier_messages_are_not_shown_and_lists_the_link_once(
    tmp_path: Path
) -> None:
    data = tmp_path / "sandbox-data"
    async with serving(data, port=0) as (sandbox, _):
        assert not any(RESTARTED in n for key in ("staff", "patient", "gp")
                       for n in notes(sandbox, key)), "a first start is not a restart"
        first_link = sandbox.invite_link
    async with serving(data, port=0) as (sandbox, _):
        for person in PEOPLE:
            assert RESTARTED in notes(sandbox, person.key)[0], person.key
        assert sandbox.invite_link and sandbox.invite_link != first_link
        demo = sandbox.demo
        assert demo is not None
        invites = [i for i in await sandbox.store.invites.for_practice(demo.practice.id)
                   if i.patient_ref == PATIENT_REF]
        assert len(invites) == 1 and invites[0].revoked_at is None, "the same invite, renewed"
        listed = await demo_rows(sandbox)
        assert listed.count(PATIENT_REF) == 1, listed
        assert text("inbox.staff.group_closed") not in listed, "no cancelled copy"
        patient = sandbox.users["patient"]
        await to_consent(patient, sandbox.invite_link.split("start=")[1])


async def test_a_request_open_before_the_restart_carries_on_and_no_new_link_is_made(
    tmp_path: Path
) -> None:
    data = tmp_path / "sandbox-data"
    async with serving(data, port=0) as (sandbox, _):
        await to_consent(sandbox.users["patient"], sandbox.invite_link.split("start=")[1])
    async with serving(data, port=0) as (sandbox, _):
        assert sandbox.invite_link == ""
        assert any("/start" in n for n in notes(sandbox, "patient"))
        assert any("still has a request open" in n for n in notes(sandbox, "staff"))
        listed = await demo_rows(sandbox)
        assert listed.count(PATIENT_REF) == 1, listed
        patient = sandbox.users["patient"]
        await patient.send_command("/start")
        await patient.wait_for_text(text("journey.invite.welcome_back"), timeout=15)
