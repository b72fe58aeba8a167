"""What Telegram says about a group the bot is in: upgraded to a supergroup, or the bot
removed from it (hazard log H39, H41)."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.handlers.context import BotContext
from bot.inbox.moved import inbox_group_lost, inbox_group_moved

IN_GROUP = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER, ChatMember.RESTRICTED)
"""The bot's statuses in a group it can read and write in (a restricted member still gets
updates)."""


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


async def removed(update: Update, context: BotContext) -> None:
    """The bot's own membership changed (`my_chat_member`): when it was taken out of a group
    (left or removed), a practice whose inbox group it was tells its staff
    (`bot.inbox.moved.inbox_group_lost`). A private chat's change (a person blocking the bot)
    and the bot being added are left alone."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if (change.old_chat_member.status in IN_GROUP
            and change.new_chat_member.status not in IN_GROUP):
        tag = int(change.date.timestamp())
        if await inbox_group_lost(context.services.store, change.chat.id, tag):
            context.services.queued()
