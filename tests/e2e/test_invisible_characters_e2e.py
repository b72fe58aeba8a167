"""Invisible characters in a typed answer (audit29): a zero-width space inside a phone number
does not get it past the check for personal details, and a right-to-left override (which makes
"tfel" show as "left" in a chat, and turns the rest of the GP's line round) is not kept, so the
GP's summary, the referral pack, the e-mail and the MESH message all read the same words."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, send_three, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


async def _at_exactly_where(app: App, emu: Emulator, practice: Practice, name: str) -> Any:
    patient = emu.user(name)
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    asked = first_line("journey.details.where_exactly")
    await patient.wait_until(lambda: any(asked in (m.text or "") for m in patient.all_messages),
                             timeout=15)
    return patient


def _said(patient: Any, key: str) -> bool:
    return any(text(key) in (m.text or "") for m in patient.all_messages)


@pytest.mark.parametrize("typed", [
    pytest.param("left arm, ring 07700\u200b900123", id="zero-width-space"),
    pytest.param("left arm, a\u200b@example.com", id="zero-width-in-email"),
    pytest.param("left arm, 943\u2060476\u20605919", id="word-joiner-in-nhs-number"),
])
async def test_a_contact_detail_with_invisible_characters_inside_is_still_refused(
    app: App, emu: Emulator, practice: Practice, typed: str
) -> None:
    patient = await _at_exactly_where(app, emu, practice, "Zed")
    await patient.send_text(typed)
    await patient.wait_until(lambda: _said(patient, "journey.details.personal"), timeout=10)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert "detail.where" not in await store.answers.for_case(case.id)


async def test_direction_and_zero_width_characters_are_not_kept_in_a_typed_answer(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = await _at_exactly_where(app, emu, practice, "Rtl")
    await patient.send_text("\u202etfel\u202c\u200b elbow\u2066, inner side\u2069")
    await patient.wait_until(lambda: _said(patient, "journey.details.duration_question"),
                             timeout=10)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    where = (await store.answers.for_case(case.id))["detail.where"]
    assert where == "tfel elbow, inner side"
    assert not [c for c in where if unicodedata.category(c) == "Cf"]


async def test_an_answer_of_invisible_characters_only_is_asked_for_again(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = await _at_exactly_where(app, emu, practice, "Nil")
    await patient.send_text("\u200b\u2060\u200b")
    await patient.wait_until(lambda: _said(patient, "journey.input.need_text"), timeout=10)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert "detail.where" not in await store.answers.for_case(case.id)
    await patient.send_text("left forearm")
    await patient.wait_until(lambda: _said(patient, "journey.details.duration_question"),
                             timeout=10)
