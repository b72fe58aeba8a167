"""The GP's decision on a case, one handler per step, and the steps that close it.

Refer (confirmed first), ask for new photos (which, then why: a reason button or the GP's own
words), not suitable (urgent two-week wait, or book an appointment, each confirmed first), then
"referral sent on e-RS" (with a UBRN if the GP, or the member of staff who marks it, types one;
the GP may go back from that question) and, for staff, "Done: patient phoned" on an urgent
task. Each step calls `bot.inbox.decisions.Inbox`; the buttons are built by
`bot.inbox.gp_messages`; this module only speaks Telegram.

Every decision button carries the submission it was made for (`Decide.submission`), and so
does a request to type a reason or a UBRN: once the patient has re-submitted, a button or typed
answer from before is refused (`inbox.gp.stale_submission`, issue 12 item 10), so a GP never
decides on photos they have not seen.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.content import text
from bot.domain.questions import worded
from bot.handlers.context import BotContext
from bot.handlers.escaping import plain
from bot.handlers.invite import draft_open
from bot.handlers.keyboards import markup
from bot.inbox.access import ANY_ROLE, member_of
from bot.inbox.alerts import URGENT
from bot.inbox.decisions import APPOINTMENT_REASONS, PHOTO_REASONS, REASON_LIMIT, read_ubrn
from bot.inbox.gp_messages import (
    Rows,
    appointment_confirm_rows,
    appointment_rows,
    decision_rows,
    reason_rows,
    refer_confirm_rows,
    sent_rows,
    shot_rows,
    ubrn_skip_rows,
    urgent_confirm_rows,
)
from bot.inbox.payloads import CaseAction, Decide
from bot.inbox.referral_task import referral_confirm_rows, task_chats
from bot.store.models import SHOT_SLOTS, Case, ShotSlot

log = logging.getLogger("bot.handlers")

Context = BotContext
AWAITING = "gp_awaiting"
"""user_data key: what the GP was asked to type (a reason for new photos, or a UBRN), or
the member of staff asked whether they made the referral (kind "ers": its UBRN)."""
ALERT_LIMIT = 200
"""Most characters Telegram shows in the alert that answers a tap."""
INVITE_DRAFT = "invite_draft"
"""`bot.handlers.invite`'s key: asking the GP to type a reason for new photos forgets an invite
draft; asking for a UBRN keeps it, and the answer says so (`_draft_kept`)."""

Step = Callable[[Update, Context, int, Decide, Case], Awaitable[None]]
"""One decision step: (update, context, chat id, the tapped payload, the case)."""


def _query(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query and query.from_user
    return query


def _tapped_id(update: Update) -> int | None:
    message = _query(update).message
    return message.message_id if message else None


async def _edit_rows(context: Context, chat_id: int, message_id: int | None,
                     rows: Rows) -> None:
    """Replace the buttons of a message (none: remove them); a gone message is ignored."""
    if not message_id:
        return
    with contextlib.suppress(BadRequest):
        await context.bot.edit_message_reply_markup(
            chat_id, message_id, reply_markup=markup(context.services.signer, chat_id, rows))


async def _send(context: Context, chat_id: int, words: str, rows: Rows = ()) -> int:
    sent = await context.bot.send_message(
        chat_id, plain(words), reply_markup=markup(context.services.signer, chat_id, rows))
    return sent.message_id


async def _finish(update: Update, context: Context, chat_id: int, done: bool, words: str,
                  summary_id: int | None, follow: Rows = ()) -> int:
    """Answer the tap, take the buttons off the message tapped (and the case's summary), and
    say what happened; the id of the message that says it."""
    await _query(update).answer()
    await _edit_rows(context, chat_id, _tapped_id(update), ())
    if done:
        await _edit_rows(context, chat_id, summary_id, ())
    return await _send(context, chat_id, words, follow)


async def _close_under_way(context: Context, chat_id: int, tap: Decide) -> bool:
    """Before a decision starts from the summary: the decision already under way on the case
    that the summary names (`Decide.under_way`: the question of which photos to take again,
    its reasons, a confirmation) loses its buttons, and a reason the GP was asked to type
    for it is no longer awaited. The summary's buttons carry it, so this holds after a
    restart. True if it still had buttons ("message is not modified" once answered or
    closed already, or gone: False)."""
    if not tap.under_way:
        return False
    waiting = (context.user_data or {}).get(AWAITING)
    if isinstance(waiting, dict) and waiting.get("prompt") == tap.under_way:
        (context.user_data or {}).pop(AWAITING, None)
    try:
        await context.bot.edit_message_reply_markup(chat_id, tap.under_way, reply_markup=None)
    except BadRequest:
        return False
    return True


async def _answer_closing(update: Update, context: Context, chat_id: int, tap: Decide) -> None:
    """Answer a tap on the summary's choices, closing the decision under way first (and
    saying so on the button: `inbox.gp.under_way_closed`)."""
    closed = await _close_under_way(context, chat_id, tap)
    await _query(update).answer(text("inbox.gp.under_way_closed") if closed else None)


async def _stale(context: Context, case: Case, action: str) -> None:
    await context.services.store.audit.record("access.stale_button", actor="gp",
                                               case_id=case.id, detail={"action": action})


def _shots(mask: int) -> list[ShotSlot]:
    return [slot for bit, slot in enumerate(SHOT_SLOTS) if mask & (1 << bit)]


async def back(update: Update, context: Context, chat_id: int, tap: Decide,
               case: Case) -> None:
    """Back to the three choices: on the summary tapped, or, from the question of which
    photos to take again (`tap.summary_id`), that question goes and the summary's "Ask for
    new photos" keeps the photos ticked (`tap.mask`), to show them ticked again."""
    await _query(update).answer()
    if tap.summary_id:
        await _edit_rows(context, chat_id, tap.summary_id,
                         decision_rows(case.id, case.submissions, tap.mask))
        with contextlib.suppress(TelegramError):
            await context.bot.delete_message(chat_id, _tapped_id(update) or 0)
        return
    await _edit_rows(context, chat_id, _tapped_id(update),
                     decision_rows(case.id, case.submissions, tap.mask))


async def photos(update: Update, context: Context, chat_id: int, tap: Decide,
                 case: Case) -> None:
    """Ask for new photos: tick which, under the question (`inbox.gp.which_photos`). Tapped
    on the summary, the question comes in its own message, its tick boxes naming the summary
    and ticked as they were left (the summary's button carries them); a tick there shows the
    choice so far. Back under the reasons (`why`) brings the question again, ticked as it was.
    (A tick box made before the question had its own message, on the summary itself, still
    ticks there.) The ticks live in the buttons' data only, so a restart keeps them.

    While the question (or its reasons) is open, the summary's choices name it
    (`Decide.under_way`): Refer, Not suitable or "Ask for new photos" tapped there takes its
    buttons off first, so there are never two decisions under way on one case."""
    tapped = _tapped_id(update) or 0
    if not tap.summary_id and _on_summary(update):
        await _answer_closing(update, context, chat_id, tap)
        asked = await _send(context, chat_id, text("inbox.gp.which_photos"),
                            shot_rows(case, tap.mask, tapped))
        await _edit_rows(context, chat_id, tapped,
                         decision_rows(case.id, case.submissions, tap.mask, under_way=asked))
        return
    await _query(update).answer()
    if tap.summary_id and not _shows_ticks(update):  # Back under the reasons
        waiting = (context.user_data or {}).get(AWAITING)
        if isinstance(waiting, dict) and waiting.get("prompt") == tapped:
            (context.user_data or {}).pop(AWAITING, None)  # no reason is typed for it now
        with contextlib.suppress(TelegramError):
            await context.bot.delete_message(chat_id, tapped)
        asked = await _send(context, chat_id, text("inbox.gp.which_photos"),
                            shot_rows(case, tap.mask, tap.summary_id))
        await _edit_rows(context, chat_id, tap.summary_id,
                         decision_rows(case.id, case.submissions, tap.mask, under_way=asked))
        return
    await _edit_rows(context, chat_id, tapped, shot_rows(case, tap.mask, tap.summary_id))


def _labels(update: Update) -> list[str]:
    message = _query(update).message
    markup_now = getattr(message, "reply_markup", None) if message else None
    return [button.text for row in (markup_now.inline_keyboard if markup_now else ())
            for button in row]


def _on_summary(update: Update) -> bool:
    """Whether the tapped message still shows the three choices ("Ask for new photos" among
    them): the tap came from the summary, not from an older message's tick boxes."""
    return text("inbox.gp.ask_photos") in _labels(update)


def _shows_ticks(update: Update) -> bool:
    """Whether the tapped message shows the tick boxes of the photos (`shot_rows`), rather
    than the reasons under which Back brings them again."""
    return any(label.startswith(("☐ ", "☑ ")) for label in _labels(update))


async def why(update: Update, context: Context, chat_id: int, tap: Decide,
              case: Case) -> None:
    """After choosing the photos: a message with the reasons, room for the GP's own, and
    Back to the ticks; the summary's "Ask for new photos" keeps the photos ticked."""
    query = _query(update)
    if not tap.mask:
        await query.answer(text("inbox.gp.which_photos"), show_alert=True)
        return
    await query.answer()
    summary_id = tap.summary_id or _tapped_id(update) or 0
    if tap.summary_id:  # the question's tick boxes go; Back under the reasons brings them
        await _edit_rows(context, chat_id, _tapped_id(update), ())
    shots = ", ".join(text(f"inbox.gp.caption_{slot}") for slot in _shots(tap.mask))
    asked = await _send(context, chat_id, text("inbox.gp.why_photos", shots=shots),
                        reason_rows(case, tap.mask, PHOTO_REASONS, summary_id))
    await _edit_rows(context, chat_id, summary_id,
                     decision_rows(case.id, case.submissions, tap.mask, under_way=asked))
    if context.user_data is not None:
        context.user_data.pop(INVITE_DRAFT, None)
        context.user_data[AWAITING] = {"kind": "redo", "case": case.id, "mask": tap.mask,
                                       "summary": summary_id, "prompt": asked,
                                       "chat": chat_id, "submission": case.submissions}


async def redo(update: Update, context: Context, chat_id: int, tap: Decide,
               case: Case) -> None:
    """A reason button: ask the patient for the chosen photos again."""
    (context.user_data or {}).pop(AWAITING, None)
    outcome = await context.services.inbox.ask_new_photos(
        _query(update).from_user.id, case.id, _shots(tap.mask), tap.reason)
    await _finish(update, context, chat_id, outcome.done, outcome.text, tap.summary_id or None)


async def appointment(update: Update, context: Context, chat_id: int, tap: Decide,
                      case: Case) -> None:
    """Not suitable: show urgent and the appointment reasons (a decision under way on the
    case loses its buttons first)."""
    closed = await _close_under_way(context, chat_id, tap)
    await _query(update).answer(text("inbox.gp.under_way_closed" if closed
                                     else "inbox.gp.why_appointment"))
    await _edit_rows(context, chat_id, _tapped_id(update),
                     appointment_rows(case, APPOINTMENT_REASONS))


async def urgent(update: Update, context: Context, chat_id: int, tap: Decide,
                 case: Case) -> None:
    """Urgent (two-week wait) is confirmed first, as Refer and Not suitable are, in a message
    that says what happens (staff phone the patient today; the GP makes the two-week-wait
    referral); the summary gets its three choices back meanwhile."""
    await _query(update).answer()
    summary_id = _tapped_id(update) or 0
    confirm = await _send(context, chat_id,
                          worded("inbox.gp.urgent_confirm", parent=case.consent_by == "parent",
                                 reference=case.reference),
                          urgent_confirm_rows(case, summary_id))
    await _edit_rows(context, chat_id, summary_id,
                     decision_rows(case.id, case.submissions, under_way=confirm))


async def urgent_go(update: Update, context: Context, chat_id: int, tap: Decide,
                    case: Case) -> None:
    """Urgent, confirmed: a task for staff to phone the patient."""
    outcome = await context.services.inbox.urgent(_query(update).from_user.id, case.id)
    await _finish(update, context, chat_id, outcome.done, outcome.text, tap.summary_id or None)


async def urgent_no(update: Update, context: Context, chat_id: int, tap: Decide,
                    case: Case) -> None:
    """Not now: the confirmation says so; the case waits, with its summary's choices."""
    await _not_now(update, "inbox.gp.urgent_cancelled", case)


async def book(update: Update, context: Context, chat_id: int, tap: Decide,
               case: Case) -> None:
    """Not suitable for the reason tapped is confirmed first, as Refer is, in a message that
    says what the patient will be told; the summary gets its three choices back meanwhile.
    An "urgent" reason (a two-week-wait button from before urgent had its own) is the urgent
    outcome at once, as before: never a routine confirmation, never a tap more."""
    if tap.reason == URGENT:
        await urgent_go(update, context, chat_id, tap, case)
        return
    await _query(update).answer()
    summary_id = _tapped_id(update) or 0
    reason = text(f"inbox.gp.reason_{tap.reason}") if tap.reason in (
        *APPOINTMENT_REASONS, URGENT) else tap.reason
    confirm = await _send(
        context, chat_id,
        text("inbox.gp.appointment_confirm", reference=case.reference, reason=reason),
        appointment_confirm_rows(case, tap.reason, summary_id))
    await _edit_rows(context, chat_id, summary_id,
                     decision_rows(case.id, case.submissions, under_way=confirm))


async def _not_now(update: Update, key: str, case: Case, more: str = "") -> None:
    """A confirmation answered "No": it says so in its own message (then `more`); the case
    waits."""
    query = _query(update)
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(plain(text(key, reference=case.reference) + more))


async def book_no(update: Update, context: Context, chat_id: int, tap: Decide,
                  case: Case) -> None:
    """Not now: the confirmation says so; the case waits, with its summary's choices."""
    await _not_now(update, "inbox.gp.appointment_cancelled", case)


async def book_go(update: Update, context: Context, chat_id: int, tap: Decide,
                  case: Case) -> None:
    """Not suitable, confirmed: the patient is asked to book an appointment."""
    outcome = await context.services.inbox.book_appointment(_query(update).from_user.id,
                                                             case.id, tap.reason)
    await _finish(update, context, chat_id, outcome.done, outcome.text, tap.summary_id or None)


async def refer(update: Update, context: Context, chat_id: int, tap: Decide,
                case: Case) -> None:
    """Refer is confirmed first, in a message that says what happens next (and, where
    practice staff will get the task to make it too, that they will); a decision under
    way on the case (new photos being chosen, another confirmation) loses its buttons first,
    and the summary's choices name this confirmation (`Decide.under_way`)."""
    await _answer_closing(update, context, chat_id, tap)
    summary_id = _tapped_id(update) or 0
    staff = await task_chats(context.services.store, case, _query(update).from_user.id)
    confirm = await _send(context, chat_id,
                          text("inbox.gp.refer_confirm", reference=case.reference,
                               days=context.services.settings.referral_send_days)
                          + (text("inbox.gp.refer_confirm_staff") if staff else ""),
                          refer_confirm_rows(case, summary_id))
    await _edit_rows(context, chat_id, summary_id,
                     decision_rows(case.id, case.submissions, under_way=confirm))


async def refer_no(update: Update, context: Context, chat_id: int, tap: Decide,
                   case: Case) -> None:
    """Not now: the confirmation says so."""
    await _not_now(update, "inbox.gp.refer_cancelled", case)


async def refer_go(update: Update, context: Context, chat_id: int, tap: Decide,
                   case: Case) -> None:
    """Refer, confirmed: then offer "Referral sent on e-RS", noted so that its button says
    who marked it sent if a member of staff does first (`bot.inbox.referral_task`)."""
    outcome = await context.services.inbox.refer(_query(update).from_user.id, case.id)
    said = await _finish(update, context, chat_id, outcome.done, outcome.text,
                         tap.summary_id or None, sent_rows(case) if outcome.done else ())
    if outcome.done:
        await context.services.store.outbox.note_referral_button(case.id, chat_id, said)


async def sent(update: Update, context: Context, chat_id: int, tap: Decide,
               case: Case) -> None:
    """"Referral sent on e-RS": ask for the UBRN (which may be skipped); on a case that can
    no longer take it (the patient deleted it first, say) the truth instead, and the button
    goes (`Inbox.referral_closed`)."""
    closed = await context.services.inbox.referral_closed(_query(update).from_user.id, case.id)
    if closed is not None:
        (context.user_data or {}).pop(AWAITING, None)
        await _finish(update, context, chat_id, False, closed.text, None)
        return
    await _query(update).answer()
    asked = await _send(context, chat_id, text("inbox.gp.ubrn_ask", reference=case.reference),
                        ubrn_skip_rows(case))
    if context.user_data is not None:
        context.user_data[AWAITING] = {
            "kind": "ubrn", "case": case.id, "prompt": asked, "chat": chat_id,
            "origin": _tapped_id(update), "submission": case.submissions}


async def sent_go(update: Update, context: Context, chat_id: int, tap: Decide,
                  case: Case) -> None:
    """The UBRN skipped: the referral is recorded as sent."""
    waiting: Any = (context.user_data or {}).pop(AWAITING, None)
    outcome = await context.services.inbox.mark_referral_sent(_query(update).from_user.id,
                                                               case.id, None)
    origin = waiting.get("origin") if isinstance(waiting, dict) else None
    await _finish(update, context, chat_id, outcome.done, _draft_kept(context, outcome.text),
                  await _unnoted(context, case.id, chat_id, origin))


async def sent_no(update: Update, context: Context, chat_id: int, tap: Decide,
                  case: Case) -> None:
    """"Not sent yet, go back" under the UBRN question: nothing is recorded, the question
    says so in its place (`inbox.gp.ubrn_cancelled`) and a UBRN typed after it is not taken;
    the "Referral sent on e-RS" button it came from stays, to tap once it is made."""
    _forget_prompt(context, _tapped_id(update))
    await _not_now(update, "inbox.gp.ubrn_cancelled", case, _draft_kept(context, ""))


def _draft_kept(context: Context, words: str) -> str:
    """`words`, then, for someone with an /invite half made, that it is still open
    (`inbox.staff.invite_draft_kept`): answering a UBRN question in between keeps it."""
    return words + (text("inbox.staff.invite_draft_kept") if draft_open(context) else "")


def _forget_prompt(context: Context, prompt: int | None) -> None:
    """Stop waiting for typed words if they were asked for by this message."""
    waiting = (context.user_data or {}).get(AWAITING)
    if isinstance(waiting, dict) and waiting.get("prompt") == prompt:
        (context.user_data or {}).pop(AWAITING, None)


async def _unnoted(context: Context, case_id: int, chat_id: int,
                   origin: int | None) -> int | None:
    """The message "Referral sent on e-RS" was tapped on, to take its button off once it is
    recorded; None if its button is noted to say who marked it instead (through the outbox,
    `bot.inbox.referral_task.marked_edits`), as every one sent since staff got the task is."""
    noted = await context.services.store.outbox.referral_buttons(case_id)
    return None if origin is None or (chat_id, origin) in noted else origin


STEPS: dict[CaseAction, Step] = {
    "back": back, "photos": photos, "why": why, "redo": redo, "appt": appointment,
    "urgent": urgent, "urgent_go": urgent_go, "urgent_no": urgent_no,
    "appt_go": book, "appt_yes": book_go, "appt_no": book_no,
    "refer": refer, "refer_no": refer_no,
    "refer_go": refer_go, "sent": sent, "sent_go": sent_go, "sent_no": sent_no}
"""The handler of each decision step."""


async def tap(update: Update, context: Context, chat_id: int, tapped: Decide,
              case: Case) -> None:
    """A GP's decision button on a case the GP may see in this chat (checked by the caller);
    refused if it was made for an earlier submission of the case."""
    if tapped.submission != case.submissions:
        await _stale(context, case, tapped.action)
        await _query(update).answer(text("inbox.gp.stale_submission"), show_alert=True)
        return
    await STEPS[tapped.action](update, context, chat_id, tapped, case)


async def typed(update: Update, context: Context) -> bool:
    """Text from a GP who was asked for a reason or a UBRN (or from a member of staff asked
    whether they made the referral: its UBRN), in the chat where they were asked:
    any text in their own chat; in a practice inbox group, only a reply to the message that
    asked (anything else there is conversation, never words the patient reads). In their own
    chat, a reply to any other message is not used either, and they are told so
    (`inbox.gp.reply_not_waiting`): it may answer an older question about another case, whose
    UBRN or reason must never be recorded against this one (hazard log H70). With no question
    waiting, a UBRN typed by a member of a practice is not used and they are told so
    (`_ubrn_not_waiting`, H71). False if it is not the answer."""
    waiting: Any = (context.existing_user_data or {}).get(AWAITING)
    message = update.effective_message
    if message is None or message.text is None:
        return False
    if not isinstance(waiting, dict):
        return await _ubrn_not_waiting(update, context)
    assert update.effective_user and update.effective_chat
    user_id, chat_id = update.effective_user.id, update.effective_chat.id
    if waiting.get("chat") != chat_id:
        return False
    answered = message.reply_to_message
    if chat_id != user_id and (answered is None or answered.message_id != waiting.get("prompt")):
        return False  # in a group, only a reply to the bot's question is the answer
    desk = context.services.inbox
    words = " ".join(message.text.split())
    assert context.user_data is not None
    case = await context.services.store.cases.get(int(waiting["case"]))
    if answered is not None and answered.message_id != waiting.get("prompt"):
        # in their own chat, a reply to another message (an older question, another case's
        # task) may be about another case: never recorded against this one (hazard log H70)
        log.info("typed answer in reply to another message not used",
                 extra={"case_id": int(waiting["case"]), "kind": waiting["kind"]})
        await message.reply_text(plain(text(
            "inbox.gp.reply_not_waiting", reference=case.reference if case else "")))
        return True
    if case is None or case.submissions != waiting.get("submission"):  # re-submitted since
        if case is not None:
            await _stale(context, case, f"typed_{waiting['kind']}")
        context.user_data.pop(AWAITING, None)
        await _edit_rows(context, chat_id, waiting.get("prompt"), ())
        await message.reply_text(plain(text("inbox.gp.stale_submission")))
        return True
    if waiting["kind"] == "ers":  # staff, asked whether they made it: its UBRN
        ubrn = read_ubrn(words)
        if ubrn is None:
            await message.reply_text(plain(text("inbox.staff.ubrn_bad")))
            return True
        outcome = await desk.mark_referral_sent(user_id, int(waiting["case"]), ubrn,
                                                roles=ANY_ROLE)
    elif waiting["kind"] == "ubrn":
        ubrn = read_ubrn(words)
        if ubrn is None:
            await message.reply_text(plain(text("inbox.gp.ubrn_bad")))
            return True
        outcome = await desk.mark_referral_sent(user_id, int(waiting["case"]), ubrn)
        if outcome.done:
            await _edit_rows(context, chat_id, await _unnoted(
                context, int(waiting["case"]), chat_id, waiting.get("origin")), ())
    else:
        if len(words) > REASON_LIMIT:
            await message.reply_text(plain(text("inbox.gp.reason_too_long",
                                                     limit=REASON_LIMIT)))
            return True
        outcome = await desk.ask_new_photos(user_id, int(waiting["case"]),
                                            _shots(int(waiting["mask"])), "typed", words)
        if outcome.done:
            await _edit_rows(context, chat_id, waiting.get("summary"), ())
    context.user_data.pop(AWAITING, None)
    await _edit_rows(context, chat_id, waiting.get("prompt"), ())
    said = outcome.text if waiting["kind"] == "redo" else _draft_kept(context, outcome.text)
    replied = await message.reply_text(plain(said))
    if outcome.done and waiting["kind"] != "redo":  # it shows the UBRN: gone with an erasure
        await context.services.store.outbox.note_referral_button(
            int(waiting["case"]), chat_id, replied.message_id)
    return True


async def _ubrn_not_waiting(update: Update, context: Context) -> bool:
    """A UBRN typed by a member of a practice (a GP, staff, a manager) when no question waits
    for one: the bot restarted after asking (the question lives in memory only), or it was
    closed. Nothing is recorded, and they are told to tap "Referral sent on e-RS" again
    (`inbox.gp.ubrn_not_waiting`, hazard log H71). Only in their own chat (where they have no
    request of their own in progress as a patient: its typed answers are the journey's), or
    in a group as a reply to the bot; True if so told."""
    message = update.effective_message
    user, chat = update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or read_ubrn(message.text or "") is None:
        return False
    store = context.services.store
    if chat.id == user.id:
        if await store.cases.open_for_patient(user.id):
            return False
    else:
        answered = message.reply_to_message
        if answered is None or answered.from_user is None or \
                answered.from_user.id != context.bot.id:
            return False
    if await member_of(store, user.id) is None:
        return False
    log.info("UBRN typed with no question waiting not used")
    await message.reply_text(plain(text("inbox.gp.ubrn_not_waiting")))
    return True


async def task_done(update: Update, context: Context, case_id: int) -> None:
    """Staff (or a GP) tapped "Done: patient phoned" on an urgent task."""
    query = _query(update)
    outcome = await context.services.inbox.task_done(query.from_user.id, case_id)
    await query.answer()
    if outcome.done and query.message:
        await _edit_rows(context, query.message.chat.id, query.message.message_id, ())
    if query.message:
        await _send(context, query.message.chat.id, outcome.text)


async def referral_sent(update: Update, context: Context, case_id: int) -> None:
    """"Referral sent on e-RS" on a member of staff's task (or on a button that already says
    who marked it): asked first, in its own message, whether the referral was made on e-RS
    (`inbox.staff.referral_confirm`, Yes / No, go back), as a GP's Refer is, so a mis-tap never
    tells the patient their photos were sent (hazard log H48). The answer may be the
    referral's UBRN, typed (12 digits, `typed`), as a GP's is: recorded with it, so the
    record shows it whoever marks it (H68). Already marked: nothing
    changes, and the alert says who and when; a case that can no longer take it (the patient
    deleted it first) says so."""
    query = _query(update)
    closed = await context.services.inbox.referral_closed(query.from_user.id, case_id,
                                                          roles=ANY_ROLE)
    if closed is not None and len(closed.text) <= ALERT_LIMIT:
        await query.answer(closed.text, show_alert=True)
        return
    await query.answer()
    if query.message is None:
        return
    if closed is not None:
        await _send(context, query.message.chat.id, closed.text)
        return
    case = await context.services.store.cases.get(case_id)
    assert case is not None
    chat_id = query.message.chat.id
    asked = await _send(context, chat_id,
                        text("inbox.staff.referral_confirm", reference=case.reference),
                        referral_confirm_rows(case_id))
    if context.user_data is not None:  # its UBRN may be typed as the answer, as a GP's is
        context.user_data[AWAITING] = {"kind": "ers", "case": case.id, "prompt": asked,
                                       "chat": chat_id, "submission": case.submissions}


async def referral_confirmed(update: Update, context: Context, case_id: int,
                             made: bool) -> None:
    """The answer to "Have you made the referral on e-RS?": "Yes" records it, by whoever
    taps first; every copy's button then says who and when (changed through the outbox), and
    the patient is told, and the question shows the answer tapped under it, with a tick
    (`inbox.staff.referral_confirm_chosen`). "No, go back" records nothing and says so in the
    question's place. Either way the question's buttons go."""
    query = _query(update)
    _forget_prompt(context, _tapped_id(update))
    if not made:
        case = await context.services.store.cases.get(case_id)
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(plain(_draft_kept(context, text(
                "inbox.staff.referral_confirm_cancelled",
                reference=case.reference if case is not None else ""))))
        return
    outcome = await context.services.inbox.mark_referral_sent(query.from_user.id, case_id, None,
                                                              roles=ANY_ROLE)
    chat_id = query.message.chat.id if query.message else None
    if chat_id is not None and not (outcome.done and await _show_chosen(
            update, text("inbox.staff.referral_confirm_chosen"))):
        await _edit_rows(context, chat_id, _tapped_id(update), ())
    if not outcome.done and len(outcome.text) <= ALERT_LIMIT:
        await query.answer(outcome.text, show_alert=True)
        return
    await query.answer()
    if chat_id is not None:  # recorded, or why it cannot be (the patient deleted the request)
        await _send(context, chat_id, _draft_kept(context, outcome.text))


async def _show_chosen(update: Update, mark: str) -> bool:
    """Take the buttons off the question tapped, adding the answer tapped under its words
    (`mark`, "✔ Yes, sent, no UBRN"), as a patient's questions show theirs; False if the
    question is not a text message, or cannot be changed (a gone message), so the caller
    takes its buttons off instead."""
    message = _query(update).message
    words = getattr(message, "text", None)
    if message is None or not words:
        return False
    try:
        await _query(update).edit_message_text(plain(f"{words}\n\n{mark}"), reply_markup=None)
    except BadRequest:
        return False
    return True


async def typed_handler(update: Update, context: Context) -> None:
    """Text from a GP asked to type a reason or a UBRN (in their chat or the practice inbox
    group): handled here and by nothing else; any other text goes on."""
    if await typed(update, context):
        raise ApplicationHandlerStop
