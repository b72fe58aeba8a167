"""A housekeeping reminder never reaches, or writes anything onto, a request erased while it
ran: the patient's "Delete all" (or a practice /stop) can commit between the job reading the
stalled and waiting requests and queueing its messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services import erasure
from bot.services.reminders import alert_waiting, remind_stalled
from bot.store import Store
from bot.store.models import Case, Stage
from tests.auxil.inbox import Setting, submitted_case


def erased_once_read(store: Store, reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The patient deletes every request the job reads with `store.cases.<reader>`, just after
    the job read them (before it queued anything)."""
    read = getattr(store.cases, reader)

    async def then_erased(cutoff: str) -> list[Case]:
        found: list[Case] = await read(cutoff)
        for case in found:
            await erasure.erase(store, case, Stage.ERASED, actor="patient", reason="delete")
        return found

    monkeypatch.setattr(store.cases, reader, then_erased)


async def test_a_request_deleted_while_the_stalled_reminder_runs_gets_no_reminder(
    store: Store, setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite, _ = await store.invites.create(setting.practice.id, "S-1", "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=11, patient_chat_id=11,
                                              is_child=False)
    await store.answers.save(case.id, "screen.site", "arm")
    erased_once_read(store, "idle_open", monkeypatch)

    assert await remind_stalled(store, 3, now=datetime.now(UTC) + timedelta(days=4)) == 0
    kinds = [item.kind for item in await store.outbox.for_case(case.id)]
    assert "patient.reminder" not in kinds, "no 'carry on' for a request the patient deleted"


async def test_a_request_deleted_while_the_waiting_alert_runs_is_not_said_to_wait(
    store: Store, setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = await submitted_case(store, setting)
    erased_once_read(store, "waiting_since", monkeypatch)

    assert await alert_waiting(store, 3, now=datetime.now(UTC) + timedelta(days=4)) == 0
    keys = [item.dedupe_key for item in await store.outbox.for_case(case.id)]
    assert not [key for key in keys if ":waiting:" in key], "staff are told it was deleted"
