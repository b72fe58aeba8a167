"""Every staff and GP button: its signed payload parsed once, then handed to its feature."""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot.content import text
from bot.handlers import decide, inbox, invites, join
from bot.handlers.keyboards import payload_of
from bot.handlers.members import Context
from bot.inbox.access import chat_may_show
from bot.inbox.payloads import (
    AddMemberAt,
    ChangeInvite,
    ChooseGp,
    ChoosePractice,
    Decide,
    OpenCase,
    ReferralConfirm,
    ReferralSent,
    ShowInvites,
    TaskDone,
)

log = logging.getLogger("bot.handlers")


async def _lost_group(context: Context, chat_id: int) -> bool:
    """Whether the chat is a practice's inbox group the bot can no longer post in (its
    settings or the bot's rights changed: hazard log H49, H55). Its cases went to the GPs' own
    chats, so a button on an older message there does nothing but say so (H68): a decision
    there would leave the case open in two chats, or fail half-way where the bot may not
    post."""
    store = context.services.store
    if chat_id >= 0 or chat_id not in await store.practices.lost_chats():
        return False
    practice = await store.practices.with_inbox(chat_id)
    if practice is None:
        return False
    log.info("button tapped in a lost inbox group", extra={"practice_id": practice.id})
    return True


async def tapped(update: Update, context: Context) -> None:
    """A staff or GP button: verify its signature, then the user's access, then act."""
    query = update.callback_query
    assert query and query.from_user and query.data
    message = query.message if isinstance(query.message, Message) else None
    chat_id = message.chat.id if message else query.from_user.id
    payload = payload_of(context.services.signer, chat_id, query.data)
    if payload is None:
        await context.services.store.audit.record("access.forged_button", actor="unknown")
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        return
    if await _lost_group(context, chat_id):
        await query.answer(text("inbox.gp.group_lost_button"), show_alert=True)
        return
    match payload:
        case ChangeInvite():
            await invites.changed(update, context, payload)
        case AddMemberAt(practice_id):
            await join.practice_chosen(update, context, practice_id)
        case TaskDone(case_id):
            await decide.task_done(update, context, case_id)
        case ReferralSent(case_id):
            await decide.referral_sent(update, context, case_id)
        case ReferralConfirm(case_id, made):
            await decide.referral_confirmed(update, context, case_id, made)
        case ShowInvites(practice_id):
            await invites.show_invites(update, context, practice_id)
        case ChooseGp() | ChoosePractice():  # /invite takes these while it waits for one
            await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        case OpenCase(case_id) | Decide(case_id=case_id):
            found = await context.services.inbox.open_case(query.from_user.id, case_id)
            if found is None:
                await query.answer(text("inbox.gp.refused"), show_alert=True)
            elif not await chat_may_show(context.services.store, found.practice_id, chat_id,
                                         query.from_user.id):
                await query.answer(text("inbox.gp.private_only"), show_alert=True)
            elif isinstance(payload, OpenCase):
                await inbox.open_case(update, context, chat_id, found)
            else:  # decide.tap refuses a button from an earlier submission
                await decide.tap(update, context, chat_id, payload, found)
