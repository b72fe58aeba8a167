"""Photos in the journey: retakes, send anyway, duplicates, children's faces, replacing."""

from __future__ import annotations

from bot.content import text, texts
from bot.domain.questions import worded
from bot.journey.service import Journey
from bot.store import Store
from tests.auxil.e2e.patient import first_line
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    child_dob,
    give_date_of_birth,
    send,
    tap,
    to_photos,
    words,
)


async def test_after_two_failed_tries_the_patient_can_use_the_photo_anyway(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    replies = await send(journey, b"BLUR one")
    assert text("quality.sharpness.blurred") in words(replies)
    assert text("journey.photos.send_anyway") not in buttons(replies)
    replies = await send(journey, b"BLUR two")
    assert text("journey.photos.send_anyway") in buttons(replies)
    replies = await tap(journey, replies, text("journey.photos.send_anyway"))
    assert text("journey.photos.kept_anyway") in words(replies)
    assert first_line("journey.photos.close_up_1") in words(replies)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert kept.sent_anyway and store.files.read(kept.file_name) == b"clean:BLUR two"
    # the first failed attempt is not needed any more: its file is gone
    first = next(p for p in await store.photos.for_case(case.id) if p.attempt == 1)
    assert not store.files.path(first.file_name).exists()


async def test_an_old_send_anyway_button_uses_nothing_after_a_good_photo_and_says_so(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"BLUR one")
    offer = await send(journey, b"BLUR two")
    await send(journey, b"good one")
    answer = await journey.tapped(USER, buttons(offer)[text("journey.photos.send_anyway")])
    assert words(answer.replies) == text("journey.photos.anyway_newer_kept")
    case = await store.cases.current_for_patient(USER)
    assert case is not None and not (await store.photos.accepted(case.id))["locator"].sent_anyway


async def test_the_same_photo_twice_is_caught(journey: Journey, invite: InviteMaker) -> None:
    await to_photos(journey, invite)
    await send(journey, b"BLUR locator")
    assert text("journey.photos.duplicate") in words(await send(journey, b"BLUR locator"))


async def test_a_photo_already_kept_sent_again_is_already_had_and_the_step_is_repeated(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    first = await send(journey, b"locator")
    again = await send(journey, b"locator")  # the answer to the first was lost on the way
    assert text("journey.photos.already_have_this") in words(again)
    assert text("journey.photos.duplicate") not in words(again)
    assert again[-1] == first[-1], "the prompt for the close-up follows, as after the first"
    case = await store.cases.current_for_patient(USER)
    assert case is not None and set(await store.photos.accepted(case.id)) == {"locator"}


async def test_not_an_image_is_refused_without_losing_anything(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"locator")
    replies = await send(journey, b"JUNK")
    assert text("quality.refusal.not_an_image") in words(replies)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and set(await store.photos.accepted(case.id)) == {"locator"}


async def test_a_childs_face_is_never_kept(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite(dob=child_dob(8))
    await journey.start(USER, USER, token)
    dob = child_dob(8)
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    assert text("journey.consent.why_parent") in words(replies)
    replies = await tap(journey, replies, text("journey.consent.guardian_yes"))
    replies = await tap(journey, replies, text("journey.consent.yes"))
    assert first_line("journey.consent.child_agrees") in words(replies)
    replies = await tap(journey, replies, text("journey.consent.child_yes"))
    for label in (text(f"journey.screening.{key}")
                  for key in ("is_rash.rash", "red_flags.no", "site.arm", "areas.one")):
        replies = await tap(journey, replies, label)
    assert worded("journey.screening.eczema.question", parent=True) in words(replies)
    nexts = [text("journey.prepare.next")] * (len(texts("journey.prepare.steps")) - 1)
    for label in (text("journey.screening.eczema.no"), *nexts, text("journey.prepare.ready")):
        if label in buttons(replies):
            replies = await tap(journey, replies, label)
    replies = await send(journey, b"FACE of a child")
    assert first_line("journey.photos.child_face") in words(replies)
    help_start = text("journey.photos.child_face_help", practice="-", phone="-")[:40]
    assert help_start not in words(replies), "the first refusal only asks for a new photo"
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.is_child
    assert await store.photos.for_case(case.id) == []
    replies = await send(journey, b"FACE of a child, again")
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    assert worded("journey.photos.child_face_help", parent=True, practice=practice.name,
                  phone=practice.phone) in words(replies), "the second says whom to call"
    assert await store.photos.for_case(case.id) == []


async def test_a_child_who_says_no_stops_the_journey(
    journey: Journey, invite: InviteMaker
) -> None:
    token = await invite(dob=child_dob(10))
    await journey.start(USER, USER, token)
    dob = child_dob(10)
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    replies = await tap(journey, replies, text("journey.consent.guardian_yes"))
    replies = await tap(journey, replies, text("journey.consent.yes"))
    replies = await tap(journey, replies, text("journey.consent.child_no"))
    assert words(replies) == text("journey.confirm.ask", choice=text("journey.consent.child_no"),
                                  means=text("journey.confirm.means.child_declined"))
    replies = await tap(journey, replies, text("journey.confirm.yes"))
    assert first_line("journey.consent.child_declined") in words(replies)


async def test_replacing_a_photo_returns_to_review(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    for data in (b"l1", b"c1", b"c2"):
        await send(journey, data)
    replies = await journey.typed(USER, "arm")
    for label in (text(f"journey.details.{key}")
                  for key in ("duration_days", "symptoms_neither", "tried_nothing")):
        replies = await tap(journey, replies, label)
    replies = await tap(journey, replies, text("journey.review.replace"))
    replies = await tap(journey, replies, text("journey.review.replace_close_up_2"))
    asked = text("journey.photos.again", which=text("journey.photos.which_again_one"),
                 what=text("journey.photos.what_close_up_2"))
    assert asked in words(replies), "one photo wanted: not 'Photo 3 of 3'"
    assert first_line("journey.photos.close_up_2") not in words(replies)
    replies = await send(journey, b"c2 better")
    album = [r for r in replies if r.album]
    assert album and album[0].album[2][0] == b"clean:c2 better"
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    replaced = [p for p in await store.photos.for_case(case.id) if p.status == "replaced"]
    assert len(replaced) == 1 and not store.files.path(replaced[0].file_name).exists()


async def test_an_offer_tapped_again_later_says_the_photo_is_already_in_use(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"BLUR one")
    offer = buttons(await send(journey, b"BLUR two"))[text("journey.photos.send_anyway")]
    kept = await journey.tapped(USER, offer)
    assert text("journey.photos.kept_anyway") in words(kept.replies) and kept.settles_offers
    await journey.typed(USER, "ok")  # not a double tap: the patient typed something between
    again = await journey.tapped(USER, offer)
    assert words(again.replies) == text("journey.photos.anyway_in_use")
    assert not again.settles_offers, "the live offers stay as they are"


async def test_a_retake_or_a_refused_file_says_which_photo_is_still_wanted(
    journey: Journey, invite: InviteMaker
) -> None:
    """Once the request has scrolled away (a retake, a refused file), the answer still names
    the photo wanted and how many there are: the request's first line comes first."""
    await to_photos(journey, invite)
    await send(journey, b"locator")
    await send(journey, b"close-up one")
    retake = words(await send(journey, b"BLUR close-up two"))
    assert retake.startswith(first_line("journey.photos.close_up_2"))
    assert text("journey.photos.retake") in retake
    refused = words(await send(journey, b"JUNK"))
    assert refused.startswith(first_line("journey.photos.close_up_2"))
    assert text("quality.refusal.not_an_image") in refused
