"""Turn the journey's replies into Telegram messages: text, buttons, pictures and albums."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto

from bot.journey.replies import Reply


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Return the reply's buttons as an inline keyboard, or None."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in reply.buttons]
    )


MAX_TEXT = 4096
"""Telegram's limit for a message, in UTF-16 code units (these texts are sent as plain text)."""


def _utf16(words: str) -> int:
    return len(words.encode("utf-16-le")) // 2


def merged(replies: list[Reply]) -> list[Reply]:
    """The same words in fewer messages: a plain text reply (no buttons, picture or album) is
    joined, after a blank line, to the text reply that follows it, within Telegram's 4096
    characters. Every message counts against Telegram's 30 a second for the whole bot, so with
    many patients at once each saved message shortens everyone's wait."""
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        if (last is not None and last.text and not (last.buttons or last.picture or last.album)
                and reply.text and not (reply.picture or reply.album)
                and _utf16(last.text) + 2 + _utf16(reply.text) <= MAX_TEXT):
            out[-1] = Reply(text=f"{last.text}\n\n{reply.text}", buttons=reply.buttons)
            continue
        out.append(reply)
    return out


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send the replies in order, each plain text joined to the text after it (`merged`)."""
    for reply in merged(replies):
        if reply.album:
            if reply.text:
                await bot.send_message(chat_id, reply.text)
            media = [InputMediaPhoto(data, caption=caption) for data, caption in reply.album]
            await bot.send_media_group(chat_id, media)
        elif reply.picture is not None:
            with reply.picture.open("rb") as picture:
                await bot.send_photo(chat_id, picture, caption=reply.text,
                                     reply_markup=keyboard(reply))
        elif reply.text:
            await bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply))
