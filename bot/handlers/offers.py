"""Buttons that stand only until the patient's next photo ("Use it anyway").

Each failed photo after the second brings a new offer; an older one left live would answer a
tap with something untrue. So the message ids of offers sent (`Reply.until_next_photo`) are
noted per chat and case, and their buttons are taken off (the message's markup edited) when the
patient's next photo for the case is answered, or one offer is tapped. The notes live in
memory, for the newest `KEPT` chats: an offer left live after a restart still gets a truthful
answer when tapped (`Journey._stale_anyway`).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.handlers.bot_api import TIDYING
from bot.journey.replies import Reply
from bot.services.turns import Recent

log = logging.getLogger("bot.handlers")
KEPT = 4096
"""Chat-and-case pairs whose live offers are remembered (oldest forgotten first)."""
BOT_DATA_KEY = "live_offers"


class LiveOffers:
    """The message ids of live offers, by (chat id, case id)."""

    def __init__(self) -> None:
        self._ids: Recent[tuple[int, int], list[int]] = Recent(KEPT)

    def note(self, chat_id: int, sent: list[tuple[Reply, int]]) -> None:
        """Note the offers among messages just sent (`send_replies`'s answer)."""
        for reply, message_id in sent:
            if reply.until_next_photo and reply.case_id is not None:
                key = (chat_id, reply.case_id)
                self._ids[key] = [*(self._ids.get(key) or []), message_id]

    def take(self, chat_id: int, case_id: int) -> list[int]:
        """The case's live offers in this chat, forgotten now."""
        return self._ids.pop((chat_id, case_id)) or []


def live_offers(bot_data: dict[Any, Any]) -> LiveOffers:
    """The application's `LiveOffers` (made on first use)."""
    found = bot_data.get(BOT_DATA_KEY)
    if not isinstance(found, LiveOffers):
        found = bot_data[BOT_DATA_KEY] = LiveOffers()
    return found


async def take_off(bot: ExtBot[Any], chat_id: int, message_ids: list[int]) -> None:
    """Take the buttons off these offers (`LiveOffers.take`). Never raises: an offer left
    (already edited, too old) still gets a truthful answer if tapped."""
    for message_id in message_ids:
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None,
                                                rate_limit_args=TIDYING)
        except TelegramError as error:
            log.info("old offer not tidied", extra={"reason": type(error).__name__})
