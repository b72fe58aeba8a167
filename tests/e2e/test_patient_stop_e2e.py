"""A patient who wants to stop halfway types /stop, as many bots are stopped: through the real
bot they are asked, as /cancel asks, and told after that nothing was sent to the GP; never the
staff-only refusal (/stop REF is a practice's command). The same link opened again says the
request has ended, that they stopped it and that none of it went to the GP (words by content
key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample
from tests.auxil.e2e.patient import delete_the_request, first_line, tap, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_patient_who_types_stop_halfway_is_asked_then_told_nothing_went_to_the_gp(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Olive")
    token = await new_invite(app, practice)
    await to_photos(patient, token)
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)

    await patient.send_command("/stop")
    asked = await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    assert text("inbox.gp.not_member") not in (asked.text or "")
    done = await tap(patient, text("journey.commands.cancel_yes"),
                     first_line("journey.commands.cancelled"))
    assert text("journey.delete.not_sent") in (done.text or "")

    await patient.send_command("/start", token)
    again = await patient.wait_for_text(first_line("journey.stop.ended"), timeout=10)
    assert (again.text or "").startswith(text("journey.stop.ended_by_you")), "what happened"


async def test_the_link_opened_again_after_delete_says_none_of_it_went_to_the_gp(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Rae")
    token = await new_invite(app, practice)
    await to_photos(patient, token)
    await delete_the_request(patient)
    await patient.send_command("/start", token)
    again = await patient.wait_for_text(first_line("journey.stop.ended"), timeout=10)
    assert (again.text or "").startswith(text("journey.stop.ended_by_you"))


async def test_stop_with_nothing_open_says_so_not_staff_only(
    app: App, emu: Emulator
) -> None:
    stranger = emu.user("Pat")
    await stranger.send_command("/stop")
    said = await stranger.next_message()
    assert (said.text or "") == text("journey.commands.nothing_open")


async def test_status_with_nothing_open_says_so(app: App, emu: Emulator) -> None:
    stranger = emu.user("Quin")
    await stranger.send_command("/status")
    said = await stranger.next_message()
    assert (said.text or "") == text("journey.commands.nothing_open")
