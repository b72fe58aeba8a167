"""Bot API methods for photos, documents, other files, albums and getFile."""

from __future__ import annotations

import mimetypes
import random
from typing import Any

from . import errors as e
from .bot_messages import method, reply_to
from .errors import ApiError, bad_request
from .files import MAX_DOWNLOAD, StoredFile, thumbnail_jpeg
from .models import SentMessage
from .params import Params, Upload
from .world import MEDIA_RIGHTS, World

MAX_UPLOAD = 50 * 1024 * 1024
_KIND_NAMES = {"photo": "Photo", "document": "Document", "video": "Video", "voice": "VoiceNote",
               "audio": "Audio", "sticker": "Sticker", "animation": "Animation"}
_DEFAULT_MIME = {"video": "video/mp4", "voice": "audio/ogg", "audio": "audio/mpeg",
                 "sticker": "image/webp", "animation": "video/mp4"}


def _upload(p: Params, name: str, value: Any) -> Upload | None:
    """The multipart part a parameter refers to (directly or through attach://)."""
    if isinstance(value, str) and value.startswith("attach://"):
        part = p.uploads.get(value[len("attach://"):])
        if part is None:
            raise bad_request("can't parse InputMedia: media not found")
        return part
    if value in (None, "") and name in p.uploads:
        return p.uploads[name]
    return None


def _by_id(world: World, value: Any, kind: str) -> StoredFile:
    if not isinstance(value, str) or not value:
        raise bad_request(f'parameter "{kind}" is required')
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = world.files.get(value)
    if stored.kind != kind and "photo" in (stored.kind, kind):
        raise bad_request(f"can't use file of type {_KIND_NAMES.get(stored.kind, 'File')} as "
                          f"{_KIND_NAMES.get(kind, 'File')}")
    return stored


def _photo(world: World, p: Params, name: str, value: Any) -> tuple[dict[str, Any], SentMessage]:
    part = _upload(p, name, value)
    if part is not None:
        _check_size(part)
        sizes = world.files.link_photo(world.files.add_photo(part.data))
    else:
        sizes = world.files.photo_sizes(_by_id(world, value, "photo").file_id)
    largest = world.files.by_id[sizes[-1]["file_id"]]
    record = SentMessage(0, 0, "photo", file_bytes=largest.data, mime_type="image/jpeg",
                         file_id=largest.file_id, photo_sizes=sizes,
                         uploaded_bytes=part.data if part else None)
    return {"photo": sizes}, record


def _file(world: World, p: Params, kind: str, name: str,
          value: Any) -> tuple[dict[str, Any], SentMessage]:
    part = _upload(p, name, value)
    if part is not None:
        _check_size(part)
        mime = _DEFAULT_MIME.get(kind) or part.content_type or \
            mimetypes.guess_type(part.filename)[0] or "application/octet-stream"
        stored = world.files.add(kind, part.data, file_name=part.filename, mime_type=mime)
    else:
        stored = _by_id(world, value, kind)
    obj: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                           "file_size": stored.size}
    if kind in ("document", "audio", "video", "animation") and stored.file_name:
        obj["file_name"] = stored.file_name
    if stored.mime_type and kind != "sticker":
        obj["mime_type"] = stored.mime_type
    if kind in ("video", "voice", "audio", "animation"):
        obj["duration"] = p.integer("duration", 1)
    if kind in ("video", "animation", "sticker"):
        obj.update(width=p.integer("width", 512), height=p.integer("height", 512))
    if kind == "sticker":
        obj.update(type="regular", is_animated=False, is_video=False)
    if kind == "document" and part is not None and (thumb := thumbnail_jpeg(part.data)):
        small = world.files.add("thumbnail", thumb[0], width=thumb[1], height=thumb[2])
        obj["thumbnail"] = small.photo_size()
    record = SentMessage(0, 0, kind, file_bytes=stored.data, filename=stored.file_name,
                         mime_type=stored.mime_type, file_id=stored.file_id,
                         uploaded_bytes=part.data if part else None)
    return {kind: obj}, record


def _check_size(part: Upload) -> None:
    if len(part.data) > MAX_UPLOAD:
        raise ApiError(413, "Request Entity Too Large")
    if not part.data:
        raise bad_request("file must be non-empty")


def _media_content(world: World, p: Params, kind: str, name: str,
                   value: Any) -> tuple[dict[str, Any], SentMessage]:
    if kind == "photo":
        return _photo(world, p, name, value)
    return _file(world, p, kind, name, value)


async def _send_media(world: World, p: Params, kind: str) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"))
    world.require_right(chat, MEDIA_RIGHTS[kind])
    parse_mode = p.text("parse_mode")
    raw_caption = p.text("caption")
    caption, entities = world.check_caption(raw_caption, parse_mode)
    markup = world.check_markup(p.obj("reply_markup"))
    target = reply_to(world, chat, p)
    content, record = _media_content(world, p, kind, kind, p.values.get(kind))
    if caption:
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
    record.text, record.raw_text, record.parse_mode, record.entities = (
        caption, raw_caption, parse_mode, entities)
    record.reply_markup = markup
    return world.add_bot_message(chat, content, record, target)


def _register(kind: str, name: str) -> None:
    async def send(world: World, p: Params) -> Any:
        return await _send_media(world, p, kind)
    method(name)(send)


for _kind, _name in (("photo", "sendPhoto"), ("document", "sendDocument"),
                     ("video", "sendVideo"), ("voice", "sendVoice"), ("audio", "sendAudio"),
                     ("sticker", "sendSticker"), ("animation", "sendAnimation")):
    _register(_kind, _name)


@method("sendMediaGroup")
async def send_media_group(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"))
    media = p.obj("media")
    if not media:
        raise bad_request(e.NO_MEDIA)
    if not isinstance(media, list):
        raise bad_request("can't parse media JSON object")
    if len(media) > 10:
        raise bad_request(e.TOO_MANY_MEDIA)
    if len(media) < 2 and world.strict_media_group:
        raise bad_request(e.TOO_FEW_MEDIA)
    kinds = [item.get("type") if isinstance(item, dict) else None for item in media]
    for kind in kinds:
        if kind not in ("photo", "video", "document", "audio"):
            raise bad_request(f'can\'t parse InputMedia: type "{kind}" is unsupported')
    if "document" in kinds and set(kinds) != {"document"}:
        raise bad_request(e.DOCUMENT_MIXED)
    if "audio" in kinds and set(kinds) != {"audio"}:
        raise bad_request("audio can't be mixed with other media types")
    for kind in dict.fromkeys(kinds):
        world.require_right(chat, MEDIA_RIGHTS[str(kind)])
    target = reply_to(world, chat, p)
    prepared = []
    for item in media:
        caption, entities = world.check_caption(item.get("caption"), item.get("parse_mode"))
        content, record = _media_content(world, p, item["type"], "", item.get("media"))
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        record.text, record.raw_text, record.parse_mode, record.entities = (
            caption, item.get("caption"), item.get("parse_mode"), entities)
        prepared.append((content, record))
    group_id = str(random.randint(10**17, 10**18 - 1)) if len(prepared) > 1 else None
    messages = []
    for content, record in prepared:
        if group_id:
            content["media_group_id"] = group_id
            record.media_group_id = group_id
        messages.append(world.add_bot_message(chat, content, record, target))
    return messages


@method("getFile")
async def get_file(world: World, p: Params) -> Any:
    stored = world.files.get(p.required_str("file_id"))
    if stored.size > MAX_DOWNLOAD:
        raise bad_request(e.FILE_TOO_BIG)
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size, "file_path": world.files.path_for(stored)}
