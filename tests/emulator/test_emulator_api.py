"""The emulator answers a real python-telegram-bot Bot like the Bot API does."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken

from bot.emulator import Emulator, samples
from bot.emulator.world import CALLBACK_QUERY_TTL

USERNAME = "telederm_test_bot"
TOKEN = "123456:TEST-token_abc"


async def test_get_me_has_username(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == USERNAME
    assert me.is_bot
    assert bot.link.endswith(USERNAME)


async def test_wrong_token_is_unauthorized(emu: Emulator) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emu.api_url):
            pass
    async with aiohttp.ClientSession() as session, session.post(
            f"{emu.api_url}999:WRONG/getMe") as response:
        assert response.status == 401
        assert await response.json() == {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"}


async def test_send_message_with_keyboards_reads_back(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_command("/start")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="consent:yes"),
                                    InlineKeyboardButton("No", callback_data="consent:no")]])
    sent = await bot.send_message(ada.chat_id, "<b>Hello</b> &amp; welcome", ParseMode.HTML,
                                  reply_markup=markup)
    assert sent.text == "Hello & welcome"
    assert sent.entities[0].type == "bold"
    message = await ada.next_message()
    assert message.text == "Hello & welcome"
    assert message.raw_text == "<b>Hello</b> &amp; welcome"
    assert message.parse_mode == "HTML"
    assert message.buttons == [["Yes", "No"]]
    assert message.callback_data == {"Yes": "consent:yes", "No": "consent:no"}

    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Arm"), KeyboardButton("Leg")]])
    await bot.send_message(ada.chat_id, "Where?", reply_markup=keyboard)
    assert (await ada.next_message()).reply_keyboard == [["Arm", "Leg"]]
    assert ada.reply_keyboard == [["Arm", "Leg"]]
    await bot.send_message(ada.chat_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert (await ada.next_message()).removes_keyboard
    assert ada.reply_keyboard is None


async def test_edit_and_delete(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(ada.chat_id, "Step 1", reply_markup=markup)
    await bot.edit_message_text("Step 1 done", ada.chat_id, sent.message_id,
                                reply_markup=markup)
    assert ada.messages[-1].text == "Step 1 done"
    assert ada.messages[-1].edited
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Step 1 done", ada.chat_id, sent.message_id,
                                    reply_markup=markup)
    await bot.edit_message_reply_markup(ada.chat_id, sent.message_id, reply_markup=None)
    assert ada.messages[-1].buttons == []
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ada.chat_id, 9999)
    assert await bot.delete_message(ada.chat_id, sent.message_id)
    assert ada.messages == []
    assert ada.all_messages[-1].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ada.chat_id, sent.message_id)


async def test_a_bot_deletes_a_users_message_in_a_private_chat_within_48_hours_only(
        emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    photo = await ada.send_photo(samples.jpeg(320, 240))
    kept = await ada.send_text("hello")
    assert await bot.delete_message(ada.chat_id, photo["message_id"])
    assert [m["message_id"] for m in ada.shown_incoming] == [kept["message_id"]]
    assert [m["message_id"] for m in ada.deleted_incoming] == [photo["message_id"]]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ada.chat_id, photo["message_id"])
    emu.world.clock_ahead = 48 * 3600
    with pytest.raises(BadRequest, match="Message can't be deleted for everyone"):
        await bot.delete_message(ada.chat_id, kept["message_id"])
    assert [m["message_id"] for m in ada.shown_incoming] == [kept["message_id"]]


async def test_a_bot_deletes_its_own_message_within_48_hours_only(
        emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    fresh = await bot.send_message(ada.chat_id, "Your answers: left knee")
    old = await bot.send_message(ada.chat_id, "Your answers: right arm")
    assert await bot.delete_message(ada.chat_id, fresh.message_id)
    emu.world.clock_ahead = 48 * 3600
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(ada.chat_id, old.message_id)
    assert [m.message_id for m in ada.messages] == [old.message_id]


async def test_a_bot_that_is_not_admin_cannot_delete_a_members_message_in_a_group(
        emu: Emulator, bot: Bot) -> None:
    group = emu.group("Practice inbox")
    said = await group.member(emu.user("Dr Lee")).send_text("seen, thanks")
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(group.chat_id, said["message_id"])
    assert [m["message_id"] for m in group.shown_incoming] == [said["message_id"]]


@pytest.mark.parametrize("words", ["Smith & Jones <Partners>", "it itches <3", "a < b",
                                   "<b>bold, never closed", "closed </b> never opened"])
async def test_html_with_a_stray_tag_is_refused_and_nothing_arrives(
        emu: Emulator, bot: Bot, words: str) -> None:
    """As Telegram: under the HTML parse mode, a "<" that opens no supported tag, or a tag left
    open, is a 400 and the message is lost, a text or a caption alike."""
    ada = emu.user("Ada")
    await ada.send_text("hi")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ada.chat_id, words, ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_photo(ada.chat_id, samples.jpeg(), caption=words,
                             parse_mode=ParseMode.HTML)
    assert ada.messages == []
    sent = await bot.send_message(ada.chat_id, words)
    assert sent.text == words, "the same words go as plain text"


async def test_html_reads_each_escape_once_and_keeps_a_bare_ampersand(
        emu: Emulator, bot: Bot) -> None:
    """As Telegram (tdlib's HTML parser): "&amp;", "&lt;" and "&gt;" are read as one character
    each, so text escaped twice shows "&amp;"; an "&" that starts no escape is kept as it is."""
    ada = emu.user("Ada")
    await ada.send_text("hi")
    for raw, shown in (("Go to A&amp;E", "Go to A&E"), ("Go to A&amp;amp;E", "Go to A&amp;E"),
                       ("&lt;b&gt;typed", "<b>typed"), ("Go to A&E", "Go to A&E")):
        sent = await bot.send_message(ada.chat_id, raw, ParseMode.HTML)
        assert sent.text == shown and not sent.entities, raw
        assert (await ada.next_message()).text == shown


async def test_limits_raise_telegrams_errors(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ada.chat_id, "x" * 4097)
    await bot.send_message(ada.chat_id, "😀" * 2048)  # 4096 UTF-16 units: fits
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ada.chat_id, "😀" * 2049)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ada.chat_id, "<b></b>", ParseMode.HTML)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ada.chat_id, "pick", reply_markup=too_long)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "anyone?")
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(ada.chat_id, "I <3 skin", ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
        await bot.send_message(ada.chat_id, "Done.", ParseMode.MARKDOWN_V2)
    await bot.send_message(ada.chat_id, r"*Done*\.", ParseMode.MARKDOWN_V2)
    assert ada.messages[-1].text == "Done."


async def test_blocked_and_never_started_users_are_forbidden(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    with pytest.raises(Forbidden, match="bot can't initiate conversation"):
        await bot.send_message(ada.chat_id, "hello?")
    await ada.send_text("hi")
    ada.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ada.chat_id, "still there?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ada.chat_id, "typing")
    ada.unblock_bot()
    await bot.send_message(ada.chat_id, "welcome back")
    assert ada.messages[-1].text == "welcome back"


async def test_chat_actions_and_commands(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    await bot.send_chat_action(ada.chat_id, "upload_photo")
    assert ada.chat_actions == ["upload_photo"]
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(ada.chat_id, "dancing")
    await bot.set_my_commands([("start", "Begin"), ("cancel", "Stop")])
    commands = await bot.get_my_commands()
    assert [c.command for c in commands] == ["start", "cancel"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Start-Now", "bad")])


async def test_callback_query_answer_and_too_old(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    await bot.send_message(ada.chat_id, "Agree?", reply_markup=markup)
    query = await ada.tap("Yes")
    with pytest.raises(LookupError):
        await ada.tap("Maybe")
    updates = await bot.get_updates()
    callback = updates[-1].callback_query
    assert callback is not None and callback.data == "yes"
    assert callback.message is not None and callback.message.chat.id == ada.chat_id
    assert await callback.answer("Noted")
    assert ada.callback_answers[-1]["text"] == "Noted"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query["id"])


async def test_a_tap_answered_after_telegrams_time_limit_is_refused() -> None:
    async with Emulator(bot_token=TOKEN, bot_username=USERNAME,
                        callback_query_ttl=0.2) as strict:
        ada = strict.user("Ada")
        await ada.send_text("hi")
        async with Bot(TOKEN, base_url=strict.api_url, base_file_url=strict.file_url) as late:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
            await late.send_message(ada.chat_id, "Agree?", reply_markup=markup)
            query = await ada.tap("Yes")
            await asyncio.sleep(0.3)
            with pytest.raises(BadRequest, match="Query is too old"):
                await late.answer_callback_query(query["id"])
    assert ada.callback_answers == []
    assert Emulator().world.callback_query_ttl == CALLBACK_QUERY_TTL == 15.0


async def test_a_deep_link_payload_telegram_would_not_carry_is_refused(emu: Emulator) -> None:
    ada = emu.user("Ada")
    for payload in ("", "a" * 65, "with space", "dot.ted", "slash/ed", "ünï"):
        with pytest.raises(ValueError, match="start payload"):
            await ada.open_deep_link(payload)
    await ada.open_deep_link("A-z_09" + "x" * 58)  # 64 characters of the allowed kind
    assert emu.pending_updates[-1]["message"]["text"] == "/start A-z_09" + "x" * 58
