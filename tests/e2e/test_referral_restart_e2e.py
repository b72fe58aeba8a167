"""A UBRN typed after the bot restarted between asking for it and the answer, and an /invite
draft left open while a referral is marked sent, through the real bot and the emulator (hazard
log H71).

The question waiting for a UBRN lives in memory only, so after a restart the bot no longer
knows which case a typed UBRN is for: it records nothing and says so kindly, and the button
asks again. Every expected text is read from bot/content by key.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import BotStarter
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.referral import (
    SENT,
    STAFF_SENT,
    asked_if_made,
    marked_by,
    patient_told,
    referred,
    tap_and_confirm,
    the_task,
)

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_ubrn_typed_after_a_restart_is_not_used_and_they_are_told_to_mark_it_again(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as app:
        team, patient, case, _done = await referred(app, emu)
        await the_task(team, case)
        await team.gp.tap(SENT)
        await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference),
                                    timeout=10)
        await asked_if_made(team.staff, case)

    async with start_bot() as app:  # restarted between the question and the typed answer
        for person in (team.gp, team.staff):
            await person.send_text("0000 1234 5678")
            await person.wait_for_text(text("inbox.gp.ubrn_not_waiting"), timeout=10)
        await emu.wait_until_idle()
        now, actors = await marked_by(app, case)
        assert not now.referral_sent_at and now.ubrn is None and not actors
        assert not patient_told(patient, case)

        await team.staff.tap(STAFF_SENT)  # the button still there asks again
        await team.staff.wait_until(lambda: [m.text for m in team.staff.messages].count(
            text("inbox.staff.referral_confirm", reference=case.reference)) == 2, timeout=10)
        await team.staff.send_text("0000 1234 5678")
        await team.staff.wait_for_text(text(
            "inbox.staff.referral_recorded", reference=case.reference, name="Sue Smith",
            ubrn=text("inbox.gp.ubrn_note", ubrn="0000 1234 5678")), timeout=10)
        now, _ = await marked_by(app, case)
        assert now.ubrn == "000012345678"
        await patient.wait_until(lambda: patient_told(patient, case), timeout=10)


async def test_an_invite_half_made_is_kept_while_staff_mark_a_referral_sent(
    app: App, emu: Emulator
) -> None:
    """Sue is asked for a patient's details by /invite, marks a referral sent from its task
    in between, is told her invite is still open, and then makes it by typing the details."""
    team, patient, case, _done = await referred(app, emu)
    await the_task(team, case)
    await team.staff.send_command("/invite")
    await team.staff.wait_for_text(first_line("inbox.staff.invite_ask"), timeout=10)

    await tap_and_confirm(team.staff, STAFF_SENT, case)
    await team.staff.wait_for_text(text(
        "inbox.staff.referral_recorded", ubrn="", reference=case.reference, name="Sue Smith")
        + text("inbox.staff.invite_draft_kept"), timeout=10)
    await team.staff.send_text("P-400 01/02/1990")
    made = await team.staff.wait_for_text(first_line("inbox.staff.invite_made"), timeout=10)
    assert "P-400" in (made.text or ""), "the invite is made from the details typed after"
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
