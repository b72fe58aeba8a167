"""Staff desk: /invites (open invites and cases, with resend and cancel buttons), /revoke and
/stop, and those buttons."""

from __future__ import annotations

import contextlib
import html

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.content import text
from bot.handlers.escaping import Html, plain
from bot.handlers.invite import send_invite
from bot.handlers.keyboards import markup
from bot.handlers.members import Context, ids, memberships_or_refuse, reply
from bot.inbox.digest import uk_time
from bot.inbox.gp_messages import Row
from bot.inbox.payloads import ChangeInvite
from bot.inbox.staff import MAX_REFERENCE
from bot.store.models import Case, Invite, Member


async def invites(update: Update, context: Context) -> None:
    """/invites: open invites and cases by state, with buttons to resend or cancel links, to
    send a new link for a locked one, to remind the patient of a stalled request, and to
    record that the patient of a request with a red flag answered yes was contacted (first)."""
    held = await memberships_or_refuse(update, context)
    for member in held:  # each practice's own list (its title names it)
        await _overview(update, context, member, several=len(held) > 1)


async def _overview(update: Update, context: Context, member: Member, *,
                    several: bool = False) -> None:
    """One practice's /invites list, with its buttons; `several`: the member has more than
    one practice, so even an empty list names its practice."""
    words, keyboard = await _listed(context, member, ids(update)[1], several=several)
    await reply(update, words, keyboard)


async def _redraw(update: Update, context: Context, member: Member) -> None:
    """Draw the tapped /invites message again as the practice's list is now (a link
    cancelled from it, or since): a cancelled link's buttons go, the others stay. Never
    raises for a message Telegram will not edit (unchanged, too old)."""
    query = update.callback_query
    assert query and query.from_user
    several = len(await context.services.staff.memberships(query.from_user.id)) > 1
    words, keyboard = await _listed(context, member, ids(update)[1], several=several)
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(words, reply_markup=keyboard)


async def _listed(context: Context, member: Member, chat_id: int, *, several: bool
                  ) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The words and buttons of one practice's /invites list (`_overview`)."""
    desk = context.services.staff
    words, with_buttons = await desk.overview(member)
    if several and words == text("inbox.staff.none"):
        practice = await context.services.store.practices.get(member.practice_id)
        words = text("inbox.staff.none_at", practice=html.escape(practice.name if practice
                                                                  else "?"))
    rows: list[Row] = []
    # each button carries the invite's state (issue 12, item 9); "Patient contacted" first,
    # as the red-flag rows are listed first
    for line in [line for line in with_buttons if line.to_contact][:10]:
        state = await desk.invite_state(line.invite.id)
        rows.append(((text("inbox.staff.contacted", patient_ref=line.invite.patient_ref),
                      ChangeInvite("contacted", line.invite.id, state)),))
    for line in [line for line in with_buttons if line.chase == "remind"][:10]:
        state = await desk.invite_state(line.invite.id)
        rows.append(((text("inbox.staff.remind", patient_ref=line.invite.patient_ref),
                      ChangeInvite("remind", line.invite.id, state)),))
    # links left unopened come first (`StaffDesk.overview`): their "New link" is the chase
    for line in [line for line in with_buttons if line.can_change][:10]:
        state = await desk.invite_state(line.invite.id)
        ref = line.invite.patient_ref
        rows.append(((text("inbox.staff.resend", patient_ref=ref),
                      ChangeInvite("resend", line.invite.id, state)),
                     (text("inbox.staff.revoke", patient_ref=ref),
                      ChangeInvite("revoke", line.invite.id, state))))
    for line in [line for line in with_buttons if line.renewable][:10]:
        state = await desk.invite_state(line.invite.id)
        rows.append(((text("inbox.staff.renew", patient_ref=line.invite.patient_ref),
                      ChangeInvite("renew", line.invite.id, state)),))
    return Html(words), markup(context.services.signer, chat_id, tuple(rows))


async def revoke(update: Update, context: Context) -> None:
    """/revoke REF: cancel a patient's open invite link (of whichever of the member's
    practices has it). Where more than one of their practices has an open link with this
    reference, nothing is cancelled: they are asked to use the right practice's /invites."""
    held = await memberships_or_refuse(update, context)
    if not held:
        return
    ref = " ".join(context.args or [])
    if not ref or len(ref) > MAX_REFERENCE:  # never echo an arbitrary amount of text back
        await reply(update, Html(text("inbox.staff.revoke_usage")))
        return
    desk = context.services.staff
    open_at = [(member, invite) for member in held
               if (invite := await desk.open_invite(member, ref)) is not None]
    if len(open_at) > 1:
        names = [await _practice_name(context, member) for member, _ in open_at]
        await reply(update, Html(text("inbox.staff.revoke_which", patient_ref=html.escape(ref),
                                      practices=html.escape(", ".join(names)))))
        return
    if open_at and await desk.revoke(open_at[0][0], open_at[0][1].id):
        await reply(update, Html(text("inbox.staff.revoked", patient_ref=html.escape(ref))))
        return
    opened = await _active_cases(context, held, ref)
    key = "inbox.staff.revoke_opened" if opened else "inbox.staff.revoke_none"
    await reply(update, Html(text(key, patient_ref=html.escape(ref))))


async def stop(update: Update, context: Context) -> None:
    """/stop REF: stop a case opened from a link that reached the wrong person (asks first),
    of whichever of the member's practices has it; where more than one has one, a button
    for each, naming its practice."""
    held = await memberships_or_refuse(update, context)
    if not held:
        return
    ref = " ".join(context.args or [])
    if not ref or len(ref) > MAX_REFERENCE:
        await reply(update, Html(text("inbox.staff.stop_usage")))
        return
    found = await _active_cases(context, held, ref)
    if not found:
        await reply(update, Html(text("inbox.staff.stop_none", patient_ref=html.escape(ref))))
        return
    await _offer_stop(update, context, ref, [
        (invite.id, await _practice_name(context, member) if len(found) > 1 else None)
        for member, (invite, _) in found])


async def _active_cases(context: Context, held: list[Member],
                        ref: str) -> list[tuple[Member, tuple[Invite, Case]]]:
    """The request in progress or waiting for a GP with this reference at each of the
    member's practices that has one (`StaffDesk.active_case`), with the membership there."""
    found = []
    for member in held:
        case = await context.services.staff.active_case(member, ref)
        if case is not None:
            found.append((member, case))
    return found


async def _practice_name(context: Context, member: Member) -> str:
    practice = await context.services.store.practices.get(member.practice_id)
    return practice.name if practice is not None else "?"


async def _offer_stop(update: Update, context: Context, ref: str,
                      invites: list[tuple[int, str | None]]) -> None:
    """Ask to confirm the stop, with a button for each (invite id, its practice's name where
    the member has more than one practice with this reference, else None)."""
    rows = []
    for invite_id, practice in invites:
        state = await context.services.staff.invite_state(invite_id)
        label = (text("inbox.staff.stop_button_at", patient_ref=ref, practice=practice)
                 if practice else text("inbox.staff.stop_button", patient_ref=ref))
        rows.append(((label, ChangeInvite("stop", invite_id, state)),))
    await reply(update, Html(text("inbox.staff.stop_confirm", patient_ref=html.escape(ref))),
                markup(context.services.signer, ids(update)[1], tuple(rows)))


async def _remind(update: Update, context: Context, member: Member, invite: Invite) -> None:
    """"Send reminder": the patient gets the kind reminder with its button to carry on, the
    member is told, and the list is drawn again with "reminded" on the row; a second tap the
    same day says when the last reminder went and sends nothing."""
    query = update.callback_query
    assert query
    message = query.message if isinstance(query.message, Message) else None
    done = await context.services.staff.remind(member, invite.id)
    if done is not None and done.sent:
        context.services.queued()
        key = "inbox.staff.remind_sent"
    elif done is not None:
        key = "inbox.staff.remind_already"
    else:
        key = "inbox.staff.remind_not_stalled"
    if message:
        who = await context.services.staff.actor_name(member, done.actor) if done else ""
        await message.reply_text(plain(text(key, patient_ref=invite.patient_ref,
                                            when=uk_time(done.at) if done else "", name=who)))
    if done is not None and done.sent:
        await _redraw(update, context, member)


async def show_invites(update: Update, context: Context, practice_id: int) -> None:
    """"Open the list" under the daily list of patients to chase: that practice's /invites,
    as a new message, to a member of it."""
    query = update.callback_query
    assert query and query.from_user
    held = await context.services.staff.memberships(query.from_user.id)
    member = next((m for m in held if m.practice_id == practice_id), None)
    if member is None:
        await query.answer(text("inbox.gp.refused"), show_alert=True)
        return
    await query.answer()
    await _overview(update, context, member, several=len(held) > 1)


async def _take_buttons_off(update: Update) -> None:
    query = update.callback_query
    assert query
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)


async def changed(update: Update, context: Context, tapped: ChangeInvite) -> None:
    """Resend, revoke or stop from a button, if the invite is as it was when the button was
    made (issue 12 item 9); otherwise say it changed and, for an opened case, offer /stop."""
    query = update.callback_query
    assert query and query.from_user
    desk = context.services.staff
    found = await desk.member_for_invite(query.from_user.id, tapped.invite_id)
    if found is None:
        await query.answer(text("inbox.gp.refused"), show_alert=True)
        return
    member, invite = found  # the membership of the invite's practice, of all they hold
    message = query.message if isinstance(query.message, Message) else None
    if not await desk.still(invite, tapped.state):
        await context.services.store.audit.record(
            "access.stale_button", actor=f"member:{member.id}", practice_id=member.practice_id,
            detail={"action": tapped.action, "invite_id": invite.id})
        if invite.revoked_at is not None and tapped.action != "stop":
            # cancelled (by /revoke, or another list's button): say so, and list it as it is
            await query.answer(text("inbox.staff.invite_revoked",
                                    patient_ref=invite.patient_ref), show_alert=True)
            await _redraw(update, context, member)
            return
        await query.answer(text("inbox.staff.invite_changed"), show_alert=True)
        await _take_buttons_off(update)
        opened = await desk.active_case(member, invite.patient_ref)
        if opened is not None and tapped.action != "stop":
            await _offer_stop(update, context, invite.patient_ref, [(opened[0].id, None)])
        return
    await query.answer()
    if tapped.action == "revoke":
        done = await desk.revoke(member, invite.id)
        if message and done:  # said first: a failed redraw must not lose it
            await message.reply_text(plain(text("inbox.staff.revoked",
                                                patient_ref=done.patient_ref)))
        if done:  # the list loses the cancelled link's buttons
            await _redraw(update, context, member)
    elif tapped.action == "resend":
        fresh = await desk.resend(member, invite.id)
        if fresh:
            await send_invite(update, fresh)
    elif tapped.action == "renew":
        renewed = await desk.renew(member, invite.id)
        if not isinstance(renewed, str):
            await send_invite(update, renewed)
        elif message:
            await message.reply_text(plain(text(renewed)))
    elif tapped.action == "remind":
        await _remind(update, context, member, invite)
    elif tapped.action == "contacted":
        reached = await desk.record_contacted(member, invite.id)
        if message and reached:
            await message.reply_text(plain(text(
                "inbox.staff.contacted_recorded", patient_ref=invite.patient_ref,
                reference=reached.reference, name=member.display_name)))
        elif message:
            await message.reply_text(plain(text("inbox.staff.contacted_already",
                                                patient_ref=invite.patient_ref)))
    else:
        await _take_buttons_off(update)
        stopped = await desk.stop_case(member, invite.id)
        if stopped is not None:  # photos held for the holder's choice of request go too
            await context.services.journey.drop_held(stopped.patient_user_id)
        key = "inbox.staff.stop_done" if stopped else "inbox.staff.stop_none"
        if message:
            await message.reply_text(Html(text(key,
                                               patient_ref=html.escape(invite.patient_ref))))
        context.services.queued()
