"""A group's default permissions for its members (Bot API ChatPermissions), as Telegram keeps
them: shown by getChat (`permissions`), set by an admin (`Group.set_permissions`) or an admin
bot (`setChatPermissions`), and binding every member that is not an administrator."""

from __future__ import annotations

from typing import Any

from .models import Chat

RIGHTS = ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
          "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
          "can_send_other_messages", "can_add_web_page_previews", "can_change_info",
          "can_invite_users", "can_pin_messages", "can_manage_topics", "can_edit_tag",
          "can_react_to_messages")
"""The boolean fields of ChatPermissions (and the rights of a ChatMemberRestricted)."""
_SENDING = ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
            "can_send_videos", "can_send_video_notes", "can_send_voice_notes")
"""What `can_send_other_messages` and `can_add_web_page_previews` imply unless the
permissions are set independently (Bot API, `use_independent_chat_permissions`)."""


def shown(chat: Chat) -> dict[str, bool]:
    """The group's default permissions as getChat shows them (every right, when never set)."""
    return dict.fromkeys(RIGHTS, True) if chat.permissions is None else dict(chat.permissions)


def new_permissions(given: dict[str, Any], *, independent: bool) -> dict[str, bool]:
    """The permissions a group has after `setChatPermissions` with these fields: a field not
    given is false; unless `independent`, `can_send_other_messages` or
    `can_add_web_page_previews` bring every right to send messages and media with them, and
    `can_send_polls` the right to send messages (the Bot API's words)."""
    rights = {name: bool(given.get(name, False)) for name in RIGHTS}
    if not independent:
        if rights["can_send_other_messages"] or rights["can_add_web_page_previews"]:
            rights.update(dict.fromkeys(_SENDING, True))
        if rights["can_send_polls"]:
            rights["can_send_messages"] = True
    return rights
