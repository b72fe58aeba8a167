"""A *Send* refused because the request moved meanwhile records nothing about its delivery:
in a practice with nobody to receive a case, the alert that reaches nobody and the patient's
notice (hazard log H07) exist only for a submission that was committed."""

from __future__ import annotations

import logging

import pytest

from bot.content import text
from bot.inbox.alerts import stop_alerts
from bot.inbox.routing import submission_messages
from bot.journey.replies import Reply
from bot.journey.service import Deliveries, Journey
from bot.store import StageConflict, Store
from bot.store.models import Case, Outgoing, Practice, Stage
from tests.auxil.fake_quality import ScriptedChecker
from tests.auxil.journey import USER, InviteMaker, photos_then_send, to_photos, words


@pytest.fixture
async def practice(store: Store) -> Practice:
    """A practice with nobody at all to receive a case or hear an alert."""
    return await store.practices.add("The Empty Practice", "020 7729 7000")


def journey_with(store: Store, checker: ScriptedChecker, deliveries: Deliveries) -> Journey:
    return Journey(store, checker, retention_days=30, invite_valid_days=7,
                   max_file_bytes=20 * 1024 * 1024, deliveries=deliveries,
                   stop_alerts=stop_alerts)


async def at_review_then_send(journey: Journey, invite: InviteMaker) -> list[Reply]:
    await to_photos(journey, invite)
    return await photos_then_send(journey)


async def recorded(store: Store, case_id: int) -> list[str]:
    return [e.kind for e in await store.audit.for_case(case_id)
            if e.kind in ("delivery.reached_nobody", "patient.told_unreached")]


async def test_a_send_refused_by_a_stage_conflict_records_nothing_about_its_delivery(
    store: Store, checker: ScriptedChecker, invite: InviteMaker,
    caplog: pytest.LogCaptureFixture
) -> None:
    # The practice (nobody there can receive a case) stops the request while its Send is
    # being built: the Send is refused, so nothing reached nobody and the patient is not told.
    async def practice_stops_meanwhile(store: Store, case: Case) -> list[Outgoing]:
        built = await submission_messages(store, case)
        await store.cases.stop_by_practice(case, actor="member:1", tell=Outgoing(
            USER, "patient.text", {"text": "stopped"}, f"case:{case.id}:stopped:{USER}"))
        return built

    caplog.set_level(logging.INFO)
    with pytest.raises(StageConflict):
        await at_review_then_send(journey_with(store, checker, practice_stops_meanwhile),
                                  invite)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.STOPPED
    assert await recorded(store, case.id) == []
    assert not [i for i in await store.outbox.for_case(case.id) if ":unreached:" in i.dedupe_key]
    assert "practice alert reached nobody" not in [r.getMessage() for r in caplog.records]


async def test_a_committed_send_nobody_can_receive_records_it_and_tells_the_patient_once(
    store: Store, checker: ScriptedChecker, invite: InviteMaker
) -> None:
    replies = await at_review_then_send(journey_with(store, checker, submission_messages),
                                        invite)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED
    assert await recorded(store, case.id) == ["delivery.reached_nobody",
                                              "patient.told_unreached"]
    # The answer to Send is the notice, never the receipt that says the practice has them.
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    assert words(replies) == text("inbox.patient.not_received", reference=case.reference,
                                  practice=practice.name, phone=practice.phone)
    assert await store.outbox.for_case(case.id) == []
