"""A real polling Application against the emulator: handlers, faults and restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.emulator import Emulator
from bot.emulator.samples import jpeg

Ctx = ContextTypes.DEFAULT_TYPE


async def start(update: Update, context: Ctx) -> None:
    """Greets with the deep-link payload and offers a button."""
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("I agree", callback_data="agree")]])
    await update.effective_message.reply_text(f"payload={','.join(context.args or [])}",
                                              reply_markup=markup)


async def agreed(update: Update, context: Ctx) -> None:
    """Answers the callback and edits the message."""
    query = update.callback_query
    assert query is not None
    await query.answer("Thanks")
    await query.edit_message_text("Agreed")


async def photo(update: Update, context: Ctx) -> None:
    """Downloads the largest size and reports its size back."""
    message = update.effective_message
    assert message is not None and message.photo
    await message.reply_chat_action("upload_photo")
    file = await message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await message.reply_photo(bytes(data), caption=f"got {len(data)} bytes")


HANDLERS: list[Any] = [CommandHandler("start", start), CallbackQueryHandler(agreed),
                       MessageHandler(filters.PHOTO, photo)]


async def test_deep_link_button_and_photo_through_handlers(emu: Emulator, app_polling) -> None:
    ada = emu.user("Ada")
    async with app_polling(HANDLERS):
        await ada.send_command("/start", "INV-123")
        greeting = await ada.wait_for_text("payload=")
        assert greeting.text == "payload=INV-123"
        await ada.tap("I agree")
        edited = await ada.wait_until(lambda: ada.messages[-1].text == "Agreed")
        assert edited
        assert ada.callback_answers[-1]["text"] == "Thanks"
        assert ada.messages[-1].buttons == []  # editing without reply_markup drops the keyboard
        await ada.send_photo(jpeg(2000, 1500))
        reply = await ada.wait_for(lambda m: m.kind == "photo")
        assert reply.text and reply.text.startswith("got ")
        assert "upload_photo" in ada.chat_actions


async def test_updates_survive_a_restart(emu: Emulator, bot: Bot, app_polling) -> None:
    ada = emu.user("Ada")
    await ada.send_command("/start", "BEFORE")  # queued while no bot runs
    fetched = await bot.get_updates()  # a bot that fetched, then crashed before confirming
    assert len(fetched) == 1
    async with app_polling(HANDLERS):
        assert (await ada.wait_for_text("payload=")).text == "payload=BEFORE"
        assert await emu.wait_until_idle()
    await ada.send_command("/start", "WHILE-DOWN")
    async with app_polling(HANDLERS):
        assert (await ada.wait_for_text("payload=")).text == "payload=WHILE-DOWN"
    assert emu.pending_updates == []  # PTB confirms the offset when it shuts down
    assert [m.text for m in ada.messages] == ["payload=BEFORE", "payload=WHILE-DOWN"]


async def test_allowed_updates_and_drop_pending(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await bot.get_updates(timeout=0, allowed_updates=["message"])
    await ada.send_text("hi")
    await bot.send_message(ada.chat_id, "pick",
                           reply_markup=InlineKeyboardMarkup(
                               [[InlineKeyboardButton("A", callback_data="a")]]))
    await ada.tap("A")  # not created: the bot only wants messages
    assert [list(u)[1] for u in emu.pending_updates] == ["message"]
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()


async def test_long_poll_waits_then_returns_early(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await bot.get_updates(timeout=0.3) == ()
    assert loop.time() - began >= 0.25
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await ada.send_text("wake up")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message and updates[0].message.text == "wake up"


async def test_faults_on_demand(emu: Emulator, bot: Bot, monkeypatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # else PTB 22 warns when building RetryAfter
    ada = emu.user("Ada")
    await ada.send_text("hi")
    emu.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(ada.chat_id, "one")
    assert flood.value.retry_after == dt.timedelta(seconds=3)
    emu.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(ada.chat_id, "two")
    assert ada.messages == []
    await bot.send_message(ada.chat_id, "three")
    assert [m.text for m in ada.messages] == ["three"]
    emu.delay_next("sendMessage", seconds=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(ada.chat_id, "slow", read_timeout=0.1)
    await ada.wait_until(lambda: len(ada.messages) == 2)  # the slow call still went through
    assert [name for name, _ in emu.calls].count("sendMessage") == 5
    assert emu.calls_of("sendMessage")[-1]["text"] == "slow"


async def test_overlapping_long_polls_conflict(emu: Emulator) -> None:
    request = HTTPXRequest(read_timeout=5)
    async with Bot("123456:TEST-token_abc", base_url=emu.api_url,
                   get_updates_request=request) as first:
        poll = asyncio.create_task(first.get_updates(timeout=3))
        await asyncio.sleep(0.1)
        await first.get_updates(timeout=0)
        with pytest.raises(Conflict, match=r"(?i)terminated by other getupdates"):
            await poll
