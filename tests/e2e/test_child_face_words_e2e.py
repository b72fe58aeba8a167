"""A child's face named in the typed "Exactly where?" ends the request (hazard log H76).

The service takes no images of children where the face can be identified. The "Face or head"
button stops a child before any photo, but a parent who tapped "Neck" and then typed "on his
cheek" for "Exactly where is the rash?" went on to the GP with the photos: only the face check
on each photo guarded it. Now the words of `bot/content/face.toml` stop a child's request at
once for the same criterion, with the family's own kind words, a reason, staff alert and
/invites line of its own, and every photo already sent is deleted. Adults go on (the face is
allowed for adults), and so do the neck, the ears and the scalp, which are not the face.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.domain.face_words import CHILD_FACE_TYPED
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.journey.stop_words import stop_words
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    child_birthday,
    details_and_review,
    first_line,
    parent_agrees,
    read_the_tips,
    send_three,
    shows_answer,
    tap,
    then_says,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import Team, case_of, make_team, stop_reason

App = Application[Any, Any, Any, Any, Any, Any]
NECK = text("journey.screening.site.neck")


def readable(data_dir: Path, secret: bytes) -> bool:
    """True if any file under DATA_DIR holds these bytes, as the files are now."""
    return any(secret in path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


async def child_photos_in(app: App, team: Team, parent: TelegramUser, ref: str) -> list[Path]:
    """A parent opens a 6-year-old's link, both agree, taps "Neck" and sends the 3 photos, up
    to "Exactly where is the rash?"; the photos' files."""
    born = child_birthday(6)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, ref, born.isoformat(),
                                          valid_days=7, gp_member_id=team.gp_member.id)
    await to_consent(parent, token, born.strftime("%d/%m/%Y"))
    await parent_agrees(parent)
    await tap(parent, text("journey.consent.child_yes"),
              worded("journey.screening.is_rash.question", parent=True))
    labels = (SCREENING[0], SCREENING[1], NECK, SCREENING[3])
    expects = ("red_flags", "site", "areas", "eczema")
    for label, expect in zip(labels, expects, strict=True):
        await tap(parent, label, worded(f"journey.screening.{expect}.question", parent=True))
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    await send_three(parent)
    await then_says(parent, first_line("journey.details.where_exactly"))
    case = await case_of(app, parent)
    files = [store.files.path(p.file_name) for p in await store.photos.for_case(case.id)]
    assert len(files) == 3 and all(path.exists() for path in files)
    return files


async def test_a_parent_typing_on_his_cheek_after_neck_stops_and_deletes_the_photos(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """"Neck" tapped, "on his cheek" typed: the request stops at once for the child's-face
    criterion, the parent reads kind words of their own (with the 999 / NHS 111 line and the
    practice to call), the photos are gone, staff are alerted with the reason, and /invites
    says the typed answer named the child's face."""
    team = await make_team(app, emu)
    parent = emu.user("Cheek's dad")
    files = await child_photos_in(app, team, parent, "P-CHEEK")
    await parent.send_text("on his cheek")
    await parent.wait_for_text(text("journey.stop_after_photos.deleted_parent"),
                               timeout=10)
    practice = team.practice
    words = stop_words(CHILD_FACE_TYPED, parent=True, practice=practice.name,
                       phone=practice.phone)
    assert words.startswith(text("journey.stop.child_face_typed_parent",
                                 practice=practice.name, phone=practice.phone))
    assert worded("journey.stop.urgent", parent=True) in words
    assert any(words in (m.text or "") for m in parent.messages)
    assert not any(first_line("journey.details.duration_question") in (m.text or "")
                   for m in parent.messages), "no question after the stop"
    store = services_of(app).store
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == CHILD_FACE_TYPED
    assert not any(path.exists() for path in files)
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    alert = await team.staff.wait_for_text(case.reference, timeout=10)
    assert alert.text == text("inbox.staff.stopped.child_face_typed_after_photos_parent",
                              patient_ref="P-CHEEK", reference=case.reference)
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert text("inbox.staff.ended.child_face_typed") in (listing.text or "")
    assert text("inbox.staff.ended.screening") not in (listing.text or "")
    assert not readable(data_dir, b"his cheek"), "the typed words are not kept anywhere"


@pytest.mark.parametrize("where", ["back of his neck", "behind his ear"])
async def test_a_child_s_neck_or_ear_goes_on(app: App, emu: Emulator, where: str) -> None:
    """The neck and the ears are not the face: the next question comes, the photos stay."""
    team = await make_team(app, emu)
    parent = emu.user("Neck's mum")
    await child_photos_in(app, team, parent, "P-NECK")
    await parent.send_text(where)
    await parent.wait_for_text(worded("journey.details.duration_question", parent=True),
                               timeout=10)
    case = await case_of(app, parent)
    assert case.stage is Stage.DETAILS
    assert len(await services_of(app).store.photos.for_case(case.id)) == 3


async def test_an_adult_typing_on_my_cheek_goes_on(app: App, emu: Emulator) -> None:
    """The face is allowed for adults: "on my cheek" goes on, photos and all."""
    team = await make_team(app, emu)
    patient = emu.user("Adult")
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-ADULT", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await then_says(patient, first_line("journey.details.where_exactly"))
    await patient.send_text("on my cheek")
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    case = await case_of(app, patient)
    assert case.stage is Stage.DETAILS
    assert len(await services_of(app).store.photos.for_case(case.id)) == 3


async def test_a_red_flag_sign_with_the_face_asks_the_red_flags_first_and_yes_gets_help(
    app: App, emu: Emulator
) -> None:
    """"round her eyes and nose": the face (a stop) and the eyes (a red-flag sign) at once.
    The red-flag question comes first, then the stop and the photos deleted; "Yes" to it on
    the stopped request still gives the 999 / NHS 111 advice, and staff are alerted."""
    team = await make_team(app, emu)
    parent = emu.user("Eyes' mum")
    files = await child_photos_in(app, team, parent, "P-EYES")
    check_lead = first_line("journey.red_flag_check.lead_parent")
    await parent.send_text("round her eyes and nose")
    await parent.wait_for_text(text("journey.stop_after_photos.deleted_parent"),
                               timeout=10)
    shown = [m.text or "" for m in parent.messages]
    check = next(i for i, words in enumerate(shown) if check_lead in words)
    stop = next(i for i, words in enumerate(shown)
                if first_line("journey.stop.child_face_typed_parent") in words)
    assert check <= stop, "the red-flag question first"
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == CHILD_FACE_TYPED
    assert not any(path.exists() for path in files)
    await parent.tap(worded("journey.screening.red_flags.yes", parent=True))
    await parent.wait_for_text(first_line("journey.red_flag.ended_parent"), timeout=10)
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_ended",
                                        patient_ref="P-EYES", reference=case.reference),
                                   timeout=10)


async def test_no_to_the_red_flags_asked_with_the_face_stop_is_shown_as_answered(
    app: App, emu: Emulator
) -> None:
    """"swollen face": the red-flag question first, then the stop. "No, none of these" on it
    is shown under the question as answered (not "an old button"); the request stays
    stopped for the face."""
    team = await make_team(app, emu)
    parent = emu.user("Swollen's dad")
    await child_photos_in(app, team, parent, "P-SWOLLEN")
    await parent.send_text("swollen face")
    await parent.wait_for_text(text("journey.stop_after_photos.deleted_parent"),
                               timeout=10)
    check = next(m for m in parent.messages
                 if first_line("journey.red_flag_check.lead_parent") in (m.text or ""))
    no = worded("journey.screening.red_flags.no", parent=True)
    await parent.tap(no)
    await shows_answer(parent, check, no)
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == CHILD_FACE_TYPED
    events = [e.kind for e in await services_of(app).store.audit.for_case(case.id)]
    assert "case.red_flag_rechecked" in events


async def test_the_face_typed_when_changing_exactly_where_at_the_review_stops_too(
    app: App, emu: Emulator
) -> None:
    """"back of her neck" first, then "Exactly where" changed at the review to "her forhead"
    (misspelt): the same stop, and the review album is deleted from the chat."""
    team = await make_team(app, emu)
    parent = emu.user("Review's mum")
    files = await child_photos_in(app, team, parent, "P-FACE-REVIEW")
    await details_and_review(parent, where="back of her neck", parent=True)
    await tap(parent, text("journey.review.change"), text("journey.review.change_which"))
    await tap(parent, text("journey.review.change_where"),
              first_line("journey.details.where_exactly"))
    await parent.send_text("her forhead")
    await parent.wait_for_text(text("journey.stop_after_photos.deleted_parent"),
                               timeout=10)
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == CHILD_FACE_TYPED
    assert not any(path.exists() for path in files)
    album = [m for m in parent.all_messages if m.kind == "photo" and m.media_group_id]
    assert album
    await parent.wait_until(lambda: all(m.deleted for m in album), timeout=10)
