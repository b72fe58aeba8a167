"""Turn rows of typed button payloads into a signed Telegram inline keyboard, and back."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.inbox.gp_messages import Rows
from bot.inbox.payloads import Payload, parse, to_parts
from bot.services.buttons import ButtonSigner


def markup(signer: ButtonSigner, chat_id: int, rows: Rows) -> InlineKeyboardMarkup | None:
    """The rows as an inline keyboard whose payloads are signed for this chat; None if none."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=signer.sign(
        chat_id, *to_parts(payload))) for label, payload in row] for row in rows])


def payload_of(signer: ButtonSigner, chat_id: int, data: str) -> Payload | None:
    """The payload of a tapped button if it was signed for this chat and is a known shape."""
    parts = signer.verify(chat_id, data)
    return parse(parts) if parts is not None else None
