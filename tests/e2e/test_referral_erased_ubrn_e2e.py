"""A referral marked sent with its UBRN, then the case erased by the patient, through the real
bot and the emulator (hazard log H71).

Every message in the GP's and staff's chats that was changed to show the UBRN (the GP's "now
make the referral", each member of staff's task, the reply that recorded it) becomes a
neutral "case erased" line, as the case's other messages in a GP chat are taken back. Every
expected text is read from bot/content by key.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.patient import delete_the_request
from tests.auxil.e2e.referral import asked_if_made, buttons, referred, the_task

App = Application[Any, Any, Any, Any, Any, Any]
UBRN = "0000 1234 5678"


async def test_an_erased_case_leaves_no_ubrn_in_the_gp_and_staff_chats(
    app: App, emu: Emulator
) -> None:
    team, patient, case, done = await referred(app, emu)
    task = await the_task(team, case)
    await asked_if_made(team.staff, case)
    await team.staff.send_text(UBRN)
    recorded = await team.staff.wait_for_text(text(
        "inbox.staff.referral_recorded", reference=case.reference, name="Sue Smith",
        ubrn=text("inbox.gp.ubrn_note", ubrn=UBRN)), timeout=10)
    await team.gp.wait_until(lambda: UBRN in (done.text or ""), timeout=10)
    assert UBRN in (task.text or "")

    await delete_the_request(patient)
    erased = text("inbox.staff.referral_erased_note", reference=case.reference,
                  why=text("inbox.gp.erased_by_patient"))
    for person, message in ((team.gp, done), (team.staff, task), (team.staff, recorded)):
        await person.wait_until(lambda m=message: m.text == erased, timeout=10)
        assert buttons(message) == []
    await emu.wait_until_idle()
    for person in (team.gp, team.staff):
        assert not [m for m in person.messages if UBRN in (m.text or "")], \
            "no message from the bot shows the erased case's UBRN"
