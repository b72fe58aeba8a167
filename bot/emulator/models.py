"""Records of chats and of the messages the bot sent, as tests read them back."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """A message the bot sent to a chat; edits are applied in place."""

    message_id: int
    chat_id: int
    kind: str  # text, photo, document, video, voice, sticker, location, ...
    text: str | None = None  # text or caption, as Telegram shows it (markup parsed away)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    media_group_id: str | None = None
    file_bytes: bytes | None = None  # the largest photo size, or the document's bytes
    filename: str | None = None
    mime_type: str | None = None
    edited: bool = False
    deleted: bool = False
    raw_text: str | None = None  # text or caption exactly as the bot sent it
    entities: list[dict[str, Any]] = field(default_factory=list)
    file_id: str | None = None
    uploaded_bytes: bytes | None = None  # what the bot uploaded (None when sent by file_id)
    photo_sizes: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)  # the Message object as the bot got it
    edits: int = 0
    link_preview: bool = False  # Telegram would show a link preview card under the text

    @property
    def caption(self) -> str | None:
        """The caption of a media message (same as ``text``)."""
        return self.text if self.kind != "text" else None

    def entities_of(self, *kinds: str) -> list[str]:
        """The text of each entity of these kinds (url, mention, bot_command...), in order."""
        units = (self.text or "").encode("utf-16-le")
        return [units[2 * e["offset"]:2 * (e["offset"] + e["length"])].decode("utf-16-le")
                for e in self.entities if e["type"] in kinds]

    @property
    def buttons(self) -> list[list[str]]:
        """Texts of the inline keyboard, row by row (empty without one)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[button.get("text", "") for button in row] for row in rows]

    @property
    def callback_data(self) -> dict[str, str]:
        """Inline button text -> callback_data."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return {button["text"]: button["callback_data"] for row in rows for button in row
                if "callback_data" in button}

    @property
    def button_urls(self) -> dict[str, str]:
        """Inline button text -> url, for URL buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return {button["text"]: button["url"] for row in rows for button in row
                if "url" in button}

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of a reply keyboard sent with this message, or None."""
        rows = (self.reply_markup or {}).get("keyboard")
        if rows is None:
            return None
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def removes_keyboard(self) -> bool:
        """Whether this message carried ReplyKeyboardRemove."""
        return bool((self.reply_markup or {}).get("remove_keyboard"))


@dataclass
class Chat:
    """One chat as the emulator keeps it."""

    chat: dict[str, Any]
    user: dict[str, Any] | None = None  # the other party of a private chat
    started: bool = False  # the user has written to the bot at least once
    blocked: bool = False
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)  # every message by id
    log: list[SentMessage] = field(default_factory=list)  # bot messages, append-only
    sent: dict[int, SentMessage] = field(default_factory=dict)
    chat_actions: list[str] = field(default_factory=list)
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    deleted_incoming: dict[int, dict[str, Any]] = field(default_factory=dict)  # by the bot, by id
    migrated_to: int | None = None  # a group upgraded to this supergroup: its old id is refused
    bot_removed: bool = False  # the bot was removed from this group: 403 for everything
    bot_member: dict[str, Any] | None = None
    """The bot's ChatMember in this group, without `user` (None: an ordinary member); set by
    `Group.restrict_bot`: status "restricted" with its `can_send_*` rights and `is_member`;
    by `Group.promote_bot`: status "administrator" with its admin rights."""
    permissions: dict[str, bool] | None = None
    """The group's default ChatPermissions for all members (`Group.set_permissions`,
    `setChatPermissions`); None: Telegram's defaults for a new group, every right allowed.
    An administrator (or the owner) is not bound by them."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def private(self) -> bool:
        """Whether this is a private chat between the bot and one user."""
        return self.chat.get("type") == "private"

    @property
    def id(self) -> int:
        """The chat id."""
        return int(self.chat["id"])

    def next_message_id(self) -> int:
        """Message ids count up per chat, as in private chats on Telegram."""
        return next(self._ids)
