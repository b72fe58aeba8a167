"""Telegram's service messages about a group the bot is in: a group upgraded to a supergroup."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import BotContext
from bot.inbox.moved import inbox_group_moved


async def upgraded(update: Update, context: BotContext) -> None:
    """A group was upgraded to a supergroup with a new id (`migrate_to_chat_id` in the old
    group, `migrate_from_chat_id` in the supergroup; both come, in either order): a practice
    inbox group moves to the new id (`bot.inbox.moved`). Nothing is said in the chat."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    if await inbox_group_moved(context.services.store, old, new):
        context.services.queued()
