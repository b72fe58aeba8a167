"""A patient who types the answer ("yes", "arm", "1") instead of tapping a button is told, in a
few words, which button to tap: not the long note that the GP will not see typed words (that
stays for longer words, which may be a symptom, and at the red-flag question)."""

from __future__ import annotations

from bot.content import text
from bot.journey.service import Journey
from bot.store.models import Practice
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    tap,
    to_screening,
    words,
)


def note(practice: Practice) -> str:
    """The long note for typed words nobody reads."""
    return text("journey.input.typed_not_passed_on", practice=practice.name,
                phone=practice.phone)


async def test_yes_typed_under_the_date_said_back_asks_for_the_tap(
    journey: Journey, invite: InviteMaker
) -> None:
    await journey.start(USER, USER, await invite())
    read_back = await journey.typed(USER, "3/2/1980")
    assert text("journey.identity.confirm_yes") in buttons(read_back)
    said = words(await journey.typed(USER, "yes"))
    assert said == text("journey.identity.tap_yes", yes=text("journey.identity.confirm_yes"))
    assert text("journey.identity.not_a_date") not in said
    assert words(await journey.typed(USER, "no")) == text("journey.identity.again")
    # before any date was typed, "yes" is still not a date
    await journey.start(USER + 1, USER + 1, await invite(ref="P-2"))
    assert words(await journey.typed(USER + 1, "yes")) == text("journey.identity.not_a_date")


async def test_a_short_answer_typed_names_the_button_to_tap(
    journey: Journey, invite: InviteMaker, practice: Practice
) -> None:
    replies = await to_screening(journey, invite)
    said = await journey.typed(USER, "Yes")
    assert said[0].text == text("journey.input.tap_this",
                                label=text("journey.screening.is_rash.rash"))
    assert note(practice) not in words(said)
    assert text("journey.screening.is_rash.rash") in buttons(said), "the question again"
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    # at the red-flag question typed words keep the note and its safety net
    said = await journey.typed(USER, "no")
    assert note(practice) in words(said)
    replies = await tap(journey, replies, text("journey.screening.red_flags.no"))
    said = await journey.typed(USER, "arm")
    assert said[0].text == text("journey.input.tap_this",
                                label=text("journey.screening.site.arm"))
    replies = await tap(journey, said, text("journey.screening.site.arm"))
    said = await journey.typed(USER, "1")
    assert said[0].text == text("journey.input.tap_this",
                                label=text("journey.screening.areas.one"))
    for typed in ("ok", "3"):  # an answer, but to no one button here
        said = await journey.typed(USER, typed)
        assert said[0].text == text("journey.input.need_button")
        assert note(practice) not in words(said)
    said = await journey.typed(USER, "it is spreading and I feel hot")
    assert note(practice) in words(said), "longer words may be a symptom: the safety net"
    assert text("journey.screening.areas.one") in buttons(said)
