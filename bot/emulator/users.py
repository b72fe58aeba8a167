"""Emulated Telegram users and groups: what they send to the bot and what they read back."""

from __future__ import annotations

import itertools
import mimetypes
import random
import re
import time
from typing import Any

from . import samples
from .files import thumbnail_jpeg
from .models import Chat
from .permissions import RIGHTS, new_permissions
from .readback import ChatView
from .world import World

START_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What Telegram carries from t.me/<bot>?start=PAYLOAD into /start: 1-64 of A-Z a-z 0-9 _ -."""
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")
_query_ids = itertools.count(1)
RESTRICTED_RIGHTS = RIGHTS
"""The boolean rights of a ChatMemberRestricted (Bot API), all required."""


def _entities(text: str) -> list[dict[str, Any]]:
    return [{"type": "bot_command", "offset": len(text[: m.start()].encode("utf-16-le")) // 2,
             "length": len(m.group(0).encode("utf-16-le")) // 2}
            for m in _COMMAND.finditer(text)]


class Sender(ChatView):
    """Sends messages into one chat as one user, the way Telegram delivers them."""

    def __init__(self, world: World, chat: Chat, user: dict[str, Any]) -> None:
        super().__init__(world, chat)
        self.user = user

    @property
    def id(self) -> int:
        """The user's id."""
        return int(self.user["id"])

    def _deliver(self, content: dict[str, Any], kind: str = "message") -> dict[str, Any]:
        chat = self._chat
        message = {"message_id": chat.next_message_id(), "from": self.user, "chat": chat.chat,
                   "date": int(time.time()), **content}
        chat.messages[message["message_id"]] = message
        chat.started = True
        self._world.updates.push(kind, message)
        self._world.notify()
        return message

    async def send_text(self, text: str, reply_to: int | None = None) -> dict[str, Any]:
        """A text message (commands in it get bot_command entities); `reply_to` makes it a
        reply to that message of the chat (Telegram then includes the message replied to)."""
        content: dict[str, Any] = {"text": text}
        if reply_to is not None:
            content["reply_to_message"] = self._chat.messages[reply_to]
        if entities := _entities(text):
            content["entities"] = entities
        return self._deliver(content)

    async def send_command(self, command: str, payload: str | None = None) -> dict[str, Any]:
        """``/command`` or ``/command PAYLOAD`` (a deep link's /start sends the payload)."""
        command = command if command.startswith("/") else "/" + command
        return await self.send_text(f"{command} {payload}" if payload else command)

    async def open_deep_link(self, payload: str) -> dict[str, Any]:
        """What tapping t.me/<bot>?start=PAYLOAD sends: ``/start PAYLOAD``.

        ValueError for a payload Telegram would not carry (outside 1-64 characters of
        A-Za-z0-9_-): such a link only opens the chat, so a bot that makes one loses it.
        """
        if not START_PAYLOAD.fullmatch(payload):
            raise ValueError(f"Telegram does not pass this start payload: {payload!r}")
        return await self.send_command("/start", payload)

    async def press(self, text: str) -> dict[str, Any]:
        """Tap a reply keyboard button (sends its text); LookupError if it is not shown."""
        keyboard = self.reply_keyboard or []
        if not any(text in row for row in keyboard):
            raise LookupError(f"no reply keyboard button {text!r}; keyboard: {keyboard}")
        return await self.send_text(text)

    def _caption(self, content: dict[str, Any], caption: str | None) -> dict[str, Any]:
        if caption:
            content["caption"] = caption
        return content

    def _photo_content(self, data: bytes, caption: str | None) -> dict[str, Any]:
        files = self._world.files
        return self._caption({"photo": files.link_photo(files.add_photo(data))}, caption)

    def _document_content(self, data: bytes, filename: str, mime_type: str | None,
                          caption: str | None, with_size: bool = True) -> dict[str, Any]:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._world.files.add("document", data, file_name=filename, mime_type=mime)
        document: dict[str, Any] = {"file_id": stored.file_id,
                                    "file_unique_id": stored.file_unique_id,
                                    "file_name": filename, "mime_type": mime}
        if with_size:  # optional in the Bot API: some clients leave it out
            document["file_size"] = stored.size
        if mime.startswith("image/") and (thumb := thumbnail_jpeg(data)):
            small = self._world.files.add("thumbnail", thumb[0], width=thumb[1],
                                          height=thumb[2])
            document["thumbnail"] = small.photo_size()
        return self._caption({"document": document}, caption)

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        """A photo as Telegram delivers it: JPEG sizes up to 1280 px, metadata removed."""
        return self._deliver(self._photo_content(data, caption))

    async def send_document(self, data: bytes, filename: str = "file.bin",
                            mime_type: str | None = None,
                            caption: str | None = None, *,
                            with_size: bool = True) -> dict[str, Any]:
        """A file ("send as file"): the original bytes, name and mime type (and its size in
        bytes, unless with_size is False: the field is optional in the Bot API)."""
        return self._deliver(self._document_content(data, filename, mime_type, caption,
                                                    with_size))

    async def send_album(self, items: list[bytes], as_documents: bool = False,
                         caption: str | None = None,
                         filenames: list[str] | None = None) -> list[dict[str, Any]]:
        """Several photos (or files) sent together: one message each, one media_group_id."""
        group_id = str(random.randint(10**17, 10**18 - 1))
        messages = []
        for index, data in enumerate(items):
            text = caption if index == 0 else None
            if as_documents:
                name = filenames[index] if filenames else f"IMG_{index + 1:04d}.jpg"
                content = self._document_content(data, name, None, text)
            else:
                content = self._photo_content(data, text)
            messages.append(self._deliver({**content, "media_group_id": group_id}))
        return messages

    def _file_content(self, kind: str, data: bytes, **fields: Any) -> dict[str, Any]:
        stored = self._world.files.add(kind, data, mime_type=fields.get("mime_type"))
        return {kind: {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                       "file_size": stored.size, **fields}}

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """A static sticker."""
        return self._deliver(self._file_content(
            "sticker", samples.sticker_webp(), type="regular", width=512, height=512,
            is_animated=False, is_video=False, emoji=emoji))

    async def send_voice(self, data: bytes | None = None, duration: int = 2,
                         caption: str | None = None) -> dict[str, Any]:
        """A voice note (with words, if `caption`: Telegram allows a caption on one)."""
        return self._deliver(self._caption(self._file_content(
            "voice", data or samples.voice_ogg(duration), duration=duration,
            mime_type="audio/ogg"), caption))

    async def send_video(self, data: bytes | None = None, caption: str | None = None,
                         width: int = 640, height: int = 360,
                         duration: int = 3) -> dict[str, Any]:
        """A video."""
        content = self._file_content("video", data or samples.video_mp4(), width=width,
                                     height=height, duration=duration, mime_type="video/mp4")
        return self._deliver(self._caption(content, caption))

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """A location pin."""
        return self._deliver({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(self, phone_number: str = "+447700900123",
                           first_name: str | None = None,
                           user_id: int | None = None) -> dict[str, Any]:
        """A contact card (by default the user's own)."""
        contact = {"phone_number": phone_number,
                   "first_name": first_name or self.user["first_name"]}
        if user_id is not None or first_name is None:
            contact["user_id"] = user_id if user_id is not None else self.id
        return self._deliver({"contact": contact})

    async def forward_text(self, text: str, origin_name: str = "Someone",
                           origin_user: dict[str, Any] | None = None) -> dict[str, Any]:
        """A forwarded text message (forward_origin hidden_user unless origin_user given)."""
        date = int(time.time()) - 60
        origin = ({"type": "user", "sender_user": origin_user, "date": date} if origin_user
                  else {"type": "hidden_user", "sender_user_name": origin_name, "date": date})
        return self._deliver({"text": text, "forward_origin": origin})

    async def edit_text(self, message_id: int, text: str) -> dict[str, Any]:
        """Edit one of the user's own text messages (an edited_message update)."""
        message = self._chat.messages.get(message_id)
        if message is None or message.get("from", {}).get("id") != self.id:
            raise LookupError(f"no own message {message_id} in chat {self._chat.id}")
        message.update(text=text, edit_date=int(time.time()))
        if entities := _entities(text):
            message["entities"] = entities
        else:
            message.pop("entities", None)
        self._world.updates.push("edited_message", dict(message))
        self._world.notify()
        return message

    async def tap(self, button_text: str) -> dict[str, Any]:
        """Tap the inline button with this text on the newest bot message that has one."""
        message, data = self.find_button(button_text)
        return await self.tap_callback(message.message_id, data)

    async def tap_callback(self, message_id: int, callback_data: str) -> dict[str, Any]:
        """Send a callback query for any message and data (old buttons, forged data)."""
        message = self._chat.messages.get(message_id)
        query_id = f"{random.randint(10**17, 10**18 - 1)}{next(_query_ids)}"
        query: dict[str, Any] = {"id": query_id, "from": self.user, "data": callback_data,
                                 "chat_instance": str(abs(self._chat.id) * 7919 + 13)}
        if message is not None:
            query["message"] = message
        else:
            query["message"] = {"message_id": message_id, "chat": self._chat.chat, "date": 0}
        self._world.callbacks[query_id] = {"id": query_id, "chat_id": self._chat.id,
                                           "answered": False, "created": time.monotonic()}
        self._world.updates.push("callback_query", query)
        self._world.notify()
        return query


class TelegramUser(Sender):
    """A user in a private chat with the bot (chat id == user id)."""

    def __init__(self, world: World, user_id: int, first_name: str, last_name: str | None,
                 username: str | None, language_code: str | None) -> None:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value:
                user[key] = chat[key] = value
        if language_code:
            user["language_code"] = language_code
        record = world.chats.get(user_id) or world.add_chat(chat, user)
        super().__init__(world, record, user)

    @property
    def blocked(self) -> bool:
        """Whether the user has blocked the bot."""
        return self._chat.blocked

    def block_bot(self) -> None:
        """Block the bot: its sends to this chat fail with 403."""
        self._member_change("member", "kicked")
        self._chat.blocked = True

    def unblock_bot(self) -> None:
        """Unblock (Telegram's "Restart" also sends /start; send it yourself if needed)."""
        self._member_change("kicked", "member")
        self._chat.blocked = False

    def _member_change(self, old: str, new: str) -> None:
        bot = self._world.bot_user
        self._world.updates.push("my_chat_member", {
            "chat": self._chat.chat, "from": self.user, "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot, **_until(old)},
            "new_chat_member": {"status": new, "user": bot, **_until(new)}})


def _until(status: str) -> dict[str, Any]:
    return {"until_date": 0} if status == "kicked" else {}


class Group(ChatView):
    """A group with the bot in it (a supergroup unless `kind` is "group", Telegram's basic
    group); members send through ``member(user)``."""

    def __init__(self, world: World, chat_id: int, title: str, kind: str = "supergroup") -> None:
        chat = world.chats.get(chat_id) or world.add_chat(
            {"id": chat_id, "type": kind, "title": title})
        super().__init__(world, chat)

    def member(self, user: TelegramUser) -> Sender:
        """The user as a sender in this group."""
        self._chat.members[user.id] = user.user
        return Sender(self._world, self._chat, user.user)

    add = member

    def remove_bot(self, by: TelegramUser) -> None:
        """A member (an admin) removes the bot from the group: the bot gets a `my_chat_member`
        update (member -> kicked), and every later call for the group is refused with 403."""
        bot = self._world.bot_user
        self._world.updates.push("my_chat_member", {
            "chat": self._chat.chat, "from": by.user, "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0}})
        self._chat.bot_removed = True
        self._world.notify()

    def add_bot(self, by: TelegramUser) -> None:
        """A member (an admin) adds the bot back after `remove_bot`: the bot gets a
        `my_chat_member` update (left -> member), and calls for the group work again."""
        bot = self._world.bot_user
        self._chat.bot_removed = False
        self._world.updates.push("my_chat_member", {
            "chat": self._chat.chat, "from": by.user, "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot}})
        self._world.notify()

    def restrict_bot(self, by: TelegramUser, *, is_member: bool = True,
                     **rights: bool) -> None:
        """An admin restricts the bot in this group (a supergroup: Telegram restricts members
        there only): the bot gets a `my_chat_member` update with a ChatMemberRestricted (every
        `can_*` right false unless given in `rights`, for ever: `until_date` 0), and its sends
        the rights do not allow are refused (`World.require_right`); `is_member` False: it is
        no longer in the group either. `getChatMember` shows the same."""
        unknown = set(rights) - set(RESTRICTED_RIGHTS)
        if unknown:
            raise ValueError(f"not ChatMemberRestricted rights: {sorted(unknown)}")
        restricted = {"status": "restricted", "is_member": is_member,
                      **dict.fromkeys(RESTRICTED_RIGHTS, False), **rights, "until_date": 0}
        self._bot_member_change(by, restricted)

    def unrestrict_bot(self, by: TelegramUser) -> None:
        """An admin lifts the bot's restrictions (after `restrict_bot`): a `my_chat_member`
        update from restricted to member, and its sends work again."""
        self._bot_member_change(by, {"status": "member"})

    def set_permissions(self, by: TelegramUser, *, independent: bool = True,
                        **rights: bool) -> None:
        """An admin changes what every member of the group may do (the group's "Permissions"
        settings; `setChatPermissions` for a bot): a right not given is taken away, and
        unless `independent` the Bot API's implications apply (`new_permissions`). Telegram
        tells the bot nothing (no `my_chat_member`: its own membership did not change); its
        sends the permissions no longer allow are refused (400 "not enough rights"), unless
        it is an administrator (`promote_bot`). getChat shows them."""
        unknown = set(rights) - set(RIGHTS)
        if unknown:
            raise ValueError(f"not ChatPermissions rights: {sorted(unknown)}")
        del by  # who did it is not told to the bot
        self._chat.permissions = new_permissions(rights, independent=independent)
        self._world.notify()

    def promote_bot(self, by: TelegramUser, *, can_restrict_members: bool = False) -> None:
        """An admin makes the bot an administrator of the group: a `my_chat_member` update
        with a ChatMemberAdministrator; the group's default permissions no longer bind it."""
        self._bot_member_change(by, {
            "status": "administrator", "can_be_edited": False, "is_anonymous": False,
            "can_manage_chat": True, "can_delete_messages": False,
            "can_manage_video_chats": False, "can_restrict_members": can_restrict_members,
            "can_promote_members": False, "can_change_info": False, "can_invite_users": False,
            "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False})

    def demote_bot(self, by: TelegramUser) -> None:
        """An admin takes the bot's admin rights away (after `promote_bot`): a
        `my_chat_member` update from administrator to member, bound again by the group's
        default permissions."""
        self._bot_member_change(by, {"status": "member"})

    def _bot_member_change(self, by: TelegramUser, new: dict[str, Any]) -> None:
        bot = self._world.bot_user
        old = self._chat.bot_member or {"status": "member"}
        self._chat.bot_member = None if new["status"] == "member" else new
        self._world.updates.push("my_chat_member", {
            "chat": self._chat.chat, "from": by.user, "date": int(time.time()),
            "old_chat_member": {**old, "user": bot}, "new_chat_member": {**new, "user": bot}})
        self._world.notify()

    def upgrade(self, by: TelegramUser, new_chat_id: int, *, tell_bot: bool = True) -> Group:
        """Upgrade this basic group to a supergroup, as Telegram does when an admin makes the
        history visible to new members or the group grows past 200: the supergroup has a new
        id (`new_chat_id`, -100...), the same title and members, and the old id is refused
        from now on (400 with `migrate_to_chat_id`). With `tell_bot`, the bot gets Telegram's
        two service messages: `migrate_from_chat_id` in the supergroup, then
        `migrate_to_chat_id` in the old group (False: a bot that missed them, down at the
        time)."""
        old = self._chat
        new = Group(self._world, new_chat_id, str(old.chat.get("title", "")))
        new._chat.members.update(old.members)
        old.migrated_to = new_chat_id
        if tell_bot:
            Sender(self._world, new._chat, by.user)._deliver({"migrate_from_chat_id": old.id})
            Sender(self._world, old, by.user)._deliver({"migrate_to_chat_id": new_chat_id})
        return new
