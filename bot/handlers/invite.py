"""Staff /invite: a durable python-telegram-bot conversation (issue 14, item 3).

`/invite` (or `/invite REF DD/MM/YYYY [NHS NUMBER]`) asks for what is missing, then, where the
practice has more than one GP, which GP's inbox the case goes to. The conversation is a
`ConversationHandler(persistent=True, name=NAME)`: its state and the invite draft (kept in the
member's user_data under DRAFT) are written to the store by `StorePersistence`, so a restart
in the middle carries on where it was. An untouched draft is dropped after a day
(`persistence.MAX_IDLE`: the conversation's time-out, and the retention purge), and when the
member leaves the practice.
"""

from __future__ import annotations

import warnings
from contextlib import suppress
from datetime import UTC, date, datetime

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.content import text
from bot.handlers.keyboards import markup, payload_of
from bot.handlers.members import Context, ids, member_or_refuse, reply
from bot.handlers.persistence import MAX_IDLE
from bot.inbox.gp_messages import gp_choice_rows
from bot.inbox.payloads import ChooseGp
from bot.inbox.staff import InviteMade, InviteRequest, read_invite_request
from bot.store.models import Member

NAME = "staff_invite"
"""The conversation's name in the store."""
DRAFT = "invite_draft"
"""user_data key of the invite waiting for its GP: patient reference, date of birth (ISO),
NHS number or None. Kept by the persistence; nothing clinical."""
DETAILS = "details"
"""Asked for the patient's reference and date of birth."""
CHOOSE_GP = "choose_gp"
"""Asked which GP's inbox the case goes to."""
GP_AWAITING = "gp_awaiting"
"""`bot.handlers.decide`'s key: starting an invite forgets a GP's request to type."""
END = ConversationHandler.END


def _draft(request: InviteRequest) -> dict[str, str | None]:
    return {"patient_ref": request.patient_ref,
            "date_of_birth": request.date_of_birth.isoformat(),
            "nhs_number": request.nhs_number,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds")}


def _request(draft: object) -> InviteRequest | None:
    """The draft's request; None if there is none, or it is older than MAX_IDLE (a
    conversation restored after a restart has no time-out job of its own)."""
    if not isinstance(draft, dict):
        return None
    try:
        if datetime.now(UTC) - datetime.fromisoformat(draft["made_at"]) > MAX_IDLE:
            return None
        return InviteRequest(str(draft["patient_ref"]), date.fromisoformat(draft["date_of_birth"]),
                             draft.get("nhs_number"))
    except (KeyError, TypeError, ValueError):
        return None


async def start(update: Update, context: Context) -> str | int:
    """/invite [REF DD/MM/YYYY]: make an invite link, asking for what is missing."""
    member = await member_or_refuse(update, context)
    if member is None:
        return END
    if context.user_data is not None:
        context.user_data.pop(GP_AWAITING, None)
        context.user_data.pop(DRAFT, None)
    if context.args:
        return await _from_typed(update, context, member, " ".join(context.args))
    await reply(update, text("inbox.staff.invite_ask"))
    return DETAILS


async def details(update: Update, context: Context) -> str | int:
    """What staff typed when asked for the patient's details."""
    member = await context.services.staff.member(ids(update)[0])
    if member is None:  # no longer a member: the words go on to the patient's handlers
        (context.user_data or {}).pop(DRAFT, None)
        return END
    assert update.effective_message and update.effective_message.text is not None
    state = await _from_typed(update, context, member, update.effective_message.text)
    raise ApplicationHandlerStop(state)


async def _from_typed(update: Update, context: Context, member: Member,
                      typed: str) -> str | int:
    wants = await context.services.staff.wants_nhs_number(member)
    found = read_invite_request(typed, wants_nhs_number=wants)
    if isinstance(found, str):
        await reply(update, text(found))
        return DETAILS
    gps = await context.services.staff.gps(member)
    if len(gps) <= 1:
        made = await context.services.staff.create_invite(member, found,
                                                           gps[0].id if gps else None)
        await send_invite(update, made)
        return END
    if context.user_data is not None:
        context.user_data[DRAFT] = _draft(found)
    _, chat_id = ids(update)
    await reply(update, text("inbox.staff.invite_choose_gp"),
                markup(context.services.signer, chat_id, gp_choice_rows(gps)))
    return CHOOSE_GP


async def chosen(update: Update, context: Context) -> str | int:
    """The GP (or the practice inbox) tapped for the invite being made."""
    query = update.callback_query
    assert query and query.from_user and query.data
    _, chat_id = ids(update)
    tapped = payload_of(context.services.signer, chat_id, query.data)
    request = _request((context.user_data or {}).get(DRAFT))
    member = await context.services.staff.member(query.from_user.id)
    if tapped is None:
        await context.services.store.audit.record("access.forged_button", actor="unknown")
    if not isinstance(tapped, ChooseGp) or request is None or member is None:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        return CHOOSE_GP if request is not None and member is not None else END
    (context.user_data or {}).pop(DRAFT, None)
    await query.answer()
    await _take_buttons_off(query)
    made = await context.services.staff.create_invite(member, request,
                                                       tapped.gp_member_id or None)
    await send_invite(update, made)
    return END


async def _take_buttons_off(query: CallbackQuery) -> None:
    with suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def timed_out(update: object, context: Context) -> None:
    """A day without an answer: the draft goes."""
    (context.user_data or {}).pop(DRAFT, None)


async def send_invite(update: Update, made: InviteMade) -> None:
    """The invite's summary, the SMS to copy and its QR code, in the staff chat."""
    message = update.effective_message
    assert message
    await message.reply_text(made.summary, parse_mode="HTML")
    await message.reply_text(made.sms)
    await message.reply_photo(made.qr_png, caption=text(
        "inbox.staff.qr_caption", patient_ref=made.invite.patient_ref))


def conversation() -> ConversationHandler[Context]:
    """The durable /invite conversation, for private chats."""
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():  # tracked per chat and user, not per message: intended
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[CommandHandler("invite", start, filters=private)],
            states={
                DETAILS: [MessageHandler(private & filters.TEXT & ~filters.COMMAND, details)],
                CHOOSE_GP: [CallbackQueryHandler(chosen, pattern=r"^m\|inv_gp\|")],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[],
            allow_reentry=True,
            persistent=True,
            name=NAME,
            conversation_timeout=MAX_IDLE,
        )
