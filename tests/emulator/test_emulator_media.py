"""Photos, files and albums travel like on Telegram, in both directions."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from telegram import Bot, InputMediaDocument, InputMediaPhoto, Message
from telegram.error import BadRequest

from bot.emulator import Emulator
from bot.emulator.samples import jpeg


def gps_jpeg(width: int = 3000, height: int = 2000) -> bytes:
    """A camera-like JPEG with GPS EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 32.0, 7.0), 3: "W", 4: (0.0, 3.0, 1.0)})
    return jpeg(width, height, exif=exif.tobytes())


async def latest_message(bot: Bot) -> Message:
    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None
    await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return message


async def test_user_photo_arrives_recompressed_without_exif(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    await ada.send_photo(original, caption="my arm")
    message = await latest_message(bot)
    assert message.caption == "my arm"
    sides = [max(p.width, p.height) for p in message.photo]
    assert sides == [90, 320, 800, 1280]
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (1280, 853)
    data = bytes(await (await bot.get_file(largest)).download_as_bytearray())
    assert len(data) == largest.file_size
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (1280, 853)
    assert not image.getexif()
    small = await ada.send_photo(jpeg(200, 100))
    assert [(p["width"], p["height"]) for p in small["photo"]] == [(90, 45), (200, 100)]


async def test_user_document_round_trips_exactly(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    original = gps_jpeg(4032, 3024)
    await ada.send_document(original, filename="IMG_0001.JPG", caption="full size")
    message = await latest_message(bot)
    document = message.document
    assert document is not None
    assert (document.file_name, document.mime_type) == ("IMG_0001.JPG", "image/jpeg")
    assert document.file_size == len(original)
    assert document.thumbnail is not None
    data = bytes(await (await bot.get_file(document)).download_as_bytearray())
    assert hashlib.sha256(data).digest() == hashlib.sha256(original).digest()

    for payload, name, mime in ((b"%PDF-1.4 fake", "letter.pdf", "application/pdf"),
                                (b"\x00\x00\x00\x18ftypheic", "IMG_0002.HEIC", "image/heic")):
        await ada.send_document(payload, filename=name, mime_type=mime)
        doc = (await latest_message(bot)).document
        assert doc is not None and doc.mime_type == mime and doc.file_name == name
        file = await bot.get_file(doc)
        assert file.file_path is not None and file.file_path.endswith(name.rsplit(".")[1].lower())
        assert bytes(await file.download_as_bytearray()) == payload


async def test_getfile_refuses_files_over_20_mb(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_document(b"\0" * (20 * 1024 * 1024 + 1), filename="huge.pdf")
    document = (await latest_message(bot)).document
    assert document is not None and document.file_size == 20 * 1024 * 1024 + 1
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(document.file_id)


async def test_album_is_separate_messages_with_one_group(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_album([jpeg(), jpeg(color=(1, 2, 3)), jpeg(900, 900)], caption="three")
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert len(messages) == 3
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert [m.caption for m in messages] == ["three", None, None]
    assert all(m.photo for m in messages)
    await ada.send_album([b"a", b"b"], as_documents=True, filenames=["a.pdf", "b.pdf"])
    docs = [u.message for u in await bot.get_updates(offset=updates[-1].update_id + 1)]
    assert [m.document.file_name for m in docs if m and m.document] == ["a.pdf", "b.pdf"]


async def test_other_user_messages_parse(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    sent = await ada.send_text("hello")
    await ada.send_sticker()
    await ada.send_voice()
    await ada.send_video(caption="clip")
    await ada.send_location(51.5, -0.05)
    await ada.send_contact()
    await ada.forward_text("from my GP", origin_name="Dr Who")
    await ada.edit_text(sent["message_id"], "hello again")
    updates = await bot.get_updates()
    kinds = [u.effective_message for u in updates]
    assert all(kinds)
    assert updates[1].message and updates[1].message.sticker
    assert updates[2].message and updates[2].message.voice
    assert updates[3].message and updates[3].message.video
    assert updates[4].message and updates[4].message.location
    assert updates[4].message.location.longitude == -0.05
    assert updates[5].message and updates[5].message.contact
    assert updates[5].message.contact.user_id == ada.id
    assert updates[6].message and updates[6].message.forward_origin
    assert updates[7].edited_message and updates[7].edited_message.text == "hello again"


async def test_bot_photos_documents_and_albums_read_back(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    user_photo = await ada.send_photo(jpeg(2000, 1000))
    user_file_id = user_photo["photo"][-1]["file_id"]
    await bot.send_chat_action(ada.chat_id, "upload_photo")
    uploaded = jpeg(1500, 1500)
    sent = await bot.send_photo(ada.chat_id, uploaded, caption="Example")
    photo = await ada.next_message()
    assert photo.kind == "photo" and photo.text == "Example"
    assert photo.uploaded_bytes == uploaded
    assert photo.file_bytes and Image.open(io.BytesIO(photo.file_bytes)).size == (1280, 1280)
    assert sent.photo[-1].file_id == photo.file_id

    await bot.send_document(ada.chat_id, b"%PDF-1.4 pack", filename="pack.pdf")
    document = await ada.next_message()
    assert (document.kind, document.filename, document.file_bytes) == (
        "document", "pack.pdf", b"%PDF-1.4 pack")
    assert document.mime_type == "application/pdf"

    album = await bot.send_media_group(ada.chat_id, [
        InputMediaPhoto(user_file_id, caption="locator"), InputMediaPhoto(jpeg(640, 480))])
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    first, second = ada.messages[-2:]
    assert first.media_group_id == second.media_group_id == album[0].media_group_id
    assert first.file_bytes == emu.world.files.by_id[user_file_id].data
    assert first.text == "locator" and second.file_bytes
    assert ada.chat_actions == ["upload_photo"]

    again = await bot.send_document(ada.chat_id, document.file_id)
    assert again.document and again.document.file_name == "pack.pdf"
    assert ada.messages[-1].file_bytes == b"%PDF-1.4 pack"


async def test_media_limits(emu: Emulator, bot: Bot) -> None:
    ada = emu.user("Ada")
    await ada.send_text("hi")
    small = jpeg(64, 64)
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(ada.chat_id, [InputMediaPhoto(small)] * 11)
    with pytest.raises(BadRequest, match="Media group must contain 2-10 items"):
        await bot.send_media_group(ada.chat_id, [InputMediaPhoto(small)])
    with pytest.raises(BadRequest, match="Document can't be mixed"):
        await bot.send_media_group(ada.chat_id, [
            InputMediaPhoto(small), InputMediaDocument(b"x", filename="x.pdf")])
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(ada.chat_id, small, caption="c" * 1025)
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(ada.chat_id, "AgACAgQAAxkBnonsense")
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(ada.chat_id, b"not an image")
    assert ada.messages == []
