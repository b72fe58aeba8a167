"""A phone number (or other contact detail) the bot never asked for does not stay in the
patient's chat: typed at a button step, typed into a typed answer, or shared as a contact card,
the message is deleted through the Bot API and the patient is told why; if Telegram refuses,
the patient is asked to delete it and the journey carries on (words by content key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, send_three, tap, to_consent, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]
PHONE = "my mobile is 07700 900123, please ring me"


def incoming_ids(messages: list[dict[str, Any]]) -> list[int]:
    return [m["message_id"] for m in messages]


def said(patient: TelegramUser, key: str) -> list[str]:
    return [m.text or "" for m in patient.all_messages if text(key) in (m.text or "")]


async def shows(patient: TelegramUser, key: str) -> None:
    """The bot has said the content text `key` (alone, or merged with the next message)."""
    await patient.wait_until(lambda: bool(said(patient, key)), timeout=10)


async def deleted(patient: TelegramUser, sent: dict[str, Any]) -> bool:
    await patient.wait_until(lambda: sent["message_id"] in incoming_ids(patient.deleted_incoming),
                             timeout=10)
    return sent["message_id"] not in incoming_ids(patient.shown_incoming)


async def test_a_phone_number_typed_at_a_button_step_is_deleted_from_the_chat(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Pia")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    sent = await patient.send_text(PHONE)
    await shows(patient, "journey.input.personal_removed")
    assert await deleted(patient, sent), "the number is no longer in the chat"
    await shows(patient, "journey.input.need_button")
    assert not any("07700" in (m.text or "") for m in patient.all_messages)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING, "the journey carries on"


async def test_a_phone_number_typed_as_an_answer_is_deleted_and_the_question_asked_again(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ray")
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    asked = first_line("journey.details.where_exactly")
    await patient.wait_until(lambda: any(asked in (m.text or "") for m in patient.all_messages),
                             timeout=15)
    sent = await patient.send_text("left arm, call 020 7946 0018 if needed")
    await shows(patient, "journey.input.personal_removed")
    await shows(patient, "journey.details.personal")
    assert await deleted(patient, sent)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert not any("7946" in value for value in (await store.answers.for_case(case.id)).values())
    await patient.send_text("left forearm")  # the same question takes a plain answer
    await shows(patient, "journey.details.duration_question")


async def test_a_shared_contact_card_is_deleted_from_the_chat(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Sam")
    await to_consent(patient, await new_invite(app, practice))
    sent = await patient.send_contact()
    await shows(patient, "journey.input.personal_removed")
    assert await deleted(patient, sent)
    assert not said(patient, "journey.input.contact"), "one answer, not two"


async def test_a_number_telegram_will_not_delete_is_for_the_patient_to_delete(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Tia")
    await to_consent(patient, await new_invite(app, practice))
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    emu.fail_next("deleteMessage", 400, description="Bad Request: message to delete not found")
    sent = await patient.send_text(PHONE)
    await shows(patient, "journey.input.personal_not_removed")
    await shows(patient, "journey.input.need_button")
    assert not said(patient, "journey.input.personal_removed"), "never told it went"
    assert sent["message_id"] in incoming_ids(patient.shown_incoming)
    await tap(patient, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))
