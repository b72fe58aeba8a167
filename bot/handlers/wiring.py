"""The one place that registers every handler on the application."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.handlers import common, photos


def register(app: Application) -> None:
    """Register the handlers, most specific first."""
    app.add_handler(CommandHandler("start", common.start))
    app.add_handler(CommandHandler("help", common.help_command))
    app.add_handler(
        MessageHandler(filters.PHOTO | filters.Document.IMAGE, photos.photo_received)
    )
