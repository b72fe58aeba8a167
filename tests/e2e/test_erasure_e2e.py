"""Erased means gone, end to end: no copy in any file under DATA_DIR while the bot runs, the
patient chooses which requests /delete erases, staff and GPs see who erased a case, and a
GP's "new photos" racing the erasure writes nothing onto it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.services.retention import purge
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    first_line,
    media_ids,
    send_three,
    tap,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import Team, all_sent, make_team, refer, typed_and_sent

App = Application[Any, Any, Any, Any, Any, Any]
WHERE, TRIED = "behind the left kneecap", "Zorbulon paste from the market"


async def submit(app: App, team: Team, patient: TelegramUser, ref: str) -> Case:
    """Invite this patient for the team's GP and take them all the way to "Sent"."""
    return await typed_and_sent(app, team, patient, ref, WHERE, TRIED)


async def delete_all(patient: TelegramUser) -> None:
    """/delete, and yes: the patient's only request goes."""
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              text("journey.commands.deleted").split("\n")[0])


def readable(data_dir: Path, *secrets: str) -> list[str]:
    """Which secrets can be read in any file under DATA_DIR, as the files are now."""
    found = []
    for path in data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{s} in {path.name}" for s in secrets if s.encode() in data]
    return found


async def test_a_deleted_request_is_in_no_file_under_data_dir_while_the_bot_runs(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    await submit(app, team, patient, "REF-QUOKKA")
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    secrets = ("1980-02-03", "3 February 1980", WHERE, TRIED)
    assert readable(data_dir, *secrets), "the test can see them before the erasure"
    await delete_all(patient)
    await team.gp.wait_for_text("🗑", timeout=20)
    assert readable(data_dir, *secrets) == [], "nothing erased is readable, WAL included"
    assert readable(data_dir, "REF-QUOKKA"), (
        "the practice's own reference stays, so staff know whom to contact")


async def test_a_request_purged_after_retention_is_in_no_file_under_data_dir(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await submit(app, team, patient, "REF-WOMBAT")
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await refer(team.gp)
    await patient.wait_for_text(case.reference, timeout=10)
    store = services_of(app).store
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert readable(data_dir, "REF-WOMBAT", "1980-02-03", WHERE, TRIED) == []


async def test_delete_lets_the_patient_choose_and_staff_see_it_was_their_request(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    referred = await submit(app, team, patient, "P-ONE")
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await refer(team.gp)
    await patient.wait_for_text(referred.reference, timeout=10)
    _, token = await store.invites.create(team.practice.id, "P-TWO", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    current = await store.cases.current_for_patient(patient.id)
    assert current is not None and current.id != referred.id

    await patient.send_command("/delete")
    listing = await patient.wait_for_text(text("journey.delete.several", count=2,
                                               lines="").split("\n")[0])
    shown = listing.text or ""
    assert text("journey.status_words.decided") in shown
    assert text("journey.status_words.close_up_1") in shown
    for secret in (referred.reference, current.reference, "P-ONE", "P-TWO"):
        assert secret not in shown
    await patient.tap(text("journey.delete.pick", number=1))
    await patient.wait_for_text(words("journey.delete.confirm_one"))
    await tap(patient, text("journey.delete.yes_one"),
              text("journey.commands.deleted").split("\n")[0])

    note = await team.gp.wait_for_text("🗑", timeout=20)
    assert referred.reference in (note.text or "")
    assert text("inbox.gp.erased_by_patient") in (note.text or "")
    still = await store.cases.get(current.id)
    assert still is not None and not still.erased_at
    kept = await store.photos.accepted(current.id)
    assert store.files.path(kept["locator"].file_name).exists()

    await team.staff.send_command("/invites")
    overview = await team.staff.wait_for_text(text("inbox.staff.group_erased"))
    assert text("inbox.staff.group_in_progress") in (overview.text or "")


async def test_open_from_an_old_inbox_list_says_the_patient_erased_the_case(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await submit(app, team, patient, "P-300")
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await team.gp.send_command("/inbox")
    listing = await team.gp.wait_for_text(text("inbox.gp.inbox_title"))
    opening = listing.callback_data[text("inbox.gp.open", reference=case.reference)]
    await delete_all(patient)
    await team.gp.wait_for_text("🗑", timeout=20)
    await team.gp.tap_callback(listing.message_id, opening)
    await team.gp.wait_until(lambda: team.gp.callback_answers)
    answer = team.gp.callback_answers[-1]
    assert answer.get("text") == text("inbox.gp.open_erased", reference=case.reference,
                                      why=text("inbox.gp.why_patient"))
    await emu.wait_until_idle()
    assert not any(text("messages.errors.try_again") in (m.text or "")
                   for m in team.gp.messages)
    assert not any(m.kind == "document" for m in team.gp.messages), "nothing was re-sent"


async def test_new_photos_racing_the_patients_delete_write_nothing_onto_the_erased_case(
    app: App, emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    case = await submit(app, team, patient, "P-400")
    await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    mark, release = tmp_path / "held", tmp_path / "go"
    monkeypatch.setenv("BOT_PAUSE_AT", "inbox.new_photos_checked")
    monkeypatch.setenv("BOT_PAUSE_MARK", str(mark))
    monkeypatch.setenv("BOT_PAUSE_RELEASE", str(release))
    await team.gp.tap(text("inbox.gp.ask_photos"))
    unticked = "☐ " + text("inbox.gp.caption_close_up_2")
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap(unticked)
    ticked = "☑ " + text("inbox.gp.caption_close_up_2")
    await team.gp.wait_until(lambda: any(ticked in b for row in question.buttons for b in row))
    await team.gp.tap(text("inbox.gp.next"))
    blurred = text("inbox.gp.reason_blurred")
    why = await team.gp.wait_for_text(text("inbox.gp.why_photos",
                                           shots=text("inbox.gp.caption_close_up_2")))
    assert any(blurred in b for row in why.buttons for b in row)
    answered = len(team.gp.callback_answers)
    await team.gp.tap(blurred)
    await team.gp.wait_until(mark.exists, timeout=10)  # checked the stage; not yet written

    await delete_all(patient)
    assert len(team.gp.callback_answers) == answered, "the GP's tap is still held"
    release.touch()
    await team.gp.wait_until(lambda: len(team.gp.callback_answers) > answered, timeout=10)
    await emu.wait_until_idle()
    assert await store.answers.for_case(case.id) == {}, "no flag rows on the erased case"
    assert not any(item.kind == "patient.new_photos" for item in await store.outbox.for_case(
        case.id))
    asked = text("inbox.patient.new_photos", reference=case.reference, shots="x",
                 reason="y").split("\n")[0]
    assert not any(asked in (m.text or "") for m in patient.messages)
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.stage is Stage.ERASED


async def test_delete_also_deletes_photo_messages_left_in_the_patients_chat(
    app: App, emu: Emulator
) -> None:
    """A photo message the bot could not delete when it kept the photo (Telegram failed once)
    is deleted from the patient's chat when they erase their request."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-400", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    emu.fail_next("deleteMessage", 500)  # Telegram fails once, as the first photo is kept
    await send_three(patient)
    left = media_ids(patient.shown_incoming)
    assert len(left) == 1, "the photo whose deletion failed is still in the chat"
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None

    await delete_all(patient)
    await all_sent(app, case)
    assert media_ids(patient.shown_incoming) == [], "no photo of the patient left in the chat"
    assert set(left) <= set(media_ids(patient.deleted_incoming))
    assert await store.outbox.chat_photos(case.id) == []


async def test_a_request_stopped_by_the_practice_leaves_the_holders_answers_and_photos_nowhere(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """The link reached the wrong person, who sent photos: once staff /stop it, that person's
    photos and answers are in no file under DATA_DIR (WAL included), and they are told so;
    the practice keeps its own reference, to send the right person a new link."""
    team = await make_team(app, emu)
    holder = emu.user("Wrong person")
    case = await submit(app, team, holder, "REF-WOMBAT")
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    store = services_of(app).store
    photo_files = [store.files.path(p.file_name) for p in await store.photos.for_case(case.id)]
    assert photo_files and all(path.exists() for path in photo_files)
    assert readable(data_dir, WHERE, TRIED), "the test can see the answers before the stop"

    await team.staff.send_command("/stop", "REF-WOMBAT")
    await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="REF-WOMBAT"))
    await holder.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)

    assert not any(path.exists() for path in photo_files)
    assert readable(data_dir, WHERE, TRIED) == [], "no answer readable, WAL included"
    assert await store.photos.for_case(case.id) == []
    stopped = await store.cases.get(case.id)
    assert stopped is not None and stopped.stage is Stage.STOPPED
    invite = await store.invites.get(case.invite_id)
    assert invite is not None and invite.patient_ref == "REF-WOMBAT"
