"""The running bot as end-to-end tests see it: its token and username at the emulator, its
services, and the sample photos it ships."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram.ext import Application

from bot.app import Services
from bot.content import asset

TOKEN = "123456:E2E-token_abc"
USERNAME = "telederm_e2e_bot"

BotStarter = Callable[[], AbstractAsyncContextManager[Application[Any, Any, Any, Any, Any, Any]]]


def sample(name: str) -> bytes:
    """The bytes of one sample photo from bot/content/samples."""
    return asset(f"samples/{name}").read_bytes()


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The running bot's services."""
    found = app.bot_data["services"]
    assert isinstance(found, Services)
    return found
