"""Commands anyone can use: /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.content import text


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain what the bot does and which commands there are."""
    assert update.effective_message
    await update.effective_message.reply_text(text("messages.help.text"))
