"""Practice-side helpers for end-to-end tests: a practice with staff and a GP in the emulator."""

from __future__ import annotations

import asyncio
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import Group, Sender, TelegramUser
from bot.store.models import Case, Member, Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    answer_details,
    child_birthday,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    taken_again,
    tap,
    to_child_eczema_question,
    to_photos,
)

App = Application[Any, Any, Any, Any, Any, Any]
CAPTIONS = [text(f"inbox.gp.caption_{shot}") for shot in ("locator", "close_up_1", "close_up_2")]
"""The captions of a case's three photos in a GP's chat, in order."""
LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")


@dataclass
class Team:
    """The Lawson Practice with Sue (staff) and Dr Gee (GP), both chatting with the bot."""

    practice: Practice
    staff: TelegramUser
    gp: TelegramUser
    gp_member: Member


async def make_team(app: Application[Any, Any, Any, Any, Any, Any], emu: Emulator) -> Team:
    """Register the practice and its members, and have both open the bot."""
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    staff, gp = emu.user("Sue"), emu.user("Gee")
    await store.practices.add_member(practice.id, staff.id, "staff", "Sue Smith")
    gp_member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    for person in (staff, gp):
        await person.send_command("/help")
        assert "/invite" in ((await person.next_message()).text or "")
    return Team(practice, staff, gp, gp_member)


async def second_gp(app: App, emu: Emulator, team: Team) -> TelegramUser:
    """Add Dr Two as a second GP of the team's practice, who has opened the bot."""
    return await new_member(app, emu, team, "Two", "gp", "Dr Two")


async def new_member(app: App, emu: Emulator, team: Team, first_name: str, role: str,
                     display_name: str) -> TelegramUser:
    """Add someone (`first_name` in Telegram) to the team's practice with this role and name,
    who has opened the bot (/help answered)."""
    person = emu.user(first_name)
    await services_of(app).store.practices.add_member(team.practice.id, person.id, role,
                                                       display_name)
    await person.send_command("/help")
    await person.next_message()
    return person


def is_photo(message: SentMessage) -> bool:
    """A photo of a case as the GP receives it: a JPEG document (the pack is a PDF)."""
    return message.kind == "document" and (message.filename or "").endswith(".jpg")


def mirrored(name: str) -> bytes:
    """A sample photo flipped left to right: a different photo of the same kind of skin."""
    out = io.BytesIO()
    ImageOps.mirror(Image.open(io.BytesIO(sample(name)))).save(out, "JPEG", quality=92)
    return out.getvalue()


async def refer(gp: Sender) -> None:
    """Tap Refer on the newest summary, then "Yes" on the confirmation it asks for."""
    await gp.tap(text("inbox.gp.refer"))
    yes = text("inbox.gp.refer_yes")
    await gp.wait_until(lambda: any(yes in row for m in gp.all_messages for row in m.buttons),
                        timeout=10)
    await gp.tap(yes)


async def all_sent(app: Application[Any, Any, Any, Any, Any, Any], case: Case) -> None:
    """Wait until every outbox item of the case (every channel) has been sent."""
    outbox = services_of(app).store.outbox
    for _ in range(100):
        if all(item.sent_at for item in await outbox.for_case(case.id)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox never emptied")


async def until_lost(app: App, chat_id: int, lost: bool = True) -> None:
    """Wait until the bot has taken in Telegram's `my_chat_member` update about this chat
    (blocked, or the bot removed from the group: `lost`; unblocked or added back: not)."""
    store = services_of(app).store
    for _ in range(100):
        if (chat_id in await store.practices.lost_chats()) == lost:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot never took in the membership update")


async def submit(app: App, emu: Emulator, team: Team, name: str = "Ada") -> TelegramUser:
    """A patient invited for this team's GP goes all the way to "Sent"."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-300", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    return await sent_from_link(emu, token, name)


async def typed_to_review(app: App, team: Team, patient: TelegramUser, ref: str, where: str,
                          tried: str) -> Case:
    """A patient invited for this team's GP sends the three photos, types `where` and `tried`
    as their answers, and reaches the review (Send not tapped); their open case."""
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, ref, "1980-02-03", valid_days=7,
                                          gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await answer_details(patient, where, tried)
    await patient.wait_for(lambda m: bool(m.buttons) and any(
        text("journey.review.send") in b for row in m.buttons for b in row), timeout=10)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


async def typed_and_sent(app: App, team: Team, patient: TelegramUser, ref: str, where: str,
                         tried: str) -> Case:
    """`typed_to_review`, then Send: the case, now "Sent"."""
    await typed_to_review(app, team, patient, ref, where, tried)
    await patient.tap(text("journey.review.send"))
    await patient.wait_for_text(first_line("journey.receipt.text"), timeout=10)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    return case


async def sent_from_link(emu: Emulator, token: str, name: str = "Ada") -> TelegramUser:
    """A patient (an adult born 3 February 1980) opens the invite link `token` and goes all
    the way to "Sent": three good photos, the details, Send."""
    patient = emu.user(name)
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    return patient


def photos(gp: TelegramUser) -> list[str]:
    """The captions of the photo documents the GP has received, in order."""
    return [m.text or "" for m in gp.messages if is_photo(m)]


def packs(gp: TelegramUser) -> list[SentMessage]:
    """The referral packs the GP has received."""
    return [m for m in gp.messages if m.kind == "document" and not is_photo(m)]


async def new_invite(app: App, practice: Practice, dob: str = "1980-02-03") -> str:
    """Create an invite in the running bot's store and return its token."""
    _, token = await services_of(app).store.invites.create(practice.id, "P-100", dob,
                                                           valid_days=7)
    return token


def has_button(person: TelegramUser, label: str) -> bool:
    """Whether any message in this person's chat shows a button with this label now."""
    return any(label in row for m in person.messages for row in m.buttons)


async def ask_new_photos(gp: TelegramUser, reference: str, slot: str) -> None:
    """On the newest message with the decision buttons: "Ask for new photos", tick this shot,
    Next, "Blurred"; then wait for the GP's confirmation."""
    shot = text(f"inbox.gp.caption_{slot}")
    await gp.tap(text("inbox.gp.ask_photos"))
    for label in (f"☐ {shot}", f"☑ {shot}"):
        await gp.wait_until(lambda label=label: has_button(gp, label), timeout=10)
        if label.startswith("☐"):
            await gp.tap(label)
    await gp.tap(text("inbox.gp.next"))
    blurred = text("inbox.gp.reason_blurred")
    await gp.wait_until(lambda: has_button(gp, blurred), timeout=10)
    await gp.tap(blurred)
    await gp.wait_for_text(text("inbox.gp.decided_photos", reference=reference, shots=shot,
                                reason=blurred, gp="Dr Gee"), timeout=10)


async def retake(patient: TelegramUser, slot: str) -> None:
    """The patient, asked for this one shot again, sends a new photo of it (a good sample
    flipped) and reaches the review."""
    await patient.wait_for_text(taken_again(slot), timeout=10)
    name = "locator-good.jpg" if slot == "locator" else "close-up-good.jpg"
    await patient.send_document(mirrored(name), "new.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=15)


async def send_again(patient: TelegramUser) -> None:
    """Send from the review and wait for the receipt."""
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))


async def sent_then_asked_again(app: App, emu: Emulator) -> tuple[Team, TelegramUser]:
    """A patient whose photos reached the team's GP, who then asked for a new locator; the
    patient has been told."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await team.gp.wait_until(lambda: any(m.buttons for m in team.gp.messages), timeout=20)
    await ask_new_photos(team.gp, case.reference, "locator")
    await patient.wait_for_text(first_line("inbox.patient.new_photos"), timeout=15)
    return team, patient


async def group_practice(app: App, emu: Emulator
                         ) -> tuple[Practice, Group, TelegramUser, TelegramUser]:
    """The Lawson Practice whose cases go to its inbox group ("Lawson GP inbox"), with Dr Gee
    (GP) and Rita (staff); returns the practice, the group, the GP and Rita."""
    store = services_of(app).store
    group = emu.group("Lawson GP inbox")
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                         inbox_chat_id=group.chat_id)
    gp, receptionist = emu.user("Gee"), emu.user("Rita")
    await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    await store.practices.add_member(practice.id, receptionist.id, "staff", "Rita")
    return practice, group, gp, receptionist


async def group_practice_with_gp(app: App, emu: Emulator
                                 ) -> tuple[Practice, Group, TelegramUser, TelegramUser]:
    """The Lawson Practice whose cases go to its inbox group (`group_practice`), with Dr Gee
    (GP) in the group and in their own chat with the bot, and Rita (staff), both having
    opened the bot."""
    practice, group, gp, rita = await group_practice(app, emu)
    group.member(gp)
    for person in (gp, rita):
        await person.send_command("/help")
        await person.next_message()
    return practice, group, gp, rita


async def invited(app: App, practice: Practice, ref: str) -> str:
    """A new invite link's token for this practice (no GP chosen: the inbox group gets it)."""
    _, token = await services_of(app).store.invites.create(practice.id, ref, "1980-02-03",
                                                           valid_days=7)
    return token


async def case_of(app: App, patient: TelegramUser) -> Case:
    """The patient's submitted case."""
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


def files_of(person: TelegramUser, case: Case) -> list[str]:
    """The files of this case (photos, pack) the chat has received, by name."""
    return [m.filename or "" for m in person.all_messages
            if m.kind == "document" and case.reference in (m.filename or "")]


def summaries_of(person: TelegramUser | Group, case: Case) -> list[str]:
    """The summaries of this case the chat has received."""
    heading = first_line("inbox.gp.summary") + case.reference
    return [m.text or "" for m in person.all_messages if heading in (m.text or "")]


async def stop_reason(app: App, case: Case) -> str | None:
    """The reason the case's move to "stopped" was audited with."""
    for event in reversed(await services_of(app).store.audit.for_case(case.id)):
        detail = json.loads(event.detail or "{}")
        if detail.get("to") == Stage.STOPPED.value:
            return str(detail.get("reason"))
    return None


async def sent_by_parent(app: App, emu: Emulator, team: Team) -> tuple[TelegramUser, Case]:
    """A parent ("Pat") invited for a 9-year-old as C-9 has sent three photos and the
    answers for their child to the team's GP; the parent and the child's case."""
    store = services_of(app).store
    born = child_birthday(9)
    _, token = await store.invites.create(team.practice.id, "C-9", born.isoformat(),
                                          valid_days=7, gp_member_id=team.gp_member.id)
    parent = emu.user("Pat")
    await to_child_eczema_question(parent, token, born)
    await read_the_tips(parent, worded("journey.screening.eczema.no", parent=True), parent=True)
    await send_three(parent)
    await details_and_review(parent, parent=True)
    await parent.tap(worded("journey.review.send", parent=True))
    case = None
    for _ in range(100):
        case = await store.cases.current_for_patient(parent.id)
        if case is not None and case.submissions:
            break
        await emu.wait_until_idle()
    assert case is not None and case.consent_by == "parent"
    return parent, case
