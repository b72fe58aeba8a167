"""A practice whose members are GPs only (no reception staff, no manager): a case its chosen GP
blocked the bot for goes to the practice's other GPs, alerts never go to the chat that failed
or blocked the bot, and one
that can reach nobody at all is listed for the operator and kept, and its patient is told to
phone the practice (hazard log H07, H09, H51)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.ext import Application

from bot.cli_admin import run_admin
from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.services.retention import purge
from bot.store.models import Case, Member, Practice, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    tap,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import CAPTIONS, photos, until_lost

App = Application[Any, Any, Any, Any, Any, Any]
PATIENT_REF, DOB = "P-404", "1980-02-03"


async def gps_only(app: App, emu: Emulator, *names: str) -> tuple[Practice, list[Member],
                                                                   list[TelegramUser]]:
    """The Lawson Practice with these GPs and nobody else, each having opened the bot."""
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    members, people = [], []
    for name in names:
        person = emu.user(name)
        members.append(await store.practices.add_member(practice.id, person.id, "gp",
                                                        f"Dr {name}"))
        await person.send_command("/help")
        await person.next_message()
        people.append(person)
    return practice, members, people


async def send_case(app: App, emu: Emulator, practice: Practice, gp: Member) -> Case:
    """A patient invited for this GP sends their photos and is told they were sent."""
    case, _ = await patient_sends(app, emu, practice, gp)
    return case


async def patient_sends(app: App, emu: Emulator, practice: Practice, gp: Member | None,
                        answer: str = first_line("journey.receipt.text")
                        ) -> tuple[Case, TelegramUser]:
    """A patient invited for this GP (or for the practice: its GPs or inbox) sends their
    photos and gets `answer` (by default, that they were sent); the case and the patient."""
    store = services_of(app).store
    _, token = await store.invites.create(practice.id, PATIENT_REF, DOB, valid_days=7,
                                          gp_member_id=gp.id if gp else None)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), answer)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    return case, patient


def not_received(case: Case, practice: Practice) -> str:
    """The patient's message when their case can reach nobody at the practice."""
    return text("inbox.patient.not_received", reference=case.reference, practice=practice.name,
                phone=practice.phone)


async def settled(app: App, case: Case) -> None:
    """Wait until the outbox has nothing of this case left to try (sent, failed or waiting for
    a person to open the bot)."""
    store = services_of(app).store
    for _ in range(300):
        items = await store.outbox.for_case(case.id)
        if all(i.sent_at or i.failed_at or (i.last_error or "").startswith("not started")
               for i in items):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox did not settle")


def texts_to(emu: Emulator, person: TelegramUser) -> list[str]:
    """Every text the bot tried to send to this person's chat (delivered or refused)."""
    return [str(call.get("text", "")) for call in emu.calls_of("sendMessage")
            if call["chat_id"] == str(person.id)]


async def test_a_case_for_a_gp_who_blocked_the_bot_goes_to_the_other_gp(
    app: App, emu: Emulator
) -> None:
    """Dr Ash blocked the bot (Telegram told it): a case a patient was invited to send to
    Dr Ash goes to Dr Bea instead, photos and all, and nothing of it is tried in Dr Ash's
    chat (hazard log H51)."""
    practice, (dr_a, _), (ash, bea) = await gps_only(app, emu, "Ash", "Bea")
    ash.block_bot()
    await until_lost(app, ash.id)
    case = await send_case(app, emu, practice, dr_a)
    await bea.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await bea.wait_until(lambda: photos(bea) == CAPTIONS, timeout=20)
    await emu.wait_until_idle()
    assert not any(case.reference in sent for sent in texts_to(emu, ash)), \
        "nothing is tried on the chat that blocked the bot"


async def test_a_case_waiting_too_long_in_a_gp_only_practice_is_told_to_the_gp_who_can_hear(
    start_bot: Any, emu: Emulator, bot_settings: Settings
) -> None:
    async with start_bot() as app:
        practice, (dr_a, _), (ash, bea) = await gps_only(app, emu, "Ash", "Bea")
        ash.block_bot()
        await until_lost(app, ash.id)
        case = await send_case(app, emu, practice, dr_a)
        await bea.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    waiting = text("inbox.staff.waiting_alert", reference=case.reference,
                   days=bot_settings.stalled_after_days)
    assert not any(waiting in (m.text or "") for m in bea.all_messages)
    submitted = datetime.now(UTC) - timedelta(days=bot_settings.stalled_after_days + 1)
    with sqlite3.connect(bot_settings.database_path) as conn:  # days pass with nobody deciding
        conn.execute("UPDATE cases SET submitted_at = ? WHERE id = ?",
                     (submitted.isoformat(timespec="seconds"), case.id))
    conn.close()
    async with start_bot():  # housekeeping runs at start
        await bea.wait_for_text(waiting, timeout=15)
        await emu.wait_until_idle()
    assert not any(waiting in sent for sent in texts_to(emu, ash))


async def test_a_case_nobody_at_the_practice_can_receive_is_listed_for_the_operator_and_kept(
    app: App, emu: Emulator, bot_settings: Settings, caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    practice, (dr_a,), (ash,) = await gps_only(app, emu, "Ash")
    ash.block_bot()
    case = await send_case(app, emu, practice, dr_a)
    store = services_of(app).store
    for _ in range(100):
        if "delivery.reached_nobody" in [e.kind for e in await store.audit.for_case(case.id)]:
            break
        await asyncio.sleep(0.1)
    capsys.readouterr()
    assert await run_admin(argparse.Namespace(verb="unreached"), bot_settings) == 0
    listed = capsys.readouterr().out
    assert case.reference in listed and practice.name in listed and practice.phone in listed
    assert PATIENT_REF not in listed
    told = [r for r in caplog.records if r.getMessage() == "practice alert reached nobody"]
    assert told, "an error is logged where the operator looks"
    assert all(r.levelno == logging.ERROR for r in told)
    private = (PATIENT_REF, DOB, "03/02/1980", str(case.patient_user_id))
    assert not any(secret in str(vars(r)) for r in told for secret in private)

    later = datetime.now(UTC) + timedelta(days=bot_settings.retention_days + 1)
    assert await purge(store, bot_settings.retention_days, now=later) == 0
    kept = await store.cases.get(case.id)
    assert kept is not None and kept.stage is Stage.SUBMITTED, "a case waiting for a GP is kept"
    bea = emu.user("Bea")  # the practice adds a GP who can receive
    await store.practices.add_member(practice.id, bea.id, "gp", "Dr Bea")
    await bea.send_command("/inbox")
    await bea.wait_for_text(first_line("inbox.gp.inbox_title"), timeout=10)
    await bea.tap(text("inbox.gp.open", reference=case.reference))
    await bea.wait_until(lambda: photos(bea) == CAPTIONS, timeout=20)


async def test_the_patient_of_a_case_nobody_at_the_practice_can_receive_is_told_once_to_phone(
    app: App, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    practice, (dr_a,), (ash,) = await gps_only(app, emu, "Ash")
    ash.block_bot()
    case, patient = await patient_sends(app, emu, practice, dr_a)
    told = await patient.wait_for_text(not_received(case, practice), timeout=20)
    assert told.text == not_received(case, practice)
    await settled(app, case)  # the photos, summary and pack were each refused
    await emu.wait_until_idle()
    sent = [m.text for m in patient.all_messages if m.text == not_received(case, practice)]
    assert len(sent) == 1, "once per submission, however many parts were refused"
    events = await services_of(app).store.audit.for_case(case.id)
    assert [e.kind for e in events].count("patient.told_unreached") == 1
    logged = [r for r in caplog.records
              if r.getMessage() == "patient told their case reached nobody at the practice"]
    assert logged
    private = (PATIENT_REF, DOB, "03/02/1980", str(case.patient_user_id), practice.phone)
    assert not any(secret in str(vars(r)) for r in logged for secret in private)


async def test_the_patient_of_a_practice_with_nobody_to_receive_the_case_is_told_to_phone(
    app: App, emu: Emulator
) -> None:
    practice, _, _ = await gps_only(app, emu)  # no GP, no inbox, no staff
    case, patient = await patient_sends(app, emu, practice, None,
                                        answer=first_line("inbox.patient.not_received"))
    # The answer to Send is the notice itself, never the receipt that says the practice has
    # the photos; and nothing else of the kind follows.
    await emu.wait_until_idle()
    assert [m.text for m in patient.all_messages
            if first_line("inbox.patient.not_received") in m.text] == [
        not_received(case, practice)]
    assert not [m for m in patient.all_messages
                if m.text.startswith(first_line("journey.receipt.text"))]
    events = [e.kind for e in await services_of(app).store.audit.for_case(case.id)]
    assert events.count("delivery.reached_nobody") == 1
    assert events.count("patient.told_unreached") == 1


async def test_a_patient_whose_case_reached_another_gp_is_told_nothing_of_the_kind(
    app: App, emu: Emulator
) -> None:
    practice, _, (ash, bea) = await gps_only(app, emu, "Ash", "Bea")
    ash.block_bot()
    case, patient = await patient_sends(app, emu, practice, None)  # to the practice's GPs
    await bea.wait_until(lambda: photos(bea) == CAPTIONS, timeout=20)
    await settled(app, case)
    await emu.wait_until_idle()
    not_for_them = words("inbox.patient.not_received")
    assert not any(not_for_them in (m.text or "") for m in patient.all_messages)
    assert "patient.told_unreached" not in [
        e.kind for e in await services_of(app).store.audit.for_case(case.id)]


def status_with(practice: Practice, case: Case, key: str) -> str:
    """The /status answer of a sent request whose "Next:" line is `key`, with the case's
    reference (the one the "Next:" line may ask them to give); its "Where you are:" line says
    the practice could not get it when the patient was told so."""
    where = "submitted_not_received" if key == "next_not_received" else "submitted"
    return text("journey.commands.status_sent", where=text(f"journey.status_words.{where}"),
                next=text(f"journey.status_words.{key}", practice=practice.name,
                          phone=practice.phone), reference=case.reference)


async def told_to_phone(
    app: App, emu: Emulator
) -> tuple[Practice, Case, TelegramUser, TelegramUser]:
    """A practice whose only GP, Ash, blocked the bot; a patient who sent their photos and was
    told the practice could not get them. (practice, case, patient, Ash)"""
    practice, (dr_a,), (ash,) = await gps_only(app, emu, "Ash")
    ash.block_bot()
    case, patient = await patient_sends(app, emu, practice, dr_a)
    await patient.wait_for_text(not_received(case, practice), timeout=20)
    await settled(app, case)
    return practice, case, patient, ash


async def test_status_after_being_told_to_phone_still_says_to_phone_not_that_a_gp_will_look(
    app: App, emu: Emulator
) -> None:
    practice, case, patient, _ = await told_to_phone(app, emu)

    await patient.send_command("/status")

    said = await patient.wait_for_text(
        text("journey.status_words.submitted_not_received"), timeout=10)
    assert said.text == status_with(practice, case, "next_not_received")
    assert text("journey.status_words.next_submitted") not in said.text
    assert text("journey.status_words.submitted") not in said.text


async def test_status_of_a_practice_with_nobody_to_receive_the_case_says_to_phone(
    app: App, emu: Emulator
) -> None:
    practice, _, _ = await gps_only(app, emu)  # no GP, no inbox, no staff
    case, patient = await patient_sends(app, emu, practice, None,
                                        answer=first_line("inbox.patient.not_received"))

    await patient.send_command("/start")
    await patient.send_command("/status")

    where = text("journey.commands.status", where="", next="").split(":")[0]
    answers = await patient.wait_until(
        lambda: (found := [m.text for m in patient.all_messages if m.text.startswith(where)])
        and len(found) == 2 and found, timeout=10)
    assert answers == [status_with(practice, case, "next_not_received")] * 2


async def test_status_once_the_case_reached_a_gp_after_all_says_a_gp_will_look(
    app: App, emu: Emulator
) -> None:
    practice, case, patient, ash = await told_to_phone(app, emu)
    ash.unblock_bot()
    await ash.send_command("/inbox")
    await ash.wait_for_text(case.reference, timeout=10)
    await ash.tap(text("inbox.gp.open", reference=case.reference))
    await ash.wait_until(lambda: photos(ash) == CAPTIONS, timeout=20)

    await patient.send_command("/status")

    said = await patient.wait_for_text(text("journey.status_words.submitted"), timeout=10)
    assert said.text == status_with(practice, case, "next_submitted")
