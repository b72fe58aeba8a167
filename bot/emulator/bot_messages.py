"""Bot API methods for identity, updates, text messages, keyboards and callbacks."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import errors as e
from .errors import ApiError, bad_request
from .formatting import autolink, makes_preview
from .models import SentMessage
from .params import Params
from .permissions import new_permissions, shown
from .world import World

Method = Callable[[World, Params], Awaitable[Any]]
METHODS: dict[str, Method] = {}
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                "upload_voice", "upload_document", "choose_sticker", "find_location",
                "record_video_note", "upload_video_note"}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method (names are case-insensitive, as on Telegram)."""
    def register(func: Method) -> Method:
        METHODS[name.lower()] = func
        return func
    return register


def reply_to(world: World, chat: Any, p: Params) -> int | None:
    """The message a send replies to, from reply_parameters or reply_to_message_id."""
    params = p.obj("reply_parameters") or {}
    target = params.get("message_id") if isinstance(params, dict) else None
    if target is None:
        target = p.integer("reply_to_message_id")
    allow = bool(params.get("allow_sending_without_reply")) if isinstance(params, dict) else False
    allow = allow or p.flag("allow_sending_without_reply")
    return world.reply_target(chat, int(target) if target is not None else None, allow)


@method("getMe")
async def get_me(world: World, p: Params) -> Any:
    return {**world.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False}


@method("getUpdates")
async def get_updates(world: World, p: Params) -> Any:
    allowed = p.obj("allowed_updates")
    return await world.updates.poll(
        p.integer("offset"), p.integer("limit", 100) or 100, float(p.text("timeout") or 0),
        allowed if isinstance(allowed, list) else None)


@method("deleteWebhook")
async def delete_webhook(world: World, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    return True


@method("getWebhookInfo")
async def get_webhook_info(world: World, p: Params) -> Any:
    return {"url": "", "has_custom_certificate": False,
            "pending_update_count": len(world.updates.pending)}


@method("setMyCommands")
async def set_my_commands(world: World, p: Params) -> Any:
    commands = p.obj("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        name = str(command.get("command", "")) if isinstance(command, dict) else ""
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description is empty")
    world.commands[_commands_key(p)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(world: World, p: Params) -> Any:
    return world.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
async def delete_my_commands(world: World, p: Params) -> Any:
    world.commands.pop(_commands_key(p), None)
    return True


def _commands_key(p: Params) -> str:
    scope = p.obj("scope") or {"type": "default"}
    return json.dumps([scope, p.text("language_code") or ""], sort_keys=True)


@method("getChat")
async def get_chat(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    full = {**chat.chat, "accent_color_id": 0, "max_reaction_count": 11}
    if not chat.private:  # a group's default member permissions (Bot API ChatFullInfo)
        full["permissions"] = shown(chat)
    return full


@method("setChatPermissions")
async def set_chat_permissions(world: World, p: Params) -> Any:
    """Set a group's default member permissions: only an administrator bot with
    `can_restrict_members` may (400 "not enough rights" otherwise, as on Telegram)."""
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    if chat.private:
        raise bad_request(e.GROUPS_ONLY)
    given = p.obj("permissions")
    if not isinstance(given, dict):
        raise bad_request("can't parse chat permissions JSON object")
    member = chat.bot_member or {}
    if member.get("status") != "administrator" or not member.get("can_restrict_members"):
        raise bad_request(e.NOT_ENOUGH_RIGHTS_PERMISSIONS)
    chat.permissions = new_permissions(given, independent=p.flag(
        "use_independent_chat_permissions"))
    world.notify()
    return True


@method("getChatMember")
async def get_chat_member(world: World, p: Params) -> Any:
    """The ChatMember of a user in a chat: the bot's own as `Group.restrict_bot` left it
    (else "member"), a group member's "member", anyone else Telegram knows "left"."""
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    user_id = p.integer("user_id")
    if user_id is None:
        raise bad_request("user_id is required")  # PTB always sends it
    if user_id == world.bot_user["id"]:
        return {"status": "member", **(chat.bot_member or {}), "user": world.bot_user}
    if user_id in chat.members:
        return {"status": "member", "user": chat.members[user_id]}
    if chat.user is not None and chat.user["id"] == user_id:
        return {"status": "member", "user": chat.user}
    known = world.chats.get(user_id)
    if known is None or known.user is None:
        raise bad_request(e.USER_NOT_FOUND)
    return {"status": "left", "user": known.user}


@method("sendMessage")
async def send_message(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"))
    world.require_right(chat, "can_send_messages")
    parse_mode = p.text("parse_mode")
    raw = p.text("text")
    plain, entities = world.check_text(raw, parse_mode)
    entities = autolink(plain, p.obj("entities") or entities)
    preview = makes_preview(entities, p.obj("link_preview_options"),
                            p.flag("disable_web_page_preview"))
    markup = world.check_markup(p.obj("reply_markup"))
    target = reply_to(world, chat, p)
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    record = SentMessage(0, chat.id, "text", text=plain, parse_mode=parse_mode,
                         reply_markup=markup, raw_text=raw, entities=entities,
                         link_preview=preview)
    return world.add_bot_message(chat, content, record, target)


def _own_message(world: World, p: Params) -> tuple[Any, SentMessage]:
    if p.has("inline_message_id"):
        raise bad_request(e.EDIT_NOT_FOUND)
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    message_id = p.required_int("message_id")
    if message_id in chat.messages and message_id not in chat.sent:
        raise bad_request("message can't be edited")
    record = chat.sent.get(message_id)
    if record is None or record.deleted:
        raise bad_request(e.EDIT_NOT_FOUND)
    return chat, record


def _apply_edit(world: World, record: SentMessage, changes: dict[str, Any],
                markup: dict[str, Any] | None) -> Any:
    message = record.raw
    updated = dict(message)
    for key, value in changes.items():
        if value is None or value == []:
            updated.pop(key, None)
        else:
            updated[key] = value
    if markup:
        updated["reply_markup"] = markup
    else:
        updated.pop("reply_markup", None)
    if updated == message:
        raise bad_request(e.NOT_MODIFIED)
    message.clear()
    message.update(updated, edit_date=int(time.time()))
    record.reply_markup = markup
    record.edited = True
    record.edits += 1
    world.notify()
    return message


@method("editMessageText")
async def edit_message_text(world: World, p: Params) -> Any:
    _, record = _own_message(world, p)
    if "text" not in record.raw:
        raise bad_request("there is no text in the message to edit")
    parse_mode = p.text("parse_mode")
    raw = p.text("text")
    plain, entities = world.check_text(raw, parse_mode)
    entities = autolink(plain, entities)
    markup = world.check_markup(p.obj("reply_markup"), inline_only=True)
    result = _apply_edit(world, record, {"text": plain, "entities": entities}, markup)
    record.text, record.raw_text, record.parse_mode, record.entities = (
        plain, raw, parse_mode, entities)
    record.link_preview = makes_preview(entities, p.obj("link_preview_options"),
                                        p.flag("disable_web_page_preview"))
    return result


@method("editMessageCaption")
async def edit_message_caption(world: World, p: Params) -> Any:
    _, record = _own_message(world, p)
    if record.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    parse_mode = p.text("parse_mode")
    raw = p.text("caption")
    plain, entities = world.check_caption(raw, parse_mode)
    markup = world.check_markup(p.obj("reply_markup"), inline_only=True)
    result = _apply_edit(world, record, {"caption": plain, "caption_entities": entities}, markup)
    record.text, record.raw_text, record.parse_mode = plain, raw, parse_mode
    return result


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, p: Params) -> Any:
    _, record = _own_message(world, p)
    markup = world.check_markup(p.obj("reply_markup"), inline_only=True)
    return _apply_edit(world, record, {}, markup)


@method("deleteMessage")
async def delete_message(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    _delete(world, chat, p.required_int("message_id"))
    return True


@method("deleteMessages")
async def delete_messages(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"), sending=False)
    for message_id in p.obj("message_ids") or []:
        if int(message_id) in chat.messages:
            with contextlib.suppress(ApiError):  # skipped, as Telegram skips them
                _delete(world, chat, int(message_id))
    return True


DELETE_WITHIN = 48 * 3600
"""Telegram: "A message can only be deleted if it was sent less than 48 hours ago" (Bot API,
deleteMessage); this applies to the bot's own messages and to a user's in a private chat."""


def _delete(world: World, chat: Any, message_id: int) -> None:
    """Delete one message as Telegram allows a bot that is not a group admin: its own messages,
    and incoming ones in a private chat, each only within 48 hours of being sent."""
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request(e.DELETE_NOT_FOUND)
    incoming = message_id not in chat.sent
    if incoming and not chat.private:
        raise bad_request(e.CANT_DELETE)
    if world.now() - int(message.get("date", 0)) >= DELETE_WITHIN:
        raise bad_request(e.CANT_DELETE_FOR_EVERYONE)
    del chat.messages[message_id]
    if incoming:
        chat.deleted_incoming[message_id] = message
    else:
        chat.sent[message_id].deleted = True
    world.notify()


@method("answerCallbackQuery")
async def answer_callback_query(world: World, p: Params) -> Any:
    query = world.callbacks.get(p.required_str("callback_query_id"))
    ttl = world.callback_query_ttl
    if query is None or query["answered"] or (ttl is not None and
                                              time.monotonic() - query["created"] > ttl):
        raise bad_request(e.QUERY_TOO_OLD)
    if len(p.text("text") or "") > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query["answered"] = True
    answer = {"callback_query_id": query["id"], "chat_id": query["chat_id"],
              "text": p.text("text"), "show_alert": p.flag("show_alert"), "url": p.text("url")}
    world.callback_answers.append(answer)
    world.notify()
    return True


@method("sendChatAction")
async def send_chat_action(world: World, p: Params) -> Any:
    chat = world.chat_for_bot(p.required_str("chat_id"))
    action = p.required_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request(e.WRONG_ACTION)
    chat.chat_actions.append(action)
    world.notify()
    return True
