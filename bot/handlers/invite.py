"""Staff /invite: a durable python-telegram-bot conversation (issue 14, item 3).

`/invite` (or `/invite REF DD/MM/YYYY [NHS NUMBER]`) asks for what is missing, then, where the
practice has more than one GP, which GP's inbox the case goes to. An NHS number already on
another patient's invite (another date of birth) is refused before the GP is asked, and the
details are asked for again (`StaffDesk.refusal`). The conversation is a
`ConversationHandler(persistent=True, name=NAME)`: its state and the invite draft (kept in the
member's user_data under DRAFT) are written to the store by `StorePersistence`, so a restart
in the middle carries on where it was. An untouched draft is dropped after a day
(`persistence.MAX_IDLE`: the conversation's time-out, and the retention purge), and when the
member leaves the practice.

Every callback answers for the whole update (`ApplicationHandlerStop`): the conversation sits
in group -1, before group 0's catch-alls (the help for any command, team buttons), which would
otherwise answer /invite or the GP button a second time. The draft also records when its step
was entered (SINCE): a conversation restored at start-up has no time-out job, so `details` and
`chosen` end it themselves once it is older than MAX_IDLE. Someone no longer a member (removed
by the admin CLI, another process) loses the draft at their next update here, and the
persistence refuses to write it back.
"""

from __future__ import annotations

import warnings
from contextlib import suppress
from datetime import UTC, date, datetime
from typing import Any

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
from bot.handlers.escaping import Html, plain
from bot.handlers.keyboards import markup, payload_of
from bot.handlers.members import Context, ids, member_or_refuse, practice_rows, reply
from bot.handlers.persistence import MAX_IDLE
from bot.inbox.access import member_of
from bot.inbox.gp_messages import gp_choice_rows
from bot.inbox.payloads import ChooseGp, ChoosePractice
from bot.inbox.staff import InviteMade, InviteRequest, invite_ask_key, read_invite_request
from bot.store.models import Member

NAME = "staff_invite"
"""The conversation's name in the store."""
DRAFT = "invite_draft"
"""user_data key of the invite in progress: when its step began (SINCE) and, once the details
are read, the patient reference, date of birth (ISO) and NHS number or None. Kept by the
persistence; nothing clinical."""
SINCE = "since"
"""The draft's key for when the conversation entered its current step (ISO, UTC)."""
DETAILS = "details"
"""Asked for the patient's reference and date of birth."""
CHOOSE_GP = "choose_gp"
"""Asked which GP's inbox the case goes to."""
CHOOSE_PRACTICE = "choose_practice"
"""Asked a member of more than one practice which practice the invite is for."""
PRACTICE = "practice_id"
"""The draft's key for the practice chosen (a member of more than one practice)."""
TYPED = "typed"
"""The draft's key for details typed with /invite before the practice was chosen."""
GP_AWAITING = "gp_awaiting"
"""`bot.handlers.decide`'s key: starting an invite forgets a GP's request to type."""
END = ConversationHandler.END


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _draft(request: InviteRequest, practice_id: int | None) -> dict[str, str | int | None]:
    return {"patient_ref": request.patient_ref,
            "date_of_birth": request.date_of_birth.isoformat(),
            "nhs_number": request.nhs_number,
            PRACTICE: practice_id,
            SINCE: _now()}


async def _member(context: Context, user_id: int) -> Member | None:
    """The user's membership of the practice the invite is for: the one chosen (a member of
    more than one practice, `CHOOSE_PRACTICE`), else their only one; None if they are not (or
    no longer) a member of it."""
    draft = (context.user_data or {}).get(DRAFT)
    chosen = draft.get(PRACTICE) if isinstance(draft, dict) else None
    if isinstance(chosen, int):
        return await member_of(context.services.store, user_id, chosen)
    return await context.services.staff.member(user_id)


def _current(context: Context) -> dict[str, Any] | None:
    """The draft, if its step began less than MAX_IDLE ago (a conversation restored after a
    restart has no time-out job of its own); otherwise None, and the draft is dropped."""
    draft = (context.user_data or {}).get(DRAFT)
    if isinstance(draft, dict):
        with suppress(KeyError, TypeError, ValueError):
            began = datetime.fromisoformat(draft.get(SINCE) or draft["made_at"])  # made_at: older
            if datetime.now(UTC) - began <= MAX_IDLE:
                return draft
    _drop(context)
    return None


def draft_open(context: Context) -> bool:
    """Whether this person has an invite half made (`_current`): another step that asks them
    something in between (the UBRN of a referral, `bot.handlers.decide`) keeps it and says
    so."""
    return _current(context) is not None


def _drop(context: Context) -> None:
    (context.user_data or {}).pop(DRAFT, None)


def _request(draft: dict[str, Any] | None) -> InviteRequest | None:
    """The draft's request; None if there is none (or it has gone stale)."""
    if draft is None:
        return None
    try:
        return InviteRequest(str(draft["patient_ref"]), date.fromisoformat(draft["date_of_birth"]),
                             draft.get("nhs_number"))
    except (KeyError, TypeError, ValueError):
        return None


async def start(update: Update, context: Context) -> str | int:
    """/invite [REF DD/MM/YYYY [NHS NUMBER]]: make an invite link, asking for what is missing
    (the NHS number in the first question where the practice delivers by MESH)."""
    _drop(context)
    member = await member_or_refuse(update, context)
    if member is None:
        raise ApplicationHandlerStop(END)
    if context.user_data is not None:
        context.user_data.pop(GP_AWAITING, None)
    held = await context.services.staff.memberships(ids(update)[0])
    if len(held) > 1:  # which practice first: never the one joined first by default
        raise ApplicationHandlerStop(await _ask_practice(update, context, held))
    if context.args:
        raise ApplicationHandlerStop(
            await _from_typed(update, context, member, " ".join(context.args)))
    wants = await context.services.staff.wants_nhs_number(member)
    await reply(update, Html(text(invite_ask_key(wants_nhs_number=wants))))
    raise ApplicationHandlerStop(_asked(context, member))


def _asked(context: Context, member: Member) -> str:
    """Asked for the details (again) for `member`'s practice: the step begins now, and the
    details typed next are for that practice (`_member`), even where the draft was dropped
    before an invite that could not be made."""
    if context.user_data is not None:
        context.user_data[DRAFT] = {SINCE: _now(), PRACTICE: member.practice_id}
    return DETAILS


async def _ask_practice(update: Update, context: Context, held: list[Member]) -> str:
    """A member of more than one practice: which practice is the invite for (a button with
    each one's name); details typed with /invite are kept for after the choice."""
    if context.user_data is not None:
        context.user_data[DRAFT] = {SINCE: _now(), TYPED: " ".join(context.args or [])}
    rows = await practice_rows(context, held, ChoosePractice)
    await reply(update, Html(text("inbox.staff.invite_choose_practice")),
                markup(context.services.signer, ids(update)[1], rows))
    return CHOOSE_PRACTICE


async def practice_chosen(update: Update, context: Context) -> str | int:
    """The practice tapped for the invite being made: then the details (or, typed with
    /invite, the GP's choice or the invite)."""
    query = update.callback_query
    assert query and query.from_user and query.data
    _, chat_id = ids(update)
    tapped = payload_of(context.services.signer, chat_id, query.data)
    draft = _current(context)
    member = await member_of(context.services.store, query.from_user.id,
                             tapped.practice_id) if isinstance(tapped, ChoosePractice) else None
    if member is None or draft is None:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        raise ApplicationHandlerStop(CHOOSE_PRACTICE if draft is not None else END)
    await query.answer()
    await _take_buttons_off(query)
    typed = str(draft.get(TYPED) or "")
    assert context.user_data is not None
    context.user_data[DRAFT] = {SINCE: _now(), PRACTICE: member.practice_id}
    if typed:
        raise ApplicationHandlerStop(await _from_typed(update, context, member, typed))
    wants = await context.services.staff.wants_nhs_number(member)
    await reply(update, Html(text(invite_ask_key(wants_nhs_number=wants))))
    raise ApplicationHandlerStop(_asked(context, member))

async def details(update: Update, context: Context) -> str | int:
    """What staff typed when asked for the patient's details. Someone no longer a member, or
    asked more than MAX_IDLE ago: the conversation ends and the words go on to group 0."""
    member = await _member(context, ids(update)[0])
    if member is None:
        _drop(context)
        return END
    if _current(context) is None:
        return END
    assert update.effective_message and update.effective_message.text is not None
    state = await _from_typed(update, context, member, update.effective_message.text)
    raise ApplicationHandlerStop(state)


async def _from_typed(update: Update, context: Context, member: Member,
                      typed: str) -> str | int:
    wants = await context.services.staff.wants_nhs_number(member)
    found = read_invite_request(typed, wants_nhs_number=wants)
    if isinstance(found, str):
        await reply(update, Html(text(found)))
        return _asked(context, member)
    refused = await context.services.staff.refusal(member, found)
    if refused is not None:  # said before the GP is chosen, so nothing is typed in vain
        await reply(update, Html(text(refused)))
        return _asked(context, member)
    gps = await context.services.staff.gps(member)
    if len(gps) <= 1:
        _drop(context)
        made = await context.services.staff.create_invite(member, found,
                                                           gps[0].id if gps else None)
        if isinstance(made, str):
            await reply(update, Html(text(made)))
            return _asked(context, member)
        await send_invite(update, made)
        return END
    if context.user_data is not None:
        context.user_data[DRAFT] = _draft(found, member.practice_id)
    _, chat_id = ids(update)
    await reply(update, Html(text("inbox.staff.invite_choose_gp")),
                markup(context.services.signer, chat_id, gp_choice_rows(gps)))
    return CHOOSE_GP


async def chosen(update: Update, context: Context) -> str | int:
    """The GP (or the practice inbox) tapped for the invite being made."""
    query = update.callback_query
    assert query and query.from_user and query.data
    _, chat_id = ids(update)
    tapped = payload_of(context.services.signer, chat_id, query.data)
    member = await _member(context, query.from_user.id)
    if member is None:
        _drop(context)
    request = _request(_current(context))
    if tapped is None:
        await context.services.store.audit.record("access.forged_button", actor="unknown")
    if not isinstance(tapped, ChooseGp) or request is None or member is None:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        raise ApplicationHandlerStop(
            CHOOSE_GP if request is not None and member is not None else END)
    _drop(context)
    await query.answer()
    await _take_buttons_off(query)
    made = await context.services.staff.create_invite(member, request,
                                                       tapped.gp_member_id or None)
    if isinstance(made, str):  # an invite made meanwhile took the NHS number: type again
        await reply(update, Html(text(made)))
        raise ApplicationHandlerStop(_asked(context, member))
    await send_invite(update, made)
    raise ApplicationHandlerStop(END)


async def _take_buttons_off(query: CallbackQuery) -> None:
    with suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def timed_out(update: object, context: Context) -> None:
    """A day without an answer: the draft goes."""
    _drop(context)


async def left(update: Update, context: Context) -> int | None:
    """Any other update from someone in the conversation: if they are no longer a member, the
    conversation ends and the draft goes; so it does when another command (/invites, /revoke;
    not /help) comes while the details are asked for, the invite given up, so that words
    typed later are not read as a patient's details. Either way group 0 answers the update as
    usual."""
    if await context.services.staff.member(ids(update)[0]) is not None:
        if _asked_details(context) and _is_command(update):
            _drop(context)
            return END
        return None
    _drop(context)
    return END


def _asked_details(context: Context) -> bool:
    """The draft is at the question for the patient's details (`_asked`), not at a choice of
    GP or practice, whose buttons stay usable."""
    draft = (context.user_data or {}).get(DRAFT)
    return isinstance(draft, dict) and "patient_ref" not in draft and TYPED not in draft


OTHER_COMMAND = filters.COMMAND & ~filters.Regex(r"^/help(@\w+)?(\s|$)")
"""A command other than /help (read to find what to type: the details may follow)."""


def _is_command(update: Update) -> bool:
    """The update is a message holding `OTHER_COMMAND`."""
    return bool(OTHER_COMMAND.check_update(update))


async def send_invite(update: Update, made: InviteMade) -> None:
    """The invite's summary, the SMS to copy and its QR code, in the staff chat."""
    message = update.effective_message
    assert message
    await message.reply_text(Html(made.summary))
    await message.reply_text(plain(made.sms))
    await message.reply_photo(made.qr_png, caption=plain(text(
        "inbox.staff.qr_caption", patient_ref=made.invite.patient_ref)))


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
                CHOOSE_PRACTICE: [CallbackQueryHandler(practice_chosen,
                                                       pattern=r"^m\|inv_pr\|")],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[TypeHandler(Update, left)],
            allow_reentry=True,
            persistent=True,
            name=NAME,
            conversation_timeout=MAX_IDLE,
        )
