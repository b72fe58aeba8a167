"""Photos sent together (an iPhone album) for the whole set are used in the order sent: the
patient is told so once, before the first verdict, so a close-up sent first and taken as the
whole area is no surprise (`journey.photos.album_order`); a single photo, or an album sent
to replace one photo at the review, gets no such note."""

from __future__ import annotations

from bot.content import text
from bot.journey.service import Journey
from tests.auxil.journey import USER, InviteMaker, to_photos, words


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
