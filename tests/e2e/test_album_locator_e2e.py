"""Photos sent together (an album) are numbered in the order they came; before Send, the review
asks which is the one from further away (hazard log H45), and the answer relabels the set, so
the GP never reads "Locator" on a close-up. Through the real bot, its store and files, the
emulator's GP chat and the referral pack (words by content key)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.quality import assess
from bot.store import Store, open_store
from bot.store.models import Case, Photo, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.patient import (
    answer_details,
    delete_the_request,
    first_line,
    tap,
    to_photos,
)
from tests.auxil.e2e.practice import (
    CAPTIONS,
    Team,
    has_button,
    is_photo,
    make_team,
    packs,
    typed_to_review,
)

App = Application[Any, Any, Any, Any, Any, Any]
QUESTION = first_line("journey.review.whole_area_question")
SEND = text("journey.review.send")
ALBUM_CLOSE_UP_FIRST = ("close-up-good.jpg", "close-up-good-2.jpg", "locator-good.jpg")


def said(patient: TelegramUser, words: str) -> list[SentMessage]:
    """The bot's messages to the patient with these words."""
    return [m for m in patient.all_messages if words in (m.text or m.caption or "")]


async def album_to_question(app: App, team: Team, patient: TelegramUser,
                            names: tuple[str, ...]) -> tuple[Case, list[Photo]]:
    """The patient sends the samples `names` as one album, answers the details and is asked
    which photo is from further away; their case and its photos in the order they came."""
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-450", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await patient.send_album([sample(name) for name in names])
    await answer_details(patient, "left forearm", "E45 cream")
    await patient.wait_for_text(QUESTION, timeout=20)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.REVIEW
    came = sorted((await store.photos.accepted(case.id)).values(), key=lambda p: p.id)
    assert len(came) == 3
    return case, came


def album_captions(patient: TelegramUser) -> list[str]:
    """The captions of the photos in the newest album the bot sent the patient."""
    shown = [m for m in patient.messages if m.media_group_id and m.kind == "photo"]
    newest = shown[-1].media_group_id
    return [m.caption or "" for m in shown if m.media_group_id == newest]


def likeness(one: bytes, other: bytes) -> float:
    """How far apart two pictures look (mean difference of small greyscale copies, 0-255)."""
    small = [Image.open(io.BytesIO(data)).convert("L").resize((48, 48)) for data in (one, other)]
    return float(ImageStat.Stat(ImageChops.difference(*small)).mean[0])


def closest(picture: bytes, store: Store, photos: list[Photo]) -> Photo:
    """Which of the case's photos `picture` shows."""
    return min(photos, key=lambda p: likeness(picture, store.files.read(p.file_name)))


async def gp_received(team: Team, case: Case) -> tuple[dict[str, bytes], SentMessage]:
    """The GP's photo documents by caption, and the referral pack, for the case."""
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=30)
    await team.gp.wait_until(lambda: len([m for m in team.gp.messages if is_photo(m)]) == 3
                             and len(packs(team.gp)) == 1, timeout=30)
    return ({(m.caption or ""): m.file_bytes or b"" for m in team.gp.messages if is_photo(m)},
            packs(team.gp)[0])


async def test_an_album_sent_close_up_first_is_relabelled_as_the_patient_chooses(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Alb")
    case, came = await album_to_question(app, team, patient, ALBUM_CLOSE_UP_FIRST)
    further = came[2]  # the photo from further away came third
    assert further.shot == "close_up_2", "labelled by the order it came"
    assert not has_button(patient, SEND), "nothing can be sent before the answer"
    assert album_captions(patient)[2] == text("journey.review.caption_close_up_2")

    await tap(patient, text("journey.review.whole_area_close_up_2"),
              text("journey.review.whole_area_moved"))
    await patient.wait_until(lambda: has_button(patient, SEND), timeout=10)
    now = await store.photos.accepted(case.id)
    assert now["locator"].id == further.id and now["close_up_2"].id == came[0].id
    assert now["close_up_1"].id == came[1].id
    # judged again for the shot each now is: the distance of a locator is not a close-up's
    def framing(quality: str) -> float:
        checks = json.loads(quality)["checks"]
        return float(next(c for c in checks if c["name"] == "framing")["threshold"])

    as_locator = assess(store.files.read(further.file_name), "locator").check("framing")
    assert as_locator is not None
    assert framing(further.quality) != round(as_locator.threshold, 4), "judged as a close-up"
    assert framing(now["locator"].quality) == round(as_locator.threshold, 4)
    shown = [m for m in patient.messages if m.media_group_id and m.kind == "photo"][-3:]
    assert shown[0].caption == text("journey.review.caption_locator")
    assert closest(shown[0].uploaded_bytes or b"", store, came).id == further.id

    await tap(patient, SEND, first_line("journey.receipt.text"))
    by_caption, pack = await gp_received(team, case)
    locator = next(data for caption, data in by_caption.items() if CAPTIONS[0] in caption)
    assert closest(locator, store, came).id == further.id, "the GP's locator is the one chosen"
    close_up_2 = next(data for caption, data in by_caption.items() if CAPTIONS[2] in caption)
    assert closest(close_up_2, store, came).id == came[0].id
    pages = PdfReader(io.BytesIO(pack.file_bytes or b"")).pages
    in_pack = [page.images[0].data for page in pages[1:4]]  # a page per photo, in shot order
    assert [closest(data, store, came).id for data in in_pack] == [
        further.id, came[1].id, came[0].id]
    chosen = [json.loads(e.detail) for e in await store.audit.for_case(case.id)
              if e.kind == "photos.locator_chosen"]
    assert chosen == [{"chosen": "close_up_2", "reordered": True}]


async def test_an_album_in_the_right_order_is_confirmed_with_one_tap(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ord")
    case, came = await album_to_question(
        app, team, patient, ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg"))
    albums = len([m for m in patient.messages if m.media_group_id and m.kind == "photo"])
    question = said(patient, QUESTION)[-1]
    photo_2 = question.callback_data[text("journey.review.whole_area_close_up_1")]
    await tap(patient, text("journey.review.whole_area_locator"),
              text("journey.review.whole_area_kept"))
    await patient.wait_until(lambda: has_button(patient, SEND), timeout=10)
    assert len([m for m in patient.messages if m.media_group_id and m.kind == "photo"]) == albums
    assert [p.id for p in (await store.photos.accepted(case.id)).values()] == [
        p.id for p in came]
    # a button of the question tapped later: nothing changes, the review comes again
    await patient.tap_callback(question.message_id, photo_2)
    await patient.wait_for_text(text("journey.review.whole_area_done"), timeout=10)
    assert [p.id for p in (await store.photos.accepted(case.id)).values()] == [
        p.id for p in came]
    await tap(patient, SEND, first_line("journey.receipt.text"))


async def test_photos_sent_one_at_a_time_go_straight_to_the_review(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("One")
    await typed_to_review(app, team, patient, "P-451", "left forearm", "E45 cream")
    assert not said(patient, QUESTION)


async def test_the_answer_survives_a_kill_9_before_the_review_is_shown(
    emu: Emulator, data_dir: Path
) -> None:
    """The real `python -m bot run`, killed (SIGKILL) once the patient's answer is committed
    and before the review is shown: after the restart, the old button says it is done and
    shows the review with Send, and the set stays as chosen."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        _, token = await store.invites.create(practice.id, "P-902", "1980-02-03", valid_days=7)
    finally:
        await store.close()
    patient = emu.user("Kil")
    async with bot_process(emu, data_dir, hold_at="locator.chosen") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await patient.send_album([sample(name) for name in ALBUM_CLOSE_UP_FIRST])
        await answer_details(patient, "left forearm", "E45 cream")
        await patient.wait_for_text(QUESTION, timeout=30)
        assert query(data_dir, "SELECT COUNT(*) FROM album_photos") == [(3,)]
        came = [row[0] for row in query(
            data_dir, "SELECT id FROM photos WHERE status = 'accepted' ORDER BY id")]
        await patient.tap(text("journey.review.whole_area_close_up_2"))
        await bot.held_at("locator.chosen", timeout=60)
        await bot.kill_9()
    assert not said(patient, text("journey.review.whole_area_moved"))
    assert query(data_dir, "SELECT COUNT(*) FROM album_photos") == [(0,)]

    async with bot_process(emu, data_dir):
        await wait_until_ready(patient)
        await patient.tap(text("journey.review.whole_area_close_up_2"))
        await patient.wait_for_text(text("journey.review.whole_area_done"), timeout=30)
        await patient.wait_until(lambda: has_button(patient, SEND), timeout=10)
        assert query(data_dir, "SELECT id FROM photos WHERE status = 'accepted' AND "
                     "shot = 'locator'") == [(came[2],)]
        # the GP's flags come from the stored checks: each photo is judged for the shot it
        # now is, though the process died before it was judged again
        judged = {shot: json.loads(quality) for shot, quality in query(
            data_dir, "SELECT shot, quality FROM photos WHERE status = 'accepted'")}
        assert {shot: q["judged_as"] for shot, q in judged.items()} == {
            "locator": "locator", "close_up_1": "close_up", "close_up_2": "close_up"}
        framing = next(c for c in judged["locator"]["checks"] if c["name"] == "framing")
        assert framing.get("reason") != "far", "a locator is never flagged as taken too far"


async def test_deleting_a_request_waiting_for_the_answer_erases_what_was_noted(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Del")
    case, _ = await album_to_question(app, team, patient, ALBUM_CLOSE_UP_FIRST)
    assert await store.photos.unordered(case.id)
    await delete_the_request(patient)
    async with store.db.reading() as conn:
        cursor = await conn.execute("SELECT COUNT(*) FROM album_photos")
        assert tuple(await cursor.fetchone() or ()) == (0,)
