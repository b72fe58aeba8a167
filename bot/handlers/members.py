"""Shared by the staff and GP handlers: who and where, replying, and refusing non-members."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Message, Update

from bot.content import text
from bot.handlers.context import BotContext
from bot.handlers.escaping import Html
from bot.inbox.gp_messages import Rows
from bot.inbox.payloads import Payload
from bot.store.models import Member

Context = BotContext


def ids(update: Update) -> tuple[int, int]:
    """(Telegram user id, chat id) of the update."""
    assert update.effective_user and update.effective_chat
    return update.effective_user.id, update.effective_chat.id


async def reply(update: Update, words: Html, markup: InlineKeyboardMarkup | None = None
                ) -> Message:
    """Answer in the chat of the update; `words` are HTML, their values escaped. Returns
    the message sent."""
    assert update.effective_message
    return await update.effective_message.reply_text(words, reply_markup=markup)


async def member_or_refuse(update: Update, context: Context) -> Member | None:
    """The sender's membership of a practice; None (said, and audited) if they have none."""
    user_id, _ = ids(update)
    member = await context.services.staff.member(user_id)
    if member is None:
        await context.services.store.audit.record("access.refused", actor="stranger",
                                                    detail={"command": "staff"})
        await reply(update, Html(text("inbox.gp.not_member")))
    return member


async def memberships_or_refuse(update: Update, context: Context) -> list[Member]:
    """Each of the sender's practice memberships, in the order joined (a member of two
    practices acts on both); empty (said, and audited) if they have none."""
    user_id, _ = ids(update)
    held = await context.services.staff.memberships(user_id)
    if not held:
        await member_or_refuse(update, context)
    return held


async def practice_rows(context: Context, held: list[Member],
                        choice: Callable[[int], Payload]) -> Rows:
    """One button a row for each practice of `held` (a member's memberships), labelled with
    its name and carrying `choice(practice id)`: a member of more than one practice choosing
    which one (/invite, /addmember)."""
    rows = []
    for member in held:
        practice = await context.services.store.practices.get(member.practice_id)
        if practice is not None:
            rows.append(((practice.name, choice(practice.id)),))
    return tuple(rows)
