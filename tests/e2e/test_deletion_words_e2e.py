"""What the patient is told when deleting, through the real bot: once the practice has had
the photos, every way of deleting (/delete, /cancel of a request reopened for new photos, a stop
after the new photos) says, before and after, that the copy in the GP record stays, why and
whom to call; before the practice had them, none says so, and the deletion done says that
nothing was sent to the GP (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.patient import (
    change_site_to_private,
    delete_the_request,
    first_line,
    tap,
    to_photos,
)
from tests.auxil.e2e.practice import new_invite, retake, sent_then_asked_again

App = Application[Any, Any, Any, Any, Any, Any]


def kept(practice: Practice) -> str:
    return text("journey.delete.gp_record", practice=practice.name, phone=practice.phone)


def kept_done(practice: Practice) -> str:
    """The same, short, once deleted: the question just before said it in full."""
    return text("journey.delete.gp_record_done", practice=practice.name, phone=practice.phone)


async def test_cancel_after_the_practice_had_the_photos_says_the_gp_record_keeps_them(
    app: App, emu: Emulator
) -> None:
    team, patient = await sent_then_asked_again(app, emu)
    await patient.send_command("/cancel")
    asked = await patient.wait_for_text(text("journey.commands.cancel_confirm"), timeout=10)
    assert kept(team.practice) in (asked.text or ""), "told before choosing"
    done = await tap(patient, text("journey.commands.cancel_yes"),
                     first_line("journey.commands.cancelled"))
    assert kept_done(team.practice) in (done.text or ""), "and after, as /delete says it"
    assert kept(team.practice) not in (done.text or ""), "not the same paragraph twice"


async def test_delete_says_the_same_before_and_after_and_only_once_the_practice_had_them(
    app: App, emu: Emulator, practice: Practice
) -> None:
    early = emu.user("Eve")
    await to_photos(early, await new_invite(app, practice))
    asked, done = await delete_the_request(early)
    assert first_line("journey.delete.gp_record") not in (asked.text or "") + (done.text or "")
    assert text("journey.delete.not_sent") in (done.text or ""), "nothing went to the GP"

    team, patient = await sent_then_asked_again(app, emu)
    asked, done = await delete_the_request(patient)
    assert kept(team.practice) in (asked.text or ""), "told before choosing"
    assert kept_done(team.practice) in (done.text or ""), "and after, in short"
    assert kept(team.practice) not in (done.text or ""), "not the same paragraph twice"
    assert text("journey.delete.not_sent") not in (done.text or ""), "it did go"


async def test_a_stop_after_new_photos_says_the_gp_record_keeps_what_was_sent_before(
    app: App, emu: Emulator
) -> None:
    team, patient = await sent_then_asked_again(app, emu)
    await retake(patient, "locator")
    told = await change_site_to_private(patient)
    assert kept(team.practice) in (told.text or ""), "the first set reached the practice"
