"""Staff conversations kept for restarts (the /invite draft) do not outlive their use: the
retention purge drops idle ones, and leaving the practice drops a member's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.retention import purge
from bot.store import Store

DRAFT = {"invite_draft": {"patient_ref": "P-1", "date_of_birth": "1980-02-03",
                          "nhs_number": None}}


async def test_the_purge_drops_staff_drafts_idle_for_a_day_and_keeps_fresh_ones(
    store: Store
) -> None:
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    await store.practices.add_member(practice.id, 11, "staff", "Sue")
    await store.conversations.set_state("staff_invite", (11, 11), "choose_gp")
    await store.conversations.set_user_data(11, DRAFT)
    await purge(store, 30)
    assert await store.conversations.count() == 2, "an hour-old draft stays"
    await purge(store, 30, now=datetime.now(UTC) + timedelta(days=1, minutes=1))
    assert await store.conversations.count() == 0
    long_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds")
    assert await store.conversations.user_data(long_ago) == {}


async def test_a_member_who_leaves_loses_their_draft_but_not_one_still_a_member(
    store: Store
) -> None:
    first = await store.practices.add("The Lawson Practice", "020 7729 7236")
    second = await store.practices.add("Other Surgery", "020 0000 0000")
    await store.practices.add_member(first.id, 11, "staff", "Sue")
    await store.practices.add_member(first.id, 12, "staff", "Sam")
    await store.practices.add_member(second.id, 12, "staff", "Sam")
    for user in (11, 12):
        await store.conversations.set_state("staff_invite", (user, user), "details")
        await store.conversations.set_user_data(user, DRAFT)
    assert await store.practices.remove_member(first.id, 11, actor="test")
    assert await store.practices.remove_member(first.id, 12, actor="test")
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    assert list(await store.conversations.user_data(since)) == [12], "Sam is still staff"
    assert list(await store.conversations.states("staff_invite", since)) == [(12, 12)]


async def test_a_draft_is_not_written_back_for_someone_no_longer_a_member(
    store: Store
) -> None:
    """The admin CLI removes a member while the running bot still holds their draft: the bot's
    next write of it is refused, in the same transaction as the check."""
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    await store.practices.add_member(practice.id, 11, "staff", "Sue")
    assert await store.conversations.set_user_data(11, DRAFT)
    await store.conversations.set_state("staff_invite", (11, 11), "choose_gp")
    assert await store.practices.remove_member(practice.id, 11, actor="cli")
    assert not await store.conversations.set_user_data(11, DRAFT)
    await store.conversations.set_state("staff_invite", (11, 11), "choose_gp")
    assert await store.conversations.count() == 0
