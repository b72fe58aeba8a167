"""Photos in the journey: retakes, send anyway, duplicates, children's faces, replacing."""

from __future__ import annotations

from bot.content import text
from bot.journey.service import Journey
from bot.store import Store
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
    assert "Use this photo anyway" not in buttons(replies)
    replies = await send(journey, b"BLUR two")
    assert "Use this photo anyway" in buttons(replies)
    replies = await tap(journey, replies, "Use this photo anyway")
    assert "Your GP will be told" in words(replies) and "Photo 2 of 3" in words(replies)
    case = await store.cases.latest_for_patient(USER)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    assert kept.sent_anyway and store.files.read(kept.file_name) == b"clean:BLUR two"
    # the first failed attempt is not needed any more: its file is gone
    first = next(p for p in await store.photos.for_case(case.id) if p.attempt == 1)
    assert not store.files.path(first.file_name).exists()


async def test_an_old_send_anyway_button_does_nothing_after_a_good_photo(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"BLUR one")
    offer = await send(journey, b"BLUR two")
    await send(journey, b"good one")
    answer = await journey.tapped(USER, buttons(offer)["Use this photo anyway"])
    assert answer.note == "That button is from an earlier step."
    case = await store.cases.latest_for_patient(USER)
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
    case = await store.cases.latest_for_patient(USER)
    assert case is not None and set(await store.photos.accepted(case.id)) == {"locator"}


async def test_not_an_image_is_refused_without_losing_anything(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"locator")
    replies = await send(journey, b"JUNK")
    assert text("quality.refusal.not_an_image") in words(replies)
    case = await store.cases.latest_for_patient(USER)
    assert case is not None and set(await store.photos.accepted(case.id)) == {"locator"}


async def test_a_childs_face_is_never_kept(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite(dob=child_dob(8))
    await journey.start(USER, USER, token)
    dob = child_dob(8)
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    assert "parent or guardian" in words(replies)
    replies = await tap(journey, replies, "Yes, I agree")
    assert "are they happy" in words(replies)
    replies = await tap(journey, replies, "Yes, they agree")
    for label in ("Yes, it is a rash", "No, none of these", "Arm or hand", "One area"):
        replies = await tap(journey, replies, label)
    assert "eczema or psoriasis" in words(replies)
    for label in ("No", "Next", "Next", "Next", "Next", "I am ready"):
        if label in buttons(replies):
            replies = await tap(journey, replies, label)
    replies = await send(journey, b"FACE of a child")
    assert "we cannot keep photos where the face can be seen" in words(replies)
    case = await store.cases.latest_for_patient(USER)
    assert case is not None and case.is_child
    assert await store.photos.for_case(case.id) == []


async def test_a_child_who_says_no_stops_the_journey(
    journey: Journey, invite: InviteMaker
) -> None:
    token = await invite(dob=child_dob(10))
    await journey.start(USER, USER, token)
    dob = child_dob(10)
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    replies = await tap(journey, replies, "Yes, I agree")
    replies = await tap(journey, replies, "No, they do not")
    assert words(replies) == text("journey.confirm.ask", choice=text("journey.consent.child_no"),
                                  means=text("journey.confirm.means.child_declined"))
    replies = await tap(journey, replies, text("journey.confirm.yes"))
    assert "No photos will be taken" in words(replies)


async def test_replacing_a_photo_returns_to_review(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    for data in (b"l1", b"c1", b"c2"):
        await send(journey, data)
    replies = await journey.typed(USER, "arm")
    for label in ("Less than a week", "Neither", "Nothing yet"):
        replies = await tap(journey, replies, label)
    replies = await tap(journey, replies, "Replace a photo")
    replies = await tap(journey, replies, "Photo 3 (close-up)")
    assert "Photo 3 of 3" in words(replies)
    replies = await send(journey, b"c2 better")
    album = [r for r in replies if r.album]
    assert album and album[0].album[2][0] == b"clean:c2 better"
    case = await store.cases.latest_for_patient(USER)
    assert case is not None
    replaced = [p for p in await store.photos.for_case(case.id) if p.status == "replaced"]
    assert len(replaced) == 1 and not store.files.path(replaced[0].file_name).exists()
