"""Fixtures for journey tests: a practice, invites, and a journey with a scripted checker
(helpers in tests/auxil/journey.py)."""

from __future__ import annotations

import pytest

from bot.inbox.alerts import stop_alerts
from bot.inbox.routing import submission_messages
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Practice
from tests.auxil.fake_quality import ScriptedChecker
from tests.auxil.journey import ADULT_DOB, InviteMaker


@pytest.fixture
def checker() -> ScriptedChecker:
    """The scripted checker the journey uses."""
    return ScriptedChecker()


STAFF_CHAT = 7001
"""The practice's receptionist, who hears its alerts (a practice always has someone: one
with nobody at all answers *Send* differently, tests/journey/test_journey_submit_race.py)."""


@pytest.fixture
async def practice(store: Store) -> Practice:
    """The Lawson Practice, with a receptionist (`STAFF_CHAT`) and no GP yet."""
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    await store.practices.add_member(practice.id, STAFF_CHAT, "staff", "Rita Reception")
    return practice


@pytest.fixture
def journey(store: Store, checker: ScriptedChecker) -> Journey:
    """A journey over the test store."""
    return Journey(store, checker, retention_days=30, invite_valid_days=7,
                   max_file_bytes=20 * 1024 * 1024, deliveries=submission_messages,
                   stop_alerts=stop_alerts)


@pytest.fixture
def invite(store: Store, practice: Practice) -> InviteMaker:
    """Make an invite and return its token."""

    async def make(dob: str = ADULT_DOB, ref: str = "P-1") -> str:
        _, token = await store.invites.create(practice.id, ref, dob, valid_days=7)
        return token

    return make
