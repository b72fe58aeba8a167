"""Photos sent together (an album) through the real bot: the next step is held until the
album's photos have all been judged, so "Photo 2 of 3: a close-up... Like this example" never
comes between the verdicts when photo 2 was already sent; only the step still wanted is shown,
once, and it still comes when the album's last photo never does (words by content key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store import open_store
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.patient import first_line, to_photos
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]
PHOTO_2, PHOTO_3 = first_line("journey.photos.close_up_1"), first_line("journey.photos.close_up_2")
WHERE = first_line("journey.details.where_exactly")


def said(patient: TelegramUser, words: str) -> list[SentMessage]:
    """The bot's messages to the patient with these words."""
    return [m for m in patient.all_messages if words in (m.text or m.caption or "")]


async def test_an_album_of_three_gets_its_verdicts_then_the_first_question_only(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Alb")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_album([sample("locator-good.jpg"), sample("close-up-good.jpg"),
                              sample("close-up-good-2.jpg")])
    await patient.wait_for_text(WHERE, timeout=30)
    await emu.wait_until_idle()
    for number in (1, 2, 3):
        assert said(patient, text("journey.photos.accepted", number=number)), number
    assert not said(patient, PHOTO_2) and not said(patient, PHOTO_3), (
        "no request for a photo already sent")
    assert len(said(patient, WHERE)) == 1
    last_verdict = said(patient, text("journey.photos.accepted", number=3))[-1]
    assert patient.all_messages.index(last_verdict) < patient.all_messages.index(
        said(patient, WHERE)[0]), "the question after every verdict"


async def test_an_album_whose_last_photo_never_comes_still_asks_for_the_photo_wanted(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Two")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_album([sample("locator-good.jpg"), sample("close-up-good.jpg")])
    asked = await patient.wait_for_text(PHOTO_3, timeout=30)
    await emu.wait_until_idle()
    assert not said(patient, PHOTO_2), "photo 2 came with the album"
    assert len(said(patient, PHOTO_3)) == 1
    verdict = said(patient, text("journey.photos.accepted", number=2))[-1]
    assert patient.all_messages.index(verdict) < patient.all_messages.index(asked)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_2


async def test_a_step_held_for_an_album_when_the_bot_is_killed_comes_after_the_restart(
    emu: Emulator, data_dir: Path
) -> None:
    """The real `python -m bot run`, killed (SIGKILL) once photos 1 and 2 of an album are
    judged and their next step is held (noted in the store): the next start shows it."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        _, token = await store.invites.create(practice.id, "P-901", "1980-02-03", valid_days=7)
    finally:
        await store.close()
    patient = emu.user("Kil")
    async with bot_process(emu, data_dir, log_to=data_dir.parent / "bot.log") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await patient.send_album([sample("locator-good.jpg"), sample("close-up-good.jpg")])
        await patient.wait_until(lambda: said(patient, text("journey.photos.accepted", number=2))
                                 and query(data_dir, "SELECT COUNT(*) FROM album_steps") == [(1,)],
                                 timeout=30)
        await bot.kill_9()
    assert not said(patient, PHOTO_3), "killed before the step was shown"

    async with bot_process(emu, data_dir):
        await patient.wait_for_text(PHOTO_3, timeout=90)
        await patient.wait_until(lambda: query(
            data_dir, "SELECT COUNT(*) FROM album_steps") == [(0,)], timeout=10)
    assert not said(patient, PHOTO_2)
