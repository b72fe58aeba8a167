"""A parent deletes their child's request after the GP referred it, through the real bot and
the emulator (newcomer walkthrough, polish35; hazard log H20).

The parent is told that what the practice saved stays in the child's GP record, not "your GP
record"; staff and the GP are told the parent asked, never "the patient asked". Every expected
text is read from bot/content by key.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.patient import (
    first_line,
    tap,
    words,
)
from tests.auxil.e2e.practice import make_team, refer, sent_by_parent

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_parent_deleting_a_referred_childs_request_reads_and_is_named_as_the_parent(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    practice = team.practice
    parent, case = await sent_by_parent(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await refer(team.gp)
    await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)

    await parent.send_command("/delete")
    asked = await parent.wait_for_text(words("journey.delete.one"))
    record = dict(practice=practice.name, phone=practice.phone)
    assert text("journey.delete.gp_record_parent", **record) in (asked.text or "")
    deleted = await tap(parent, text("journey.commands.delete_yes"),
                        first_line("journey.commands.deleted"))
    said = deleted.text or ""
    assert text("journey.delete.gp_record_done_parent", **record) in said
    assert text("journey.delete.gp_record_done", **record) not in said, "not 'your GP record'"

    await team.staff.wait_for_text(text("inbox.staff.patient_deleted_referral_parent",
                                        patient_ref="C-9", reference=case.reference),
                                   timeout=10)
    why = text("inbox.gp.erased_by_patient_parent")
    await team.gp.wait_until(lambda: any(why in (m.text or "") for m in team.gp.messages),
                             timeout=10)
    everyone = [m.text or "" for m in [*team.gp.messages, *team.staff.messages]]
    assert not any(text("inbox.gp.erased_by_patient") in m for m in everyone)
