"""Whether the bot can post in a practice's inbox group, as Telegram says (hazard log H54,
H55).

A group typed into `python -m bot practice add --inbox-chat-id` or `practice inbox
--inbox-chat-id` used to be taken on trust: a wrong id, a group the bot was never added to,
or one where an admin restricted it, became the practice's inbox, and every case for it was
retried into a chat that refused it before staff heard. Now the command asks Telegram first
(getMe, getChat, getChatMember for the bot itself) and refuses, changing nothing, with what
to do (`operator.inbox_group.*`). And a bot restricted in an inbox group so that it may not
send messages is taken as removed from it (`may_post`, `bot.handlers.groups.removed`).

A case reaches an inbox group as text (the summary or notice, with the decision buttons) and
as files (the referral pack, and the photos, which go as documents so they arrive untouched):
the bot can post there only if it may send both (`NEEDED`), whether a restriction of the bot
or the group's default permissions for every member take one away (hazard log H49). An
administrator is bound by neither.
"""

from __future__ import annotations

from telegram import Bot, ChatMember, ChatMemberRestricted, ChatPermissions
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.content import text

POSTING = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)
"""The statuses of a member that may send messages (restricted: only with the rights)."""
ADMINS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
"""The statuses not bound by a group's default permissions."""
NEEDED = ("can_send_messages", "can_send_documents")
"""The rights (ChatPermissions fields) the bot needs to post a case: its summary or notice
with the buttons, and its pack and photos, which are sent as documents."""


def allows(rights: ChatMember | ChatPermissions | None) -> bool:
    """Whether these rights (a restricted member's, or a group's default permissions; None:
    not known, taken as allowed) let the bot send every part of a case (`NEEDED`)."""
    return rights is None or all(getattr(rights, right, None) is not False for right in NEEDED)


def may_post(member: ChatMember, permissions: ChatPermissions | None = None) -> bool:
    """Whether a member with this ChatMember is in the group and may send a case there: an
    owner or admin; a member if the group's default `permissions` (getChat; None: not known)
    allow it (`allows`); a restricted member only if still a member (`is_member`) and both
    its own rights and the group's allow it."""
    if member.status in ADMINS:
        return True
    if isinstance(member, ChatMemberRestricted):
        return member.is_member and allows(member) and allows(permissions)
    return member.status == ChatMember.MEMBER and allows(permissions)


async def inbox_refusal(token: str, api_url: str, chat_id: int) -> str | None:
    """Ask Telegram (the Bot API at `api_url`, as the bot with `token`) whether the bot is a
    member of the group `chat_id` and may send a case there (`may_post`: messages and
    documents, by its own rights and the group's permissions for members). None if so; else
    the words for the operator saying why not and what to do (`operator.inbox_group.*`)."""
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
    if may_post(member, chat.permissions):
        return None
    if member.status in (ChatMember.LEFT, ChatMember.BANNED) or (
        isinstance(member, ChatMemberRestricted) and not member.is_member
    ):
        return text("operator.inbox_group.not_member", chat_id=chat_id)
    if isinstance(member, ChatMemberRestricted) and not allows(member):
        return text("operator.inbox_group.cannot_send", chat_id=chat_id)
    return text("operator.inbox_group.members_cannot_send", chat_id=chat_id)


async def can_post_now(bot: Bot, chat_id: int) -> bool:
    """Whether Telegram says now (getChat for the group's permissions, getChatMember for the
    bot itself) that the bot may post a case in the group `chat_id` (`may_post`). False if
    Telegram refuses (the bot not in the group, the group gone or upgraded) or cannot be
    asked: asked again later."""
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError:
        return False
    return may_post(member, chat.permissions)
