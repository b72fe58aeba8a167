"""Staff and GP handlers: /invite, /invites, /revoke, /inbox, join codes, and decision buttons."""

from __future__ import annotations

import contextlib
import html
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from bot.content import text
from bot.handlers import decide
from bot.handlers.context import BotContext
from bot.handlers.delivery import deliver_case
from bot.inbox.access import GP_ROLES, chat_may_show
from bot.inbox.digest import build_digest, erased_note, uk_time
from bot.inbox.staff import MAX_REFERENCE, InviteMade, InviteRequest, read_invite_request
from bot.store.models import Member

Context = BotContext
AWAITING = "staff_awaiting"
ROLES: dict[str, Literal["staff", "gp", "admin"]] = {"staff": "staff", "gp": "gp",
                                                       "admin": "admin"}


def _ids(update: Update) -> tuple[int, int]:
    assert update.effective_user and update.effective_chat
    return update.effective_user.id, update.effective_chat.id


async def _reply(update: Update, words: str, markup: InlineKeyboardMarkup | None = None) -> None:
    assert update.effective_message
    await update.effective_message.reply_text(words, parse_mode=ParseMode.HTML,
                                              reply_markup=markup)


async def _member(update: Update, context: Context) -> Member | None:
    user_id, _ = _ids(update)
    member = await context.services.staff.member(user_id)
    if member is None:
        await context.services.store.audit.record("access.refused", actor="stranger",
                                                    detail={"command": "staff"})
        await _reply(update, text("inbox.gp.not_member"))
    return member


# -- staff: invites ------------------------------------------------------------------------

async def invite(update: Update, context: Context) -> None:
    """/invite [REF DD/MM/YYYY]: make an invite link, asking for what is missing."""
    member = await _member(update, context)
    if member is None:
        return
    if context.args:
        await _invite_from(update, context, member, " ".join(context.args))
        return
    context.user_data[AWAITING] = "invite"  # type: ignore[index]
    context.user_data.pop(decide.AWAITING, None)  # type: ignore[union-attr]
    await _reply(update, text("inbox.staff.invite_ask"))


async def staff_typed(update: Update, context: Context) -> None:
    """Text from a member of staff who was asked for invite details, or a GP asked for a
    reason or a UBRN (runs before patients')."""
    if await decide.typed(update, context):
        raise ApplicationHandlerStop
    asked = context.existing_user_data
    if asked is None or asked.get(AWAITING) != "invite":
        return
    member = await context.services.staff.member(_ids(update)[0])
    if member is None:
        asked.pop(AWAITING, None)
        return
    assert update.effective_message and update.effective_message.text is not None
    await _invite_from(update, context, member, update.effective_message.text)
    raise ApplicationHandlerStop


async def gp_typed_in_group(update: Update, context: Context) -> None:
    """Text in a practice inbox group from a GP who was asked there for a reason or a UBRN."""
    if await decide.typed(update, context):
        raise ApplicationHandlerStop


async def _invite_from(update: Update, context: Context, member: Member, typed: str) -> None:
    wants = await context.services.staff.wants_nhs_number(member)
    found = read_invite_request(typed, wants_nhs_number=wants)
    if isinstance(found, str):
        context.user_data[AWAITING] = "invite"  # type: ignore[index]
        await _reply(update, text(found))
        return
    context.user_data.pop(AWAITING, None)  # type: ignore[union-attr]
    gps = await context.services.staff.gps(member)
    if len(gps) <= 1:
        made = await context.services.staff.create_invite(member, found,
                                                           gps[0].id if gps else None)
        await _send_invite(update, made)
        return
    context.user_data["invite_request"] = found  # type: ignore[index]
    _, chat_id = _ids(update)
    signer = context.services.signer
    rows = [[InlineKeyboardButton(gp.display_name,
                                  callback_data=signer.sign(chat_id, "inv_gp", gp.id))]
            for gp in gps]
    rows.append([InlineKeyboardButton(text("inbox.staff.practice_inbox"),
                                      callback_data=signer.sign(chat_id, "inv_gp", 0))])
    await _reply(update, text("inbox.staff.invite_choose_gp"), InlineKeyboardMarkup(rows))


async def _send_invite(update: Update, made: InviteMade) -> None:
    message = update.effective_message
    assert message
    await message.reply_text(made.summary, parse_mode=ParseMode.HTML)
    await message.reply_text(made.sms)
    await message.reply_photo(made.qr_png, caption=text(
        "inbox.staff.qr_caption", patient_ref=made.invite.patient_ref))


async def invites(update: Update, context: Context) -> None:
    """/invites: open invites and cases by state, with buttons to resend or cancel links."""
    member = await _member(update, context)
    if member is None:
        return
    words, changeable = await context.services.staff.overview(member)
    _, chat_id = _ids(update)
    signer = context.services.signer
    rows = []
    for line in changeable[:10]:  # each button carries the invite's state (issue 12, item 9)
        state = await context.services.staff.invite_state(line.invite.id)
        ref = line.invite.patient_ref
        rows.append([
            InlineKeyboardButton(text("inbox.staff.resend", patient_ref=ref),
                                 callback_data=signer.sign(chat_id, "resend", line.invite.id,
                                                           state)),
            InlineKeyboardButton(text("inbox.staff.revoke", patient_ref=ref),
                                 callback_data=signer.sign(chat_id, "revoke", line.invite.id,
                                                           state))])
    await _reply(update, words, InlineKeyboardMarkup(rows) if rows else None)


async def revoke(update: Update, context: Context) -> None:
    """/revoke REF: cancel a patient's open invite link."""
    member = await _member(update, context)
    if member is None:
        return
    if not context.args:
        await _reply(update, text("inbox.staff.revoke_usage"))
        return
    ref = " ".join(context.args)
    if len(ref) > MAX_REFERENCE:  # never echo an arbitrary amount of text back (item 13)
        await _reply(update, text("inbox.staff.revoke_usage"))
        return
    done = await context.services.staff.revoke_reference(member, ref)
    if done:
        await _reply(update, text("inbox.staff.revoked", patient_ref=html.escape(ref)))
        return
    opened = await context.services.staff.active_case(member, ref)
    key = "inbox.staff.revoke_opened" if opened else "inbox.staff.revoke_none"
    await _reply(update, text(key, patient_ref=html.escape(ref)))


async def stop(update: Update, context: Context) -> None:
    """/stop REF: stop a case opened from a link that reached the wrong person (asks first)."""
    member = await _member(update, context)
    if member is None:
        return
    ref = " ".join(context.args or [])
    if not ref or len(ref) > MAX_REFERENCE:
        await _reply(update, text("inbox.staff.stop_usage"))
        return
    found = await context.services.staff.active_case(member, ref)
    if found is None:
        await _reply(update, text("inbox.staff.stop_none", patient_ref=html.escape(ref)))
        return
    await _offer_stop(update, context, found[0].id, ref)


async def _offer_stop(update: Update, context: Context, invite_id: int, ref: str) -> None:
    _, chat_id = _ids(update)
    state = await context.services.staff.invite_state(invite_id)
    button = InlineKeyboardButton(text("inbox.staff.stop_button", patient_ref=ref),
                                  callback_data=context.services.signer.sign(
                                      chat_id, "stop", invite_id, state))
    await _reply(update, text("inbox.staff.stop_confirm", patient_ref=html.escape(ref)),
                 InlineKeyboardMarkup([[button]]))


async def add_member(update: Update, context: Context) -> None:
    """/addmember ROLE NAME (admins): a one-time join code for a new member."""
    user_id, _ = _ids(update)
    admin = await context.services.staff.member(user_id, roles=("admin",))
    if admin is None:
        await _reply(update, text("inbox.staff.only_admins"))
        return
    args = context.args or []
    if len(args) < 2 or args[0] not in ROLES:
        await _reply(update, text("inbox.staff.addmember_usage"))
        return
    name = " ".join(args[1:])[:60]
    code = await context.services.staff.join_code(admin, ROLES[args[0]], name)
    await _reply(update, text("inbox.staff.addmember_code", name=html.escape(name),
                              role=args[0], code=code))


async def join(update: Update, context: Context) -> None:
    """/join CODE: become a member of a practice."""
    user_id, _ = _ids(update)
    code = context.args[0] if context.args else ""
    member = await context.services.staff.join(user_id, code[:64]) if code else None
    if isinstance(member, int):
        await _reply(update, text("inbox.staff.join_too_many_tries", minutes=member))
        return
    if member is None:
        await _reply(update, text("inbox.staff.join_bad"))
        return
    practice = await context.services.store.practices.get(member.practice_id)
    assert practice is not None
    await _reply(update, text("inbox.staff.join_ok", name=html.escape(member.display_name),
                              role=member.role, practice=html.escape(practice.name)))


# -- GP inbox ------------------------------------------------------------------------------

async def inbox(update: Update, context: Context) -> None:
    """/inbox: the cases waiting for a GP, oldest first, each with a button to open it."""
    user_id, chat_id = _ids(update)
    gp = await context.services.inbox.gp(user_id)
    if gp is None:
        member = await context.services.staff.member(user_id)
        if member is None:
            await _reply(update, text("inbox.gp.not_member"))
            return
        gp = member
    store = context.services.store
    if not await chat_may_show(store, gp.practice_id, chat_id, user_id):
        await _reply(update, text("inbox.gp.private_only"))
        return
    pending = await context.services.inbox.pending(gp)
    if not pending:
        await _reply(update, text("inbox.gp.inbox_empty"))
        return
    lines = [text("inbox.gp.inbox_title")]
    rows = []
    for case in pending[:20]:
        found = await store.invites.get(case.invite_id) if case.invite_id else None
        lines.append(text("inbox.gp.inbox_item", reference=case.reference,
                          patient_ref=html.escape(found.patient_ref if found else "?"),
                          submitted=uk_time(case.submitted_at)))
        if gp.role in GP_ROLES:  # staff and managers see references, not photos (item 11)
            rows.append([InlineKeyboardButton(
                text("inbox.gp.open", reference=case.reference),
                callback_data=context.services.signer.sign(chat_id, "open", case.id))])
    await _reply(update, "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


async def tapped(update: Update, context: Context) -> None:
    """A staff or GP button: verify its signature and the user's access, then act."""
    query = update.callback_query
    assert query and query.from_user and query.data
    message = query.message if isinstance(query.message, Message) else None
    chat_id = message.chat.id if message else query.from_user.id
    parts = context.services.signer.verify(chat_id, query.data)
    if not parts or len(parts) < 2 or not parts[1].isdigit():
        await context.services.store.audit.record("access.forged_button", actor="unknown")
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        return
    action, target, rest = parts[0], int(parts[1]), parts[2:]
    if action in ("inv_gp", "revoke", "resend", "stop"):
        await _staff_tap(update, context, action, target, rest)
        return
    if action == "task_done":
        await decide.task_done(update, context, target)
        return
    store = context.services.store
    found = await context.services.inbox.open_case(query.from_user.id, target)
    if found is None:
        await query.answer(text("inbox.gp.refused"), show_alert=True)
        return
    if not await chat_may_show(store, found.practice_id, chat_id, query.from_user.id):
        await query.answer(text("inbox.gp.private_only"), show_alert=True)
        return
    if action == "open":
        await _open(update, context, chat_id, found.id)
    elif action in decide.ACTIONS:  # decide.tap refuses a button from an earlier submission
        await decide.tap(update, context, chat_id, action, found, rest)
    else:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)


async def _edit_markup(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(markup)


async def _open(update: Update, context: Context, chat_id: int, case_id: int) -> None:
    """"Open" from /inbox: the whole case (album, summary with buttons, pack) in this chat."""
    query = update.callback_query
    assert query
    case = await context.services.store.cases.get(case_id)
    assert case is not None
    if case.erased_at:  # an "Open" button from an /inbox list older than the erasure
        await query.answer(erased_note(case), show_alert=True)
        return
    await query.answer()
    digest = await build_digest(context.services.store, case)
    await deliver_case(context.bot, context.services.store, chat_id, digest,
                       context.services.signer,
                       context.services.settings.referral_pack_max_bytes)


async def _staff_tap(update: Update, context: Context, action: str, target: int,
                     rest: list[str]) -> None:
    query = update.callback_query
    assert query and query.from_user
    desk = context.services.staff
    member = await desk.member(query.from_user.id)
    if member is None:
        await query.answer(text("inbox.gp.refused"), show_alert=True)
        return
    message = query.message if isinstance(query.message, Message) else None
    if action == "inv_gp":
        request: Any = (context.user_data or {}).pop("invite_request", None)
        if not isinstance(request, InviteRequest):
            await query.answer(text("inbox.gp.expired_button"), show_alert=True)
            return
        await query.answer()
        await _edit_markup(update, None)
        made = await desk.create_invite(member, request, target or None)
        await _send_invite(update, made)
        return
    invite = await desk.invite_of(member, target)
    if invite is None:
        await query.answer(text("inbox.gp.refused"), show_alert=True)
        return
    if not await desk.still(invite, rest[0] if rest else None):  # item 9: the state changed
        await context.services.store.audit.record(
            "access.stale_button", actor=f"member:{member.id}",
            practice_id=member.practice_id, detail={"action": action, "invite_id": invite.id})
        await query.answer(text("inbox.staff.invite_changed"), show_alert=True)
        await _edit_markup(update, None)
        opened = await desk.active_case(member, invite.patient_ref)
        if opened is not None and action != "stop":
            await _offer_stop(update, context, opened[0].id, invite.patient_ref)
        return
    await query.answer()
    if action == "revoke":
        done = await desk.revoke(member, target)
        if message and done:
            await message.reply_text(text("inbox.staff.revoked", patient_ref=done.patient_ref))
    elif action == "resend":
        fresh = await desk.resend(member, target)
        if fresh:
            await _send_invite(update, fresh)
    elif action == "stop":
        await _edit_markup(update, None)
        stopped = await desk.stop_case(member, target)
        key = "inbox.staff.stop_done" if stopped else "inbox.staff.stop_none"
        if message:
            await message.reply_text(text(key, patient_ref=html.escape(invite.patient_ref)),
                                     parse_mode=ParseMode.HTML)
        context.services.queued()

