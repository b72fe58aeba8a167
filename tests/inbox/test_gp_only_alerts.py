"""Every alert about a case reaches someone at its practice: staff, else its GPs, never a chat
the case already failed to reach; an alert that can reach nobody is audited, once, for the
operator (hazard log H07; end to end in tests/e2e/test_gp_only_practice_e2e.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.dispatch import Dispatcher
from bot.content import text
from bot.handlers.delivery import alert_staff
from bot.inbox.alerts import stop_alerts, urgent_task
from bot.inbox.routing import redirected
from bot.services import erasure
from bot.services.alerting import tell_patient
from bot.services.delivery import REFUSED_FOR_GOOD
from bot.services.erasure import erased_task, patient_ended_alerts
from bot.services.reminders import alert_waiting
from bot.store import StageConflict, Store
from bot.store.cases import REFERRED, URGENT
from bot.store.models import Case, Event, OutboxItem, Outgoing, Practice, Stage
from bot.store.outbox import cancel_for_case
from bot.store.practices import DeliveryChannels
from tests.auxil.inbox import PATIENT, Setting, submitted_case

BLOCKED = f"{REFUSED_FOR_GOOD}: Forbidden: bot was blocked by the user"


async def dr_others_case(store: Store, setting: Setting) -> Case:
    """A case submitted to the other practice (GPs only: Dr Other, chat 201) for its GP."""
    return await submitted_case(store, replace(setting, practice=setting.other_practice),
                                gp=setting.other_gp)


async def items_by_kind(store: Store, case: Case) -> dict[str, OutboxItem]:
    """The case's outbox items by kind ("gp.album", "gp.summary", "gp.pack"...)."""
    return {i.kind: i for i in await store.outbox.for_case(case.id)}


async def blocked_gp_case(store: Store, setting: Setting) -> Case:
    """A case of the other practice (GPs only) for its GP, who has blocked the bot: the
    delivery of the photos failed for good and `alert_staff` has run."""
    case = await dr_others_case(store, setting)
    album = next(i for i in await store.outbox.for_case(case.id) if i.kind == "gp.album")
    await store.outbox.mark_failed(album.id, BLOCKED)
    await alert_staff(store, album, BLOCKED, "telederm_bot")
    return case


async def alert_chats_of(store: Store, case: Case) -> list[int]:
    return [i.chat_id for i in await store.outbox.for_case(case.id) if i.kind.startswith("staff")]


async def told(store: Store, case: Case) -> list[Event]:
    return [e for e in await store.audit.for_case(case.id) if e.kind == "patient.told_unreached"]


def notice_for(case: Case, practice: Practice) -> str:
    return text("inbox.patient.not_received", reference=case.reference, practice=practice.name,
                phone=practice.phone)


async def notices(store: Store, case: Case) -> list[str]:
    """What the patient is queued to read that says the practice could not get the photos."""
    return [i.dedupe_key for i in await store.outbox.for_case(case.id)
            if i.chat_id == PATIENT and ":unreached:" in i.dedupe_key]


async def unreached(store: Store, case: Case) -> list[Event]:
    return [e for e in await store.audit.for_case(case.id) if e.kind == "delivery.reached_nobody"]


async def test_a_practice_of_gps_hears_every_alert_in_the_chats_that_can_receive_it(
    store: Store, setting: Setting
) -> None:
    other_gp = await store.practices.add_member(setting.other_practice.id, 202, "gp", "Dr Two")
    case = await blocked_gp_case(store, setting)
    assert await alert_chats_of(store, case) == [202], "the blocked GP is left out"
    await alert_waiting(store, 3, now=datetime.now(UTC) + timedelta(days=4))
    assert await alert_chats_of(store, case) == [202, 202]
    for queued in ((await stop_alerts(store, case, "red_flag")).messages,
                   (await urgent_task(store, case, other_gp)).messages,
                   (await patient_ended_alerts(store, case, Stage.CANCELLED)).messages,
                   (await erased_task(store, case)).messages):
        assert [q.chat_id for q in queued] == [202]
    assert await unreached(store, case) == []


async def test_a_case_redirected_from_a_gp_who_left_tells_the_other_gp_in_a_practice_of_gps(
    store: Store, setting: Setting
) -> None:
    await store.practices.add_member(setting.other_practice.id, 202, "gp", "Dr Two")
    case = await dr_others_case(store, setting)
    await store.practices.remove_member(setting.other_practice.id, 201, actor="cli")
    queued = await redirected(store, case, 201)
    notes = [q for q in queued if q.kind == "staff.alert"]
    assert [q.chat_id for q in notes] == [202]
    assert {q.chat_id for q in queued if q.kind.startswith("gp.")} == {202}


async def test_an_alert_that_reaches_nobody_is_audited_once_without_personal_data(
    store: Store, setting: Setting
) -> None:
    case = await blocked_gp_case(store, setting)
    assert await alert_chats_of(store, case) == [], "the only GP blocked the bot"
    later = datetime.now(UTC) + timedelta(days=4)
    assert await alert_waiting(store, 3, now=later) == 0
    assert await alert_waiting(store, 3, now=later + timedelta(days=1)) == 0
    stop = await stop_alerts(store, case, "red_flag")
    assert stop.messages == []
    assert [json.loads(e.detail)["alert"] for e in await unreached(store, case)] == [
        "blocked", "waiting"], "a stop's alert is recorded only with the stop (its notes)"
    await store.outbox.add(case.id, stop.messages, stop.notes)
    events = await unreached(store, case)
    assert [json.loads(e.detail)["alert"] for e in events] == ["blocked", "waiting", "stopped"]
    assert all(e.practice_id == setting.other_practice.id for e in events)
    invite = await store.invites.get(case.invite_id or 0)
    assert invite is not None
    assert not any(private in e.detail for e in events
                   for private in (invite.patient_ref, invite.date_of_birth))


async def test_a_case_for_a_practice_with_nobody_to_receive_it_is_audited(
    store: Store, setting: Setting
) -> None:
    empty = await store.practices.add("Empty Surgery", "020 1111 1111")
    case = await submitted_case(store, replace(setting, practice=empty))
    # The answer to Send tells the patient (tests/e2e/test_gp_only_practice_e2e.py), so
    # nothing is queued for anyone, and no later alert tells them again.
    assert await store.outbox.for_case(case.id) == []
    assert [json.loads(e.detail)["alert"] for e in await unreached(store, case)] == ["no_inbox"]
    assert [json.loads(e.detail) for e in await told(store, case)] == [
        {"alert": "no_inbox", "submission": 1}]
    assert not await tell_patient(store, case, "no_inbox", kind="")
    assert await notices(store, case) == []


async def test_a_case_on_its_way_to_the_practice_mailbox_tells_the_patient_only_if_it_fails(
    store: Store, setting: Setting
) -> None:
    # Nobody at the practice is in Telegram, but the case goes to its NHSmail mailbox: the
    # patient is not told the practice cannot get it, unless the mailbox refuses it for good.
    mailbox = await store.practices.add("Mail Surgery", "020 2222 2222", channels=(
        DeliveryChannels(("email",), inbox_email="mail@nhs.test")))
    case = await submitted_case(store, replace(setting, practice=mailbox))
    (email,) = await store.outbox.for_case(case.id)
    assert email.kind == "record.email"
    assert [json.loads(e.detail)["alert"] for e in await unreached(store, case)] == ["no_inbox"]
    assert await told(store, case) == [] and await notices(store, case) == []
    dispatcher = Dispatcher(store, telegram=nothing_sent, channels={}, pack_limit=745_000,
                            queued=lambda: None)
    await store.outbox.mark_failed(email.id, "550 mailbox unavailable")
    assert await dispatcher.undeliverable(email, "550 mailbox unavailable")
    assert await notices(store, case) == [f"case:{case.id}:sub:1:unreached:{PATIENT}"]
    (notice,) = [i for i in await store.outbox.for_case(case.id) if i.chat_id == PATIENT]
    assert json.loads(notice.payload)["text"] == notice_for(case, mailbox)


async def nothing_sent(item: OutboxItem) -> None:
    raise AssertionError(f"no Telegram item expected: {item.kind}")


async def test_the_patient_is_told_when_the_only_gp_leaves_before_the_case_reached_them(
    store: Store, setting: Setting
) -> None:
    case = await dr_others_case(store, setting)
    assert await notices(store, case) == []  # on its way to the GP
    await store.practices.remove_member(setting.other_practice.id, 201, actor="cli")
    await store.outbox.add(case.id, await redirected(store, case, 201))
    assert await notices(store, case) == [f"case:{case.id}:sub:1:unreached:{PATIENT}"]


async def test_only_a_chat_that_refused_for_good_is_left_out_of_later_alerts(
    store: Store, setting: Setting
) -> None:
    # A practice with one GP. Retries run out in an outage, or one message is refused (a 400):
    # the GP can still hear of a red flag. Only a GP who blocked the bot is left out, and only
    # until something of the case reaches them again (they unblocked it).
    case = await dr_others_case(store, setting)
    items = await items_by_kind(store, case)
    await store.outbox.mark_failed(items["gp.album"].id, "gave up after 30 tries: network")
    await store.outbox.mark_failed(items["gp.summary"].id, "400: Bad Request: too big")
    assert [q.chat_id for q in (await stop_alerts(store, case, "red_flag")).messages] == [201]
    await store.outbox.mark_failed(items["gp.pack"].id, BLOCKED)
    assert (await stop_alerts(store, case, "red_flag_after")).messages == []
    unblocked = Outgoing(201, "staff.alert", {"text": "later"}, f"case:{case.id}:later:201")
    await store.outbox.add(case.id, [unblocked])
    later = next(i for i in await store.outbox.for_case(case.id) if i.dedupe_key.endswith(
        ":later:201"))
    await store.outbox.mark_sent(later.id)
    assert [q.chat_id for q in (await stop_alerts(store, case, "red_flag")).messages] == [201]


async def test_an_erased_case_does_not_count_its_gp_as_unreachable(
    store: Store, setting: Setting
) -> None:
    # Erasure stops every undelivered message of the case; that says nothing about the chats.
    case = await dr_others_case(store, setting)
    async with store.db.transaction() as conn:
        await cancel_for_case(conn, case.id, "erased")
    assert {i.chat_id for i in await store.outbox.for_case(case.id) if i.failed_at} == {201}
    stop = await stop_alerts(store, case, "red_flag_after")
    assert [q.chat_id for q in stop.messages] == [201]


async def test_the_patient_of_a_case_nobody_can_receive_is_told_once_per_submission(
    store: Store, setting: Setting
) -> None:
    case = await blocked_gp_case(store, setting)  # the photos were refused: the only GP blocked
    assert await notices(store, case) == [f"case:{case.id}:sub:1:unreached:{PATIENT}"]
    (notice,) = [i for i in await store.outbox.for_case(case.id) if i.chat_id == PATIENT]
    assert json.loads(notice.payload)["text"] == notice_for(case, setting.other_practice)
    for kind in ("gp.summary", "gp.pack"):  # every other part is refused too
        part = next(i for i in await store.outbox.for_case(case.id) if i.kind == kind)
        await store.outbox.mark_failed(part.id, BLOCKED)
        await alert_staff(store, part, BLOCKED, "telederm_bot")
    await alert_waiting(store, 3, now=datetime.now(UTC) + timedelta(days=4))
    assert len(await notices(store, case)) == 1, "once, however many alerts reach nobody"
    (event,) = await told(store, case)
    assert json.loads(event.detail) == {"alert": "blocked", "submission": 1}
    assert event.practice_id == setting.other_practice.id


async def test_a_case_that_reached_the_practice_or_is_on_its_way_tells_the_patient_nothing(
    store: Store, setting: Setting
) -> None:
    case = await dr_others_case(store, setting)
    items = await items_by_kind(store, case)
    # A 400 about the photos: the summary may still reach the GP, so nobody is told yet.
    await store.outbox.mark_failed(items["gp.album"].id, "400: Bad Request: file too big")
    await alert_staff(store, items["gp.album"], "400: Bad Request: file too big", "bot")
    assert await notices(store, case) == []
    await store.outbox.mark_sent(items["gp.summary"].id)  # the GP has the case's summary
    await store.outbox.mark_failed(items["gp.pack"].id, BLOCKED)  # then blocked the bot
    await alert_staff(store, items["gp.pack"], BLOCKED, "bot")
    assert [json.loads(e.detail)["alert"] for e in await unreached(store, case)] == [
        "failed", "blocked"], "the alerts reached nobody"
    assert await notices(store, case) == [] and await told(store, case) == []


async def test_alerts_that_are_not_about_the_delivery_of_the_case_tell_the_patient_nothing(
    store: Store, setting: Setting
) -> None:
    # The case reached its practice's only GP, who has left since: nobody at the practice can
    # hear of a red flag, a cancellation, or a patient who blocked the bot (hazard log H08).
    case = await dr_others_case(store, setting)
    for item in await store.outbox.for_case(case.id):
        await store.outbox.mark_sent(item.id)
    await store.practices.remove_member(setting.other_practice.id, 201, actor="cli")
    to_patient = Outgoing(PATIENT, "patient.text", {"text": "update"}, f"case:{case.id}:p")
    await store.outbox.add(case.id, [to_patient])
    item = next(i for i in await store.outbox.for_case(case.id) if i.chat_id == PATIENT)
    await store.outbox.mark_failed(item.id, BLOCKED)
    await alert_staff(store, item, BLOCKED, "bot")
    assert (await stop_alerts(store, case, "red_flag_after")).messages == []
    assert (await patient_ended_alerts(store, case, Stage.CANCELLED)).messages == []
    assert await unreached(store, case), "the alerts reached nobody"
    assert await notices(store, case) == [] and await told(store, case) == []


@pytest.mark.parametrize("lost_the_race", [False, True], ids=["decided", "another-gp-first"])
async def test_an_urgent_task_nobody_can_receive_is_listed_only_with_its_decision(
    store: Store, setting: Setting, lost_the_race: bool
) -> None:
    # The practice's only GP blocked the bot: the urgent task can reach nobody. That is listed
    # for the operator with the urgent decision, never for one another GP's decision beat.
    case = await blocked_gp_case(store, setting)
    task = await urgent_task(store, case, setting.other_gp)
    assert task.messages == []
    if lost_the_race:
        await store.cases.move(case, Stage.DECIDED, actor="member:9", decision=REFERRED)
    try:
        await store.cases.move(case, Stage.DECIDED, actor=f"member:{setting.other_gp.id}",
                               outbox=task.messages, decision=URGENT, notes=task.notes)
    except StageConflict:
        assert lost_the_race
    alerts = [json.loads(e.detail)["alert"] for e in await unreached(store, case)]
    assert ("urgent" in alerts) is not lost_the_race


async def test_a_cancellation_nobody_can_hear_is_listed_with_the_erasure_that_made_it(
    store: Store, setting: Setting
) -> None:
    # The practice's only GP has left: the staff alert that the patient cancelled reaches
    # nobody. It is listed for the operator by the erasure's own transaction, not before it.
    case = await dr_others_case(store, setting)
    await store.practices.remove_member(setting.other_practice.id, 201, actor="cli")
    built = await patient_ended_alerts(store, case, Stage.CANCELLED)
    assert built.messages == [] and await unreached(store, case) == []
    current = await store.cases.get(case.id)
    assert current is not None

    await erasure.erase(store, current, Stage.CANCELLED, actor="patient", reason="test")

    assert [json.loads(e.detail)["alert"] for e in await unreached(store, case)] == [
        "cancelled"]
