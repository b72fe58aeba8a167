"""A question shown again keeps its buttons on the newest copy only.

/help, /status, an edit, a resume after the GP asked for new photos: each may show the
question the patient is at again. Every message sent to a patient with buttons is noted in the
store with the question it asks (`question_messages`: ids only), and in the same transaction
each older copy of the same question of the same case in that chat is marked to lose its
buttons; they are taken off after the reply, and forgotten only once Telegram has done it (or
says there is nothing to take off: already edited, gone), so a crash in between leaves the
mark for the next start (`take_off_left`). A question answered by typing is marked and taken
off the same way (`OutboxRepository.take_questions`). A copy whose buttons are left anyway (Telegram
unreachable) still gets a kind answer if tapped (`Journey.tapped`: "from an earlier step",
"already done"), and loses them then (`bot.handlers.patient.tapped`).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot import testpoints
from bot.handlers.bot_api import TIDYING
from bot.handlers.render import send_replies
from bot.journey.replies import Reply, case_of, parse_button_data, question_key
from bot.store import Store

log = logging.getLogger("bot.handlers")


def question_of(reply: Reply) -> str | None:
    """The question a message about a case asks with its buttons: `Reply.typed_for`, else its
    first button's step and question ("screening|red_flags"). None for a message without
    buttons, or an offer that stands until the next photo (`bot/handlers/offers.py`)."""
    if not reply.buttons or reply.until_next_photo or reply.case_id is None:
        return None
    if reply.typed_for is not None:
        return reply.typed_for
    parsed = parse_button_data(case_of(reply.buttons[0][0].data)[1])
    return None if parsed is None else question_key(parsed[0], parsed[1])


async def send_noted(bot: ExtBot[Any], store: Store, chat_id: int, replies: list[Reply]
                     ) -> tuple[list[tuple[Reply, int]], list[int]]:
    """Send the replies to a patient (`send_replies`), note each question among them and
    mark its older copies in the chat (`OutboxRepository.note_questions`). Returns the
    messages sent with buttons, and the older copies whose buttons `take_off` is to take
    off (after the reply: the caller runs it as its own task)."""
    sent = await send_replies(bot, chat_id, replies, album_sent=store.outbox.remember_album,
                              answers_sent=store.outbox.remember_answers)
    shown = [(message_id, reply.case_id, question) for reply, message_id in sent
             if reply.case_id is not None and (question := question_of(reply)) is not None]
    older = await store.outbox.note_questions(chat_id, shown) if shown else []
    return sent, older


async def take_off(bot: ExtBot[Any], store: Store, chat_id: int,
                   message_ids: list[int]) -> None:
    """Take the buttons off these question messages, forgetting each once done. Never raises.

    Telegram's "message is not modified" (no buttons left), "message to edit not found" and
    any other refusal of the edit count as done: nothing more can be taken off. A network
    failure leaves the note, for the next start (`take_off_left`)."""
    await testpoints.reached("question.buttons_due")
    for message_id in message_ids:
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None,
                                                rate_limit_args=TIDYING)
        except (BadRequest, Forbidden) as error:
            log.debug("question buttons already off", extra={"reason": type(error).__name__})
        except TelegramError as error:
            log.warning("older question not tidied", extra={"reason": type(error).__name__})
            continue
        await store.outbox.forget_question(chat_id, message_id)


async def take_off_left(bot: ExtBot[Any], store: Store) -> None:
    """At start: take the buttons off every question message marked to lose them that a
    stopped process left (killed between the mark and the edit). Never raises."""
    try:
        due = await store.outbox.questions_due_off()
    except Exception:  # the bot starts anyway: a button left gets a kind answer if tapped
        log.exception("questions due off not read")
        return
    for chat_id, message_ids in due.items():
        await take_off(bot, store, chat_id, message_ids)
