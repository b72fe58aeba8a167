"""One person's updates run in order; a burst from one person never holds up anyone else."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.handlers.ordering import PerUserOrder


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, f"User {user_id}", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text="hello")
    return Update(update_id, message=message)


async def test_a_burst_from_one_person_does_not_take_everyone_elses_places() -> None:
    # Two places at once; one person sends 20 updates that are still being worked on
    # (each waits for `release`), then a GP sends one.
    order = PerUserOrder(max_concurrent_updates=2)
    release = asyncio.Event()
    done: list[tuple[int, int]] = []

    async def handle(user_id: int, number: int) -> None:
        if user_id == 1:
            await release.wait()
        done.append((user_id, number))

    burst = [asyncio.create_task(order.process_update(_update(n, 1), handle(1, n)))
             for n in range(20)]
    await asyncio.sleep(0)
    gp = asyncio.create_task(order.process_update(_update(100, 2), handle(2, 0)))
    await asyncio.wait_for(gp, timeout=5)
    assert done == [(2, 0)], "the GP's update ran while the burst was still waiting"
    release.set()
    await asyncio.gather(*burst)
    assert [number for user, number in done if user == 1] == list(range(20)), "in order"
    assert len(order.locks) == 0, "no per-person state left"
