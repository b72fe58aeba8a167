"""What Telegram says about a chat the bot is in: a group upgraded to a supergroup, the bot
removed from a group or added back (hazard log H39, H41, H52), a person blocking or unblocking
the bot (H51)."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.handlers.context import BotContext
from bot.inbox.blocked import person_blocked, person_unblocked
from bot.inbox.moved import inbox_group_back, inbox_group_lost, inbox_group_moved

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
    """The bot's own membership changed (`my_chat_member`). Taken out of a group (left or
    removed): a practice whose inbox group it was sends its cases to its GPs' own chats and
    tells its staff (`bot.inbox.moved.inbox_group_lost`); added back: they go to the group
    again (`inbox_group_back`). Blocked in a private chat (status "kicked"): a GP's waiting
    cases go to the practice's other recipients (`bot.inbox.blocked.person_blocked`);
    unblocked: they receive new cases again (`person_unblocked`)."""
    change = update.my_chat_member
    if change is None:
        return
    store = context.services.store
    was, now = change.old_chat_member.status, change.new_chat_member.status
    tag = int(change.date.timestamp())
    if change.chat.type == ChatType.PRIVATE:
        if now == ChatMember.BANNED and was != ChatMember.BANNED:
            await person_blocked(store, change.chat.id)
            context.services.queued()
        elif was == ChatMember.BANNED and now != ChatMember.BANNED:
            await person_unblocked(store, change.chat.id)
        return
    if change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if was in IN_GROUP and now not in IN_GROUP:
        await inbox_group_lost(store, change.chat.id, tag)
        context.services.queued()
    elif was not in IN_GROUP and now in IN_GROUP:
        await inbox_group_back(store, change.chat.id, tag)
        context.services.queued()
