"""Patient handlers: each translates one kind of update into a call on the journey.

One person's updates reach these one at a time, in order (`bot.handlers.ordering`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.channels.off_telegram import left_in_chat
from bot.content import text
from bot.domain.questions import detail_questions, screening_questions
from bot.handlers import invites
from bot.handlers.albums import album_photo_arrived, album_photo_judged
from bot.handlers.bot_api import TIDYING
from bot.handlers.context import BotContext
from bot.handlers.escaping import plain
from bot.handlers.offers import live_offers
from bot.handlers.offers import take_off as offers_off
from bot.handlers.questions import send_noted, take_off
from bot.journey.photo_step import TooBigToFetch
from bot.journey.replies import Reply, case_of, parse_button_data, say
from bot.journey.service import PERSONAL_KINDS
from bot.store import Store

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
log = logging.getLogger("bot.handlers")


def _who(update: Update) -> tuple[int, int]:
    assert update.effective_user and update.effective_chat
    return update.effective_user.id, update.effective_chat.id


async def send_to_patient(context: BotContext, chat_id: int, replies: list[Reply]
                          ) -> list[tuple[Reply, int]]:
    """Send the replies (`send_replies`); each question among them is noted in the store
    (`bot.handlers.questions`), so a typed answer, even after a restart, takes its buttons
    off (`typed`), and a question shown again (after /help, /status, an edit) takes them off
    its older copies, after the replies. Returns the messages sent with buttons."""
    store = context.services.store
    sent, older = await send_noted(context.bot, store, chat_id, replies)
    if older:
        context.application.create_task(take_off(context.bot, store, chat_id, older),
                                        name="take off older question")
    return sent


async def _send_settling_offers(context: BotContext, chat_id: int, replies: list[Reply],
                                case_id: int | None) -> None:
    """Send the replies; the case's older "Use it anyway" offers lose their buttons
    (`bot/handlers/offers.py`), after the replies, and any new offer among them is noted."""
    offers = live_offers(context.bot_data)
    old = offers.take(chat_id, case_id) if case_id is not None else []
    offers.note(chat_id, await send_to_patient(context, chat_id, replies))
    if old:
        context.application.create_task(offers_off(context.bot, chat_id, old),
                                        name="take off old offers")


async def start(update: Update, context: BotContext) -> None:
    """Open an invite link (`/start TOKEN`), or resume with a bare /start."""
    user_id, chat_id = _who(update)
    token = context.args[0] if context.args else None
    replies = await context.services.journey.start(user_id, chat_id, token)
    await send_to_patient(context, chat_id, replies)


async def status(update: Update, context: BotContext) -> None:
    """Say where the patient is and what is next."""
    user_id, chat_id = _who(update)
    await send_to_patient(context, chat_id, await context.services.journey.status(user_id))


async def cancel(update: Update, context: BotContext) -> None:
    """Ask the patient to confirm cancelling."""
    user_id, chat_id = _who(update)
    await send_to_patient(context, chat_id, await context.services.journey.ask(user_id, "cancel"))


async def stop(update: Update, context: BotContext) -> None:
    """/stop: practice staff's /stop REF (`invites.stop`); from anyone else, a patient's word
    for stopping, answered as /cancel is (asked first), never the staff-only refusal."""
    user_id, _ = _who(update)
    if await context.services.staff.memberships(user_id):
        await invites.stop(update, context)
        return
    await cancel(update, context)


async def delete(update: Update, context: BotContext) -> None:
    """Ask the patient to confirm deleting their photos and answers."""
    user_id, chat_id = _who(update)
    await send_to_patient(context, chat_id, await context.services.journey.ask(user_id, "delete"))


def _deleter(context: BotContext, user_id: int, message: Message
             ) -> Callable[[], Awaitable[bool]]:
    """Delete the patient's own message when called (`_delete_from_chat`: True if Telegram
    did; on a refusal it is noted to be deleted with the case, and the journey carries on)."""

    async def take_off_chat() -> bool:
        return await _delete_from_chat(context, user_id, message.chat_id, message.message_id)

    return take_off_chat


async def typed(update: Update, context: BotContext) -> None:
    """Pass typed text to the journey (a date of birth, or a typed answer); the journey
    deletes the message if it holds personal details it does not want (a phone number).

    A typed answer the journey accepts takes the buttons off the question it answered
    ("Exactly where is the rash?" with Skip), as a tap does, after the reply: the message
    ids come from the store (`send_to_patient` noted them), so this holds after a restart too. A
    typed answer refused (too long, personal details) leaves the buttons.
    """
    user_id, chat_id = _who(update)
    message = update.effective_message
    assert message and message.text is not None
    answered: list[tuple[int, str]] = []
    replies = await context.services.journey.typed(
        user_id, message.text, _deleter(context, user_id, message),
        on_answered=lambda case_id, question: answered.append((case_id, question)))
    questions: list[int] = []
    for case_id, question in answered:  # before the replies, which may ask it again
        questions += await context.services.store.outbox.take_questions(case_id, chat_id,
                                                                        question)
    await send_to_patient(context, chat_id, replies)
    if questions:
        context.application.create_task(
            take_off(context.bot, context.services.store, chat_id, questions),
            name="take off typed-answered question")


async def tapped(update: Update, context: BotContext) -> None:
    """Pass a button tap to the journey; once a question is answered, replace its buttons with
    the answer chosen ("✔ Arm or hand"), so the patient can still see what they said.

    The reply goes first: tidying the answered question is an edit that the rate limiter
    serves after replies (`bot/handlers/bot_api.py`), so it runs as its own task rather than
    keep the patient waiting for the next question.
    """
    query = update.callback_query
    assert query and query.from_user
    chat = query.message.chat if query.message else None
    if chat is None or chat.type != ChatType.PRIVATE or chat.id != query.from_user.id:
        # a patient's button anywhere but their own chat with the bot (a message forwarded to
        # a group, an inline message): nothing acts on a request, and nothing about one is
        # posted there; only the one who tapped sees the pop-up (hazard log H61)
        log.info("patient button tapped outside the private chat",
                 extra={"chat_type": chat.type if chat else "inline"})
        await query.answer(text("messages.help.group_button"), show_alert=True)
        return
    answer = await context.services.journey.tapped(query.from_user.id, query.data or "")
    await query.answer(answer.note)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    case_id = case_of(query.data or "")[0] if answer.settles_offers else None
    await _send_settling_offers(context, chat_id, answer.replies, case_id)
    if not isinstance(query.message, Message):
        return
    store = context.services.store
    if answer.note is None:
        context.application.create_task(_show_answered(context.bot, store, query.message,
                                                       answer.chosen,
                                                       _answer_of_case(query.data or "")),
                                        name="show answered")
    elif answer.older and query.message.reply_markup is not None:
        # an older copy, its buttons left (Telegram was unreachable): off now; the copy the
        # patient is to answer (button data the bot never sent, say) keeps them (`Tapped.older`)
        context.application.create_task(take_off(context.bot, store, chat_id,
                                                 [query.message.message_id]),
                                        name="take off tapped older question")


ANSWER_QUESTIONS = frozenset(
    q.id for q in (*screening_questions(child=True), *detail_questions()))
"""The questions whose tapped answer, shown under them ("✔ Leg or foot"), is the patient's
answer about the rash (is it a rash, warning signs, where, how long...): such a message is
deleted from the chat with the case. Consent, photo tips and the "Is that right?" before a
stop (which may follow the urgent advice in one message) are not."""


def _answer_of_case(data: str) -> int | None:
    """The case whose answer a tapped button gives (`ANSWER_QUESTIONS`), else None."""
    case_id, choice = case_of(data)
    parsed = parse_button_data(choice)
    return case_id if parsed is not None and parsed[1] in ANSWER_QUESTIONS else None


async def _show_answered(bot: ExtBot[Any], store: Store, message: Message,
                         chosen: str | None, case_id: int | None = None) -> None:
    """Take the buttons off an answered message, adding the chosen answer under its words;
    then forget it as a question shown (`bot.handlers.questions`). A message of a case
    (`case_id`) that now shows the answer is noted to delete from the chat with the case
    (`OutboxRepository.remember_answers`), as the review summary is: `case_id` is given
    for an answer about the rash only (`_answer_of_case`).

    Never raises: the reply has gone already, and a question left with its buttons only gets
    "That button is from an earlier step" if tapped again.
    """
    mark = text("journey.input.chosen", choice=chosen) if chosen else None
    chat, at = message.chat_id, message.message_id
    shows = False
    try:
        if mark and message.text is not None:
            await bot.edit_message_text(plain(f"{message.text}\n\n{mark}"), chat, at,
                                        reply_markup=None, rate_limit_args=TIDYING)
            shows = True
        elif mark and message.caption is not None:
            await bot.edit_message_caption(chat, at, caption=plain(f"{message.caption}\n\n{mark}"),
                                           reply_markup=None, rate_limit_args=TIDYING)
            shows = True
        else:
            await bot.edit_message_reply_markup(chat, at, reply_markup=None,
                                                rate_limit_args=TIDYING)
    except BadRequest:  # already changed by an earlier tap
        pass
    except TelegramError as error:  # still noted: shown again, it loses its buttons then
        log.warning("answered question not tidied", extra={"reason": type(error).__name__})
        return
    if shows and case_id is not None:
        await store.outbox.remember_answers(case_id, chat, [at])
    await store.outbox.forget_question(chat, at)


KEPT_OFF_TELEGRAM = ("video", "voice", "document", "location", "contact")
"""Kinds of message the bot cannot use that may still show the body or say who the patient
is (a video of a rash, perhaps of a child's private parts; a clinic letter as a PDF; where they
are; a phone number): deleted from the chat at once, as an unused photo is, so they do not stay
on Telegram (`journey.input.removed`). Stickers and the like are left."""


async def _delete_from_chat(context: BotContext, user_id: int, chat_id: int,
                            message_id: int) -> bool:
    """Delete the patient's message from the chat (bots may, in a private chat, within 48
    hours); True if it went. On failure it is noted against the current case, to be deleted
    with it (`left_in_chat`)."""
    try:
        removed = bool(await context.bot.delete_message(chat_id, message_id))
    except TelegramError as error:  # too old, already gone, network: the journey goes on
        log.warning("patient message not deleted", extra={"reason": type(error).__name__})
        await left_in_chat(context.services.store, user_id, chat_id, message_id)
        return False
    if removed:  # a held photo was noted as left in the chat: it is not any more
        await context.services.store.outbox.forget_chat_photo(chat_id, message_id)
    return removed


async def _unusable(context: BotContext, user_id: int, chat_id: int, message: Message,
                    kind: str) -> None:
    """Answer a message the journey cannot use (`Journey.other`), and take it off the chat
    if it is of a kind that may show the body or identify the patient (`KEPT_OFF_TELEGRAM`)."""
    take_off_chat = _deleter(context, user_id, message)
    captioned = bool((message.caption or "").strip())  # a PDF's, a video's, a voice note's
    if kind in PERSONAL_KINDS:  # the journey deletes it and says so in its own words
        replies = await context.services.journey.other(user_id, kind, take_off_chat,
                                                       captioned=captioned)
    else:
        replies = await context.services.journey.other(user_id, kind, captioned=captioned)
        if kind in KEPT_OFF_TELEGRAM and await take_off_chat():
            # right after the refusal words (after "Please get help now" if that leads)
            refused = text(f"journey.input.{kind}")
            at = next((i for i, r in enumerate(replies) if r.text == refused), 0)
            replies = [*replies[:at + 1], say(text("journey.input.removed")),
                       *replies[at + 1:]]
    await send_to_patient(context, chat_id, replies)


GENERIC_TYPES = ("", "application/octet-stream", "binary/octet-stream", "application/unknown")
"""Types that say nothing about a file: such a file is judged by its content."""


class FileTooBig(TooBigToFetch):
    """Telegram would not give the bot the file: it is over the 20 MB download limit."""


def _may_be_image(message: Message) -> bool:
    """True unless the file says it is something else (a PDF, a video...).

    A photo sent as a file may come with no useful name or type (`document`,
    application/octet-stream): the quality engine then decides by what is in it.
    """
    document = message.document
    if document is None:
        return False
    mime = (document.mime_type or "").lower()
    name = (document.file_name or "").lower()
    return mime.startswith("image/") or name.endswith(IMAGE_SUFFIXES) or mime in GENERIC_TYPES


async def photo(update: Update, context: BotContext) -> None:
    """Check and keep a photo, or an image sent as a file."""
    user_id, chat_id = _who(update)
    message = update.effective_message
    assert message
    if message.document is not None and not _may_be_image(message):
        await _unusable(context, user_id, chat_id, message, "document")
        return
    if message.document is not None:
        file_id, size = message.document.file_id, message.document.file_size
    else:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size
    source: Literal["photo", "document"] = "document" if message.document else "photo"

    async def fetch() -> bytes:
        try:
            telegram_file = await context.bot.get_file(file_id)
        except BadRequest as error:  # the size is optional, so Telegram may be first to know
            if "too big" in error.message.lower():
                raise FileTooBig from error
            raise
        return bytes(await telegram_file.download_as_bytearray())

    async def checking() -> None:
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)

    tried_to_delete = False
    held = False

    def on_held() -> None:
        """The journey holds the photo until the patient says which request it is for: it
        stays in the chat until then (noted against each request waiting, `in_chat`)."""
        nonlocal held
        held = True

    async def take_off_chat() -> bool:
        """Delete the patient's photo message (bots may, in a private chat, within 48 hours)."""
        nonlocal tried_to_delete
        tried_to_delete = True
        return await _delete_from_chat(context, user_id, chat_id, message.message_id)

    album = message.media_group_id
    if album is not None:
        album_photo_arrived(context, user_id)
    try:
        replies = await context.services.journey.photo(
            user_id, fetch, source=source, size=size,
            forwarded=message.forward_origin is not None, on_checking=checking,
            album=message.media_group_id, take_off_chat=take_off_chat, on_held=on_held,
            in_chat=(chat_id, message.message_id),
            captioned=bool((message.caption or "").strip()),
        )
    except FileTooBig:
        await left_in_chat(context.services.store, user_id, chat_id, message.message_id)
        await context.bot.send_message(chat_id, plain(text("journey.photos.too_big")))
        if (message.caption or "").strip():  # the bot never had the file, nor read the words
            await send_to_patient(context, chat_id,
                        await context.services.journey.caption_not_passed_on(user_id))
        if album is not None:
            album_photo_judged(context, user_id, chat_id, album, send_to_patient)
        return
    if not tried_to_delete and not held and await take_off_chat():
        # Not used (not wanted now, after a stop, forwarded): nothing keeps it, so it goes
        # from the chat at once, as a used one does once kept; an intimate photo sent after
        # the intimate-area stop must not stay on Telegram. Said before a question with
        # buttons that ends the answer (the red-flag "Is that right?" again), which stays last.
        at = len(replies) - 1 if replies and replies[-1].buttons else len(replies)
        replies = [*replies[:at], say(text("journey.photos.removed")), *replies[at:]]
    await _send_settling_offers(context, chat_id, replies,
                                next((r.case_id for r in replies if r.case_id), None))
    if album is not None and not held:
        album_photo_judged(context, user_id, chat_id, album, send_to_patient)


def other_kind(message: Message) -> str:
    """Name the kind of a message the journey cannot use, for a fitting answer."""
    if message.sticker:
        return "sticker"
    if message.voice or message.audio:
        return "voice"
    if message.video or message.video_note or message.animation:
        return "video"
    if message.location or message.venue:
        return "location"
    if message.contact:
        return "contact"
    if message.document:
        return "document"
    return "unknown"


async def other(update: Update, context: BotContext) -> None:
    """Answer anything else (sticker, voice note, video, location...) kindly."""
    user_id, chat_id = _who(update)
    message = update.effective_message
    assert message
    await _unusable(context, user_id, chat_id, message, other_kind(message))


async def edited(update: Update, context: BotContext) -> None:
    """Explain that edits to earlier messages are not used; changed words during a request
    get the answer for words nobody reads (`Journey.edited`)."""
    user_id, chat_id = _who(update)
    message = update.edited_message
    if message is None or not (message.text or message.caption or "").strip():
        await context.bot.send_message(chat_id, plain(text("journey.input.edited")))
        return
    what = ("typed" if message.text is not None else
            "caption" if message.photo or _may_be_image(message) else "file_caption")
    await send_to_patient(context, chat_id,
                await context.services.journey.edited(user_id, message.message_id, what))
