"""The emulated Telegram state shared by the HTTP side (bot) and the client side (users)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from . import errors as e
from .errors import bad_request, forbidden, migrated
from .files import FileStore
from .formatting import render, utf16_len
from .models import Chat, SentMessage
from .updates import UpdateQueue

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
CALLBACK_QUERY_TTL = 15.0
"""Seconds within which a button tap can be answered (answerCallbackQuery); later answers are
refused with "query is too old". Telegram does not document the limit: it is observed to be
around 10-15 s, so 15 s is the lenient end."""
_BUTTON_ACTIONS = ("url", "callback_data", "login_url", "switch_inline_query", "pay", "web_app",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "callback_game", "copy_text")
_RIGHT_WORDS = {"can_send_messages": "text messages", "can_send_photos": "photos",
                "can_send_documents": "documents", "can_send_videos": "videos",
                "can_send_audios": "audios", "can_send_voice_notes": "voice notes",
                "can_send_other_messages": "stickers"}
MEDIA_RIGHTS = {"photo": "can_send_photos", "document": "can_send_documents",
                "video": "can_send_videos", "audio": "can_send_audios",
                "voice": "can_send_voice_notes", "sticker": "can_send_other_messages",
                "animation": "can_send_other_messages"}
"""The right (ChatPermissions field) a restricted bot needs to send each kind of media."""


class World:
    """Chats, messages, files and updates of one emulated bot."""

    def __init__(self, token: str, username: str, first_name: str) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: dict[str, Any] = {"id": bot_id, "is_bot": True, "first_name": first_name,
                                         "username": username}
        self.files = FileStore()
        self.updates = UpdateQueue()
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callback_query_ttl: float | None = CALLBACK_QUERY_TTL
        self.strict_media_group = True
        self.clock_ahead = 0.0  # seconds added to the wall clock for Telegram's time limits
        self._changed: asyncio.Event | None = None

    def now(self) -> float:
        """The time, in Unix seconds, against which Telegram's time limits are judged.

        Tests move it on with `clock_ahead` (seconds) to act as if time had passed, for
        example past the 48 hours within which a message may be deleted.
        """
        return time.time() + self.clock_ahead

    # -- change notification for client-side waiters --
    def notify(self) -> None:
        """Wake everything waiting for a change."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_until(self, condition: Callable[[], Any], seconds: float) -> Any:
        """Wait until condition() is truthy; TimeoutError after timeout seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not (result := condition()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {seconds} s")
            if self._changed is None:
                self._changed = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return result

    # -- chats --
    def add_chat(self, chat: dict[str, Any], user: dict[str, Any] | None = None) -> Chat:
        """Register a chat."""
        record = Chat(chat=chat, user=user)
        self.chats[record.id] = record
        return record

    def chat_for_bot(self, chat_id: Any, sending: bool = True) -> Chat:
        """The chat a bot method names, with Telegram's errors for unknown or blocked chats."""
        chat = None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next((c for c in self.chats.values()
                         if c.chat.get("username") == chat_id[1:]), None)
        else:
            try:
                chat = self.chats.get(int(chat_id))
            except (TypeError, ValueError):
                chat = None
        if chat is None:
            raise bad_request(e.CHAT_NOT_FOUND)
        if chat.migrated_to is not None:  # sends, edits and deletions alike
            raise migrated(chat.migrated_to)
        if chat.bot_removed:
            raise forbidden(e.KICKED_SUPERGROUP if chat.chat.get("type") == "supergroup"
                            else e.KICKED_GROUP)
        if sending and chat.user is not None:
            if chat.blocked:
                raise forbidden(e.BLOCKED)
            if not chat.started:
                raise forbidden(e.CANT_INITIATE)
        return chat

    def require_right(self, chat: Chat, right: str) -> None:
        """Refuse a send as Telegram does when the bot may not send it in a group: 403 "bot
        is not a member" when a restriction left it out of the group (`Group.restrict_bot`,
        `is_member` false), 400 "not enough rights to send ... to the chat" when `right` (a
        ChatPermissions field, `can_send_messages`, `can_send_photos`...) is taken away from
        the bot by its restriction or from every member by the group's default permissions
        (`Group.set_permissions`); an administrator is bound by neither."""
        member = chat.bot_member or {"status": "member"}
        if member.get("status") in ("administrator", "creator"):
            return
        if not member.get("is_member", True):
            raise forbidden(e.NOT_MEMBER_SUPERGROUP if chat.chat.get("type") == "supergroup"
                            else e.NOT_MEMBER_GROUP)
        if not member.get(right, True) or not (chat.permissions or {}).get(right, True):
            raise bad_request(e.NOT_ENOUGH_RIGHTS.format(what=_RIGHT_WORDS.get(right, "messages")))

    # -- validation --
    @staticmethod
    def check_text(text: str | None, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
        """Parse and measure a message text."""
        if text is None or not text.strip():
            raise bad_request(e.TEXT_EMPTY)
        plain, entities = render(text, parse_mode)
        if not plain.strip():
            raise bad_request(e.TEXT_EMPTY)
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request(e.MESSAGE_TOO_LONG)
        return plain, entities

    @staticmethod
    def check_caption(caption: str | None,
                      parse_mode: str | None) -> tuple[str | None, list[dict[str, Any]]]:
        """Parse and measure a caption (empty is fine)."""
        if not caption:
            return None, []
        plain, entities = render(caption, parse_mode)
        if utf16_len(plain) > MAX_CAPTION:
            raise bad_request(e.CAPTION_TOO_LONG)
        return plain, entities

    @staticmethod
    def check_markup(markup: Any, inline_only: bool = False) -> dict[str, Any] | None:
        """Validate reply_markup as Telegram does for the parts tests care about."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup "
                                  "must be an Array of Arrays")
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            return markup
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("field \"keyboard\" of the ReplyKeyboardMarkup must be an "
                                  "Array of Arrays")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    # -- bot messages --
    def add_bot_message(self, chat: Chat, content: dict[str, Any], record: SentMessage,
                        reply_to: int | None = None) -> dict[str, Any]:
        """Store a message the bot sent and return it as the Bot API shows it."""
        message_id = chat.next_message_id()
        message: dict[str, Any] = {"message_id": message_id, "from": self.bot_user,
                                   "chat": chat.chat, "date": int(time.time()), **content}
        if reply_to is not None:
            message["reply_to_message"] = chat.messages[reply_to]
        if record.reply_markup and "inline_keyboard" in record.reply_markup:
            message["reply_markup"] = record.reply_markup
        record.message_id = message_id
        record.chat_id = chat.id
        record.raw = message
        chat.messages[message_id] = message
        chat.sent[message_id] = record
        chat.log.append(record)
        self.notify()
        return message

    def reply_target(self, chat: Chat, reply_to: int | None, allow_missing: bool) -> int | None:
        """Check reply_parameters / reply_to_message_id."""
        if reply_to is None:
            return None
        if reply_to in chat.messages:
            return reply_to
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in "
                          "the inline keyboard")
    if not any(key in button for key in _BUTTON_ACTIONS):
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in "
                          "the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request(e.BUTTON_DATA_INVALID)
    if "url" in button:
        url = str(button["url"])
        if not url.startswith(("http://", "https://", "tg://")):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
