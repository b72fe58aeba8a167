"""Commands anyone can use: /help (with the staff commands for practice members)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app import services
from bot.content import text


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot does and which commands there are."""
    assert update.effective_message
    user = update.effective_user
    member = await services(context).staff.member(user.id) if user else None
    if member is not None:
        await update.effective_message.reply_text(text("inbox.staff.help"),
                                                  parse_mode=ParseMode.HTML)
        return
    await update.effective_message.reply_text(text("messages.help.text"))
