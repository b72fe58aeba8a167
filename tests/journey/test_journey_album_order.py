"""Photos sent together (an iPhone album) for the whole set are used in the order sent: the
patient is told so once, before the first verdict, so a close-up sent first and taken as the
whole area is no surprise (`journey.photos.album_order`); a single photo, or an album sent
to replace one photo at the review, gets no such note."""

from __future__ import annotations

import pytest

from bot.content import text
from bot.domain.questions import worded
from bot.journey import prompts
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Practice
from tests.auxil.journey import ADULT_DOB, USER, InviteMaker, child_dob, to_photos, words


async def sent(journey: Journey, data: bytes, album: str | None) -> str:
    """Send one photo (of `album`, if given); return all the bot said."""

    async def fetch() -> bytes:
        return data

    async def checking() -> None:
        return None

    return words(await journey.photo(USER, fetch, source="photo", size=len(data),
                                     forwarded=False, on_checking=checking, album=album))


async def test_an_album_for_the_whole_set_is_said_to_be_used_in_order_once(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_photos(journey, invite)
    note = text("journey.photos.album_order")
    first = await sent(journey, b"1", "g1")
    assert first.startswith(note)
    assert first.index(note) < first.index(text("journey.photos.accepted", number=1))
    assert note not in await sent(journey, b"2", "g1")
    assert note not in await sent(journey, b"3", "g1")


async def test_a_single_photo_has_no_album_note(journey: Journey, invite: InviteMaker) -> None:
    await to_photos(journey, invite)
    assert text("journey.photos.album_order") not in await sent(journey, b"1", None)
    assert text("journey.photos.album_order") not in await sent(journey, b"2", "g2"), (
        "an album from photo 2 on: photo 1 was sent on its own")


@pytest.mark.parametrize("born, parent", [(ADULT_DOB, False), (child_dob(6), True)])
async def test_which_photo_is_from_further_away_is_asked_of_whoever_answers(
    store: Store, practice: Practice, born: str, parent: bool
) -> None:
    """A parent sending their child's photos together is asked where the rash is on the
    child's body, never on their own (`_parent`, as every question put to a parent is)."""
    invite, _ = await store.invites.create(practice.id, "P-7", born, valid_days=7)
    case = await store.cases.open_from_invite(
        invite, patient_user_id=USER, patient_chat_id=USER, is_child=parent,
        consent_by="parent" if parent else "self")
    for shot in SHOT_SLOTS:
        await store.photos.add(case.id, shot, store.files.write(shot.encode()), source="photo",
                               verdict="accept", status="accepted", in_album=True)
    asked = (await prompts.review_prompt(store, case, {}))[-1].text
    assert asked == worded("journey.review.whole_area_question", parent=parent)
    assert (text("journey.review.whole_area_question") == asked) is not parent
