"""A parent's own request and their child's on one account, and a child's request worded for
the parent, end to end through the emulator (the newcomer's findings in the sandbox).

1. A GP asks for a new photo on the parent's own request while their child's waits at photo
   1: the bot asks which request each photo is for, naming each as the parent knows it (whose
   it is, the body area, when it was started), and files it only where the parent says.
2. A child's request says to keep the face out before the first photo, and speaks to the
   parent (the greeting, screening, the review, Send, the receipt, /status, the two-week-wait
   message, which names the request as other messages do); the staff's urgent task asks
   them to phone the parent or carer.
3. The GP's note on a photo counts the refused tries before it (a child's face, a 20 MB
   file) with their reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from telegram.ext import Application

from bot.content import text
from bot.domain.dates import said
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.formatting import render as shown_as
from bot.emulator.users import TelegramUser
from bot.quality import dataset, render
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    then_says,
    to_child_eczema_question,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import CAPTIONS, Team, make_team
from tests.auxil.requests import request_button, request_named

App = Application[Any, Any, Any, Any, Any, Any]
OVER_20_MB = 21 * 1024 * 1024


async def invite(app: App, team: Team, ref: str, dob: str = "1980-02-03") -> str:
    """A link for this team's GP."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, dob, valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def born(app: App, case: Case) -> date:
    """The date of birth on the case's invite (the one the parent typed and confirmed)."""
    assert case.invite_id is not None
    invite = await services_of(app).store.invites.get(case.invite_id)
    assert invite is not None
    return date.fromisoformat(invite.date_of_birth)


async def child_button(app: App, child: Case, *, siblings: bool = False) -> str:
    """A child's request on a "which request is this photo for?" button: with the child's
    date of birth only while another child's request waits for a photo too (`siblings`)."""
    return request_button(child, "child", born=await born(app, child) if siblings else None)


def child_named(child: Case) -> str:
    """A child's request in a sentence (never with the date of birth)."""
    return request_named(child, "child")


async def current(app: App, patient: TelegramUser) -> Case:
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


async def kept(app: App, case: Case) -> list[str]:
    """The shots of the case's accepted photos, in the order they came."""
    return [p.shot for p in await services_of(app).store.photos.for_case(case.id)
            if p.status == "accepted"]


async def to_childs_photos(app: App, team: Team, parent: TelegramUser, years: int = 9,
                           ref: str = "CHILD") -> Case:
    """A parent opens their child's link (9 years old) and reaches photo 1 (rash on the arm)."""
    born = child_birthday(years)
    await to_child_eczema_question(parent, await invite(app, team, ref, born.isoformat()),
                                   born)
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    child = await current(app, parent)
    assert child.stage is Stage.LOCATOR and child.consent_by == "parent"
    return child


async def ask_new_close_up_2(team: Team, reference: str) -> None:
    """The GP asks for a new close-up 2 on the case with this reference."""
    summary = await team.gp.wait_for_text(reference, timeout=20)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await team.gp.tap(text("inbox.gp.ask_photos"))
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    assert question.message_id > summary.message_id
    await team.gp.tap(f"☐ {CAPTIONS[2]}")
    await team.gp.wait_until(lambda: any(f"☑ {CAPTIONS[2]}" in row
                                         for row in question.buttons), timeout=10)
    await team.gp.tap(text("inbox.gp.next"))
    await team.gp.wait_for_text(first_line("inbox.gp.why_photos"), timeout=10)
    await team.gp.tap(text("inbox.gp.reason_blurred"))


async def test_each_photo_goes_to_the_request_the_parent_chooses_never_the_other(
    app: App, emu: Emulator
) -> None:
    """The finding: an adult's chest photo was filed as photo 1 of the child's request. Now
    both requests wait for a photo, so the bot asks, with buttons naming each request as the
    parent knows it, and files the photo where the parent taps; the next photo, for the
    child, is asked about too, and goes to the child's. /delete tells them apart."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    await to_photos(parent, await invite(app, team, "PARENT"))
    await send_three(parent)
    await details_and_review(parent)
    await tap(parent, text("journey.review.send"), first_line("journey.receipt.text"))
    own = await current(app, parent)
    child = await to_childs_photos(app, team, parent)
    await ask_new_close_up_2(team, own.reference)

    offer = await parent.wait_for_text(words("journey.cases.gp_asked_other"), timeout=10)
    assert request_named(own, "own") in (offer.text or "")
    assert own.reference not in (offer.text or ""), "a reference the parent never saw"

    await parent.send_photo(sample("close-up-good-2.jpg"))
    asked = await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    assert sorted(asked.buttons) == sorted([[await child_button(app, child)],
                                            [request_button(own, "own")],
                                            [text("journey.cases.photo_for_none")]])
    assert await kept(app, child) == [], "nothing filed before the parent chooses"
    await parent.tap(request_button(own, "own"))
    filed = await parent.wait_for_text(text("journey.cases.filed",
                                            request=request_named(own, "own")), timeout=15)
    assert text("journey.photos.accepted_again",
                which=text("journey.photos.which_again_one")) in (filed.text or "")
    assert await kept(app, own) == ["locator", "close_up_1", "close_up_2"]
    assert len(await services_of(app).store.photos.for_case(own.id)) == 4, "a new close-up 2"
    assert await kept(app, child) == []

    # The parent's own request is back at its review; the child's still waits for photo 1.
    await parent.send_photo(sample("locator-good.jpg"))
    asked = await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    assert sorted(asked.buttons) == sorted([[await child_button(app, child)],
                                            [text("journey.cases.photo_for_none")]])
    await parent.tap(await child_button(app, child))
    await parent.wait_for_text(text("journey.cases.filed",
                                    request=child_named(child)), timeout=15)
    assert await kept(app, child) == ["locator"]
    assert len(await services_of(app).store.photos.for_case(own.id)) == 4

    await parent.send_command("/delete")
    listing = await parent.wait_for_text(words("journey.delete.several"), timeout=10)
    for number, (case, whose) in enumerate(((own, "own"), (child, "child")), start=1):
        named = (child_named(case) if whose == "child"
                 else request_named(case, whose))
        state = text(f"journey.status_words.{(await current_of(app, case)).stage.value}")
        assert text("journey.delete.line", number=number,
                    request=named[0].upper() + named[1:], state=state) in (listing.text or "")


async def current_of(app: App, case: Case) -> Case:
    found = await services_of(app).store.cases.get(case.id)
    assert found is not None
    return found


async def test_none_of_these_files_the_photo_nowhere(app: App, emu: Emulator) -> None:
    """A photo sent while the parent is at the consent of their own new request, with only
    the child's request waiting for photos, is not taken for the child's unasked: "None of
    these" files it nowhere and takes it off the chat."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    child = await to_childs_photos(app, team, parent)
    await to_consent(parent, await invite(app, team, "PARENT"))
    own = await current(app, parent)
    assert own.stage is Stage.CONSENT and own.id != child.id
    photo = await parent.send_photo(sample("locator-good.jpg"))
    asked = await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    assert sorted(asked.buttons) == sorted([[await child_button(app, child)],
                                            [text("journey.cases.photo_for_none")]])
    assert photo["message_id"] in [m["message_id"] for m in parent.shown_incoming]
    await parent.tap(text("journey.cases.photo_for_none"))
    await parent.wait_for_text(text("journey.cases.photo_not_used"), timeout=10)
    await parent.wait_until(lambda: photo["message_id"] not in
                            [m["message_id"] for m in parent.shown_incoming], timeout=10)
    assert await kept(app, child) == []
    assert (await current_of(app, child)).stage is Stage.LOCATOR


def face_photo(seed: int) -> bytes:
    """A photo with a face in it (rendered, as the quality engine's own dataset does)."""
    rng = np.random.default_rng(seed)
    return render.jpeg(render.camera(dataset.photo_scene(rng, "astronaut", 960, 1280), rng))


async def test_a_childs_request_warns_about_the_face_first_speaks_to_the_parent_and_the_gp_sees_each_refusal(  # noqa: E501
    app: App, emu: Emulator
) -> None:
    """Before photo 1 of a child's request the parent is told to keep the face out; the
    greeting, the screening, the review, the Send button, the receipt, /status and the
    two-week-wait message speak to the parent about their child, the last naming the request
    as other messages do; the staff's urgent task asks them to phone the parent or carer;
    two face photos and a 20 MB file refused before the locator are retakes, with their
    reasons, in the GP's summary."""
    team = await make_team(app, emu)
    parent = emu.user("Mum")
    await to_childs_photos(app, team, parent)
    said = [m.text or "" for m in parent.all_messages]
    for key in ("journey.screening.intro", "journey.invite.welcome"):
        for_parent = worded(key, parent=True, practice=team.practice.name)
        assert for_parent != text(key, practice=team.practice.name)
        assert any(for_parent in m for m in said)
        assert not any(text(key, practice=team.practice.name) in m for m in said)
    prompt = await then_says(parent, first_line("journey.photos.locator"))
    assert (prompt.text or "") == worded("journey.photos.locator_child", parent=True)

    for seed in (3, 3):
        await parent.send_document(face_photo(seed), "IMG_2001.jpg", "image/jpeg")
        await parent.wait_for_text(first_line("journey.photos.child_face"), timeout=15)
        parent.skip_to_end()
    await parent.send_document(sample("locator-good.jpg") + bytes(OVER_20_MB), "IMG_0042.JPG",
                               "image/jpeg", with_size=False)
    await parent.wait_for_text(text("journey.photos.too_big"), timeout=20)
    await send_three(parent)
    assert any(worded("journey.photos.face_out", parent=True) in (m.text or "")
               for m in parent.all_messages), "the close-ups say it again"
    await details_and_review(parent, parent=True)
    review = parent.last_message
    assert review is not None
    assert [worded("journey.review.send", parent=True)] in review.buttons
    assert [text("journey.review.send")] not in review.buttons
    ask = text("journey.review.summary").rsplit("\n", 1)[1]
    assert ask not in (review.text or "")
    assert worded("journey.review.summary", parent=True).rsplit("\n", 1)[1] in (
        review.text or "")
    case = await current(app, parent)
    await tap(parent, worded("journey.review.send", parent=True),
              f"{case.reference}")
    assert parent.last_message is not None
    assert parent.last_message.text == worded(
        "journey.receipt.text", parent=True, practice=team.practice.name,
        reference=case.reference, phone=team.practice.phone)

    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    face = text("inbox.gp.retake_reason_times", reason=text("inbox.gp.refused_child_face"),
                count=2)
    notes = text("inbox.gp.flag_retakes", count=3,
                 reasons=text("inbox.gp.retake_join").join(
                     [face, text("inbox.gp.refused_file_too_big")]))
    assert text("inbox.gp.flag_line", shot=CAPTIONS[0], notes=notes) in (summary.text or "")
    assert text("inbox.gp.no_flags") not in (summary.text or "")

    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    await team.gp.tap(text("inbox.gp.appointment"))
    await team.gp.wait_until(lambda: [text("inbox.gp.urgent")] in summary.buttons or any(
        text("inbox.gp.urgent") in row for row in summary.buttons), timeout=10)
    await team.gp.tap(text("inbox.gp.urgent"))
    await team.gp.wait_for_text(worded("inbox.gp.urgent_confirm", parent=True,
                                       reference=case.reference), timeout=10)
    await team.gp.tap(text("inbox.gp.urgent_yes"))
    told = await parent.wait_for_text(f"({case.reference})", timeout=10)
    assert told.text == worded("inbox.patient.urgent", parent=True, reference=case.reference,
                               practice=team.practice.name, phone=team.practice.phone,
                               request=child_named(case))
    task = await team.staff.wait_for_text(case.reference, timeout=10)
    assert task.text == worded("inbox.staff.urgent_task", parent=True, patient_ref="CHILD",
                               reference=case.reference, gp=team.gp_member.display_name)
    assert task.text != text("inbox.staff.urgent_task", patient_ref="CHILD",
                             reference=case.reference, gp=team.gp_member.display_name)
    parent.skip_to_end()
    await parent.send_command("/status")
    status = await parent.wait_for_text(first_line("journey.commands.status"), timeout=10)
    assert worded("journey.status_words.decided", parent=True) in (status.text or "")
    assert text("journey.status_words.decided") not in (status.text or "")


async def test_the_invite_sms_for_a_young_child_speaks_to_the_parent(
    app: App, emu: Emulator
) -> None:
    """The SMS staff send with a 9-year-old's link asks for photos of the child's rash; an
    adult's still asks for photos of their own."""
    team = await make_team(app, emu)
    for ref, born, key in (("P-KID", child_birthday(9).strftime("%d/%m/%Y"), "sms_parent"),
                           ("P-ADULT", "03/02/1980", "sms")):
        await team.staff.send_command("/invite")
        await team.staff.wait_for_text(first_line("inbox.staff.invite_ask"))
        await team.staff.send_text(f"{ref} {born}")
        await team.staff.wait_for_text(words("inbox.staff.invite_made"))
        sms = await team.staff.next_message()
        other = "sms" if key == "sms_parent" else "sms_parent"
        assert words(f"inbox.staff.{key}") in (sms.text or "")
        assert words(f"inbox.staff.{other}") not in (sms.text or "")
        await team.staff.next_message()  # the QR code


async def test_a_held_photo_goes_from_the_chat_when_the_parent_deletes_everything(
    app: App, emu: Emulator
) -> None:
    """Reviewer: a photo held for the parent's choice of request was never noted as left in
    the chat, so /delete (all) told the parent their photos were deleted while it stayed in
    the chat for ever. Now it is noted against each request waiting while held, and /delete
    drops it and takes it off the chat; the old question then says the photo is gone."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    child = await to_childs_photos(app, team, parent)
    await to_consent(parent, await invite(app, team, "PARENT"))
    own = await current(app, parent)
    photo = await parent.send_photo(sample("locator-good.jpg"))
    await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    for_child = await child_button(app, child)
    outbox = services_of(app).store.outbox
    assert await outbox.chat_photos(child.id) == [(parent.id, photo["message_id"])], (
        "noted as left in the chat while held: a restart still leaves a record of it")

    await parent.send_command("/delete")
    await parent.wait_for_text(words("journey.delete.several"), timeout=10)
    await tap(parent, text("journey.delete.pick_all", count=2),
              first_line("journey.delete.confirm_all"))
    await tap(parent, text("journey.delete.yes_all"), first_line("journey.commands.deleted"))
    await parent.wait_until(lambda: photo["message_id"] not in
                            [m["message_id"] for m in parent.shown_incoming], timeout=10)
    assert await outbox.chat_photos(child.id) == await outbox.chat_photos(own.id) == []
    await parent.tap(for_child)  # the question asked before /delete
    await parent.wait_for_text(text("journey.cases.photo_gone"), timeout=10)
    assert await kept(app, child) == [], "nothing held any more, nothing filed"


async def test_two_childrens_requests_are_told_apart_by_each_childs_date_of_birth(
    app: App, emu: Emulator
) -> None:
    """Reviewer: a parent with two children at photo 1 saw "For my child: arm or hand" twice,
    told apart only by the minute each was started, so one mis-tap filed one child's photo
    under the other. While two children's requests wait for a photo, each button names the
    date of birth the parent confirmed; the sentences never say it back (a lock screen
    shows them: docs/dpia.md, Notifications). The buttons' payloads stay within Telegram's
    64 bytes (the emulator refuses longer ones, as Telegram does)."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    older = await to_childs_photos(app, team, parent, years=9, ref="CHILD-A")
    younger = await to_childs_photos(app, team, parent, years=6, ref="CHILD-B")
    assert await born(app, older) != await born(app, younger)
    await parent.send_photo(sample("locator-good.jpg"))
    asked = await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    labels = [await child_button(app, older, siblings=True),
              await child_button(app, younger, siblings=True)]
    assert labels[0] != labels[1]
    assert sorted(asked.buttons) == sorted([[labels[0]], [labels[1]],
                                            [text("journey.cases.photo_for_none")]])
    await parent.tap(labels[1])
    await parent.wait_for_text(text("journey.cases.filed",
                                    request=child_named(younger)), timeout=15)
    assert await kept(app, younger) == ["locator"] and await kept(app, older) == []

    await parent.send_command("/status")
    status = await parent.wait_for_text(words("journey.cases.open_count"), timeout=10)
    assert child_named(younger) in (status.text or "")
    assert not [case for case in (older, younger)
                if said(await born(app, case)) in (status.text or "")], "not said back"


async def test_a_held_photo_goes_from_the_chat_when_the_practice_stops_the_request(
    app: App, emu: Emulator
) -> None:
    """Reviewer: a practice's /stop deleted the holder's photos but left a photo held for
    their choice of request in memory and in the chat. Now the stop drops it and deletes it
    from the chat; the old question says the photo is gone rather than using it."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    child = await to_childs_photos(app, team, parent)
    await to_consent(parent, await invite(app, team, "PARENT"))
    photo = await parent.send_photo(sample("locator-good.jpg"))
    await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    for_child = await child_button(app, child)

    await team.staff.send_command("/stop", "CHILD")
    confirm = shown_as(text("inbox.staff.stop_confirm", patient_ref="CHILD"), "HTML")[0]
    await team.staff.wait_for_text(confirm[:40], timeout=10)
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="CHILD"))
    await parent.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    await parent.wait_until(lambda: photo["message_id"] not in
                            [m["message_id"] for m in parent.shown_incoming], timeout=10)
    await parent.tap(for_child)
    await parent.wait_for_text(text("journey.cases.photo_gone"), timeout=10)
    assert await kept(app, child) == []
