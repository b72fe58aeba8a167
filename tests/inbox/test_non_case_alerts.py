"""Alerts to practice staff about no case (a join code used, the inbox group removed or back)
go only to people still members of the practice when they are sent, as case alerts do: someone
removed meanwhile gets nothing (hazard log H60)."""

from __future__ import annotations

from bot.inbox.moved import inbox_group_back, inbox_group_lost
from bot.inbox.staff import StaffDesk
from bot.inbox.undelivered import still_a_member
from bot.store import Store
from bot.store.models import OutboxItem
from tests.auxil.inbox import Setting

GROUP = -1_001_000_000_777


async def queued_alerts(store: Store) -> list[OutboxItem]:
    """The staff alerts about no case waiting to be sent."""
    return [
        item
        for item in await store.outbox.due(limit=100)
        if item.kind == "staff.alert" and item.case_id is None
    ]


async def test_an_admin_removed_before_a_join_alert_is_sent_does_not_get_it(
    store: Store, setting: Setting
) -> None:
    """Two admins; a join code is used, and one admin is removed from the practice before the
    alert naming the new member's Telegram account reaches them: only the other gets it."""
    leaving = await store.practices.add_member(setting.practice.id, 501, "admin", "Lee Leaving")
    staying = await store.practices.add_member(setting.practice.id, 502, "admin", "Sam Staying")
    desk = StaffDesk(store, bot_username="telederm_bot", invite_valid_days=7, stalled_after_days=3)
    code = await desk.join_code(staying, "gp", "Dr New")
    assert await desk.join(404, code, "Dr New") is not None
    await store.practices.remove_member(setting.practice.id, leaving.telegram_user_id, actor="test")
    alerts = {item.chat_id: item for item in await queued_alerts(store)}
    assert set(alerts) == {leaving.telegram_user_id, staying.telegram_user_id}
    assert not await still_a_member(store, alerts[leaving.telegram_user_id])
    assert await still_a_member(store, alerts[staying.telegram_user_id])


async def test_a_member_removed_before_an_inbox_group_alert_is_sent_does_not_get_it(
    store: Store, setting: Setting
) -> None:
    """The bot is taken out of the practice's inbox group and added back: the staff member
    removed from the practice meanwhile gets neither alert, and still gets nothing if she
    is a member of another practice."""
    await store.practices.set_inbox(setting.practice.id, GROUP, actor="test")
    assert await inbox_group_lost(store, GROUP, 1) == 1
    assert await inbox_group_back(store, GROUP, 2) == 1
    sue = setting.staff.telegram_user_id
    await store.practices.remove_member(setting.practice.id, sue, actor="test")
    await store.practices.add_member(setting.other_practice.id, sue, "staff", "Sue Smith")
    for _ in ("removed", "back"):  # one at a time: a chat's next item waits for its last
        (alert,) = [item for item in await queued_alerts(store) if item.chat_id == sue]
        assert not await still_a_member(store, alert)
        await store.outbox.mark_failed(alert.id, "not a member")
    assert not [item for item in await queued_alerts(store) if item.chat_id == sue]
