"""A red-flag stop is carried over, through the real bot: staff inviting the same child again
(same NHS number and date of birth, same practice, within `CARRY_OVER_DAYS`) are told at once,
and the GP's summary of the new request says the earlier request stopped for red flags; another
practice using the same NHS number is told nothing (words by content key)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.inbox.digest import uk_time
from bot.store.models import Case, Stage
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    details_and_review,
    first_line,
    parent_agrees,
    read_the_tips,
    send_three,
    tap,
    to_child_eczema_question,
    to_consent,
)
from tests.auxil.e2e.practice import LINK, make_team

App = Application[Any, Any, Any, Any, Any, Any]
BORN = child_birthday(8)
NHS_NUMBER = "943 476 5919"
MESH = DeliveryChannels(("telegram", "mesh"), False, None, "X26ABC2", "Y12345")
"""A practice that delivers by MESH: its invites carry the NHS number."""


def shown(key: str, **values: Any) -> str:
    """A content text as the chat shows an HTML message."""
    return render(text(key, **values), "HTML")[0].strip()


async def invited(staff: TelegramUser, ref: str) -> SentMessage:
    """Staff invite the child `ref` with the NHS number; the message with the link."""
    await staff.send_command("/invite", f"{ref} {BORN.strftime('%d/%m/%Y')} {NHS_NUMBER}")
    return await staff.wait_for(lambda m: LINK.search(m.text or "") is not None
                                and ref in (m.text or ""), timeout=10)


def token_of(made: SentMessage) -> str:
    found = LINK.search(made.text or "")
    assert found is not None
    return found.group(2)


async def current(app: App, patient: TelegramUser) -> Case:
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


async def test_a_red_flag_stop_is_told_to_staff_at_the_next_invite_and_to_the_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    await store.practices.set_channels(team.practice.id, MESH, actor="test")
    parent = emu.user("Pia")
    first = await invited(team.staff, "C-1")
    assert "⚠️" not in (first.text or "").split("\n")[0], "nothing earlier to tell"
    await to_consent(parent, token_of(first), BORN.strftime("%d/%m/%Y"))
    await parent_agrees(parent)
    await tap(parent, text("journey.consent.child_yes"),
              worded("journey.screening.is_rash.question", parent=True))
    await tap(parent, text("journey.screening.is_rash.rash"),
              worded("journey.screening.red_flags.question", parent=True))
    await tap(parent, text("journey.screening.red_flags.yes"),
              worded("journey.confirm.means.red_flag", parent=True))
    await tap(parent, text("journey.confirm.yes"), first_line("journey.stop.red_flag_parent"))
    stopped = await current(app, parent)
    assert stopped.stage is Stage.STOPPED
    events = await store.audit.for_case(stopped.id)
    on = uk_time(next(e.created_at for e in events if e.kind == "case.red_flag_yes"),
                 with_time=False)

    again = await invited(team.staff, "C-2")
    warning = shown("inbox.staff.invite_earlier_red_flag", reference=stopped.reference, date=on)
    assert (again.text or "").startswith(warning), "staff told first, before the link"

    await to_child_eczema_question(parent, token_of(again), BORN)
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    await send_three(parent)
    await details_and_review(parent, parent=True)
    await tap(parent, worded("journey.review.send", parent=True),
              first_line("journey.receipt.text_parent"))
    new = await current(app, parent)
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary") + new.reference,
                                          timeout=20)
    said = shown("inbox.gp.earlier_red_flag", reference=stopped.reference, date=on)
    assert said in (summary.text or ""), "the GP reads the earlier red-flag stop"
    pack = await team.gp.wait_for(lambda m: m.kind == "document" and not m.media_group_id,
                                  timeout=20)
    first_page = " ".join(PdfReader(io.BytesIO(pack.file_bytes or b"")).pages[0]
                          .extract_text().split())
    assert text("referral.earlier.red_flag", reference=stopped.reference,
                date=on) in first_page, "and so does the pack"

    other = await store.practices.add("Other Surgery", "020 0000 0000")
    await store.practices.set_channels(other.id, MESH, actor="test")
    olly = emu.user("Olly")
    await store.practices.add_member(other.id, olly.id, "staff", "Olly")
    elsewhere = await invited(olly, "O-1")
    assert "⚠️" not in (elsewhere.text or ""), "never across practices"
