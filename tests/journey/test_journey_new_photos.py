"""New photos the GP asked for: every request for such a photo says why the GP asked (after
/status, after a typed message, as at first), and the photo has one name in the GP's words,
the message telling the patient, and the request that follows."""

from __future__ import annotations

from bot.content import text
from bot.inbox.decisions import Inbox
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Practice
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    photos_then_send,
    send,
    tap,
    to_photos,
    words,
)

GP = 102
WHY = "Please put a coin next to it so the size can be seen"


async def asked_for_close_up_1(journey: Journey, store: Store, practice: Practice,
                               invite: InviteMaker) -> tuple[Inbox, int]:
    """A sent request whose GP asked, in their own words, for close-up 1 again."""
    await store.practices.add_member(practice.id, GP, "gp", "Dr Gee")
    await to_photos(journey, invite)
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    inbox = Inbox(store)
    assert (await inbox.ask_new_photos(GP, case.id, ["close_up_1"], "typed", WHY)).done
    return inbox, case.id


async def test_every_request_for_a_photo_the_gp_asked_for_says_why(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)
    why = text("journey.photos.gp_why", reason=WHY)

    first = words(await journey.resume(USER, case_id))
    after_status = words(await journey.status(USER))
    after_typing = words(await journey.typed(USER, "hello?"))

    heading = text("journey.photos.again", which=text("journey.photos.which_again_one"),
                   what=text("journey.photos.what_close_up_1"))
    for said in (first, after_status, after_typing):
        assert heading in said
        assert why in said


async def test_a_photo_the_gp_asked_for_cannot_be_kept_as_it_was(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    """"Keep the photo I have" is only for a photo the patient chose to replace: the GP
    asked for this one again, so its request offers no way back to the old photo."""
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)

    asked = await journey.resume(USER, case_id)

    assert text("journey.photos.keep_old") not in buttons(asked)


async def test_the_gp_reason_is_not_repeated_once_the_photo_is_taken(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)
    await journey.resume(USER, case_id)

    back_at_review = words(await send(journey, b"new close-up"))

    assert WHY not in back_at_review
    assert WHY not in words(await journey.status(USER))


async def test_the_photo_the_gp_asked_for_has_one_name_for_the_gp_and_the_patient(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    gp_name = text("inbox.gp.caption_close_up_1").lower()

    told = text("inbox.patient.shot_close_up_1")
    asked = text("journey.photos.what_close_up_1")
    replace = text("journey.review.replace_close_up_1").lower()

    assert gp_name in told and gp_name in asked.lower() and gp_name in replace


async def test_the_gp_reason_kept_for_the_requests_goes_when_the_patient_deletes_the_request(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)
    confirm = await journey.ask(USER, "delete")

    await journey.tapped(USER, buttons(confirm)[text("journey.commands.delete_yes")])

    erased = await store.cases.get(case_id)
    assert erased is not None and erased.erased_at is not None
    assert erased.decision_note is None, "the GP's words may name the patient: not kept"


async def test_delete_counts_the_new_photos_the_gp_asked_for_as_the_patient_was_told(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    await store.practices.add_member(practice.id, GP, "gp", "Dr Gee")
    await to_photos(journey, invite)
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert (await Inbox(store).ask_new_photos(GP, case.id, ["locator", "close_up_2"],
                                              "blurred")).done
    asked = words(await journey.resume(USER, case.id))
    which = text("journey.photos.which_again", number=1, count=2)
    assert which in asked

    listed = words(await journey.ask(USER, "delete"))

    state = text("journey.status_words.taking_again", which=which,
                 what=text("journey.photos.what_locator"))
    assert f"({state})" in listed
    assert text("journey.status_words.locator") not in listed


async def test_replacing_a_photo_the_gp_asked_for_still_says_why(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)
    await journey.resume(USER, case_id)
    at_review = await send(journey, b"new close-up")
    why = text("journey.photos.gp_why", reason=WHY)
    assert why not in words(at_review)

    choose = await tap(journey, at_review, text("journey.review.replace"))
    again = words(await tap(journey, choose, text("journey.review.replace_close_up_1")))

    assert text("journey.photos.again", which=text("journey.photos.which_again_one"),
                what=text("journey.photos.what_close_up_1")) in again
    assert why in again


async def test_replacing_a_photo_the_gp_did_not_ask_for_gives_no_reason(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    _, case_id = await asked_for_close_up_1(journey, store, practice, invite)
    await journey.resume(USER, case_id)
    at_review = await send(journey, b"new close-up")

    choose = await tap(journey, at_review, text("journey.review.replace"))
    again = words(await tap(journey, choose, text("journey.review.replace_locator")))

    assert text("journey.photos.what_locator") in again
    assert WHY not in again
