"""What Telegram says about a chat the bot is in: a group upgraded to a supergroup, the bot
removed from a group or added back, or restricted so that it may not send messages or files
there and allowed again (hazard log H39, H41, H49, H52, H55), a person blocking or unblocking
the bot (H51)."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted, ChatPermissions, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.handlers.can_post import ADMINS, POSTING, may_post
from bot.handlers.context import BotContext
from bot.inbox.blocked import person_blocked, person_unblocked
from bot.inbox.moved import inbox_group_back, inbox_group_lost, inbox_group_moved

log = logging.getLogger("bot.handlers")


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
    again (`inbox_group_back`). Still in the group but unable to post a case there (its own
    restriction, or, as an ordinary member, the group's permissions for members, takes away
    messages or files: `bot.handlers.can_post.may_post`, hazard log H49, H55) is taken as
    removed, and able to again as added back; added back, or made an ordinary member from an
    admin, where it cannot post, staff are told so. What the bot was before is read from the
    store (a group noted as lost), not from the update, since Telegram tells the bot nothing
    when a group's permissions change. Blocked in a private chat (status "kicked"): a GP's
    waiting cases go to the practice's other recipients (`bot.inbox.blocked.person_blocked`);
    unblocked: they receive new cases again (`person_unblocked`)."""
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
    permissions = (await _permissions(context, change.chat.id)
                   if _in_group(after) and after.status not in ADMINS else None)
    lost = change.chat.id in await store.practices.lost_chats()
    if not may_post(after, permissions):
        if not lost or (_in_group(after) and not _in_group(before)):
            await inbox_group_lost(store, change.chat.id, update.update_id,
                                   restricted=_in_group(after))
            context.services.queued()
    elif lost:
        await inbox_group_back(store, change.chat.id, update.update_id,
                               restricted=_in_group(before))
        context.services.queued()


async def _permissions(context: BotContext, chat_id: int) -> ChatPermissions | None:
    """The group's default permissions for its members, as Telegram says now (getChat);
    None if Telegram cannot be asked (taken as allowing, as before this was asked)."""
    try:
        return (await context.bot.get_chat(chat_id)).permissions
    except TelegramError as error:
        log.warning("group permissions not known", extra={"reason": type(error).__name__})
        return None


def _in_group(member: ChatMember) -> bool:
    """Whether the bot is in the group (as a member, admin or owner, or restricted but still
    a member), whatever it may send there."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in POSTING

