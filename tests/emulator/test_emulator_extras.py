"""Groups, HEIC photos, formatting entities, reply keyboards and old buttons."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image
from telegram import (
    Bot,
    ChatMember,
    ChatMemberRestricted,
    ChatPermissions,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.emulator import Emulator
from bot.emulator.formatting import render

pillow_heif.register_heif_opener()


def heic(width: int = 1500, height: int = 1000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 60)).save(buffer, "HEIF")
    return buffer.getvalue()


async def test_heic_as_photo_becomes_jpeg_but_as_file_stays_heic(emu: Emulator) -> None:
    ada = emu.user("Ada")
    original = heic()
    as_photo = await ada.send_photo(original)
    largest = emu.world.files.by_id[as_photo["photo"][-1]["file_id"]]
    assert Image.open(io.BytesIO(largest.data)).format == "JPEG"
    assert (largest.width, largest.height) == (1280, 853)
    as_file = await ada.send_document(original, filename="IMG_1234.HEIC")
    assert as_file["document"]["mime_type"] == "image/heic"
    assert emu.world.files.by_id[as_file["document"]["file_id"]].data == original


async def test_group_messages(emu: Emulator, bot: Bot) -> None:
    inbox = emu.group("Practice inbox")
    gp = emu.user("Dr Grey")
    await inbox.member(gp).send_text("/status")
    update = (await bot.get_updates())[-1]
    assert update.message and update.message.chat.type == "supergroup"
    assert update.message.from_user and update.message.from_user.id == gp.id
    await bot.send_message(inbox.chat_id, "New case", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Open", callback_data="case:1")]]))
    assert (await inbox.next_message()).text == "New case"
    query = await inbox.member(gp).tap("Open")
    assert query["from"]["id"] == gp.id and query["message"]["chat"]["id"] == inbox.chat_id


async def test_a_bot_restricted_in_a_group_is_told_and_refused_as_on_telegram(
    emu: Emulator, bot: Bot
) -> None:
    """getChatMember shows the bot's ChatMemberRestricted; a text it may not send is a 400,
    a photo it may still send goes; lifting the restriction makes it a member again."""
    inbox, admin = emu.group("Practice inbox"), emu.user("Admin")
    assert (await bot.get_chat_member(inbox.chat_id, bot.id)).status == ChatMember.MEMBER
    inbox.restrict_bot(admin, can_send_photos=True)
    update = (await bot.get_updates())[-1].my_chat_member
    assert update is not None and isinstance(update.new_chat_member, ChatMemberRestricted)
    assert not update.new_chat_member.can_send_messages
    member = await bot.get_chat_member(inbox.chat_id, bot.id)
    assert isinstance(member, ChatMemberRestricted) and member.is_member
    assert not member.can_send_messages and member.can_send_photos
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send text messages"):
        await bot.send_message(inbox.chat_id, "New case")
    await bot.send_photo(inbox.chat_id, heic())
    assert (await inbox.next_message()).kind == "photo"
    inbox.unrestrict_bot(admin)
    assert (await bot.get_chat_member(inbox.chat_id, bot.id)).status == ChatMember.MEMBER
    await bot.send_message(inbox.chat_id, "New case")
    assert (await inbox.next_message()).text == "New case"
    inbox.restrict_bot(admin, is_member=False)
    with pytest.raises(Forbidden, match=r"(?i)not a member of the supergroup"):
        await bot.send_message(inbox.chat_id, "New case")
    assert (await bot.get_chat_member(inbox.chat_id, admin.id)).status == ChatMember.LEFT


async def test_a_group_whose_members_may_not_send_files_refuses_a_member_bot_not_an_admin(
    emu: Emulator, bot: Bot
) -> None:
    """getChat shows the group's default permissions; with files and photos taken away from
    every member, a plain member bot may send text but not a document or a photo (400), and
    hears nothing of the change; made an admin, it may, and it may then change the
    permissions itself (setChatPermissions), which a member bot may not."""
    inbox, admin = emu.group("Practice inbox"), emu.user("Admin")
    permissions = (await bot.get_chat(inbox.chat_id)).permissions
    assert permissions is not None and permissions.can_send_documents
    before = len(await bot.get_updates())
    inbox.set_permissions(admin, can_send_messages=True)
    assert len(await bot.get_updates()) == before, "Telegram tells the bot nothing"
    permissions = (await bot.get_chat(inbox.chat_id)).permissions
    assert permissions is not None and permissions.can_send_messages
    assert not permissions.can_send_documents and not permissions.can_send_photos
    await bot.send_message(inbox.chat_id, "New case")
    assert (await inbox.next_message()).text == "New case"
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send documents"):
        await bot.send_document(inbox.chat_id, b"%PDF-1.4", filename="pack.pdf")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send photos"):
        await bot.send_photo(inbox.chat_id, heic())
    everything = ChatPermissions(can_send_other_messages=True)  # implies the rest
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.set_chat_permissions(inbox.chat_id, everything)

    inbox.promote_bot(admin, can_restrict_members=True)
    assert (await bot.get_chat_member(inbox.chat_id, bot.id)).status == ChatMember.ADMINISTRATOR
    await bot.send_document(inbox.chat_id, b"%PDF-1.4", filename="pack.pdf")
    assert (await inbox.next_message()).filename == "pack.pdf"
    assert await bot.set_chat_permissions(inbox.chat_id, everything)
    permissions = (await bot.get_chat(inbox.chat_id)).permissions
    assert permissions is not None and permissions.can_send_documents
    inbox.set_permissions(admin, can_send_messages=True)
    inbox.demote_bot(admin)
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send documents"):
        await bot.send_document(inbox.chat_id, b"%PDF-1.4", filename="pack.pdf")


def test_entities_use_utf16_offsets() -> None:
    text, entities = render("👋 <b>Hi</b> <a href=\"https://nhs.uk\">NHS</a>", "HTML")
    assert text == "👋 Hi NHS"
    assert entities == [{"type": "bold", "offset": 3, "length": 2},
                        {"type": "text_link", "offset": 6, "length": 3,
                         "url": "https://nhs.uk"}]
    text, entities = render(r"*bold* _it_ `x\`y` [l](https://a.b/c\)d)", "MarkdownV2")
    assert text == "bold it x`y l"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    assert entities[-1]["url"] == "https://a.b/c)d"


async def test_reply_keyboard_press_and_old_buttons(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    await bot.send_message(ada.chat_id, "Where?", reply_markup=ReplyKeyboardMarkup([["Arm"]]))
    await ada.press("Arm")
    with pytest.raises(LookupError):
        await ada.press("Leg")
    old = await bot.send_message(ada.chat_id, "Old", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Go", callback_data="old")]]))
    await bot.send_message(ada.chat_id, "New")
    await ada.tap_callback(old.message_id, "forged")
    updates = await bot.get_updates()
    assert updates[-1].callback_query and updates[-1].callback_query.data == "forged"
    assert updates[-2].message and updates[-2].message.text == "Arm"


async def test_edit_and_reply_errors(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    hello = await ada.send_text("hi")
    photo = await bot.send_photo(ada.chat_id, _small_jpeg(), caption="pic")
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await bot.edit_message_text("x", ada.chat_id, photo.message_id)
    edited = await bot.edit_message_caption(ada.chat_id, photo.message_id, caption="<i>new</i>",
                                            parse_mode=ParseMode.HTML)
    assert isinstance(edited, object) and ada.messages[-1].text == "new"
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", ada.chat_id, hello["message_id"])
    reply = await bot.send_message(ada.chat_id, "re", reply_to_message_id=hello["message_id"])
    assert reply.reply_to_message and reply.reply_to_message.text == "hi"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(ada.chat_id, "re", reply_to_message_id=999)


def _small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, "JPEG")
    return buffer.getvalue()


async def test_links_mentions_and_commands_become_entities_and_links_get_previews(
    emu: Emulator, bot: Bot
) -> None:
    from telegram import LinkPreviewOptions

    from bot.inbox.defuse import defuse

    ada = emu.user("Ada")
    await ada.send_command("/start")
    typed = "see https://evil.example/x, www.bad.example, @mallory_bot /delete #tag a@b.example"
    await bot.send_message(ada.chat_id, typed)
    found = await ada.next_message()
    assert found.entities_of("url") == ["https://evil.example/x", "www.bad.example"]
    assert found.entities_of("mention", "bot_command", "hashtag", "email") == [
        "@mallory_bot", "/delete", "#tag", "a@b.example"]
    assert found.link_preview, "Telegram shows a preview card for a link by default"
    await bot.send_message(ada.chat_id, typed,
                           link_preview_options=LinkPreviewOptions(is_disabled=True))
    assert not (await ada.next_message()).link_preview
    await bot.send_message(ada.chat_id, f"<code>{typed}</code>", ParseMode.HTML)
    assert (await ada.next_message()).entities_of("url", "mention", "bot_command") == []
    await bot.send_message(ada.chat_id, defuse(typed))
    inert = await ada.next_message()
    assert [e["type"] for e in inert.entities] == [] and not inert.link_preview
    assert defuse("left forearm, 2 weeks, E45 cream") == "left forearm, 2 weeks, E45 cream"
