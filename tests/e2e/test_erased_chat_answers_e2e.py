"""Deleting a request also takes the bot's own messages that show the patient's answers and
photos off the patient's chat: the review summary ("Exactly where: ...", "Tried: ...") and the
album of the three photos sent back with it, through the outbox as the patient's photo
messages go; within Telegram's 48 hours only (the emulator refuses older ones, as Telegram
does), and the words say so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.services.retention import purge
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import SCREENING, first_line, tap, words
from tests.auxil.e2e.practice import all_sent, make_team, refer, typed_and_sent, typed_to_review

App = Application[Any, Any, Any, Any, Any, Any]
WHERE, TRIED = "behind the left kneecap", "Zorbulon paste from the market"


def review_messages(patient: TelegramUser) -> tuple[SentMessage, list[SentMessage]]:
    """The review summary showing the typed answers, and the album of photos sent with it."""
    summaries = [m for m in patient.all_messages if WHERE in (m.text or "")
                 and TRIED in (m.text or "")]
    assert len(summaries) == 1, "one review summary with both typed answers"
    album = [m for m in patient.all_messages if m.kind == "photo" and m.media_group_id]
    assert len(album) == 3, "the three photos sent back at the review"
    return summaries[0], album


RASH_ANSWERS = [text("journey.input.chosen", choice=label) for label in (
    *SCREENING[:4], text("journey.details.duration_weeks"), text("journey.details.symptoms_itchy"))]
"""The answers about the rash tapped on the way to the review, as shown under each question."""


def answered(patient: TelegramUser) -> list[SentMessage]:
    """The questions in the chat showing an answer about the rash tapped under them."""
    return [m for m in patient.messages
            if any((m.text or "").endswith(f"\n\n{mark}") for mark in RASH_ANSWERS)]


def said_back(patient: TelegramUser) -> list[SentMessage]:
    """The messages in the chat saying the date of birth typed back ("3 February 1980")."""
    return [m for m in patient.messages if "3 February 1980" in (m.text or "")]


def shown(patient: TelegramUser, messages: list[SentMessage]) -> list[int]:
    """Which of these messages are still in the patient's chat."""
    left = {m.message_id for m in patient.messages}
    return [m.message_id for m in messages if m.message_id in left]


async def test_delete_at_the_review_takes_the_summary_and_its_album_off_the_chat(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await typed_to_review(app, team, patient, "REF-QUOKKA", WHERE, TRIED)
    summary, album = review_messages(patient)
    assert shown(patient, [summary, *album]) == [summary.message_id,
                                                *(m.message_id for m in album)]
    await patient.wait_until(lambda: len(answered(patient)) == len(RASH_ANSWERS), timeout=10)
    assert said_back(patient), "the date of birth typed was said back"
    agreed = text("journey.input.chosen", choice=text("journey.consent.yes"))

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    done = await tap(patient, text("journey.commands.delete_yes"),
                     first_line("journey.commands.deleted"))
    await all_sent(app, case)
    await patient.wait_until(lambda: not shown(patient, [summary, *album]), timeout=10)
    assert not any(WHERE in (m.text or "") or TRIED in (m.text or "")
                   for m in patient.messages), "no message of the bot shows an answer"
    await patient.wait_until(lambda: not answered(patient) and not said_back(patient),
                             timeout=10)  # nor a question with the answer tapped, nor the date
    assert any(agreed in (m.text or "") for m in patient.messages), "consent is no answer"
    # the rest as before: the deletion's words are there, the patient's own typed answers stay
    # (as those words say), the case is erased and noted nowhere
    assert done in patient.messages
    typed = [m.get("text") for m in patient.shown_incoming]
    assert WHERE in typed and TRIED in typed
    store = services_of(app).store
    assert await store.outbox.chat_answers(case.id) == []
    assert await store.outbox.chat_photos(case.id) == []
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.erased_at
    await patient.send_command("/delete")
    await patient.wait_for_text(text("journey.commands.nothing_to_delete"))


async def test_a_purge_takes_the_summary_and_its_album_off_the_chat(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await typed_and_sent(app, team, patient, "REF-WOMBAT", WHERE, TRIED)
    summary, album = review_messages(patient)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await refer(team.gp)
    decided = await patient.wait_for_text(case.reference, timeout=10)
    receipt = next(m for m in patient.messages
                   if first_line("journey.receipt.text") in (m.text or ""))
    store = services_of(app).store
    assert await store.outbox.chat_answers(case.id) != []

    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    await all_sent(app, case)
    await patient.wait_until(lambda: not shown(patient, [summary, *album]), timeout=10)
    assert receipt in patient.messages and decided in patient.messages, (
        "only the messages showing answers and photos go")
    assert await store.outbox.chat_answers(case.id) == []


async def test_a_summary_older_than_48_hours_stays_and_its_deletion_is_not_retried(
    app: App, emu: Emulator
) -> None:
    """Telegram refuses to delete a bot's message after 48 hours (the emulator does too): the
    erasure goes on, the summary stays in the chat (the words promise no more), and nothing
    is left noted or retried."""
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await typed_to_review(app, team, patient, "REF-NUMBAT", WHERE, TRIED)
    summary, album = review_messages(patient)
    emu.world.clock_ahead = 49 * 3600

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              first_line("journey.commands.deleted"))
    await all_sent(app, case)
    await emu.wait_until_idle()
    assert shown(patient, [summary, *album]) == [summary.message_id,
                                                *(m.message_id for m in album)]
    store = services_of(app).store
    assert await store.outbox.chat_answers(case.id) == []
    erasing = [item for item in await store.outbox.for_case(case.id)
               if item.kind == "patient.photos_erased"]
    assert len(erasing) == 1 and erasing[0].sent_at and erasing[0].attempts == 1


async def test_a_practice_stop_takes_the_summary_and_its_album_off_the_holders_chat(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    holder = emu.user("Wrong person")
    case = await typed_to_review(app, team, holder, "REF-DINGO", WHERE, TRIED)
    summary, album = review_messages(holder)

    await team.staff.send_command("/stop", "REF-DINGO")
    await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="REF-DINGO"))
    told = await holder.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    await all_sent(app, case)
    await holder.wait_until(lambda: not shown(holder, [summary, *album]), timeout=10)
    assert told in holder.messages
    assert await services_of(app).store.outbox.chat_answers(case.id) == []
