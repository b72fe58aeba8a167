"""The one place that registers every handler on the application."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import (
    buttons,
    common,
    decide,
    delivery,
    groups,
    inbox,
    invite,
    invites,
    join,
    patient,
)
from bot.handlers.context import BotApplication

PRIVATE = filters.ChatType.PRIVATE
TEAM_BUTTON = r"^m\|"
PRIVATE_COMMANDS = ["start", "status", "cancel", "delete", "invite", "invites", "revoke", "stop",
                    "addmember", "join"]
"""Commands for a private chat only: in a group they are answered `common.not_here`."""

COMMANDS = [("help", "What I do and how"), ("status", "Where am I"), ("cancel", "Stop"),
            ("delete", "Delete my photos and answers")]


def register(app: BotApplication) -> None:
    """Register the handlers, most specific first: the outbox's "chat opened" (group -3), a
    GP's typed reason or UBRN (-2), the durable staff /invite conversation (-1), then the
    rest (0)."""
    app.add_handler(TypeHandler(Update, delivery.chat_opened), group=-3)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, decide.typed_handler),
                    group=-2)
    app.add_handler(invite.conversation(), group=-1)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.upgraded))
    app.add_handler(ChatMemberHandler(groups.removed, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CommandHandler("start", patient.start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", common.help_command))
    app.add_handler(CommandHandler("status", patient.status, filters=PRIVATE))
    app.add_handler(CommandHandler("cancel", patient.cancel, filters=PRIVATE))
    app.add_handler(CommandHandler("delete", patient.delete, filters=PRIVATE))
    app.add_handler(CommandHandler("invites", invites.invites, filters=PRIVATE))
    app.add_handler(CommandHandler("revoke", invites.revoke, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", patient.stop, filters=PRIVATE))
    app.add_handler(CommandHandler("inbox", inbox.inbox))
    app.add_handler(CommandHandler("addmember", join.add_member, filters=PRIVATE))
    app.add_handler(CommandHandler("join", join.join, filters=PRIVATE))
    app.add_handler(CommandHandler(PRIVATE_COMMANDS, common.not_here, filters=~PRIVATE))
    app.add_handler(CallbackQueryHandler(buttons.tapped, pattern=TEAM_BUTTON))
    app.add_handler(CallbackQueryHandler(patient.tapped))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, patient.edited))
    app.add_handler(MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL),
                                   patient.photo))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, patient.typed))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, common.help_command))
    app.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                                   patient.other))
    app.add_error_handler(common.on_error)


ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY,
                   Update.MY_CHAT_MEMBER]
"""`my_chat_member`: the bot's own membership of a chat, to hear at once that it was removed
from a practice inbox group or added back, or that a person blocked or unblocked it
(`groups.removed`)."""
