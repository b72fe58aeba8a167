"""The one place that registers every handler on the application."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers import common, patient

PRIVATE = filters.ChatType.PRIVATE


def register(app: Application) -> None:
    """Register the handlers, most specific first."""
    app.add_handler(CommandHandler("start", patient.start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", common.help_command))
    app.add_handler(CommandHandler("status", patient.status, filters=PRIVATE))
    app.add_handler(CommandHandler("cancel", patient.cancel, filters=PRIVATE))
    app.add_handler(CommandHandler("delete", patient.delete, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(patient.tapped))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, patient.edited))
    app.add_handler(MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL),
                                   patient.photo))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, patient.typed))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, common.help_command))
    app.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                                   patient.other))


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
