"""Turn the journey's replies into Telegram messages: text, buttons, pictures and albums."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto

from bot.journey.replies import Reply, merged


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Return the reply's buttons as an inline keyboard, or None."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
         for row in reply.buttons]
    )


async def send_replies(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send the replies in order, in as few messages as fit on a phone (`merged`)."""
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
