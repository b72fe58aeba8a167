"""An earlier red-flag answer or urgent decision is carried over to a new invite of the same
patient when it happened within `CARRY_OVER_DAYS`, however long before it the earlier request
was started (a GP's decision, or a late "yes", can come days later)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.inbox.earlier import CARRY_OVER_DAYS, earlier_requests
from bot.store import Store
from bot.store.models import Invite
from tests.auxil.inbox import PATIENT, Setting

NHS, BORN = "9434765919", "1980-02-03"


async def request_started(store: Store, setting: Setting, days_ago: int) -> int:
    """An earlier request of the patient, started `days_ago`; its case id."""
    invite, _ = await store.invites.create(setting.practice.id, "P-1", BORN, valid_days=7,
                                           nhs_number=NHS)
    case = await store.cases.open_from_invite(invite, patient_user_id=PATIENT,
                                              patient_chat_id=PATIENT, is_child=False,
                                              consent_by="self")
    started = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE cases SET created_at = ? WHERE id = ?", (started, case.id))
    return case.id


async def invited_again_after_a_late_yes(store: Store, setting: Setting) -> Invite:
    """A request started 20 days ago, a red-flag "yes" tapped on it today after it was sent,
    and a new invite for the same patient; the new invite."""
    case_id = await request_started(store, setting, days_ago=CARRY_OVER_DAYS + 6)
    await store.audit.record("case.red_flag_after", actor="patient", case_id=case_id,
                             detail={"stage": "submitted", "staff_alerted": True})
    again, _ = await store.invites.create(setting.practice.id, "P-1", BORN, valid_days=7,
                                          nhs_number=NHS)
    return again


async def test_a_red_flag_answered_lately_on_a_request_started_long_ago_is_carried_over(
        store: Store, setting: Setting) -> None:
    again = await invited_again_after_a_late_yes(store, setting)

    found = await earlier_requests(store, again, datetime.now(UTC))

    assert [e.what for e in found] == ["red_flag"], "the yes was today, the request 20 days ago"


async def test_a_red_flag_answered_before_the_window_is_not_carried_over(
        store: Store, setting: Setting) -> None:
    again = await invited_again_after_a_late_yes(store, setting)
    later = datetime.now(UTC) + timedelta(days=CARRY_OVER_DAYS + 1)

    assert await earlier_requests(store, again, later) == []
