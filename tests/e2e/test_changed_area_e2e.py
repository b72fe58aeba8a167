"""Photos and a body area changed at the review, end to end through the emulator: the patient
is asked whether the photos show the new area; Yes keeps them, No deletes them (rows, files,
the album in the chat) and asks for all 3 again; the GP never gets photos labelled with an area
the patient did not confirm them for or retake them for (hazard log H30)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store import Store, open_store
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.held_process import bot_process, files_under, query, wait_until_ready
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    then_says,
    to_photos,
)
from tests.auxil.e2e.practice import CAPTIONS, Team, is_photo, make_team, mirrored

App = Application[Any, Any, Any, Any, Any, Any]
LEG = text("journey.screening.site.leg")


def say(key: str, **values: object) -> str:
    """Patient words from journey.toml."""
    return text(f"journey.{key}", **values)


def asks_about(area: str) -> str:
    """The question whether the photos show the new area."""
    return say("review.photos_area", area=area)


def album(patient: TelegramUser) -> list[SentMessage]:
    """The photos the bot sent back to the patient as an album (the review), deleted or not."""
    return [m for m in patient.all_messages if m.kind == "photo" and m.media_group_id]


async def at_review(app: App, emu: Emulator, ref: str) -> tuple[Team, TelegramUser, Case]:
    """A patient of a team's GP who took 3 photos of the arm ("left forearm"), at the review
    with the album shown."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, ref, "1980-02-03", valid_days=7,
                                          gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where="left forearm")
    await patient.wait_until(lambda: len(album(patient)) == 3, timeout=10)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.REVIEW
    return team, patient, case


async def change_site(patient: TelegramUser, area: str, where: str) -> SentMessage:
    """At the review: change "Where" to `area` (its button), type exactly where; the bot's
    answer, which asks whether the photos show it."""
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_site"), say("screening.site.question"))
    await tap(patient, area, first_line("journey.review.ask_again"))
    await patient.send_text(where)
    return await patient.wait_for_text(asks_about(f"{area} ({where})"), timeout=10)


async def change_site_to_leg(patient: TelegramUser, where: str) -> SentMessage:
    """At the review: change "Where" to the leg, type exactly where; the bot's answer."""
    return await change_site(patient, LEG, where)


async def kept_files(store: Store, case: Case) -> dict[str, bytes]:
    """The bytes of the photo standing for each shot now."""
    return {shot: store.files.read(photo.file_name)
            for shot, photo in (await store.photos.accepted(case.id)).items()}


async def gp_photos(team: Team, case: Case) -> tuple[SentMessage, list[SentMessage]]:
    """The summary and the 3 labelled photos the GP received for the case."""
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    await team.gp.wait_until(lambda: len([m for m in team.gp.messages if is_photo(m)]) == 3,
                             timeout=20)
    return summary, [m for m in team.gp.messages if is_photo(m)]


async def events(store: Store, case: Case, kind: str) -> list[dict[str, Any]]:
    """The details of the case's audit events of this kind."""
    return [json.loads(e.detail or "{}") for e in await store.audit.for_case(case.id)
            if e.kind == kind]


async def test_a_changed_area_asks_whether_the_photos_show_it_and_yes_keeps_them(
    app: App, emu: Emulator
) -> None:
    """"Where" changed from arm to leg after the photos: one question names the new area;
    Yes keeps the photos, is in the case's event log without the area, and the GP gets the
    same photos under the new area."""
    store = services_of(app).store
    team, patient, case = await at_review(app, emu, "P-YES")
    before = await kept_files(store, case)

    asked = await change_site_to_leg(patient, "back of left knee")
    assert asked.text == f"{say('review.changed')}\n\n{asks_about(f'{LEG} (back of left knee)')}"
    assert asked.buttons == [[say("review.photos_area_yes")], [say("review.photos_area_no")],
                             [say("review.change")]]
    summary = await tap(patient, say("review.photos_area_yes"), say("review.photos_kept"))
    assert f"{LEG}" in (summary.text or "") and "back of left knee" in (summary.text or "")
    assert await kept_files(store, case) == before, "the same photos, none deleted"
    confirmed = await events(store, case, "photos.area_confirmed")
    assert confirmed == [{"photos": 3}], "recorded, with no words the patient typed"

    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    gp_summary, photos = await gp_photos(team, case)
    await team.gp.wait_until(lambda: "back of left knee" in (gp_summary.text or ""))
    assert f"{LEG} (back of left knee)" in (gp_summary.text or "")
    assert [m.file_bytes for m in photos] == [before[s] for s in ("locator", "close_up_1",
                                                                  "close_up_2")]
    assert [m.text for m in photos] == CAPTIONS


async def test_no_deletes_the_old_photos_and_the_gp_gets_only_the_new_ones_for_the_new_area(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """No: the old photos go (rows, files, the review album in the chat); the 3 photos are
    asked for again in order with the usual checks (a blurred one is sent back); the GP gets
    the new photos, none of the old ones, under the new area, in the chat and in the pack."""
    store = services_of(app).store
    team, patient, case = await at_review(app, emu, "P-NO")
    old_rows = await store.photos.for_case(case.id)
    old_files = [store.files.path(p.file_name) for p in old_rows]
    old_bytes = {path.read_bytes() for path in old_files}
    assert len(old_files) == 3 and all(path.exists() for path in old_files)

    await change_site_to_leg(patient, "left shin")
    await patient.tap(say("review.photos_area_no"))
    told = await patient.wait_for_text(say("review.photos_deleted", area=f"{LEG} (left shin)"),
                                       timeout=10)
    await patient.wait_for_text(taken_again("locator", 1, 3), timeout=10)
    assert await store.photos.for_case(case.id) == []
    assert not any(path.exists() for path in old_files), "the files too"
    await patient.wait_until(lambda: all(m.deleted for m in album(patient)), timeout=10)
    moved = await store.cases.get(case.id)
    assert moved is not None and moved.stage is Stage.LOCATOR
    assert await events(store, case, "photos.discarded") == [
        {"photos": 3, "reason": "photos_of_another_area"}]
    assert "left shin" not in json.dumps([e.detail for e in await store.audit.for_case(case.id)
                                          if e.kind.startswith("photos.")])

    await patient.send_document(sample("close-up-blurred.jpg"), "x.jpg", "image/jpeg")
    await patient.wait_for_text(say("photos.retake"), timeout=15)  # the usual checks
    for number, (shot, name) in enumerate((("locator", "locator-good.jpg"),
                                           ("close_up_1", "close-up-good.jpg"),
                                           ("close_up_2", "close-up-good-2.jpg")), start=1):
        if number > 1:
            await then_says(patient, taken_again(shot, number, 3))
        await patient.send_document(mirrored(name), f"{shot}.jpg", "image/jpeg")
        which = say("photos.which_again", number=number, count=3)
        await patient.wait_for_text(say("photos.accepted_again", which=which), timeout=15)
    review = await then_says(patient, first_line("journey.review.summary"))
    assert "left shin" in (review.text or "") and told.message_id < review.message_id
    new = await kept_files(store, case)
    assert len(new) == 3 and not old_bytes & set(new.values())

    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    gp_summary, photos = await gp_photos(team, case)
    await team.gp.wait_until(lambda: "left shin" in (gp_summary.text or ""))
    assert f"{LEG} (left shin)" in (gp_summary.text or "")
    assert "forearm" not in " ".join(m.text or "" for m in team.gp.messages)
    assert [m.file_bytes for m in photos] == [new[s] for s in ("locator", "close_up_1",
                                                               "close_up_2")]
    assert not old_bytes & {m.file_bytes for m in photos}, "no photo of the old area"
    pack = await team.gp.wait_for(lambda m: m.kind == "document" and not is_photo(m),
                                  timeout=20)
    assert not any(data in (pack.file_bytes or b"") for data in old_bytes)


async def test_changing_the_area_back_asks_nothing_and_an_old_button_confirms_no_other_area(
    app: App, emu: Emulator
) -> None:
    """A Yes under the question about one new area does not confirm another area given
    since; Send under the old review asks the question first; changing the area back to
    the one the photos were taken for asks nothing."""
    store = services_of(app).store
    team, patient, case = await at_review(app, emu, "P-BACK")
    review = patient.last_message
    assert review is not None
    old_send = review.callback_data[say("review.send")]
    first = await change_site_to_leg(patient, "back of left knee")
    old_yes = first.callback_data[say("review.photos_area_yes")]

    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_where"), say("details.where_exactly"))
    await patient.send_text("left shin")
    second = await patient.wait_for_text(asks_about(f"{LEG} (left shin)"), timeout=10)
    await patient.tap_callback(first.message_id, old_yes)
    again = await patient.wait_for(lambda m: m.message_id > second.message_id, timeout=10)
    assert again.text == asks_about(f"{LEG} (left shin)"), "asked about the area now"
    assert await events(store, case, "photos.area_confirmed") == []

    await patient.tap_callback(review.message_id, old_send)
    await patient.wait_for_text(
        f"{say('review.answer_first')}\n\n{asks_about(f'{LEG} (left shin)')}", timeout=10)
    assert (await store.cases.get(case.id)).stage is Stage.REVIEW  # type: ignore[union-attr]

    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_site"), say("screening.site.question"))
    await tap(patient, say("screening.site.arm"), first_line("journey.review.ask_again"))
    await patient.send_text("Left forearm")
    back = await patient.wait_for_text(say("review.changed"), timeout=10)
    assert say("review.send") in [label for row in back.buttons for label in row]
    assert not any(first_line("journey.review.photos_area") in (m.text or "")
                   for m in patient.messages if m.message_id >= back.message_id)
    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    gp_summary, photos = await gp_photos(team, case)
    await team.gp.wait_until(lambda: "Left forearm" in (gp_summary.text or ""))
    assert len(photos) == 3


async def test_after_yes_a_new_photo_is_of_the_new_area_so_going_back_asks_again(
    app: App, emu: Emulator
) -> None:
    """Photos confirmed for the leg, then photo 1 replaced (a photo of the leg): changing the
    area back to the arm now asks, as the photos no longer all show the arm."""
    store = services_of(app).store
    _, patient, case = await at_review(app, emu, "P-MIX")
    await change_site_to_leg(patient, "left shin")
    await tap(patient, say("review.photos_area_yes"), say("review.photos_kept"))
    await tap(patient, say("review.replace"), say("review.which"))
    await tap(patient, say("review.replace_locator"), taken_again("locator"))
    await patient.send_document(mirrored("locator-good.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(
        say("photos.accepted_again", which=say("photos.which_again_one")), timeout=15)
    await then_says(patient, first_line("journey.review.summary"))

    await change_site(patient, say("screening.site.arm"), "left forearm")
    arm = f"{say('screening.site.arm')} (left forearm)"
    await tap(patient, say("review.photos_area_no"), say("review.photos_deleted", area=arm))
    assert await store.photos.for_case(case.id) == []


async def test_photos_of_another_area_killed_half_deleted_are_gone_after_a_restart(
    emu: Emulator, data_dir: Path
) -> None:
    """The real `python -m bot run`, killed (SIGKILL) once No has deleted the old photos in
    the database but not yet their files: the next start removes the files, and the patient
    is asked for photo 1 of the 3 new ones, not shown the old review."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        _, token = await store.invites.create(practice.id, "P-KILL", "1980-02-03",
                                              valid_days=7)
    finally:
        await store.close()
    patient = emu.user("Ada")
    photos = data_dir / "photos"
    async with bot_process(emu, data_dir, hold_at="erasure.committed") as bot:
        await wait_until_ready(patient)
        await to_photos(patient, token)
        await send_three(patient)
        await details_and_review(patient, where="left forearm")
        old = files_under(photos)
        assert len(old) == 3
        await change_site_to_leg(patient, "left shin")
        await patient.tap(say("review.photos_area_no"))
        await bot.held_at("erasure.committed")
        await bot.kill_9()
    assert all(path.exists() for path in old), "killed before the files were removed"
    assert query(data_dir, "SELECT COUNT(*) FROM photos") == [(0,)]
    assert query(data_dir, "SELECT COUNT(*) FROM file_deletions") == [(3,)]

    async with bot_process(emu, data_dir):
        await patient.send_command("/status")
        await patient.wait_for_text(taken_again("locator", 1, 3), timeout=90)
        assert files_under(photos) == [], "start-up removed the old photos"
    assert query(data_dir, "SELECT COUNT(*) FROM file_deletions") == [(0,)]


async def test_after_yes_changing_back_to_the_area_first_given_asks_again(
    app: App, emu: Emulator
) -> None:
    """The arm was a mis-tap: the photos are of the leg, and the patient says so (Yes). A later
    change back to the arm must ask again, or leg photos would reach the GP as the arm."""
    _, patient, _ = await at_review(app, emu, "P-TAP")
    await change_site_to_leg(patient, "left shin")
    await tap(patient, say("review.photos_area_yes"), say("review.photos_kept"))

    await change_site(patient, say("screening.site.arm"), "left forearm")
