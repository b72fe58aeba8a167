"""Erased means gone, byte for byte: after a patient's "Delete all", a staff /stop or the
retention purge, no file under DATA_DIR (the database, its WAL and free pages, photo files,
temporary files, whatever else the bot keeps) holds a word the patient typed, any stretch of a
photo's bytes as received or as kept, or of the referral pack the GP was sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.services.retention import purge
from bot.store.models import Case
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import first_line, tap, to_photos, words
from tests.auxil.e2e.practice import (
    Team,
    all_sent,
    make_team,
    refer,
    typed_and_sent,
    typed_to_review,
)

App = Application[Any, Any, Any, Any, Any, Any]
MARKER_WHERE, MARKER_TRIED = "QXZ-WHERE-7731", "QXZ-TRIED-5519"
SENT = ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg")
WINDOW = 64
"""Bytes taken from the middle of each photo or pack: far too many to occur by chance."""


def middle(data: bytes) -> bytes:
    start = len(data) // 2
    return data[start:start + WINDOW]


def found_in(data_dir: Path, needles: dict[str, bytes]) -> list[str]:
    """Which needles occur in which file under DATA_DIR, every file read as bytes."""
    found = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{name} in {path.relative_to(data_dir)}"
                      for name, needle in needles.items() if needle in data]
    return found


async def traces(app: App, case: Case) -> dict[str, bytes]:
    """What of this case must go: the typed words, the photos as sent and as kept, the pack."""
    store = services_of(app).store
    needles = {"typed where": MARKER_WHERE.encode(), "typed tried": MARKER_TRIED.encode()}
    needles |= {f"sent {name}": middle(sample(name)) for name in SENT}
    for photo in await store.photos.for_case(case.id):
        needles[f"kept {photo.shot}"] = middle(store.files.path(photo.file_name).read_bytes())
    built = await store.submission_files.get(case.id, case.submissions or 1)
    assert built is not None and built.pack is not None, "the pack was built for the GP"
    needles["pack"] = middle(built.pack)
    needles["pack head"] = built.pack[len(built.pack) // 4:len(built.pack) // 4 + WINDOW]
    return needles


async def submit(app: App, team: Team, patient: Any) -> Case:
    """Invite this patient for the team's GP and take them to "Sent", typing the markers."""
    return await typed_and_sent(app, team, patient, "REF-BYTES", MARKER_WHERE, MARKER_TRIED)


@pytest.mark.parametrize("how", ["patient deletes", "practice stops", "retention purge"])
async def test_an_erased_case_leaves_no_byte_of_its_words_photos_or_pack_under_data_dir(
    app: App, emu: Emulator, data_dir: Path, how: str
) -> None:
    team: Team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await submit(app, team, patient)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    store = services_of(app).store
    case = await store.cases.get(case.id) or case
    needles = await traces(app, case)
    before = found_in(data_dir, needles)
    assert {n.split(" in ")[0] for n in before} >= {
        "typed where", "typed tried", "kept locator", "pack"}, before

    if how == "patient deletes":
        await patient.send_command("/delete")
        await patient.wait_for_text(words("journey.delete.one"))
        await tap(patient, text("journey.commands.delete_yes"),
                  text("journey.commands.deleted").split("\n")[0])
    elif how == "practice stops":
        await team.staff.send_command("/stop", "REF-BYTES")
        await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
        await team.staff.tap(text("inbox.staff.stop_button", patient_ref="REF-BYTES"))
        await patient.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    else:
        await refer(team.gp)
        await patient.wait_for_text(case.reference, timeout=10)
        assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    await all_sent(app, case)
    await emu.wait_until_idle()

    assert found_in(data_dir, needles) == []



async def test_what_a_patient_sends_after_deleting_their_request_is_not_kept(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """After "Delete all" the patient sends a photo, a file and a few words: they are told the
    request ended, and none of it is in any file under DATA_DIR."""
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    await submit(app, team, patient)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              text("journey.commands.deleted").split("\n")[0])
    before = len(patient.all_messages)

    late = sample("close-up-good-2.jpg")
    await patient.send_photo(late)
    await patient.wait_until(lambda: len(patient.all_messages) > before, timeout=10)
    await patient.send_document(late, "late.jpg", "image/jpeg")
    await patient.wait_until(lambda: len(patient.all_messages) > before + 1, timeout=10)
    await patient.send_text("QXZ-LATE-4471 it is worse now")
    await patient.wait_until(lambda: len(patient.all_messages) > before + 2, timeout=10)
    await emu.wait_until_idle()

    replies = "\n".join(m.text or "" for m in patient.all_messages[before:])
    assert "REF-BYTES" not in replies
    assert found_in(data_dir, {"late photo": middle(late), "late words": b"QXZ-LATE-4471"}) == []


async def test_a_photo_being_saved_as_the_practice_stops_the_request_is_not_left_on_disk(
    app: App, emu: Emulator, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patient's photo is checked and its file written just as staff /stop the request
    (the link reached the wrong person): the file goes at once, not at the next erasure or
    purge, and the sender is told the request was stopped, not "something went wrong...
    everything you have sent so far is saved"."""
    team = await make_team(app, emu)
    store = services_of(app).store
    holder = emu.user("Wrong person")
    _, token = await store.invites.create(team.practice.id, "REF-RACE", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(holder, token)
    mark, release = tmp_path / "held", tmp_path / "go"
    monkeypatch.setenv("BOT_PAUSE_AT", "photo.file_written")
    monkeypatch.setenv("BOT_PAUSE_MARK", str(mark))
    monkeypatch.setenv("BOT_PAUSE_RELEASE", str(release))
    photo = sample("locator-good.jpg")
    await holder.send_document(photo, "a.jpg", "image/jpeg")
    await holder.wait_until(mark.exists, timeout=20)  # its file written, no row yet
    kept = [p for p in (data_dir / "photos").rglob("*") if p.is_file()]
    assert kept, "the test holds the bot with the photo's file on disk"
    needles = {"kept photo": middle(kept[0].read_bytes())}

    await team.staff.send_command("/stop", "REF-RACE")
    await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="REF-RACE"))
    await holder.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    before = len(holder.all_messages)
    release.touch()
    await holder.wait_until(lambda: len(holder.all_messages) > before, timeout=20)
    await emu.wait_until_idle()

    said = [m.text or "" for m in holder.all_messages[before:]]
    assert found_in(data_dir, needles) == []
    assert not [s for s in said if words("messages.errors.try_again") in s], said


async def test_buttons_left_in_the_chat_after_delete_do_nothing_to_the_erased_request(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """Deleted at the review: any button still on an earlier message (the review's Send, a
    question's answers) is answered without acting, and writes nothing back."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    case = await typed_to_review(app, team, patient, "REF-TAPS", MARKER_WHERE, MARKER_TRIED)
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              text("journey.commands.deleted").split("\n")[0])
    await emu.wait_until_idle()
    left = [(m.message_id, data) for m in patient.all_messages for row in m.buttons
            for data in row]
    assert left, "the review's buttons are still on screen"
    before = len(patient.all_messages)
    for _, label in left:
        if not any(label in row for m in patient.all_messages for row in m.buttons):
            continue  # taken off by an earlier tap
        answered = len(patient.callback_answers)
        await patient.tap(label)
        await patient.wait_until(lambda n=answered: len(patient.callback_answers) > n,
                                 timeout=10)
        assert patient.callback_answers[-1].get("text") in (
            text("journey.input.old_button"), text("journey.input.done_button")), label
    await emu.wait_until_idle()
    assert patient.all_messages[before:] == [], "a note on the tap, nothing sent"
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.erased_at and erased.submissions == 0
    assert await store.answers.for_case(case.id) == {}
    assert found_in(data_dir, {"where": MARKER_WHERE.encode()}) == []
