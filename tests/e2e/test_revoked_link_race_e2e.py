"""A link the practice cancels while the patient is opening it opens nothing (safety review 37).

The bot read the invite, found it usable, and then, a moment later, marked it used and opened
a request, without looking again: a link staff cancelled (`/revoke`: sent to the wrong person,
say) in between opened a request all the same, and staff had just been told "It cannot be used
any more". Now the invite is used only if it is still not cancelled, locked or expired in the
same statement that marks it used, and the patient reads that the practice cancelled it.
Hazard log H06.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import make_team

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_link_cancelled_while_it_is_being_opened_opens_no_request(
    app: App, emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "REF-CANCEL", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    mark, release = tmp_path / "held", tmp_path / "go"
    monkeypatch.setenv("BOT_PAUSE_AT", "invite.checked")
    monkeypatch.setenv("BOT_PAUSE_MARK", str(mark))
    monkeypatch.setenv("BOT_PAUSE_RELEASE", str(release))
    holder = emu.user("Wrong person")
    await holder.open_deep_link(token)
    await holder.wait_until(mark.exists, timeout=20)  # the link read and found usable

    await team.staff.send_command("/revoke", "REF-CANCEL")
    await team.staff.wait_for_text(text("inbox.staff.revoked", patient_ref="REF-CANCEL"),
                                   timeout=10)
    release.touch()
    said = await holder.wait_for_text(first_line("journey.invite.revoked"), timeout=10)
    assert team.practice.phone in (said.text or ""), "the practice to call"
    assert not any(first_line("journey.identity.ask") in (m.text or "")
                   for m in holder.messages), "no date of birth asked for"
    assert await store.cases.current_for_patient(holder.id) is None, "no request opened"
