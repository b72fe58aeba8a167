"""Reading back what the bot sent to a chat, and waiting for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Chat, SentMessage
from .world import World

Predicate = Callable[[SentMessage], bool]


class ChatView:
    """What a chat's members see of the bot: messages, chat actions, callback answers."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self._chat = chat
        self._cursor = 0

    @property
    def chat_id(self) -> int:
        """The chat id."""
        return self._chat.id

    @property
    def messages(self) -> list[SentMessage]:
        """Bot messages in this chat, oldest first, edits applied, deleted ones left out."""
        return [m for m in self._chat.log if not m.deleted]

    @property
    def all_messages(self) -> list[SentMessage]:
        """Bot messages including deleted ones (marked ``deleted``)."""
        return list(self._chat.log)

    @property
    def shown_incoming(self) -> list[dict[str, Any]]:
        """Messages the chat's members sent that are still in the chat, oldest first."""
        return [m for i, m in sorted(self._chat.messages.items()) if i not in self._chat.sent]

    @property
    def deleted_incoming(self) -> list[dict[str, Any]]:
        """Messages the chat's members sent that the bot has deleted, oldest first."""
        return [m for _, m in sorted(self._chat.deleted_incoming.items())]

    @property
    def last_message(self) -> SentMessage | None:
        """The newest bot message still shown."""
        shown = self.messages
        return shown[-1] if shown else None

    @property
    def chat_actions(self) -> list[str]:
        """sendChatAction actions the bot showed in this chat."""
        return list(self._chat.chat_actions)

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls for queries from this chat (text, show_alert, url)."""
        return [a for a in self._world.callback_answers if a["chat_id"] == self._chat.id]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown (the latest one not removed since)."""
        for message in reversed(self._chat.log):
            if message.removes_keyboard:
                return None
            if message.reply_keyboard is not None:
                return message.reply_keyboard
        return None

    def find_button(self, text: str) -> tuple[SentMessage, str]:
        """The newest shown message with an inline callback button of that text."""
        for message in reversed(self.messages):
            data = message.callback_data.get(text)
            if data is not None:
                return message, data
        raise LookupError(f"no inline button {text!r} in chat {self._chat.id}; buttons: "
                          f"{[m.buttons for m in self.messages if m.buttons]}")

    def skip_to_end(self) -> None:
        """Treat every message so far as read by wait_for/next_message."""
        self._cursor = len(self._chat.log)

    async def wait_for(self, predicate: Predicate | None = None,
                       timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next new bot message (after the last one returned) matching predicate."""
        def find() -> SentMessage | None:
            log = self._chat.log
            for index in range(self._cursor, len(log)):
                if predicate is None or predicate(log[index]):
                    self._cursor = index + 1
                    return log[index]
            return None

        try:
            found: SentMessage = await self._world.wait_until(find, timeout)
        except TimeoutError:
            recent = [(m.kind, m.text) for m in self._chat.log[self._cursor:]][-5:]
            raise TimeoutError(f"no matching bot message in chat {self._chat.id} within "
                               f"{timeout} s; unread: {recent}") from None
        return found

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next new bot message."""
        return await self.wait_for(None, timeout)

    async def wait_for_text(self, substring: str, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next new bot message whose text or caption contains substring."""
        return await self.wait_for(lambda m: substring in (m.text or ""), timeout)

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """Wait for any condition on emulator state (edits, chat actions, answers...)."""
        return await self._world.wait_until(condition, timeout)
