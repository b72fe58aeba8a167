"""Fixtures for journey tests: a practice, invites, and a journey with a scripted checker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from bot.content import text
from bot.inbox.alerts import stop_alerts
from bot.inbox.routing import submission_messages
from bot.journey.replies import Reply
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Practice
from tests.support.fake_quality import ScriptedChecker

ADULT_DOB = "1980-02-03"


@pytest.fixture
def checker() -> ScriptedChecker:
    """The scripted checker the journey uses."""
    return ScriptedChecker()


@pytest.fixture
async def practice(store: Store) -> Practice:
    """The Lawson Practice."""
    return await store.practices.add("The Lawson Practice", "020 7729 7236")


@pytest.fixture
def journey(store: Store, checker: ScriptedChecker) -> Journey:
    """A journey over the test store."""
    return Journey(store, checker, retention_days=30, invite_valid_days=7,
                   max_file_bytes=20 * 1024 * 1024, deliveries=submission_messages,
                   stop_alerts=stop_alerts)


InviteMaker = Callable[..., Awaitable[str]]


@pytest.fixture
def invite(store: Store, practice: Practice) -> InviteMaker:
    """Make an invite and return its token."""

    async def make(dob: str = ADULT_DOB, ref: str = "P-1") -> str:
        _, token = await store.invites.create(practice.id, ref, dob, valid_days=7)
        return token

    return make


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
