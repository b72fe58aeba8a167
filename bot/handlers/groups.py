"""What Telegram says about a chat the bot is in: a group upgraded to a supergroup, the bot
removed from a group or added back, or restricted so that it may not send messages there and
allowed again (hazard log H39, H41, H52, H55), a person blocking or unblocking the bot (H51)."""

from __future__ import annotations

from telegram import ChatMember, ChatMemberRestricted, Update
from telegram.constants import ChatType

from bot.handlers.can_post import may_post
from bot.handlers.context import BotContext
from bot.inbox.blocked import person_blocked, person_unblocked
from bot.inbox.moved import inbox_group_back, inbox_group_lost, inbox_group_moved


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
    again (`inbox_group_back`). Restricted so that it may not send messages (or no longer a
    member, `is_member` false) is taken as removed, allowed to send again as added back
    (`bot.handlers.can_post.may_post`, hazard log H55). Blocked in a private chat (status
    "kicked"): a GP's waiting cases go to the practice's other recipients
    (`bot.inbox.blocked.person_blocked`); unblocked: they receive new cases again
    (`person_unblocked`)."""
    change = update.my_chat_member
    if change is None:
        return
    store = context.services.store
    was, now = change.old_chat_member.status, change.new_chat_member.status
    tag = int(change.date.timestamp())
    if change.chat.type == ChatType.PRIVATE:
        if now == ChatMember.BANNED and was != ChatMember.BANNED:
            await person_blocked(store, change.chat.id, tag)
            context.services.queued()
        elif was == ChatMember.BANNED and now != ChatMember.BANNED:
            await person_unblocked(store, change.chat.id)
        return
    if change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    before, after = change.old_chat_member, change.new_chat_member
    if may_post(before) and not may_post(after):
        await inbox_group_lost(store, change.chat.id, tag, restricted=_still_in(after))
        context.services.queued()
    elif not may_post(before) and may_post(after):
        await inbox_group_back(store, change.chat.id, tag, restricted=_still_in(before))
        context.services.queued()


def _still_in(member: ChatMember) -> bool:
    """Whether the bot is restricted in the group but still a member of it (it may be
    allowed to send messages again), rather than out of it."""
    return isinstance(member, ChatMemberRestricted) and member.is_member
