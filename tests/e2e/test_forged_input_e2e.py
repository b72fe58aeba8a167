"""Input the bot never asked for (audit29): button data it never sent, and a link or command
with an argument of thousands of characters. Each gets a kind answer, never "something went
wrong", and the question asked stays answerable."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import SCREENING, tap, to_consent
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]

FORGED = [
    pytest.param("²|screening|is_rash|rash", id="superscript-digit-case"),
    pytest.param("١|screening|is_rash|rash", id="arabic-indic-digit-case"),
    pytest.param("9" * 40 + "|screening|red_flags|yes", id="case-id-too-big-for-sqlite"),
    pytest.param("x" * 5000, id="5000-characters"),
    pytest.param("\x00\ufffd\u202e|screening|is_rash|mole", id="control-characters"),
    pytest.param("screening|red_flags|" + "y" * 300, id="long-value"),
    pytest.param("any|del_go|" + "9" * 40, id="delete-case-id-too-big"),
    pytest.param("any|choose|" + "9" * 40, id="choose-case-id-too-big"),
]


@pytest.mark.parametrize("data", FORGED)
async def test_button_data_the_bot_never_sent_gets_a_kind_answer_and_the_question_stays(
    app: App, emu: Emulator, practice: Practice, data: str
) -> None:
    patient = emu.user("Fay")
    await to_consent(patient, await new_invite(app, practice))
    question = await tap(patient, text("journey.consent.yes"),
                         text("journey.screening.is_rash.question"))
    query = await patient.tap_callback(question.message_id, data)
    await patient.wait_until(lambda: emu.world.callbacks[query["id"]]["answered"], timeout=15)
    await emu.wait_until_idle()
    said = [m.text for m in patient.messages]
    assert text("messages.errors.try_again") not in said, data[:40]
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    answered = await store.answers.for_case(case.id)
    assert not [k for k in answered if k.startswith("screen.")], answered
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))


async def test_a_link_or_command_with_5000_characters_or_from_someone_with_no_request_is_answered(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Gil")
    await patient.send_text("/start " + "A" * 5000)
    await patient.wait_for_text(text("journey.invite.unknown"), timeout=15)
    await patient.send_command("/status", "B" * 5000)
    assert (await patient.next_message(timeout=15)).text == text("journey.commands.nothing_open")
    await patient.send_command("/cancel")
    assert (await patient.next_message(timeout=15)).text == text("journey.commands.nothing_open")
    await patient.send_command("/delete", "\u202e" * 2000)
    await patient.next_message(timeout=15)
    await emu.wait_until_idle()
    said = [m.text for m in patient.messages]
    assert text("messages.errors.try_again") not in said
    await patient.open_deep_link(await new_invite(app, practice))
    await patient.wait_for_text(text("journey.identity.ask"), timeout=15)
