"""The GP's decision on a case, step by step, and the steps that close it.

Refer (confirmed first), ask for new photos (which, then why: a reason button or the GP's own
words), not suitable (urgent two-week wait, or book an appointment), then "referral sent on
e-RS" (with a UBRN if the GP types one) and, for staff, "Done: patient phoned" on an urgent
task. Each step calls `bot.inbox.decisions.Inbox`; this module only speaks Telegram.

Every decision button carries the submission it was made for (`submission_part`, last part),
and so does a request to type a reason or a UBRN: once the patient has re-submitted, a button
or typed answer from before is refused (`inbox.gp.stale_submission`, issue 12 item 10), so a
GP never decides on photos they have not seen.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.content import text
from bot.handlers.context import BotContext
from bot.handlers.delivery import decision_keyboard, submission_part
from bot.inbox.decisions import APPOINTMENT_REASONS, PHOTO_REASONS, REASON_LIMIT, read_ubrn
from bot.store.models import SHOT_SLOTS, Case

Context = BotContext
AWAITING = "gp_awaiting"
"""user_data key: what the GP was asked to type (a reason for new photos, or a UBRN)."""
STAFF_AWAITING = "staff_awaiting"
"""team.py's key for invite details: asking for one thing forgets the other."""
ACTIONS = frozenset({"back", "photos", "why", "redo", "appt", "appt_go", "urgent", "refer",
                     "refer_go", "refer_no", "sent", "sent_go"})


def _button(context: Context, chat_id: int, submission: int, label: str,
            *parts: str | int) -> InlineKeyboardButton:
    """A decision button; its last part is the submission it was made for."""
    return InlineKeyboardButton(label, callback_data=context.services.signer.sign(
        chat_id, *parts, submission_part(submission)))


def _markup(*rows: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[row] for row in rows])


def _shot_keyboard(context: Context, chat_id: int, case: Case,
                   mask: int) -> InlineKeyboardMarkup:
    made = case.submissions
    rows = []
    for bit, slot in enumerate(SHOT_SLOTS):
        label = ("☑ " if mask & (1 << bit) else "☐ ") + text(f"inbox.gp.caption_{slot}")
        rows.append([_button(context, chat_id, made, label, "photos", case.id,
                             mask ^ (1 << bit))])
    rows.append([_button(context, chat_id, made, text("inbox.gp.back"), "back", case.id),
                 _button(context, chat_id, made, text("inbox.gp.next"), "why", case.id, mask)])
    return InlineKeyboardMarkup(rows)


def _appointment_keyboard(context: Context, chat_id: int, case: Case) -> InlineKeyboardMarkup:
    made = case.submissions
    return _markup(
        _button(context, chat_id, made, text("inbox.gp.urgent"), "urgent", case.id),
        *(_button(context, chat_id, made, text(f"inbox.gp.reason_{r}"), "appt_go", case.id, r)
          for r in APPOINTMENT_REASONS),
        _button(context, chat_id, made, text("inbox.gp.back"), "back", case.id))


async def _edit_markup(context: Context, chat_id: int, message_id: int | None,
                       markup: InlineKeyboardMarkup | None) -> None:
    if message_id is None:
        return
    with contextlib.suppress(BadRequest):
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)


async def tap(update: Update, context: Context, chat_id: int, action: str, case: Case,
              rest: list[str]) -> None:
    """A GP's decision button on a case the GP may see in this chat (checked by the caller);
    refused if it was made for an earlier submission of the case."""
    query = update.callback_query
    assert query and query.from_user
    made_for = rest.pop() if rest else None
    if made_for != submission_part(case.submissions):
        await _stale(context, case, action)
        await query.answer(text("inbox.gp.stale_submission"), show_alert=True)
        return
    case_id = case.id
    desk = context.services.inbox
    user_id = query.from_user.id
    tapped = query.message.message_id if query.message else None
    if action == "back":
        await query.answer()
        await _edit_markup(context, chat_id, tapped,
                           decision_keyboard(context.services.signer, chat_id, case_id,
                                             case.submissions))
    elif action == "photos" and rest and rest[0].isdigit():
        await query.answer()
        await _edit_markup(context, chat_id, tapped,
                           _shot_keyboard(context, chat_id, case, int(rest[0])))
    elif action == "why" and rest and rest[0].isdigit():
        await _ask_why(update, context, chat_id, case, int(rest[0]))
    elif action == "redo" and len(rest) in (2, 3) and rest[0].isdigit():
        shots = [slot for bit, slot in enumerate(SHOT_SLOTS) if int(rest[0]) & (1 << bit)]
        (context.user_data or {}).pop(AWAITING, None)
        outcome = await desk.ask_new_photos(user_id, case_id, shots, rest[1])
        summary_id = rest[2] if len(rest) == 3 else ""
        await _finish(update, context, chat_id, outcome.done, outcome.text,
                      int(summary_id) if summary_id.isdigit() else None)
    elif action == "appt":
        await query.answer(text("inbox.gp.why_appointment"))
        await _edit_markup(context, chat_id, tapped,
                           _appointment_keyboard(context, chat_id, case))
    elif action == "urgent":
        outcome = await desk.urgent(user_id, case_id)
        await _finish(update, context, chat_id, outcome.done, outcome.text, None)
    elif action == "appt_go" and rest:
        outcome = await desk.book_appointment(user_id, case_id, rest[0])
        await _finish(update, context, chat_id, outcome.done, outcome.text, None)
    elif action == "refer":
        await _confirm_refer(update, context, chat_id, case)
    elif action == "refer_no":
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(text("inbox.gp.refer_cancelled",
                                               reference=case.reference))
    elif action == "refer_go" and rest:
        outcome = await desk.refer(user_id, case_id)
        follow = _markup(_button(context, chat_id, case.submissions,
                                 text("inbox.gp.referral_sent"), "sent",
                                 case_id)) if outcome.done else None
        await _finish(update, context, chat_id, outcome.done, outcome.text,
                      int(rest[0]) if rest[0].isdigit() else None, follow)
    elif action == "sent":
        await _ask_ubrn(update, context, chat_id, case)
    elif action == "sent_go":
        waiting: Any = (context.user_data or {}).pop(AWAITING, None)
        outcome = await desk.mark_referral_sent(user_id, case_id, None)
        origin = waiting.get("origin") if isinstance(waiting, dict) else None
        await _finish(update, context, chat_id, outcome.done, outcome.text, origin)
    else:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)


async def _finish(update: Update, context: Context, chat_id: int, done: bool, words: str,
                  summary_id: int | None,
                  follow: InlineKeyboardMarkup | None = None) -> None:
    """Answer the tap, take the buttons off the message tapped (and the case's summary), and
    say what happened."""
    query = update.callback_query
    assert query
    await query.answer()
    await _edit_markup(context, chat_id, query.message.message_id if query.message else None,
                       None)
    if done:
        await _edit_markup(context, chat_id, summary_id, None)
    await context.bot.send_message(chat_id, words, reply_markup=follow)


async def _stale(context: Context, case: Case, action: str) -> None:
    await context.services.store.audit.record("access.stale_button", actor="gp",
                                               case_id=case.id, detail={"action": action})


async def _confirm_refer(update: Update, context: Context, chat_id: int, case: Case) -> None:
    """Refer is confirmed first, in a message that says what happens next."""
    query = update.callback_query
    assert query
    await query.answer()
    made = case.submissions
    summary_id = query.message.message_id if query.message else 0
    await context.bot.send_message(
        chat_id, text("inbox.gp.refer_confirm", reference=case.reference,
                      days=context.services.settings.referral_send_days),
        reply_markup=_markup(
            _button(context, chat_id, made, text("inbox.gp.refer_yes"), "refer_go", case.id,
                    summary_id),
            _button(context, chat_id, made, text("inbox.gp.refer_no"), "refer_no", case.id)))


async def _ask_why(update: Update, context: Context, chat_id: int, case: Case,
                   mask: int) -> None:
    """After choosing the photos: a message with the reasons, and room for the GP's own."""
    query = update.callback_query
    assert query
    if not mask:
        await query.answer(text("inbox.gp.which_photos"), show_alert=True)
        return
    await query.answer()
    summary_id = query.message.message_id if query.message else 0
    await _edit_markup(context, chat_id, summary_id,
                       decision_keyboard(context.services.signer, chat_id, case.id,
                                         case.submissions))
    shots = ", ".join(text(f"inbox.gp.caption_{slot}") for bit, slot in enumerate(SHOT_SLOTS)
                      if mask & (1 << bit))
    asked = await context.bot.send_message(
        chat_id, text("inbox.gp.why_photos", shots=shots),
        reply_markup=_markup(*(_button(context, chat_id, case.submissions,
                                       text(f"inbox.gp.reason_{r}"), "redo", case.id, mask, r,
                                       summary_id) for r in PHOTO_REASONS)))
    if context.user_data is not None:
        context.user_data.pop(STAFF_AWAITING, None)
        context.user_data[AWAITING] = {"kind": "redo", "case": case.id, "mask": mask,
                                       "summary": summary_id, "prompt": asked.message_id,
                                       "chat": chat_id, "submission": case.submissions}


async def _ask_ubrn(update: Update, context: Context, chat_id: int, case: Case) -> None:
    query = update.callback_query
    assert query
    await query.answer()
    asked = await context.bot.send_message(
        chat_id, text("inbox.gp.ubrn_ask", reference=case.reference),
        reply_markup=_markup(_button(context, chat_id, case.submissions,
                                     text("inbox.gp.ubrn_skip"), "sent_go", case.id)))
    if context.user_data is not None:
        context.user_data.pop(STAFF_AWAITING, None)
        context.user_data[AWAITING] = {
            "kind": "ubrn", "case": case.id, "prompt": asked.message_id, "chat": chat_id,
            "origin": query.message.message_id if query.message else None,
            "submission": case.submissions}


async def typed(update: Update, context: Context) -> bool:
    """Text from a GP who was asked for a reason or a UBRN, in the chat where they were asked
    (their own, or a practice inbox group); False if they were not."""
    waiting: Any = (context.existing_user_data or {}).get(AWAITING)
    message = update.effective_message
    if not isinstance(waiting, dict) or message is None or message.text is None:
        return False
    assert update.effective_user and update.effective_chat
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    if waiting.get("chat") != chat_id:
        return False
    desk = context.services.inbox
    words = " ".join(message.text.split())
    assert context.user_data is not None
    case = await context.services.store.cases.get(int(waiting["case"]))
    if case is None or case.submissions != waiting.get("submission"):  # re-submitted since
        if case is not None:
            await _stale(context, case, f"typed_{waiting['kind']}")
        context.user_data.pop(AWAITING, None)
        await _edit_markup(context, chat_id, waiting.get("prompt"), None)
        await message.reply_text(text("inbox.gp.stale_submission"))
        return True
    if waiting["kind"] == "ubrn":
        ubrn = read_ubrn(words)
        if ubrn is None:
            await message.reply_text(text("inbox.gp.ubrn_bad"))
            return True
        outcome = await desk.mark_referral_sent(user_id, int(waiting["case"]), ubrn)
        if outcome.done:
            await _edit_markup(context, chat_id, waiting.get("origin"), None)
    else:
        if len(words) > REASON_LIMIT:
            await message.reply_text(text("inbox.gp.reason_too_long", limit=REASON_LIMIT))
            return True
        shots = [slot for bit, slot in enumerate(SHOT_SLOTS) if waiting["mask"] & (1 << bit)]
        outcome = await desk.ask_new_photos(user_id, int(waiting["case"]), shots, "typed",
                                            words)
        if outcome.done:
            await _edit_markup(context, chat_id, waiting.get("summary"), None)
    context.user_data.pop(AWAITING, None)
    await _edit_markup(context, chat_id, waiting.get("prompt"), None)
    await message.reply_text(outcome.text, parse_mode=None)
    return True


async def task_done(update: Update, context: Context, case_id: int) -> None:
    """Staff (or a GP) tapped "Done: patient phoned" on an urgent task."""
    query = update.callback_query
    assert query and query.from_user
    outcome = await context.services.inbox.task_done(query.from_user.id, case_id)
    await query.answer()
    if outcome.done and query.message:
        await _edit_markup(context, query.message.chat.id, query.message.message_id, None)
    if query.message:
        await context.bot.send_message(query.message.chat.id, outcome.text)

