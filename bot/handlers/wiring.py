"""The one place that registers every handler on the application."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import common, delivery, patient, team
from bot.handlers.context import BotApplication

PRIVATE = filters.ChatType.PRIVATE
TEAM_BUTTON = r"^m\|"

COMMANDS = [("help", "What I do and how"), ("status", "Where am I"), ("cancel", "Stop"),
            ("delete", "Delete my photos and answers")]


def register(app: BotApplication) -> None:
    """Register the handlers, most specific first."""
    app.add_handler(TypeHandler(Update, delivery.chat_opened), group=-2)
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, team.staff_typed),
                    group=-1)
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
                                   team.gp_typed_in_group), group=-1)
    app.add_handler(CommandHandler("start", patient.start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", common.help_command))
    app.add_handler(CommandHandler("status", patient.status, filters=PRIVATE))
    app.add_handler(CommandHandler("cancel", patient.cancel, filters=PRIVATE))
    app.add_handler(CommandHandler("delete", patient.delete, filters=PRIVATE))
    app.add_handler(CommandHandler("invite", team.invite, filters=PRIVATE))
    app.add_handler(CommandHandler("invites", team.invites, filters=PRIVATE))
    app.add_handler(CommandHandler("revoke", team.revoke, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", team.stop, filters=PRIVATE))
    app.add_handler(CommandHandler("inbox", team.inbox))
    app.add_handler(CommandHandler("addmember", team.add_member, filters=PRIVATE))
    app.add_handler(CommandHandler("join", team.join, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(team.tapped, pattern=TEAM_BUTTON))
    app.add_handler(CallbackQueryHandler(patient.tapped))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, patient.edited))
    app.add_handler(MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL),
                                   patient.photo))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, patient.typed))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, common.help_command))
    app.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                                   patient.other))
    app.add_error_handler(common.on_error)


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
