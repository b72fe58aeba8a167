"""An urgent (two-week-wait) task as plain services: it outlives the patient's erasure, the
retention purge waits for it, and a task or alert nobody could receive is passed on
(audit findings 2 and 3; hazard log H22)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.content import text
from bot.handlers.delivery import NOT_A_RECIPIENT, alert_staff
from bot.inbox.decisions import Inbox
from bot.inbox.digest import uk_time
from bot.inbox.undelivered import still_a_member
from bot.services import erasure
from bot.services.reminders import chase_urgent_tasks
from bot.services.retention import purge
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing, Stage
from tests.auxil.inbox import Setting, submitted_case

GAVE_UP = "gave up after 30 tries: network: TimedOut"


async def items(store: Store, case_id: int, kind: str) -> list[OutboxItem]:
    """The case's outbox items of one kind, oldest first."""
    return [i for i in await store.outbox.for_case(case_id) if i.kind == kind]


async def test_an_erasure_keeps_the_staff_task_and_alert_not_yet_sent(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    decided = await store.cases.get(case.id)
    assert decided is not None
    await erasure.erase(store, decided, Stage.ERASED, actor="patient", reason="patient_deleted")

    (task, notice) = await items(store, case.id, "staff.task")
    assert task.sent_at is None and task.failed_at is None, "not cancelled"
    assert json.loads(task.payload)["text"] == text(
        "inbox.staff.urgent_task", patient_ref="P-9", reference=case.reference, gp="Dr Gee")
    assert json.loads(notice.payload)["text"] == text(
        "inbox.staff.urgent_task_erased", patient_ref="P-9", reference=case.reference)
    (told,) = await items(store, case.id, "patient.text")
    assert told.failed_at is not None and told.payload == "{}", "the patient's words go"
    await store.outbox.mark_sent(task.id)
    (task, _) = await items(store, case.id, "staff.task")
    assert task.payload == "{}", "the words are kept only until they are delivered"


async def test_the_erasure_notice_is_not_sent_for_a_task_already_done(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    await Inbox(store).task_done(setting.staff.telegram_user_id, case.id)
    done = await store.cases.get(case.id)
    assert done is not None
    await erasure.erase(store, done, Stage.ERASED, actor="patient", reason="patient_deleted")
    assert [i.dedupe_key for i in await items(store, case.id, "staff.task")
            if "erased" in i.dedupe_key] == []


async def test_retention_keeps_an_urgent_case_until_its_task_is_done(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    later = datetime.now(UTC) + timedelta(days=45)
    assert await purge(store, 30, now=later) == 0
    kept = await store.cases.get(case.id)
    assert kept is not None and kept.erased_at is None
    assert len(await store.photos.for_case(case.id)) == 3, "the GP may still need the photos"
    await Inbox(store).task_done(setting.staff.telegram_user_id, case.id)
    assert await purge(store, 30, now=later) == 1
    assert await store.photos.for_case(case.id) == []


async def test_a_task_that_ran_out_of_retries_goes_to_the_deciding_gp(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    (task,) = await items(store, case.id, "staff.task")
    await store.outbox.mark_failed(task.id, GAVE_UP)
    await alert_staff(store, task, GAVE_UP, "telederm_bot")
    (_, to_gp) = await items(store, case.id, "staff.task")
    assert to_gp.chat_id == setting.gp.telegram_user_id
    words = json.loads(task.payload)["text"]
    assert json.loads(to_gp.payload)["text"] == text(
        "inbox.gp.task_undelivered", reference=case.reference, task=words)
    await alert_staff(store, task, GAVE_UP, "telederm_bot")
    assert len(await items(store, case.id, "staff.task")) == 2, "passed on once"
    await store.outbox.mark_failed(to_gp.id, GAVE_UP)
    await alert_staff(store, to_gp, GAVE_UP, "telederm_bot")
    assert len(await items(store, case.id, "staff.task")) == 2, "nobody else to try"
    events = [e.kind for e in await store.audit.for_case(case.id)]
    assert "delivery.reached_nobody" in events


async def test_a_stop_alert_a_former_member_cannot_have_goes_to_the_gps(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    words = text("inbox.staff.stopped.red_flag", patient_ref="P-9", reference=case.reference)
    staff = setting.staff.telegram_user_id
    await store.outbox.add(case.id, [Outgoing(staff, "staff.alert", {"text": words},
                                              f"case:{case.id}:stopped:{staff}")])
    (alert,) = await items(store, case.id, "staff.alert")
    await store.practices.remove_member(setting.practice.id, staff, actor="test")
    assert not await still_a_member(store, alert), "checked again before it is sent"
    await alert_staff(store, alert, NOT_A_RECIPIENT, "telederm_bot")
    (_, passed) = await items(store, case.id, "staff.alert")
    assert passed.chat_id == setting.gp.telegram_user_id
    assert json.loads(passed.payload)["text"] == words, "an alert goes to the GPs as it is"


async def test_each_undone_urgent_task_is_chased_in_its_own_words_erased_or_not(
    store: Store, setting: Setting
) -> None:
    """Two erased urgent cases and one kept, all with the task not done a day later: each is
    chased once, in its own words, each named as its first task named it: the practice's
    reference is kept while the task is open (docs/dpia.md, Rights)."""
    cases = []
    for _ in range(3):
        case = await submitted_case(store, setting)
        await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
        cases.append(case)
    for case in cases[:2]:
        decided = await store.cases.get(case.id)
        assert decided is not None
        await erasure.erase(store, decided, Stage.ERASED, actor="patient",
                            reason="patient_deleted")
    later = datetime.now(UTC) + timedelta(days=2)
    assert await chase_urgent_tasks(store, now=later) == 3
    for case, key in (
            (cases[0], "inbox.staff.urgent_task_again_erased"),
            (cases[1], "inbox.staff.urgent_task_again_erased"),
            (cases[2], "inbox.staff.urgent_task_again")):
        (chased,) = [i for i in await items(store, case.id, "staff.task")
                     if "urgent-again" in i.dedupe_key]
        decided = await store.cases.get(case.id)
        assert decided is not None
        assert json.loads(chased.payload)["text"] == text(
            key, reference=case.reference, patient_ref="P-9", since=uk_time(decided.decided_at))


async def test_an_old_urgent_stub_erased_by_retention_is_not_brought_back(
    store: Store, setting: Setting
) -> None:
    """A database from before retention waited for the urgent task: its stubs erased by
    retention, task never marked done, are neither chased nor listed as urgent again."""
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    decided = await store.cases.get(case.id)
    assert decided is not None
    await erasure.erase(store, decided, Stage.ERASED, actor="retention", reason="retention")
    later = datetime.now(UTC) + timedelta(days=2)
    assert await store.cases.outcome_open_since("urgent", "task_done_at",
                                                later.isoformat(timespec="seconds")) == []
    assert await chase_urgent_tasks(store, now=later) == 0


async def test_the_deciding_gp_is_told_the_patient_deleted_the_request_when_chased(
    store: Store, setting: Setting
) -> None:
    """From the third chase the GP who decided is told too: for a case the patient erased
    since, in words that say so, as staff's chase does."""
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(setting.gp.telegram_user_id, case.id)
    decided = await store.cases.get(case.id)
    assert decided is not None and decided.decided_at
    await erasure.erase(store, decided, Stage.ERASED, actor="patient", reason="patient_deleted")
    start = datetime.fromisoformat(decided.decided_at)
    for hours in (4, 8, 12):
        await chase_urgent_tasks(store, now=start + timedelta(hours=hours, minutes=1))
    (to_gp,) = [i for i in await items(store, case.id, "staff.task")
                if "urgent-again:3" in i.dedupe_key and i.chat_id == setting.gp.telegram_user_id]
    assert json.loads(to_gp.payload)["text"] == text(
        "inbox.staff.urgent_task_again_gp_erased", patient_ref="P-9", reference=case.reference,
        since=uk_time(decided.decided_at), count=2)
