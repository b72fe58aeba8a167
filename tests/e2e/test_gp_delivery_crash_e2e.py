"""A part of a case sent to a GP chat whose message id the bot never wrote down is not
forgotten: the real `python -m bot run` process is killed (kill -9) just after Telegram took
the first part for the GP, before its id was noted. After a restart the case reaches the GP
whole; when the patient then deletes the request, the bot removes every message it can name
and tells the GP that one may be left for them to delete, instead of saying all was removed
(hazard log H64). Every expected text is read from bot/content by key."""

from __future__ import annotations

from pathlib import Path

from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.held_process import (
    bot_process,
    practice_with_receptionist,
    query,
    wait_until_ready,
)
from tests.auxil.e2e.patient import (
    delete_the_request,
    details_and_review,
    first_line,
    send_three,
    tap,
    to_photos,
)

MOMENT = "gp.sent"


async def test_a_gp_message_sent_just_before_a_kill_is_not_called_removed_on_erasure(
    emu: Emulator, data_dir: Path
) -> None:
    gp, rita, patient = emu.user("Gee"), emu.user("Rita"), emu.user("Ada")
    token = await practice_with_receptionist(data_dir, gp, rita)
    async with bot_process(emu, data_dir, hold_at=MOMENT) as bot:
        await wait_until_ready(gp)
        await to_photos(patient, token)
        await send_three(patient)
        await details_and_review(patient)
        await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
        await bot.held_at(MOMENT, timeout=60)
        await bot.kill_9()
    ((reference,),) = query(data_dir, "SELECT reference FROM cases")
    unnamed = [m for m in gp.all_messages if m.kind == "document" or m.buttons]
    assert len(unnamed) == 1, "Telegram took one part before the kill"

    async with bot_process(emu, data_dir):
        await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=60)
        await delete_the_request(patient)
        note = await gp.wait_for_text(reference, timeout=30)

    assert note.text == text("inbox.gp.retract_unknown", reference=reference,
                             why=text("inbox.gp.erased_by_patient"))
    left = [m for m in gp.all_messages if (m.kind == "document" or m.buttons)
            and not m.deleted]
    assert left == unnamed, "all it could name is gone; the one it could not is left to the GP"
    assert query(data_dir, "SELECT COUNT(*) FROM delivered") == [(0,)]
