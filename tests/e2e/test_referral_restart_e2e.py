"""A UBRN typed after the bot restarted between asking for it and the answer, and an /invite
draft left open while a referral is marked sent, through the real bot and the emulator (hazard
log H71).

The question waiting for a UBRN lives in memory only, so after a restart the bot no longer
knows which case a typed UBRN is for: it records nothing and says so kindly, and the button
asks again. Every expected text is read from bot/content by key.
"""

from __future__ import annotations

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import BotStarter
from tests.auxil.e2e.referral import (
    SENT,
    STAFF_SENT,
    asked_if_made,
    marked_by,
    patient_told,
    referred,
    the_task,
)


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
