"""A photo message held for the patient's choice of request stays marked held until it has been
dealt with, so that a restart at any moment before then still takes it off the patient's chat
(`OutboxRepository.forget_held`, run at start-up; hazard log H06)."""

from __future__ import annotations

from bot.store import Store
from tests.auxil.store import opened_case

CHAT, MESSAGE = 7001, 55


async def deletions(store: Store) -> list[str]:
    return [item.payload for item in await store.outbox.due(50)
            if item.kind == "patient.photos_erased"]


async def test_a_chosen_photo_not_yet_filed_is_still_taken_off_the_chat_by_a_restart(
    store: Store,
) -> None:
    first, second = await opened_case(store), await opened_case(store)
    await store.outbox.note_held([first.id, second.id], CHAT, MESSAGE)
    await store.outbox.keep_chat_photo_with(second.id, CHAT, MESSAGE)  # chosen, being checked
    assert await store.outbox.forget_held(None) == 1  # the bot restarted before it was filed
    assert len(await deletions(store)) == 1


async def test_a_chosen_photo_once_dealt_with_is_left_to_its_request(store: Store) -> None:
    first, second = await opened_case(store), await opened_case(store)
    await store.outbox.note_held([first.id, second.id], CHAT, MESSAGE)
    await store.outbox.keep_chat_photo_with(second.id, CHAT, MESSAGE)
    await store.outbox.unmark_held(CHAT, MESSAGE)
    assert await store.outbox.forget_held(None) == 0
    assert await deletions(store) == []
