"""Practice-side helpers for end-to-end tests: a practice with staff and a GP in the emulator."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import Sender, TelegramUser
from bot.store.models import Case, Member, Practice
from tests.e2e.conftest import sample, services_of

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
