"""Photos and image files from a patient: download, store, and say so."""

from __future__ import annotations

from typing import Literal

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.app import services
from bot.content import text
from bot.services.intake import shot_for_stage


async def photo_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a photo (or an image sent as a file) for the shot the patient's case is waiting for."""
    message = update.effective_message
    user = update.effective_user
    assert message and user
    svc = services(context)
    case = await svc.store.cases.latest_for_patient(user.id)
    shot = shot_for_stage(case) if case else None
    if case is None or shot is None:
        await message.reply_text(text("messages.photo.not_expected"))
        return
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    if message.document:
        telegram_file = await message.document.get_file()
    else:
        telegram_file = await message.photo[-1].get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    source: Literal["photo", "document"] = "document" if message.document else "photo"
    await svc.intake.receive(case, shot, data, source=source)
    await message.reply_text(text("messages.photo.saved"))
