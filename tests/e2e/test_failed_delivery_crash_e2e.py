"""A delivery that failed for good is followed up even across kill -9: the real
`python -m bot run` process is killed just after it recorded that the GP's decision could not
reach the patient (who blocked the bot), before the practice's staff were told; after a restart
the receptionist gets the alert, once, and can phone the patient (hazard log H07, H08)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from tests.auxil.e2e.held_process import (
    bot_process,
    practice_with_receptionist,
    query,
    wait_until_ready,
)
from tests.auxil.e2e.patient import details_and_review, first_line, send_three, tap, to_photos

MOMENT = "delivery.failed_marked"


def has_button(person: TelegramUser, label: str) -> bool:
    """Whether a message in the person's chat shows a button with this label."""
    try:
        person.find_button(label)
    except LookupError:
        return False
    return True


def blocked_alerts(receptionist: TelegramUser, reference: str) -> list[str]:
    """The alerts the receptionist read that the GP's decision could not reach the patient."""
    words = text("inbox.staff.blocked_alert", reference=reference,
                 who=text("inbox.staff.who_patient", patient_ref="P-810"))
    return [m.text for m in receptionist.all_messages if m.text == words]


async def test_killed_after_the_patient_refused_the_decision_staff_are_still_told_on_restart(
    emu: Emulator, data_dir: Path
) -> None:
    gp, rita, patient = emu.user("Gee"), emu.user("Rita"), emu.user("Ada")
    token = await practice_with_receptionist(data_dir, gp, rita)
    async with bot_process(emu, data_dir, hold_at=MOMENT) as bot:
        await wait_until_ready(rita)
        await wait_until_ready(gp)
        await to_photos(patient, token)
        await send_three(patient)
        await details_and_review(patient)
        await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
        ((reference,),) = query(data_dir, "SELECT reference FROM cases")
        await gp.wait_for_text(reference, timeout=30)
        await gp.wait_until(lambda: has_button(gp, text("inbox.gp.appointment")), timeout=30)
        patient.block_bot()
        await gp.tap(text("inbox.gp.appointment"))
        reason = text("inbox.gp.reason_in_person")
        await gp.wait_until(lambda: has_button(gp, reason), timeout=10)
        await gp.tap(reason)
        await gp.wait_until(lambda: has_button(gp, text("inbox.gp.appointment_yes")),
                            timeout=10)
        await gp.tap(text("inbox.gp.appointment_yes"))
        await bot.held_at(MOMENT, timeout=60)
        await bot.kill_9()
    failed = query(data_dir, "SELECT kind FROM outbox WHERE failed_at IS NOT NULL")
    assert [kind.split(".")[0] for (kind,) in failed] == ["patient"], "the decision refused"
    assert query(data_dir, "SELECT COUNT(*) FROM outbox WHERE kind = 'staff.alert'") == [(0,)]
    assert blocked_alerts(rita, reference) == []

    async with bot_process(emu, data_dir):
        for _ in range(300):
            if blocked_alerts(rita, reference):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # any second copy would come now
        await emu.wait_until_idle()

    assert len(blocked_alerts(rita, reference)) == 1
