"""An intimate area typed for "Exactly where?" ends the request (safety review, item 1).

The body-area buttons stop "Breast" and "Private parts or bottom" before any photo, but the
typed "Exactly where is the rash?" was not read: a patient who tapped "Arm or hand" and typed
"around my genitals and anus" went through, photos and all. Now the words of
`bot/content/intimate.toml` stop it with the service's intimate-area criterion, with words,
reason, staff alert and /invites line of its own (kind words that say the typed answer stopped
it, never a telling-off after the photos), the question's buttons taken off, and every photo
already sent is deleted (files, rows, the review album in the chat). Words that only look like
one ("breastbone", "bottom of my foot") go on. Hazard log H66.

A misspelt area ("vagna") stops the same way, and so does an area named in the answer to
"What have you tried?", with words of its own saying the rash may be there too. Hazard log
H67. Digits for letters ("p3nis") and everyday words naming the area after "my" ("my
behind") stop too, and "the rear end of my car" goes on. Hazard log H72.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.domain.intimate import INTIMATE_TRIED, INTIMATE_TYPED
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.journey.stop_words import stop_words
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    answer_details,
    child_birthday,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    then_says,
    to_child_eczema_question,
    to_photos,
)
from tests.auxil.e2e.practice import (
    Team,
    case_of,
    make_team,
    stop_reason,
)

App = Application[Any, Any, Any, Any, Any, Any]


async def invite(app: App, team: Team, ref: str) -> str:
    """A link for this team's GP, for an adult."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    return token


def readable(data_dir: Path, secret: bytes) -> bool:
    """True if any file under DATA_DIR holds these bytes, as the files are now."""
    return any(secret in path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


async def photos_in(app: App, team: Team, patient: TelegramUser, ref: str) -> list[Path]:
    """Invite the patient (an adult, "Arm or hand"), send the 3 photos; their files."""
    await to_photos(patient, await invite(app, team, ref))
    await send_three(patient)
    store = services_of(app).store
    case = await case_of(app, patient)
    files = [store.files.path(p.file_name) for p in await store.photos.for_case(case.id)]
    assert len(files) == 3 and all(path.exists() for path in files)
    return files


async def stopped_and_erased(app: App, team: Team, patient: TelegramUser, ref: str,
                             files: list[Path], reason: str = INTIMATE_TYPED) -> None:
    """The request stopped for the intimate-area criterion, with the typed stop's own kind
    words (with the 999 / NHS 111 line and the practice to call), its own reason and staff
    alert (typed after the photos), the question's buttons gone, /invites naming it as typed
    (never "stopped at screening"), and no photo file, photo row or answer left. `reason` is
    the answer's: `INTIMATE_TYPED` for "Exactly where?", `INTIMATE_TRIED` for "What have you
    tried?"."""
    store = services_of(app).store
    practice = team.practice
    name = reason.removeprefix("screen_")
    question = ("journey.details.where_exactly" if reason == INTIMATE_TYPED
                else "journey.details.tried_question")
    await patient.wait_for_text(text("journey.stop_after_photos.deleted"), timeout=10)
    words = stop_words(reason, parent=False, practice=practice.name, phone=practice.phone)
    assert words.startswith(text(f"journey.stop.{name}", practice=practice.name,
                                 phone=practice.phone))
    assert text("journey.stop.urgent") in words
    assert any(words in (m.text or "") for m in patient.messages)
    assert not any(first_line("journey.stop.intimate") in (m.text or "")
                   for m in patient.messages), "not the words of the area tapped before photos"
    asked = [m for m in patient.messages if first_line(question) in (m.text or "")]
    assert asked
    await patient.wait_until(lambda: all(not m.buttons for m in asked), timeout=10)
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == reason
    assert not any(path.exists() for path in files)
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    alert = await team.staff.wait_for_text(case.reference, timeout=10)
    assert alert.text == text(f"inbox.staff.stopped.{name}_after_photos",
                              patient_ref=ref, reference=case.reference)
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert text(f"inbox.staff.ended.{name}") in (listing.text or "")
    assert text("inbox.staff.ended.screening") not in (listing.text or "")


@pytest.mark.parametrize(("name", "ref", "typed", "kept"), [
    # The review finding: "Arm or hand" tapped, "around my genitals and anus" typed.
    ("Ada", "P-TYPED", "Around my GENITALS and anus", b"GENITALS"),
    # Typed on a phone, misspelt (once, "vagina" only as spelt was found and this went to the
    # GP, photos and all).
    ("Di", "P-MISSPELT", "Round my VAGNA 😢", b"VAGNA"),
    # Digits for letters, and an everyday word naming the area after "my" (once, both went
    # to the GP, photos and all: hazard log H72).
    ("Gus", "P-DIGITS", "on my p3nis", b"p3nis"),
    ("Hal", "P-SLANG", "rash on my behind", b"my behind"),
], ids=["spelt", "misspelt", "digits", "slang"])
async def test_an_intimate_area_typed_for_exactly_where_stops_and_deletes_the_photos(
    app: App, emu: Emulator, data_dir: Path, name: str, ref: str, typed: str, kept: bytes
) -> None:
    """An intimate area typed for "Exactly where?", spelt right or not: the request stops at
    once, before any other question, and the photos are gone."""
    team = await make_team(app, emu)
    patient = emu.user(name)
    files = await photos_in(app, team, patient, ref)
    await then_says(patient, first_line("journey.details.where_exactly"))
    await patient.send_text(typed)
    await stopped_and_erased(app, team, patient, ref, files)
    assert not any(first_line("journey.details.duration_question") in (m.text or "")
                   for m in patient.messages), "no question after the stop"
    assert not readable(data_dir, kept), "the typed words are not kept anywhere"


async def test_a_parent_who_types_the_nappy_area_is_told_of_the_childs_gp(
    app: App, emu: Emulator
) -> None:
    """A parent types "up to the nappy area" for "Exactly where?" after the child's photos:
    the stop is worded for the parent, and so is the line after it: the photos will not go
    to their child's GP, not "your GP" (the parent's own; newcomer37)."""
    team = await make_team(app, emu)
    born = child_birthday(9)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-NAPPY", born.isoformat(), valid_days=7,
        gp_member_id=team.gp_member.id)
    parent = emu.user("Nia")
    await to_child_eczema_question(parent, token, born)
    await read_the_tips(parent, worded("journey.screening.eczema.no", parent=True), parent=True)
    await send_three(parent)
    await then_says(parent, first_line("journey.details.where_exactly"))
    await parent.send_text("back of her leg up to the nappy area")
    await parent.wait_for_text(first_line("journey.stop.intimate_typed_parent"), timeout=10)
    await parent.wait_for_text(text("journey.stop_after_photos.deleted_parent"), timeout=10)
    assert not any(text("journey.stop_after_photos.deleted") in (m.text or "")
                   for m in parent.messages), "not 'your GP' to a parent"
    assert (await case_of(app, parent)).stage is Stage.STOPPED


async def test_an_area_named_in_what_was_tried_stops_too(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """"Left forearm" for where, then "cream on my pennis too" for what was tried: the rash
    is on the genitals too. The request stops before the review, with the words for what was
    tried (not "You said the rash is..."), and the photos are gone; the summary never
    comes."""
    team = await make_team(app, emu)
    patient = emu.user("Ed")
    files = await photos_in(app, team, patient, "P-TRIED")
    await answer_details(patient, "left forearm", "E45, and cream on my pennis too")
    await stopped_and_erased(app, team, patient, "P-TRIED", files, INTIMATE_TRIED)
    assert not any(first_line("journey.stop.intimate_typed") in (m.text or "")
                   for m in patient.messages), "not the words for where the rash is"
    assert not any(first_line("journey.review.summary") in (m.text or "")
                   for m in patient.messages), "no review after the stop"
    assert not readable(data_dir, b"pennis"), "the typed words are not kept anywhere"


async def test_an_area_named_when_changing_what_was_tried_at_the_review_stops_too(
    app: App, emu: Emulator
) -> None:
    """"What have you tried" changed at the review to "sudocrem on my bumm": the same stop
    for what was tried, and the review album is deleted from the chat."""
    team = await make_team(app, emu)
    patient = emu.user("Flo")
    files = await photos_in(app, team, patient, "P-TRIED-REVIEW")
    await details_and_review(patient)
    await tap(patient, text("journey.review.change"), text("journey.review.change_which"))
    await tap(patient, text("journey.review.change_tried"),
              first_line("journey.details.tried_question"))
    await patient.send_text("sudocrem on my bumm")
    await stopped_and_erased(app, team, patient, "P-TRIED-REVIEW", files, INTIMATE_TRIED)
    album = [m for m in patient.all_messages if m.kind == "photo" and m.media_group_id]
    await patient.wait_until(lambda: all(m.deleted for m in album), timeout=10)


async def test_a_breast_typed_when_changing_exactly_where_at_the_review_stops_too(
    app: App, emu: Emulator
) -> None:
    """The same words typed when "Exactly where" is changed at the review stop the same way,
    and the review album the bot showed is deleted from the chat."""
    team = await make_team(app, emu)
    patient = emu.user("Bea")
    files = await photos_in(app, team, patient, "P-REVIEW")
    await details_and_review(patient, where="left forearm")
    await tap(patient, text("journey.review.change"), text("journey.review.change_which"))
    await tap(patient, text("journey.review.change_where"),
              first_line("journey.details.where_exactly"))
    await patient.send_text("under my left breast")
    await stopped_and_erased(app, team, patient, "P-REVIEW", files)
    album = [m for m in patient.all_messages if m.kind == "photo" and m.media_group_id]
    await patient.wait_until(lambda: all(m.deleted for m in album), timeout=10)


@pytest.mark.parametrize("where", ["breastbone", "bottom of my foot", "bottom of my back",
                                   "bottoms of my feet", "a funny patch on my tennis elbow",
                                   "I scraped it on the rear end of my car",
                                   "bits of dry skin behind my knee"])
async def test_words_that_only_look_intimate_go_on(
    app: App, emu: Emulator, where: str
) -> None:
    """No false stop: "breastbone" is not "breast", "bottom of my foot" or "of my back" is
    not the bottom, nor "the rear end of my car", "bits of dry skin" or "behind my knee" (once
    stopped, H72). The next question comes and the photos stay."""
    team = await make_team(app, emu)
    patient = emu.user("Cy")
    await photos_in(app, team, patient, "P-FINE")
    await then_says(patient, first_line("journey.details.where_exactly"))
    await patient.send_text(where)
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    case = await case_of(app, patient)
    assert case.stage is Stage.DETAILS
    assert len(await services_of(app).store.photos.for_case(case.id)) == 3
    assert (await services_of(app).store.answers.for_case(case.id))["detail.where"] == where
