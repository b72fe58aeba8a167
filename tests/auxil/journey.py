"""Journey tests' patient: invites, replies read as words and buttons, and the way from an invite
to the screening questions and to the photos, through the journey service (no Telegram)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from bot.content import text, texts
from bot.journey.replies import Reply
from bot.journey.service import Journey

ADULT_DOB = "1980-02-03"
USER = 1001

InviteMaker = Callable[..., Awaitable[str]]


def child_dob(years: int) -> str:
    """A date of birth for a child of this age today."""
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def words(replies: list[Reply]) -> str:
    """All the text of some replies, for assertions."""
    return "\n".join(r.text for r in replies)


def buttons(replies: list[Reply]) -> dict[str, str]:
    """Every button in some replies: label to data."""
    return {b.label: b.data for r in replies for row in r.buttons for b in row}


async def give_date_of_birth(journey: Journey, user: int, typed: str) -> list[Reply]:
    """Type a date of birth and confirm it when the bot reads it back; return what came next."""
    read_back = await journey.typed(user, typed)
    label = text("journey.identity.confirm_yes")
    data = {b.label: b.data for r in read_back for row in r.buttons for b in row}[label]
    return (await journey.tapped(user, data)).replies


async def tap(journey: Journey, replies: list[Reply], label: str, user: int = USER) -> list[Reply]:
    """Tap the button with this label among the replies; return what came back."""
    data = buttons(replies)[label]
    answer = await journey.tapped(user, data)
    return answer.replies


async def send(journey: Journey, data: bytes, user: int = USER) -> list[Reply]:
    """Send a photo's bytes."""

    async def fetch() -> bytes:
        return data

    async def checking() -> None:
        return None

    return await journey.photo(user, fetch, source="document", size=len(data), forwarded=False,
                               on_checking=checking)


async def to_screening(journey: Journey, invite: InviteMaker, user: int = USER) -> list[Reply]:
    """Open an adult invite, pass the identity check and consent. With a request of the
    patient's open already (another area), "Start a new request" is tapped first."""
    token = await invite()
    opened = await journey.start(user, user, token)
    if text("journey.invite.start_new") in buttons(opened):
        await tap(journey, opened, text("journey.invite.start_new"), user)
    replies = await give_date_of_birth(journey, user, "3/2/1980")
    return await tap(journey, replies, text("journey.consent.yes"), user)


async def to_photos(
    journey: Journey, invite: InviteMaker, site: str = text("journey.screening.site.arm")
) -> list[Reply]:
    """Answer the screening questions and read the tips, up to the locator request."""
    replies = await to_screening(journey, invite)
    nexts = (text("journey.prepare.next"),) * (len(texts("journey.prepare.steps")) - 1)
    for label in (text("journey.screening.is_rash.rash"), text("journey.screening.red_flags.no"),
                  site, text("journey.screening.areas.one"), *nexts, text("journey.prepare.ready")):
        replies = await tap(journey, replies, label)
    return replies


async def photos_then_send(journey: Journey) -> list[Reply]:
    """From the locator request: three photos, "arm" for exactly where, the plainest details
    (a few days, neither itchy nor sore, nothing tried), then Send; return what came back."""
    for data in (b"1", b"2", b"3"):
        await send(journey, data)
    replies = await journey.typed(USER, "arm")
    for label in (*(text(f"journey.details.{key}")
                    for key in ("duration_days", "symptoms_neither", "tried_nothing")),
                  text("journey.review.send")):
        replies = await tap(journey, replies, label)
    return replies
