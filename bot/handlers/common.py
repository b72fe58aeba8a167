"""Commands anyone can use: /help (for practice members, the commands of their role)."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import ChatMigrated, TelegramError

from bot.content import text
from bot.handlers.context import BotContext
from bot.handlers.escaping import Html, plain
from bot.handlers.patient import send_to_patient
from bot.handlers.render import send_replies
from bot.inbox.moved import inbox_group_moved
from bot.journey.replies import say

log = logging.getLogger("bot.handlers")


async def help_command(update: Update, context: BotContext) -> None:
    """Explain what the bot does and which commands there are; to a patient, then what their
    request waits for again (`Journey.help`: the question with its buttons, the photo asked
    for; a red-flag "yes" waiting, after the urgent advice and before "Is that right?")."""
    assert update.effective_message
    user = update.effective_user
    words = await context.services.staff.help_text(user.id) if user else None
    if words is not None:
        await update.effective_message.reply_text(Html(words))
        return
    if not _private(update):  # a patient's request is never shown where others can see it
        await update.effective_message.reply_text(plain(text("messages.help.group")))
        return
    if user is None:
        await send_replies(context.bot, update.effective_message.chat_id,
                           [say(text("messages.help.text"))])
        return
    replies = await context.services.journey.help(user.id)
    await send_to_patient(context, update.effective_message.chat_id, replies)


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def not_here(update: Update, context: BotContext) -> None:
    """A private-chat command (/start, /status, /invites, /stop...) sent in a group or channel:
    nothing is done or shown there, and the sender is told to use a private chat, in staff
    words to a practice member (`inbox.staff.private_command`), else in a patient's
    (`messages.help.group`), never naming a request."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    member = user is not None and bool(
        await context.services.store.practices.memberships(user.id))
    await message.reply_text(plain(text("inbox.staff.private_command" if member
                                        else "messages.help.group")))


async def on_error(update: object, context: BotContext) -> None:
    """Log a failed update (ids only) and tell the person kindly; their progress is saved."""
    error = context.error
    log.error("update failed", exc_info=error,
              extra={"error": type(error).__name__,
                     "update_id": getattr(update, "update_id", None)})
    if isinstance(update, Update) and update.effective_chat is not None:
        if isinstance(error, ChatMigrated):  # a reply to a group upgraded since (H39)
            if await inbox_group_moved(context.services.store, update.effective_chat.id,
                                       error.new_chat_id):
                context.services.queued()
            return
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id,
                                           plain(text("messages.errors.try_again")))
