"""Submitted cases reach the right chat through the outbox, in order, once, with retries."""

from __future__ import annotations

import json

from bot.services.delivery import OutboxWorker, TryLater, Undeliverable, backoff
from bot.store import Store
from bot.store.models import OutboxItem
from tests.auxil.inbox import Setting, submitted_case


async def test_a_submission_queues_album_summary_and_pack_for_the_chosen_gp(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting, gp=setting.gp)
    queued = await store.outbox.for_case(case.id)
    assert [(q.chat_id, q.kind) for q in queued] == [
        (102, "gp.album"), (102, "gp.summary"), (102, "gp.pack")]
    assert json.loads(queued[0].payload) == {"case_id": case.id, "submission": 1}


async def test_without_a_chosen_gp_the_practice_inbox_group_gets_it(
    store: Store, setting: Setting
) -> None:
    await store.db._conn.execute("UPDATE practices SET inbox_chat_id = -500 WHERE id = ?",
                                 (setting.practice.id,))
    case = await submitted_case(store, setting)
    assert {q.chat_id for q in await store.outbox.for_case(case.id)} == {-500}


async def test_no_gp_at_all_alerts_the_staff_instead(store: Store, setting: Setting) -> None:
    await store.db._conn.execute("DELETE FROM members WHERE role = 'gp'")
    case = await submitted_case(store, setting)
    queued = await store.outbox.for_case(case.id)
    assert [(q.chat_id, q.kind) for q in queued] == [(101, "staff.alert")]
    assert case.reference in json.loads(queued[0].payload)["text"]


class FakeTelegram:
    """Records what was sent; fails the way it is told to."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.failures: list[Exception] = []

    async def __call__(self, item: OutboxItem) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(item.kind)


async def test_busy_telegram_is_retried_and_order_is_kept(store: Store, setting: Setting) -> None:
    case = await submitted_case(store, setting, gp=setting.gp)
    telegram, dropped = FakeTelegram(), []

    async def undeliverable(item: OutboxItem, reason: str) -> None:
        dropped.append(reason)

    worker = OutboxWorker(store, telegram, undeliverable)
    telegram.failures = [TryLater("429", 0)]
    assert await worker.run_once() == 0, "the summary waits for the album it follows"
    assert telegram.sent == []
    assert await worker.run_once() == 3
    assert telegram.sent == ["gp.album", "gp.summary", "gp.pack"]
    assert await worker.run_once() == 0, "each message is sent once"
    items = await store.outbox.for_case(case.id)
    assert all(i.sent_at for i in items) and items[0].attempts == 2 and not dropped


async def test_a_network_failure_backs_off(store: Store, setting: Setting) -> None:
    case = await submitted_case(store, setting, gp=setting.gp)
    telegram = FakeTelegram()
    telegram.failures = [TryLater("timed out")]

    async def undeliverable(item: OutboxItem, reason: str) -> None:
        raise AssertionError(reason)

    worker = OutboxWorker(store, telegram, undeliverable)
    assert await worker.run_once() == 0
    assert await worker.run_once() == 0, "not due again for a while"
    first = (await store.outbox.for_case(case.id))[0]
    assert first.last_error == "timed out" and first.next_attempt_at > first.created_at
    assert backoff(0) == 2 and backoff(20) == 300


async def test_a_blocked_gp_is_not_retried_and_staff_are_alerted(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting, gp=setting.gp)
    telegram, dropped = FakeTelegram(), []
    telegram.failures = [Undeliverable("403: bot was blocked by the user")]

    async def undeliverable(item: OutboxItem, reason: str) -> None:
        dropped.append((item.kind, reason))

    worker = OutboxWorker(store, telegram, undeliverable)
    await worker.run_once()
    assert dropped == [("gp.album", "403: bot was blocked by the user")]
    events = [e.kind for e in await store.audit.for_case(case.id)]
    assert "delivery.failed" in events


async def test_erasing_a_case_stops_its_delivery(store: Store, setting: Setting) -> None:
    case = await submitted_case(store, setting, gp=setting.gp)
    from bot.store.models import Stage

    await store.cases.erase(case, Stage.ERASED, actor="patient", reason="asked")
    telegram = FakeTelegram()

    async def undeliverable(item: OutboxItem, reason: str) -> None:
        raise AssertionError(reason)

    assert await OutboxWorker(store, telegram, undeliverable).run_once() == 0
    assert telegram.sent == []


async def test_erasing_a_delivered_case_queues_taking_it_back(store: Store,
                                                             setting: Setting) -> None:
    from bot.store.models import Stage

    case = await submitted_case(store, setting, gp=setting.gp)
    for message_id, part in ((7, "album:locator"), (8, "summary"), (9, "pack")):
        await store.outbox.sent_as(await store.outbox.sending(case.id, 102, part=part,
                                                              submission=1), message_id)
    await store.outbox.not_sent(await store.outbox.sending(case.id, 102, part="pack",
                                                           submission=1))
    await store.outbox.sending(case.id, 102, part="pack", submission=1)  # then killed
    await store.cases.erase(case, Stage.ERASED, actor="retention", reason="30 days")
    retract = [q for q in await store.outbox.for_case(case.id) if q.kind == "gp.retract"]
    assert [(q.chat_id, json.loads(q.payload)["reason"]) for q in retract] == [
        (102, "retention")]
    assert await store.outbox.take_delivered(case.id, 102) == [0, 7, 8, 9], "0: id unknown"
    assert await store.outbox.take_delivered(case.id, 102) == []
