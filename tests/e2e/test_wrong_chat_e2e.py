"""The wrong chat: nothing about a patient's request reaches a group the patient (or a member
of staff) is in, whatever they send there; nothing sent there acts on a request; and what they
send there is answered kindly (a private chat with the bot), never with silence."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.readback import ChatView
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import details_and_review, first_line, send_three, to_photos
from tests.auxil.e2e.practice import make_team

App = Application[Any, Any, Any, Any, Any, Any]
WHERE, TRIED = "QXZ under the left ear lobe", "QXZ tea tree oil"


def shown(key: str) -> str:
    """Content words as the reader sees them (HTML tags parsed away)."""
    return render(text(key), "HTML")[0]


async def settled(view: ChatView, count: int) -> list[str]:
    """The texts and captions of this chat once it holds `count` messages and a moment
    passed (nothing more should come)."""
    await view.wait_until(lambda: len(view.all_messages) >= count, timeout=10)
    await asyncio.sleep(1.5)
    return [m.text or m.caption or "" for m in view.all_messages]


async def test_a_patient_in_a_family_group_is_pointed_to_a_private_chat_and_nothing_leaks(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    _, token = await store.invites.create(team.practice.id, "REF-GROUP", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, WHERE, TRIED)
    family = emu.group("Family chat")
    sender = family.member(patient)
    private_before = len(patient.all_messages)

    for command in ("/help", "/status", "/delete", "/cancel"):
        await sender.send_command(command)
    await sender.send_command("/start", token)
    await sender.send_photo(sample("close-up-good.jpg"))
    said = await settled(family, 5)

    assert said == [shown("messages.help.group")] * 5, "each command kindly, the photo unread"
    assert not [m for m in family.all_messages if m.buttons or m.kind != "text"]
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.REVIEW, "nothing acted on the request"
    assert len(patient.all_messages) == private_before, "nothing sent to the private chat"


async def test_staff_and_gp_commands_in_a_group_are_refused_without_a_reference(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    made, _ = await store.invites.create(team.practice.id, "REF-SECRET", "1980-02-03",
                                         valid_days=7, gp_member_id=team.gp_member.id)
    family = emu.group("Family chat")
    staff = family.member(team.staff)
    for command in ("/invites", "/invite", "/revoke", "/addmember"):
        await staff.send_command(command)
    await staff.send_command("/stop", "REF-SECRET")
    said = await settled(family, 5)

    assert said == [shown("inbox.staff.private_command")] * 5
    assert not any("REF-SECRET" in words for words in said)
    invite = await store.invites.get(made.id)
    assert invite is not None and invite.revoked_at is None, "nothing revoked from the group"


async def test_a_gp_removed_from_the_practice_cannot_use_the_buttons_still_on_screen(
    app: App, emu: Emulator
) -> None:
    """A leaver's summary still has its buttons: Refer, Ask for new photos and an old /inbox
    list's Open are refused kindly, nothing about the case is sent to them, and it stays
    waiting for the practice's other GPs."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    _, token = await store.invites.create(team.practice.id, "REF-LEAVER", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await patient.tap(text("journey.review.send"))
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    await team.gp.send_command("/inbox")
    await team.gp.wait_for_text(text("inbox.gp.inbox_title"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    await emu.wait_until_idle()
    assert await store.practices.remove_member(team.practice.id, team.gp.id, actor="test")
    shown_before = len(team.gp.all_messages)

    for button in (text("inbox.gp.refer"), text("inbox.gp.ask_photos"),
                   text("inbox.gp.open", reference=case.reference)):
        answered = len(team.gp.callback_answers)
        await team.gp.tap(button)
        await team.gp.wait_until(lambda n=answered: len(team.gp.callback_answers) > n,
                                 timeout=10)
        assert team.gp.callback_answers[-1].get("text") == text("inbox.gp.refused"), button
    await team.gp.send_command("/inbox")
    await team.gp.wait_for_text(shown("inbox.gp.not_member")[:30])
    await emu.wait_until_idle()

    new = team.gp.all_messages[shown_before:]
    assert not [m for m in new if m.kind != "text" or case.reference in (m.text or "")]
    still = await store.cases.get(case.id)
    assert still is not None and still.stage is Stage.SUBMITTED and still.decision is None


async def test_a_patients_button_tapped_in_a_group_sends_nothing_and_posts_nothing_there(
    app: App, emu: Emulator
) -> None:
    """The patient's "Send to my GP" (or any of their buttons), forwarded to a family group
    and tapped there by the patient: the request is not sent, no receipt or case detail is
    posted in the group, and only the one who tapped is told (a pop-up) to use a private
    chat (hazard log H61)."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    _, token = await store.invites.create(team.practice.id, "REF-GROUPTAP", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, WHERE, TRIED)
    send, send_data = patient.find_button(text("journey.review.send"))
    change, change_data = patient.find_button(text("journey.review.change"))
    family = emu.group("Family chat")
    in_group = family.member(patient)
    private_before = len(patient.all_messages)

    await in_group.tap_callback(send.message_id, send_data)
    await in_group.tap_callback(change.message_id, change_data)
    await family.wait_until(lambda: len(family.callback_answers) >= 2, timeout=10)
    await asyncio.sleep(1.5)

    assert [(a["text"], a["show_alert"]) for a in family.callback_answers] == [
        (text("messages.help.group_button"), True)] * 2, "only the one who tapped is told"
    assert family.all_messages == [], "no receipt, question or case detail in the group"
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.REVIEW, "the request was not sent"
    assert len(patient.all_messages) == private_before, "nothing acted on in the private chat"
    assert not team.gp.all_messages or all(
        case.reference not in (m.text or m.caption or "") for m in team.gp.all_messages)
