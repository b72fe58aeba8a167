"""One emulated chat as the browser shows it: bubbles, buttons, media, notes and chat actions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.models import Chat, SentMessage
from bot.sandbox.render import plain, to_html

ACTION_SECONDS = 5.0  # Telegram shows a chat action for five seconds or until the next message


@dataclass
class Note:
    """A line the sandbox itself adds to a chat (not from the bot), shown centred."""

    after: int  # the message id it follows
    html: str


@dataclass
class ChatState:
    """What the sandbox tracks beside the emulator's chat: notes and when actions were shown."""

    notes: list[Note] = field(default_factory=list)
    actions_seen: int = 0
    action: str | None = None
    action_at: float = 0.0
    log_at_action: int = 0

    def current_action(self, chat: Chat) -> dict[str, Any] | None:
        """The chat action still showing ("typing", "upload_photo"...), with its age."""
        if len(chat.chat_actions) > self.actions_seen:
            self.actions_seen = len(chat.chat_actions)
            self.action = chat.chat_actions[-1]
            self.action_at = time.monotonic()
            self.log_at_action = len(chat.log)
        age = time.monotonic() - self.action_at
        if self.action is None or age > ACTION_SECONDS or len(chat.log) > self.log_at_action:
            return None
        return {"action": self.action, "age": round(age, 2)}


def _file(file_id: str, download: bool = False) -> str:
    url = f"/files/{file_id}"
    if download:
        url += "?download=1"
    return url


def _media(kind: str, message: dict[str, Any]) -> dict[str, Any] | None:
    if kind == "photo" and message.get("photo"):
        sizes = message["photo"]
        largest = sizes[-1]
        return {"url": _file(largest["file_id"]), "width": largest.get("width"),
                "height": largest.get("height"), "size": largest.get("file_size")}
    body = message.get(kind)
    if not isinstance(body, dict) or "file_id" not in body:
        return None
    found: dict[str, Any] = {"url": _file(body["file_id"], download=True),
                             "name": body.get("file_name") or kind,
                             "mime": body.get("mime_type"), "size": body.get("file_size")}
    if str(body.get("mime_type", "")).startswith("image/"):
        found["preview"] = _file(body["file_id"])
    elif isinstance(body.get("thumbnail"), dict):
        found["preview"] = _file(body["thumbnail"]["file_id"])
    return found


def _buttons(record: SentMessage) -> list[list[dict[str, str]]]:
    rows = (record.reply_markup or {}).get("inline_keyboard") or []
    shown = []
    for row in rows:
        shown.append([{"text": str(b.get("text", "")),
                       **({"data": b["callback_data"]} if "callback_data" in b else {}),
                       **({"url": b["url"]} if "url" in b else {})} for b in row])
    return shown


def _kind(message: dict[str, Any]) -> str:
    for kind in ("photo", "document", "video", "voice", "audio", "sticker", "animation",
                 "location", "contact"):
        if kind in message:
            return kind
    return "text"


def bot_item(record: SentMessage) -> dict[str, Any]:
    """A bot message: formatted text or caption, inline buttons, media."""
    message = record.raw
    entities = message.get("entities") or message.get("caption_entities") or []
    return {"key": f"m{record.message_id}", "id": record.message_id, "from": "bot",
            "kind": record.kind, "html": to_html(record.text, entities),
            "buttons": _buttons(record), "media": _media(record.kind, message),
            "group": record.media_group_id, "edited": record.edited,
            "rev": record.edits, "date": message.get("date")}


def user_item(message: dict[str, Any]) -> dict[str, Any]:
    """A message the person sent: text, or the photo or file as Telegram delivered it."""
    kind = _kind(message)
    words = message.get("text") or message.get("caption")
    return {"key": f"m{message['message_id']}", "id": message["message_id"], "from": "me",
            "kind": kind, "html": plain(words, commands=False) if words else "",
            "buttons": [], "media": _media(kind, message), "group": message.get("media_group_id"),
            "edited": "edit_date" in message, "rev": int(message.get("edit_date", 0)),
            "date": message.get("date")}


def deleted_item(message: dict[str, Any]) -> dict[str, Any]:
    """Where the person's message was until the bot deleted it: Telegram shows nothing there,
    the sandbox leaves a faint trace so the deletion can be seen."""
    what = {"photo": "Photo", "document": "File"}.get(_kind(message), "Message")
    return {"key": f"d{message['message_id']}", "id": message["message_id"], "from": "me",
            "kind": "deleted", "html": f"🗑 {what} deleted by the bot", "buttons": [],
            "media": None, "group": None, "edited": False, "rev": 0, "date": message.get("date")}


def _albums(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: list[dict[str, Any]] = []
    for item in items:
        last = grouped[-1] if grouped else None
        if (item.get("group") and last is not None and last.get("group") == item["group"]
                and last["from"] == item["from"]):
            if last["kind"] != "album":
                last = grouped[-1] = {"key": f"a{last['id']}", "id": last["id"],
                                      "from": last["from"], "kind": "album",
                                      "group": last["group"], "items": [last],
                                      "buttons": [], "date": last["date"]}
            last["items"].append(item)
            continue
        grouped.append(item)
    for item in grouped:
        if item["kind"] == "album":
            item["rev"] = "-".join(f"{part['id']}.{part['rev']}" for part in item["items"])
    return grouped


def transcript(chat: Chat, state: ChatState) -> list[dict[str, Any]]:
    """Every message still shown, oldest first, albums grouped, the sandbox's notes placed."""
    items: list[dict[str, Any]] = []
    for message_id in sorted({*chat.messages, *chat.deleted_incoming}):
        record = chat.sent.get(message_id)
        if record is not None:
            if not record.deleted:
                items.append(bot_item(record))
        elif message_id in chat.deleted_incoming:
            items.append(deleted_item(chat.deleted_incoming[message_id]))
        else:
            items.append(user_item(chat.messages[message_id]))
    shown = _albums(items)
    for number, note in enumerate(state.notes):
        at = next((i for i, item in enumerate(shown) if item["id"] > note.after), len(shown))
        shown.insert(at, {"key": f"n{number}", "id": note.after, "from": "note", "kind": "note",
                          "html": note.html, "buttons": [], "rev": 0})
    return shown


def reply_keyboard(chat: Chat) -> list[list[str]] | None:
    """The reply keyboard shown now: the latest one not removed since."""
    for record in reversed(chat.log):
        if record.deleted:
            continue
        if record.removes_keyboard:
            return None
        if record.reply_keyboard is not None:
            return record.reply_keyboard
    return None


def signature(chat: Chat, state: ChatState) -> tuple[int, ...]:
    """Changes whenever anything the page shows of this chat changes."""
    return (len(chat.messages), max(chat.messages, default=0),
            sum(record.edits for record in chat.log), sum(r.deleted for r in chat.log),
            sum(int(m.get("edit_date", 0)) for m in chat.messages.values()),
            len(chat.chat_actions), len(state.notes), len(chat.deleted_incoming))
