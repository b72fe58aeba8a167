"""Turn the journey's replies into Telegram messages: text, buttons, pictures and albums."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.ext import ExtBot

from bot.handlers.bot_api import FOLLOW_ON
from bot.handlers.escaping import plain
from bot.journey.replies import Reply, merged

AlbumSent = Callable[[int, int, Sequence[int]], Awaitable[None]]
"""Told (case id, chat id, message ids) of each album of the patient's photos sent back to
them, so those messages are deleted with the patient's own photo messages (`chat_photos`).
Also told, the same way, of each message that shows the patient's answers back
(`Reply.shows_answers`: the review summary), to delete with the case (`chat_answers`)."""


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Return the reply's buttons as an inline keyboard, or None."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in reply.buttons]
    )


async def send_replies(bot: ExtBot[Any], chat_id: int, replies: list[Reply], *,
                       album_sent: AlbumSent | None = None,
                       answers_sent: AlbumSent | None = None) -> list[tuple[Reply, int]]:
    """Send the replies in order, in as few messages as fit on a phone (`merged`); return
    each message sent with buttons, as (the reply as sent, its Telegram message id).

    The journey's words are plain text, escaped here for the HTML parse mode. An album about
    a case (`Reply.case_id`, the review's photos) is passed to `album_sent` once Telegram has
    it, with its message ids; a message showing the patient's answers
    (`Reply.shows_answers`) to `answers_sent`, with its message id.

    The first message is a reply; the ones after it are marked `FOLLOW_ON`, so that with many
    patients at once each one's first answer goes before the rest of another's.
    """
    with_buttons: list[tuple[Reply, int]] = []
    for number, reply in enumerate(merged(replies)):
        rate = FOLLOW_ON if number else None
        if reply.album:
            if reply.text:
                await bot.send_message(chat_id, plain(reply.text), rate_limit_args=rate)
                rate = FOLLOW_ON
            media = [InputMediaPhoto(data, caption=plain(caption))
                     for data, caption in reply.album]
            sent = await bot.send_media_group(chat_id, media, rate_limit_args=rate)
            if album_sent is not None and reply.case_id is not None:
                await album_sent(reply.case_id, chat_id, [m.message_id for m in sent])
        elif reply.picture is not None:
            with reply.picture.open("rb") as picture:
                message = await bot.send_photo(chat_id, picture, caption=plain(reply.text),
                                               reply_markup=keyboard(reply),
                                               rate_limit_args=rate)
            if reply.buttons:
                with_buttons.append((reply, message.message_id))
        elif reply.text:
            message = await bot.send_message(chat_id, plain(reply.text),
                                             reply_markup=keyboard(reply), rate_limit_args=rate)
            if reply.buttons:
                with_buttons.append((reply, message.message_id))
            if answers_sent is not None and reply.shows_answers and reply.case_id is not None:
                await answers_sent(reply.case_id, chat_id, [message.message_id])
    return with_buttons
