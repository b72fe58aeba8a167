"""Commands anyone can use: /help (for practice members, the commands of their role)."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.content import text
from bot.handlers.context import BotContext
from bot.handlers.escaping import Html, plain
from bot.handlers.patient import send_to_patient
from bot.handlers.render import send_replies
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
    if user is None:
        await send_replies(context.bot, update.effective_message.chat_id,
                           [say(text("messages.help.text"))])
        return
    replies = await context.services.journey.help(user.id)
    await send_to_patient(context, update.effective_message.chat_id, replies)


async def on_error(update: object, context: BotContext) -> None:
    """Log a failed update (ids only) and tell the person kindly; their progress is saved."""
    error = context.error
    log.error("update failed", exc_info=error,
              extra={"error": type(error).__name__,
                     "update_id": getattr(update, "update_id", None)})
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id,
                                           plain(text("messages.errors.try_again")))
