"""One Telegram account, several requests (audit finding 1), a stop after photos (finding 4)
and the review album (finding 8), end to end through the emulator.

A parent with two children's requests: each photo, answer and tap goes to the request it
belongs to, whatever a GP, staff or the retention purge did to the other one; a GP's "new
photos" on one request lets the parent choose it, and every photo's reply names the request
it was filed to. A site changed at the review to the private parts deletes the photos (files
too), the answers and the album sent back. /delete deletes the review album from the chat.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.services.reminders import remind_stalled
from bot.services.retention import purge
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    change_site_to_private,
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import CAPTIONS, Team, make_team
from tests.auxil.requests import request_button, request_named

App = Application[Any, Any, Any, Any, Any, Any]
CLOSE_UP_2 = CAPTIONS[2]


def named(case: Case) -> str:
    """How the bot names a request to the patient (both are the parent's own in these tests:
    adult dates of birth, rash on the arm)."""
    return request_named(case, "own")


NEW_CLOSE_UP_2 = text("journey.status_words.taking_again",
                      which=text("journey.photos.which_again_one"),
                      what=text("journey.photos.what_close_up_2"))


def buttons_for(first: Case, second: Case) -> tuple[str, str]:
    """The two requests' buttons on "which request is this photo for?" (the first waits for
    a new close-up 2, the second for photo 1); if both would read the same (started in the
    same minute), each says the photo it waits for."""
    one, two = request_button(first, "own"), request_button(second, "own")
    if one != two:
        return one, two
    return (text("journey.cases.button_with_photo", button=one, photo=NEW_CLOSE_UP_2),
            text("journey.cases.button_with_photo", button=two,
                 photo=text("journey.status_words.locator")))


async def invite(app: App, team: Team, ref: str, dob: str = "1980-02-03") -> str:
    """A link for this team's GP."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, dob, valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def current(app: App, patient: TelegramUser) -> Case:
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


async def shots(app: App, case: Case) -> list[str]:
    """The shots of the case's accepted photos, in the order they came."""
    return [p.shot for p in await services_of(app).store.photos.for_case(case.id)
            if p.status == "accepted"]


async def two_requests_and_new_photos_on_the_first(app: App, emu: Emulator
                                                   ) -> tuple[Team, TelegramUser, Case, Case]:
    """A parent sends child 1's request, opens child 2's link and reaches photo 1; then the
    GP asks for a new close-up on child 1's. Returns the team, the parent and both cases."""
    team = await make_team(app, emu)
    parent = emu.user("Parent")
    await to_photos(parent, await invite(app, team, "CHILD-1"))
    await send_three(parent)
    await details_and_review(parent)
    await tap(parent, text("journey.review.send"), first_line("journey.receipt.text"))
    first = await current(app, parent)
    assert first.stage is Stage.SUBMITTED
    await team.gp.wait_for_text(first.reference, timeout=20)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)

    await to_photos(parent, await invite(app, team, "CHILD-2"))
    second = await current(app, parent)
    assert second.id != first.id and second.stage is Stage.LOCATOR

    await team.gp.tap(text("inbox.gp.ask_photos"))
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap(f"☐ {CLOSE_UP_2}")
    await team.gp.wait_until(lambda: any(f"☑ {CLOSE_UP_2}" in row for row in question.buttons),
                             timeout=10)
    await team.gp.tap(text("inbox.gp.next"))
    await team.gp.wait_for_text(first_line("inbox.gp.why_photos"), timeout=10)
    await team.gp.tap(text("inbox.gp.reason_blurred"))
    await parent.wait_for_text(first_line("inbox.patient.new_photos"), timeout=10)
    return team, parent, first, second


async def test_a_photo_meant_for_the_second_child_is_filed_to_the_second_childs_request(
    app: App, emu: Emulator
) -> None:
    """The audit's sequence: the GP's new-photos request on child 1 does not take the photo
    the parent then sends for child 2: both wait for a photo, so the parent is asked which
    request it is for; the bot says which request it was filed to."""
    _, parent, first, second = await two_requests_and_new_photos_on_the_first(app, emu)
    offer = await parent.wait_for_text(words("journey.cases.gp_asked_other"), timeout=10)
    assert named(first) in (offer.text or "")
    assert [text("journey.cases.choose")] in offer.buttons

    await parent.send_photo(sample("locator-good.jpg"))
    asked = await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    for_first, for_second = buttons_for(first, second)
    assert sorted(asked.buttons) == sorted([[for_second], [for_first],
                                            [text("journey.cases.photo_for_none")]])
    await parent.tap(for_second)
    kept = await parent.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert text("journey.cases.filed", request=named(second)) in (kept.text or "")
    assert await shots(app, second) == ["locator"]
    assert await shots(app, first) == ["locator", "close_up_1", "close_up_2"]
    now = await services_of(app).store.cases.get(first.id)
    assert now is not None and now.stage is Stage.CLOSE_UP_2, "child 1 still waits for it"


async def test_new_photos_for_the_first_request_go_to_it_once_the_parent_chooses_it(
    app: App, emu: Emulator
) -> None:
    """The GP's request carries a button that makes child 1's request current: the new
    close-up goes to child 1's, which goes back to the GP; child 2's then carries on at
    photo 1, where the parent left it."""
    team, parent, first, second = await two_requests_and_new_photos_on_the_first(app, emu)
    await parent.wait_for_text(words("journey.cases.gp_asked_other"), timeout=10)
    await parent.tap(text("journey.cases.choose"))
    chosen = await parent.wait_for_text(text("journey.cases.now_on", request=named(first)),
                                        timeout=10)
    assert taken_again("close_up_2") in (chosen.text or "")

    await parent.send_photo(sample("close-up-good-2.jpg"))
    await parent.wait_for_text(text("journey.cases.which_photo"), timeout=15)
    await parent.tap(buttons_for(first, second)[0])  # child 2's waits for a photo too
    kept = await parent.wait_for_text(text("journey.photos.accepted_again",
                                           which=text("journey.photos.which_again_one")),
                                      timeout=15)
    assert text("journey.cases.filed", request=named(first)) in (kept.text or "")
    await parent.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(parent, text("journey.review.send"), first_line("journey.receipt.text"))
    resent = await services_of(app).store.cases.get(first.id)
    assert resent is not None and resent.stage is Stage.SUBMITTED and resent.submissions == 2
    again = await team.gp.wait_for_text(words("inbox.gp.resubmitted"), timeout=20)
    assert first.reference in (again.text or "")
    assert await shots(app, second) == []

    await parent.send_photo(sample("locator-good.jpg"))
    await parent.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert await shots(app, second) == ["locator"]
    assert (await current(app, parent)).id == second.id


async def test_a_stall_reminder_carries_on_with_its_own_request_not_the_last_one_used(
    app: App, emu: Emulator
) -> None:
    """A parent stalls at photo 1 of child 1's request, then starts child 2's and stops at
    consent. The reminder about child 1's names it, and its button carries on with child 1's
    (the photo request), though child 2's is the one the parent acted on last."""
    team = await make_team(app, emu)
    store = services_of(app).store
    parent = emu.user("Parent")
    await to_photos(parent, await invite(app, team, "CHILD-1"))
    first = await current(app, parent)
    await to_consent(parent, await invite(app, team, "CHILD-2"))
    second = await current(app, parent)
    assert second.id != first.id and second.stage is Stage.CONSENT
    idle = (datetime.now(UTC) - timedelta(days=4)).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:  # child 1's went quiet four days ago
        await conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (idle, first.id))

    assert await remind_stalled(store, 3) == 1, "only child 1's request has stalled"
    services_of(app).queued()
    reminder = await parent.wait_for_text(words("journey.reminder.text"), timeout=15)
    assert named(first) in (reminder.text or "")
    assert reminder.buttons == [[text("journey.reminder.carry_on")]]
    await parent.tap_callback(reminder.message_id,
                              reminder.callback_data[text("journey.reminder.carry_on")])
    await parent.wait_for_text(text("journey.cases.now_on", request=named(first)), timeout=10)
    await parent.wait_for_text(first_line("journey.photos.locator"), timeout=10)
    assert (await current(app, parent)).id == first.id
    await parent.send_photo(sample("locator-good.jpg"))
    kept = await parent.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert text("journey.cases.filed", request=named(first)) in (kept.text or "")
    assert await shots(app, first) == ["locator"] and await shots(app, second) == []


async def test_the_purge_of_an_old_request_does_not_strand_the_open_one(
    app: App, emu: Emulator
) -> None:
    """The audit's second sequence: an old request (consent declined) is purged while a new
    one waits at consent; the parent's tap, typing and reopened link all still reach the
    new one, and a button of the purged one says it is from another request."""
    team = await make_team(app, emu)
    store = services_of(app).store
    parent = emu.user("Parent")
    await to_consent(parent, await invite(app, team, "OLD"))
    consent = parent.last_message
    assert consent is not None
    old_button = (consent.message_id, consent.callback_data[text("journey.consent.no")])
    await parent.tap(text("journey.consent.no"))
    await parent.wait_until(lambda: any([text("journey.confirm.yes")] == row
                                         for m in parent.messages for row in m.buttons))
    await tap(parent, text("journey.confirm.yes"), first_line("journey.consent.declined"))
    old = await current(app, parent)
    assert old.stage is Stage.STOPPED
    await asyncio.sleep(2.1)  # the new request starts at least 2 seconds after the old ended

    token = await invite(app, team, "NEW")
    await to_consent(parent, token)
    new = await current(app, parent)
    assert new.id != old.id and new.stage is Stage.CONSENT
    cutoff = datetime.fromisoformat(new.created_at) - timedelta(seconds=1)
    assert await purge(store, 0, now=cutoff) == 1, "only the old request is past retention"

    await parent.send_text("hello")
    nudge = await parent.wait_for_text(text("journey.input.need_button"), timeout=10)
    assert text("journey.stop.ended").split("{")[0] not in (nudge.text or "")
    await parent.open_deep_link(token)
    await parent.wait_for_text(text("journey.invite.welcome_back"), timeout=10)

    await parent.tap_callback(*old_button)
    await parent.wait_until(lambda: any(
        a.get("text") == text("journey.cases.other_request") for a in parent.callback_answers),
        timeout=10)

    await tap(parent, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    moved = await store.cases.get(new.id)
    assert moved is not None and moved.stage is Stage.SCREENING
    purged = await store.cases.get(old.id)
    assert purged is not None and purged.stage is Stage.ERASED


def readable(data_dir: Path, secret: bytes) -> bool:
    """True if any file under DATA_DIR holds these bytes, as the files are now."""
    return any(secret in path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


def album(patient: TelegramUser) -> list[SentMessage]:
    """The photos the bot sent back to the patient as an album (the review), deleted or not."""
    return [m for m in patient.all_messages if m.kind == "photo" and m.media_group_id]


async def test_a_site_changed_at_the_review_to_private_parts_deletes_photos_and_answers(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    """Photos taken, then the site changed at the review to the private parts: once the
    parent confirms, no photo file, photo row or answer is left, the review album is
    deleted from the chat, and the staff alert says the photos were deleted (never "no
    photos taken")."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient = emu.user("Ada")
    await to_photos(patient, await invite(app, team, "P-INTIMATE"))
    await send_three(patient)
    await details_and_review(patient, where="Zorbulon crease")
    case = await current(app, patient)
    files = [store.files.path(p.file_name) for p in await store.photos.for_case(case.id)]
    assert len(files) == 3 and all(path.exists() for path in files)
    await patient.wait_until(lambda: len(album(patient)) == 3, timeout=10)

    told = await change_site_to_private(patient)
    assert first_line("journey.stop.intimate") in (told.text or "") or any(
        first_line("journey.stop.intimate") in (m.text or "") for m in patient.messages)

    stopped = await store.cases.get(case.id)
    assert stopped is not None and stopped.stage is Stage.STOPPED
    assert not any(path.exists() for path in files)
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    alert = await team.staff.wait_for_text(case.reference, timeout=10)
    assert alert.text == text("inbox.staff.stopped.intimate_after_photos",
                              patient_ref="P-INTIMATE", reference=case.reference)
    await patient.wait_until(lambda: all(m.deleted for m in album(patient)), timeout=10)
    assert not readable(data_dir, b"Zorbulon crease"), "no answer left in any file, WAL too"


async def test_delete_also_deletes_the_review_album_from_the_chat(
    app: App, emu: Emulator
) -> None:
    """The photos the bot showed back at the review are deleted from the patient's chat when
    they /delete their request, like their own photo messages."""
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    await to_photos(patient, await invite(app, team, "P-ALBUM"))
    await send_three(patient)
    await details_and_review(patient)
    await patient.wait_until(lambda: len(album(patient)) == 3, timeout=10)
    assert not any(m.deleted for m in album(patient))

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              text("journey.commands.deleted").split("\n")[0])
    await patient.wait_until(lambda: all(m.deleted for m in album(patient)), timeout=10)
    assert [m for m in patient.messages if m.kind == "photo" and m.media_group_id] == []
