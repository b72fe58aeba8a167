"""Offline Telegram Bot API emulator: an HTTP server for the bot and users for tests."""

from .errors import ApiError
from .models import SentMessage
from .server import Emulator, Fault
from .users import Group, Sender, TelegramUser

__all__ = ["ApiError", "Emulator", "Fault", "Group", "Sender", "SentMessage", "TelegramUser"]
