"""Every message goes with Telegram's HTML parse mode (issue 14, item 2: `Defaults`), through the
real bot and the emulator, which parses HTML as Telegram does (a stray "<" is refused with 400,
"&amp;" is read as "&"). Plain words, a practice's name and what people typed reach the patient,
the GP and staff exactly as written; the bot's own bold stays bold; an outbox message queued
before the bot restarts is sent as written too. Expected words are read from bot/content by key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.journey.stop_words import stop_words
from bot.store import open_store
from bot.store.models import Outgoing, Stage
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    details_and_review,
    first_line,
    send_three,
    tap,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import Team

App = Application[Any, Any, Any, Any, Any, Any]
PRACTICE = ("Smith & Jones <Partners>", "020 7729 7236")
"""A practice whose name HTML would read as an entity and a tag."""
PATIENT_REF = "A&E <i>7"
"""A practice's own reference for a patient, typed by staff, with an open tag."""
WHERE = "wrist & <b>elbow < 2 cm"
"""What a patient types for "where exactly": an "&", an open tag and a stray "<"."""
REASON = "Retake <b>closer & in daylight < 1 m"
"""What a GP types for why new photos are needed."""
FORMATTING = ("bold", "italic", "underline", "strikethrough", "code", "pre", "text_link",
              "spoiler", "blockquote")
"""Entities that only markup makes (links, commands and the like Telegram finds by itself)."""


def formatted(message: SentMessage) -> list[str]:
    """The parts of a message shown with formatting (bold, italic, code...)."""
    return message.entities_of(*FORMATTING)


async def awkward_team(app: App, emu: Emulator) -> Team:
    """`PRACTICE` with Sue (staff) and Dr Gee (GP), both having opened the bot."""
    store = services_of(app).store
    practice = await store.practices.add(*PRACTICE)
    staff, gp = emu.user("Sue"), emu.user("Gee")
    await store.practices.add_member(practice.id, staff.id, "staff", "Sue Smith")
    gp_member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    for person in (staff, gp):
        await person.send_command("/help")
        await person.next_message()
    return Team(practice, staff, gp, gp_member)


async def test_the_red_flag_advice_and_the_staff_alert_arrive_as_written(
    app: App, emu: Emulator
) -> None:
    team = await awkward_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, PATIENT_REF, "1980-02-03",
                                          valid_days=7)
    patient = emu.user("Red")
    await to_consent(patient, token)
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    await tap(patient, text("journey.screening.red_flags.yes"),
              text("journey.confirm.means.red_flag"))
    advice = await tap(patient, text("journey.confirm.yes"), first_line("journey.stop.red_flag"))
    assert advice.text == text("journey.stop.red_flag"), "the whole advice, as written"
    assert advice.parse_mode == "HTML" and formatted(advice) == []
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.STOPPED
    for key in ("red_flag_yes", "red_flag"):  # at the first tap on "yes", then the stop
        alert = await team.staff.wait_for_text(PATIENT_REF, timeout=10)
        assert alert.text == text(f"inbox.staff.stopped.{key}", patient_ref=PATIENT_REF,
                                  reference=case.reference)
        assert formatted(alert) == [], "the reference typed by staff formats nothing"

    mole = emu.user("Mole")
    _, token = await store.invites.create(team.practice.id, "P-2", "1980-02-03", valid_days=7)
    await to_consent(mole, token)
    await tap(mole, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(mole, text("journey.screening.is_rash.mole"), text("journey.confirm.means.mole"))
    ending = stop_words("screen_mole", parent=False, practice=PRACTICE[0], phone=PRACTICE[1])
    await tap(mole, text("journey.confirm.yes"), text("journey.screening.red_flags.question"))
    stopped = await tap(mole, text("journey.screening.red_flags.no"),
                        first_line("journey.stop.mole"))
    assert stopped.text == ending, "the practice's name as it is written"


async def test_typed_words_reach_the_patient_gp_and_staff_as_written_and_the_gp_sees_bold(
    app: App, emu: Emulator
) -> None:
    team = await awkward_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, PATIENT_REF, "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where=WHERE)
    review = next(m for m in reversed(patient.messages)
                  if first_line("journey.review.summary") in (m.text or ""))
    assert WHERE in (review.text or ""), "the patient reads back what they typed"
    assert formatted(review) == []
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None

    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                          timeout=20)
    shown = summary.text or ""
    assert WHERE in shown and PATIENT_REF in shown, "typed words shown as written"
    bold = formatted(summary)
    assert first_line("inbox.gp.summary") + case.reference in bold, "the bot's own bold"
    assert not [part for part in bold if "elbow" in part], "no bold typed in"
    assert summary.entities_of("italic") == [], "no italics typed in"

    await team.gp.tap(text("inbox.gp.ask_photos"))
    shot = text("inbox.gp.caption_close_up_2")
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap(f"☐ {shot}")
    await team.gp.wait_until(lambda: any(f"☑ {shot}" in row for row in question.buttons))
    await team.gp.tap(text("inbox.gp.next"))
    await team.gp.wait_for_text(text("inbox.gp.why_photos", shots=shot), timeout=10)
    await team.gp.send_text(REASON)
    decided = await team.gp.wait_for_text(REASON, timeout=10)
    assert decided.text == text("inbox.gp.decided_photos", reference=case.reference, shots=shot,
                                reason=f"“{REASON}”", gp="Dr Gee")
    told = await patient.wait_for_text(REASON, timeout=10)
    assert told.text == text("inbox.patient.new_photos", reference=case.reference,
                             shots=text("inbox.patient.shot_close_up_2"), reason=REASON)
    assert formatted(decided) == [] and formatted(told) == []

    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert f"({PRACTICE[0]})" in (listing.text or "") and PATIENT_REF in (listing.text or "")
    assert formatted(listing), "the title is bold"
    assert listing.entities_of("italic") == [], "no italics typed in"


async def test_a_message_queued_before_a_restart_is_sent_as_written(
    start_bot: BotStarter, emu: Emulator, data_dir: Path
) -> None:
    patient = emu.user("Ada")
    async with start_bot() as app:
        team = await awkward_team(app, emu)
        store = services_of(app).store
        _, token = await store.invites.create(team.practice.id, "P-1", "1980-02-03",
                                              valid_days=7)
        await to_consent(patient, token)
        case = await store.cases.current_for_patient(patient.id)
        assert case is not None
    words = text("inbox.patient.appointment", reference=case.reference, practice=PRACTICE[0],
                 phone=PRACTICE[1])
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:  # as any version of the bot stored it: plain words in the payload
        await store.outbox.add(case.id, [Outgoing(patient.chat_id, "patient.text",
                                                  {"text": words}, f"case:{case.id}:old")])
    finally:
        await store.close()
    async with start_bot():
        told = await patient.wait_for_text(first_line("inbox.patient.appointment"),
                                           timeout=15)
    assert told.text == words
    assert told.raw_text != words, "escaped on the way out, under the HTML parse mode"
