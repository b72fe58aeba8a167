"""A *Send* or a stop refused because the request moved meanwhile records nothing about its
alerts: in a practice with nobody to receive a case or hear an alert, the alert that reaches
nobody (listed by `python -m bot unreached`) and the patient's notice (hazard log H07) exist
only for a submission or stop that was committed, and are written with it."""

from __future__ import annotations

import json
import logging

import pytest

from bot.content import text
from bot.inbox.alerts import stop_alerts
from bot.inbox.routing import submission_messages
from bot.journey.replies import Reply
from bot.journey.service import Deliveries, Journey, StopAlerts
from bot.journey.stop_words import stop_words
from bot.services.alerting import Alerts
from bot.store import StageConflict, Store
from bot.store.models import Case, Outgoing, Practice, Stage
from tests.auxil.fake_quality import ScriptedChecker
from tests.auxil.journey import (
    USER,
    InviteMaker,
    photos_then_send,
    tap,
    to_photos,
    to_screening,
    words,
)


@pytest.fixture
async def practice(store: Store) -> Practice:
    """A practice with nobody at all to receive a case or hear an alert."""
    return await store.practices.add("The Empty Practice", "020 7729 7000")


def journey_with(store: Store, checker: ScriptedChecker, deliveries: Deliveries,
                 stops: StopAlerts = stop_alerts) -> Journey:
    return Journey(store, checker, retention_days=30, invite_valid_days=7,
                   max_file_bytes=20 * 1024 * 1024, deliveries=deliveries,
                   stop_alerts=stops)


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


async def stopped_for_a_mole(journey: Journey, invite: InviteMaker) -> list[Reply]:
    """Answer "a mole" at the screening, confirm it and say no to the red flags asked then:
    the request stops."""
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.mole"))
    replies = await tap(journey, replies, text("journey.confirm.yes"))
    return await tap(journey, replies, text("journey.screening.red_flags.no"))


async def stopped_alerts(store: Store) -> list[str]:
    """The alerts `python -m bot unreached` lists for the operator, by name."""
    return [json.loads(e.detail)["alert"] for e in await store.audit.unreached()]


async def test_a_stop_that_loses_a_race_to_another_stop_leaves_no_line_for_the_operator(
    store: Store, checker: ScriptedChecker, invite: InviteMaker
) -> None:
    # The practice stops the request while the patient's own stop (a mole) is being built:
    # the patient's stop is refused, so its alert never reached nobody.
    async def practice_stops_meanwhile(store: Store, case: Case, reason: str) -> Alerts:
        built = await stop_alerts(store, case, reason)
        await store.cases.stop_by_practice(case, actor="member:1", tell=Outgoing(
            USER, "patient.text", {"text": "stopped"}, f"case:{case.id}:stopped:{USER}"))
        return built

    journey = journey_with(store, checker, submission_messages, practice_stops_meanwhile)
    with pytest.raises(StageConflict):
        await stopped_for_a_mole(journey, invite)
    assert await stopped_alerts(store) == []


async def test_a_committed_stop_nobody_can_hear_is_listed_once_for_the_operator(
    store: Store, checker: ScriptedChecker, invite: InviteMaker
) -> None:
    journey = journey_with(store, checker, submission_messages)
    replies = await stopped_for_a_mole(journey, invite)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.STOPPED
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    assert words(replies) == stop_words("screen_mole", parent=False, practice=practice.name,
                                        phone=practice.phone)
    assert await stopped_alerts(store) == ["stopped"]
