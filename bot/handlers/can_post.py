"""Whether the bot can post in a practice's inbox group, as Telegram says (hazard log H54,
H55).

A group typed into `python -m bot practice add --inbox-chat-id` or `practice inbox
--inbox-chat-id` used to be taken on trust: a wrong id, a group the bot was never added to,
or one where an admin restricted it, became the practice's inbox, and every case for it was
retried into a chat that refused it before staff heard. Now the command asks Telegram first
(getMe, getChat, getChatMember for the bot itself) and refuses, changing nothing, with what
to do (`operator.inbox_group.*`). And a bot restricted in an inbox group so that it may not
send messages is taken as removed from it (`may_post`, `bot.handlers.groups.removed`).
"""

from __future__ import annotations

from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.content import text

POSTING = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)
"""The statuses of a member that may send messages (restricted: only with the right)."""


def may_post(member: ChatMember) -> bool:
    """Whether a member with this ChatMember is in the group and may send messages in it: an
    owner, admin or member; a restricted member only if still a member (`is_member`) and
    allowed `can_send_messages`."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member and member.can_send_messages
    return member.status in POSTING


async def inbox_refusal(token: str, api_url: str, chat_id: int) -> str | None:
    """Ask Telegram (the Bot API at `api_url`, as the bot with `token`) whether the bot is a
    member of the group `chat_id` and may send messages there. None if so; else the words
    for the operator saying why not and what to do (`operator.inbox_group.*`)."""
    try:
        async with Bot(token, base_url=api_url) as bot:
            chat = await bot.get_chat(chat_id)
            if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
                return text("operator.inbox_group.not_a_group", chat_id=chat_id, kind=chat.type)
            member = await bot.get_chat_member(chat_id, bot.id)
    except ChatMigrated as moved:
        return text("operator.inbox_group.upgraded", chat_id=chat_id, new_chat_id=moved.new_chat_id)
    except Forbidden:
        return text("operator.inbox_group.not_member", chat_id=chat_id)
    except BadRequest:
        return text("operator.inbox_group.not_found", chat_id=chat_id)
    except TelegramError as error:
        return text("operator.inbox_group.unreachable", chat_id=chat_id, reason=error.message)
    if may_post(member):
        return None
    if member.status in (ChatMember.LEFT, ChatMember.BANNED) or (
        isinstance(member, ChatMemberRestricted) and not member.is_member
    ):
        return text("operator.inbox_group.not_member", chat_id=chat_id)
    return text("operator.inbox_group.cannot_send", chat_id=chat_id)
