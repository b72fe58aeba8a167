"""Nothing is lost when Telegram refuses, is slow or is away (issue 16), through the emulator
holding the bot to Telegram's rules: late tap answers refused, 403 for a bot writing first,
a slow upload, and a verdict lost to a 500."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store import open_store
from tests.auxil.e2e.bot_app import TOKEN, USERNAME, BotStarter, sample, services_of
from tests.auxil.e2e.patient import first_line, tap, to_consent, to_photos
from tests.auxil.e2e.practice import Team, make_team, packs, photos, submit
from tests.auxil.e2e.process import bot_process

App = Application[Any, Any, Any, Any, Any, Any]
SHOTS = [text(f"inbox.gp.caption_{shot}") for shot in ("locator", "close_up_1", "close_up_2")]
TAP_LIMIT = 1.0
"""The emulator's time limit for answering a tap in these tests (Telegram's is about 15 s)."""


def fixed(key: str) -> str:
    """The longest fixed part of a content text with {placeholders}, to find it on screen."""
    return max(re.split(r"\{[^}]*\}", text(key)), key=len).strip()


def said(person: TelegramUser, key: str) -> list[str]:
    """The bot's messages to a person that contain the content text `key`."""
    return [m.text or "" for m in person.all_messages if fixed(key) in (m.text or "")]


async def test_a_tap_made_while_the_bot_is_killed_gets_the_next_question_after_restart(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    store = await open_store(Settings(_env_file=None, telegram_bot_token=TOKEN,
                                      data_dir=data).database_path, data / "photos")
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    _, token = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    await store.close()
    async with Emulator(bot_token=TOKEN, bot_username=USERNAME,
                        callback_query_ttl=TAP_LIMIT) as emu:
        patient = emu.user("Ada")
        async with bot_process(emu, data):
            await to_consent(patient, token)
            answered, calls = len(patient.callback_answers), len(
                emu.calls_of("answerCallbackQuery"))
        # killed (SIGKILL) at the consent question; the patient agrees while it is down
        await patient.tap(text("journey.consent.yes"))
        await asyncio.sleep(TAP_LIMIT * 2)  # the outage outlasts Telegram's limit for answers
        async with bot_process(emu, data):
            await patient.wait_for_text(text("journey.screening.is_rash.question"), timeout=60)
            await tap(patient, text("journey.screening.is_rash.rash"),
                      text("journey.screening.red_flags.question"))
        tried = len(emu.calls_of("answerCallbackQuery")) - calls
        assert tried >= 2 and len(patient.callback_answers) - answered == 1, \
            "the late answer was refused by Telegram, the next one accepted"
        assert not said(patient, "messages.errors.try_again"), "no 'something went wrong'"


async def test_a_gp_decision_tapped_during_an_outage_is_carried_out_and_confirmed(
    start_bot: BotStarter, emu: Emulator
) -> None:
    emu.world.callback_query_ttl = TAP_LIMIT
    async with start_bot() as first:
        team = await make_team(first, emu)
        patient = await submit(first, emu, team)
        summary = await team.gp.wait_for(lambda m: bool(m.buttons), timeout=20)
        await team.gp.wait_until(lambda: len(packs(team.gp)) == 1, timeout=20)
    await team.gp.tap(text("inbox.gp.refer"))
    await asyncio.sleep(TAP_LIMIT * 2)
    async with start_bot():
        # the Refer tapped while the bot was down is carried out: the GP is asked to confirm
        await team.gp.wait_for_text(fixed("inbox.gp.refer_confirm"), timeout=20)
        assert team.gp.callback_answers == [], "Telegram refused the late answer"
        await team.gp.tap(text("inbox.gp.refer_yes"))
        await team.gp.wait_for_text(fixed("inbox.gp.decided_refer"), timeout=20)
        await patient.wait_for_text(fixed("inbox.patient.referred"), timeout=20)
        await team.gp.wait_until(lambda: not summary.buttons, timeout=10)
    assert not said(team.gp, "messages.errors.try_again")


async def test_a_slow_telegram_gives_the_gp_each_photo_once(app: App, emu: Emulator) -> None:
    team = await make_team(app, emu)
    # Telegram carries out the first photo but answers only after 7 s (longer than
    # python-telegram-bot's default 5 s wait for an answer)
    emu.delay_next("sendDocument", 7.0)
    await submit(app, emu, team)
    await team.gp.wait_until(lambda: len(packs(team.gp)) == 1, timeout=40)
    assert photos(team.gp) == SHOTS, "each photo exactly once, in order"
    assert len(emu.calls_of("sendDocument")) == 4, "nothing sent twice"


async def test_a_gp_who_never_opened_the_bot_gets_the_case_when_they_do(
    app: App, emu: Emulator
) -> None:
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    staff, gp = emu.user("Sue"), emu.user("Gee")
    await store.practices.add_member(practice.id, staff.id, "staff", "Sue Smith")
    gp_member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    await staff.send_command("/help")
    await staff.next_message()
    team = Team(practice, staff, gp, gp_member)
    await submit(app, emu, team)
    alert = await staff.wait_for_text(fixed("inbox.staff.not_started_alert"), timeout=20)
    assert f"t.me/{USERNAME}" in (alert.text or "")
    assert not said(staff, "inbox.staff.blocked_alert"), "not told the GP blocked the bot"
    await asyncio.sleep(2.5)  # the outbox's retry would have come by now
    await emu.wait_until_idle()
    assert len(said(staff, "inbox.staff.not_started_alert")) == 1, "one alert for the case"
    assert not gp.all_messages
    await gp.send_command("/start")
    await gp.wait_until(lambda: len(packs(gp)) == 1, timeout=20)
    assert photos(gp) == SHOTS
    assert any(m.buttons for m in gp.all_messages), "the summary with the decision buttons"
    assert len(said(staff, "inbox.staff.not_started_alert")) == 1


async def at_the_photos(app: App, emu: Emulator, ref: str) -> TelegramUser:
    """Ada, invited as `ref` by a practice of her own, has reached the request for photo 1."""
    store = services_of(app).store
    practice = await store.practices.add("Lawson", "020 7729 7236")
    _, token = await store.invites.create(practice.id, ref, "1980-02-03", valid_days=7)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    return patient


async def test_a_photo_resent_after_its_verdict_was_lost_is_already_had(
    app: App, emu: Emulator
) -> None:
    patient = await at_the_photos(app, emu, "P-4")
    emu.fail_next("sendMessage", 500)  # the "looks good" answer to the locator is lost
    await patient.send_photo(sample("locator-good.jpg"))
    await patient.wait_for_text(text("messages.errors.try_again"), timeout=20)
    await patient.send_photo(sample("locator-good.jpg"))  # the patient sends it again
    await patient.wait_for_text(text("journey.photos.already_have_this"), timeout=20)
    await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=10)
    assert not said(patient, "journey.photos.duplicate")
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = await services_of(app).store.photos.accepted(case.id)
    assert list(kept) == ["locator"], "kept once, as the locator"


async def test_the_photo_of_an_earlier_step_sent_again_at_a_later_one_is_named_and_refused(
    app: App, emu: Emulator
) -> None:
    patient = await at_the_photos(app, emu, "P-5")
    await patient.send_photo(sample("locator-good.jpg"))
    await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=20)
    await patient.send_photo(sample("close-up-good.jpg"))
    await patient.wait_for_text(first_line("journey.photos.close_up_2"), timeout=20)
    await patient.send_photo(sample("locator-good.jpg"))  # photo 1's file again, at photo 3
    same = await patient.wait_for_text(text("journey.photos.same_as_other", number=1),
                                       timeout=20)
    asked_again = first_line("journey.photos.close_up_2")  # in the same message, or the next
    if asked_again not in (same.text or ""):
        await patient.wait_for_text(asked_again, timeout=10)
    assert not said(patient, "journey.photos.already_have_this")
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = await services_of(app).store.photos.accepted(case.id)
    assert list(kept) == ["locator", "close_up_1"], "photo 3 still to take"
    await patient.send_photo(sample("close-up-good-2.jpg"))  # a different photo is taken
    await patient.wait_for_text(text("journey.photos.all_done"), timeout=20)
