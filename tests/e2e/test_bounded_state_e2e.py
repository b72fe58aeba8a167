"""Per-person state is bounded: updates from 10,000 people leave nothing behind in the running
bot, while one person's updates are still handled one at a time, in order (issue 14, item 3).

The updates are real `telegram.Update` objects decoded as python-telegram-bot decodes the Bot
API's, put on the running Application's update queue (the emulator is left out so that its own
record of 10,000 chats does not count). The album tests in test_patient_journey_e2e.py cover
the order of one patient's replies end to end.
"""

from __future__ import annotations

import gc
import logging
import tracemalloc
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.handlers.ordering import PerUserOrder
from tests.auxil.e2e.bot_app import BotStarter

PEOPLE = 10_000
BATCH = 100
GROUP_CHAT = -1001234567890
LEAK_LIMIT_BYTES = 256 * 1024
"""A leak of one small entry per person (a lock, an empty dict) would be over 1 MB."""

App = Application[Any, Any, Any, Any, Any, Any]


def group_text(update_id: int, user_id: int) -> dict[str, Any]:
    """A Bot API update: a person writes in a practice group (every handler group looks at it;
    nobody is waiting for their words, so the bot sends nothing)."""
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_700_000_000,
        "chat": {"id": GROUP_CHAT, "type": "supergroup", "title": "Practice inbox"},
        "from": {"id": user_id, "is_bot": False, "first_name": f"Person {user_id}"},
        "text": "thanks"}}


async def feed(app: App, user_ids: range, first_update: int) -> None:
    """Two updates from each person, one after the other, queued 100 at a time as the poller
    queues each answer to getUpdates; wait until each batch is done."""
    update_id = first_update
    for user_id in user_ids:
        for _ in range(2):
            await app.update_queue.put(Update.de_json(group_text(update_id, user_id), app.bot))
            update_id += 1
        if update_id % BATCH == 0:
            await app.update_queue.join()
    await app.update_queue.join()


async def test_updates_from_ten_thousand_people_leave_no_per_person_state(
        start_bot: BotStarter) -> None:
    async with start_bot() as app:
        order = app.update_processor
        assert isinstance(order, PerUserOrder)
        await feed(app, range(1, 101), 1)  # warm up whatever is built once
        # Debug and info records would be kept by the test runner's log capture (with the
        # update in their arguments) when an earlier test turned a logger up: not the bot's.
        logging.disable(logging.INFO)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            await feed(app, range(1_000, 1_000 + PEOPLE), 1_000)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
            logging.disable(logging.NOTSET)
        assert len(order.locks) == 0
        assert len(app.user_data) == 0
        assert len(app.chat_data) == 0
        assert grown < LEAK_LIMIT_BYTES, f"{grown} bytes kept after {PEOPLE} people"
