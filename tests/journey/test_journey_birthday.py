"""Age on the day the link is opened is the patient's age in the UK, the birthday itself included.

A 16th or 18th birthday starts at midnight UK time. In summer (BST) that is 23:00 UTC the day
before, so an age counted from the UTC date is a day behind for the first hour of the birthday.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

import pytest

from bot.content import text
from bot.domain.questions import worded
from bot.journey.service import Journey
from bot.store import Store
from tests.auxil.journey import USER, InviteMaker, words

FIRST_HOUR = datetime(2026, 6, 15, 23, 30, tzinfo=UTC)
"""00:30 on 16 June 2026 in London (BST), still 15 June in UTC."""


class _Clock(datetime):
    """`datetime` whose `now` is `FIRST_HOUR` (in the zone asked for)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return FIRST_HOUR.astimezone(tz) if tz is not None else FIRST_HOUR.replace(tzinfo=None)


@pytest.fixture
def first_hour_of_16_june(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's clock reads 00:30 UK time on 16 June 2026."""
    monkeypatch.setattr("bot.domain.dates.datetime", _Clock)


@pytest.mark.usefixtures("first_hour_of_16_june")
async def test_a_link_opened_in_the_first_hour_of_a_16th_birthday_is_answered_by_the_patient(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await journey.start(USER, USER, await invite(dob="2010-06-16"))
    assert worded("journey.invite.welcome", parent=False, practice="The Lawson Practice") in (
        words(replies)), "a 16-year-old is not asked as a parent"
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert case.consent_by == "self"
    assert case.is_child, "16 is still under 18"


@pytest.mark.usefixtures("first_hour_of_16_june")
async def test_a_link_opened_in_the_first_hour_of_an_18th_birthday_is_an_adults(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await journey.start(USER, USER, await invite(dob="2008-06-16"))
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert not case.is_child, "the children's stops (face, long-term skin condition) do not apply"


@pytest.mark.usefixtures("first_hour_of_16_june")
async def test_the_day_before_the_16th_birthday_a_parent_still_answers(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await journey.start(USER, USER, await invite(dob="2010-06-17"))
    assert text("journey.invite.welcome_parent", practice="The Lawson Practice") in words(replies)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert case.consent_by == "parent"
