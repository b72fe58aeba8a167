"""The task for practice staff to make an e-RS referral when a GP refers (hazard log H48), as a
plain service: who gets it, who never does, and where it goes when one member cannot receive
it (end to end in tests/e2e/test_referral_task_e2e.py)."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.content import text
from bot.handlers.delivery import alert_staff
from bot.inbox.decisions import Inbox
from bot.services.delivery import REFUSED_FOR_GOOD
from bot.store import Store
from bot.store.models import Case, OutboxItem
from bot.store.practices import DeliveryChannels
from tests.auxil.inbox import Setting, submitted_case

BLOCKED = f"{REFUSED_FOR_GOOD}: Forbidden: bot was blocked by the user"


async def tasks(store: Store, case: Case) -> list[OutboxItem]:
    """The case's staff tasks to make the referral, oldest first."""
    return [i for i in await store.outbox.for_case(case.id)
            if i.kind == "staff.task" and json.loads(i.payload or "{}").get("referral")]


async def test_staff_and_admins_get_the_task_and_the_deciding_gp_is_told_they_have_it(
    store: Store, setting: Setting
) -> None:
    await store.practices.add_member(setting.practice.id, 103, "admin", "Ann Admin")
    await store.practices.add_member(setting.practice.id, 104, "gp", "Dr Two")
    case = await submitted_case(store, setting)
    outcome = await Inbox(store).refer(102, case.id)
    assert outcome.done and outcome.text == text(
        "inbox.gp.decided_refer", reference=case.reference, gp="Dr Gee", days=3) + text(
        "inbox.gp.decided_refer_staff")
    assert sorted(i.chat_id for i in await tasks(store, case)) == [101, 103], \
        "staff and admins, never the deciding GP or another GP"


async def test_a_practice_of_gps_only_gets_no_task_and_the_gp_is_not_told_staff_have_it(
    store: Store, setting: Setting
) -> None:
    await store.practices.add_member(setting.other_practice.id, 202, "gp", "Dr Three")
    case = await submitted_case(store, replace(setting, practice=setting.other_practice),
                                gp=setting.other_gp)
    outcome = await Inbox(store).refer(201, case.id)
    assert outcome.done and outcome.text == text(
        "inbox.gp.decided_refer", reference=case.reference, gp="Dr Other", days=3)
    assert await tasks(store, case) == []


async def test_a_task_one_member_cannot_receive_goes_to_other_staff_never_to_the_gps(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).refer(102, case.id)
    (sue,) = await tasks(store, case)
    await store.practices.add_member(setting.practice.id, 103, "admin", "Ann Admin")
    await store.outbox.mark_failed(sue.id, BLOCKED)
    await alert_staff(store, sue, BLOCKED, "telederm_bot")
    _, ann = await tasks(store, case)
    assert ann.chat_id == 103 and json.loads(ann.payload)["referral"] == 1, \
        "passed on with its button"

    await store.outbox.mark_failed(ann.id, BLOCKED)
    await alert_staff(store, ann, BLOCKED, "telederm_bot")
    assert [i.chat_id for i in await tasks(store, case)] == [101, 103]
    assert not [i for i in await store.outbox.for_case(case.id)
                if i.kind.startswith("staff.") and i.chat_id == 102], \
        "the GP who decided has the button in their own message already"


async def test_staff_are_sent_to_where_they_can_open_the_pack_never_to_the_gps_own_chat(
    store: Store, setting: Setting
) -> None:
    """The task names the places staff can open (the practice mailbox here); the GP's own
    chat, which staff cannot see, is named only when the pack is nowhere else, and then
    staff are told to ask the GP for it."""
    only_gp = await submitted_case(store, setting)
    await Inbox(store).refer(102, only_gp.id)
    (task,) = await tasks(store, only_gp)
    assert text("inbox.staff.referral_pack_gp_only", gp="Dr Gee") in json.loads(
        task.payload)["text"]

    await store.practices.set_channels(
        setting.practice.id, DeliveryChannels(deliver=("telegram", "email"),
                                              inbox_email="lawson.practice@nhs.net"),
        actor="test")
    mailbox = await submitted_case(store, setting)
    await Inbox(store).refer(102, mailbox.id)
    (task,) = await tasks(store, mailbox)
    words = json.loads(task.payload)["text"]
    assert text("inbox.staff.referral_pack", places=text("channels.gp.where_email")) in words
    assert text("inbox.staff.referral_pack_gp_only", gp="Dr Gee") not in words
    assert "Dr Gee's" not in words and "chat with this bot" not in words, \
        "not sent to a chat staff cannot see"
