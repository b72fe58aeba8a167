"""The running bot as end-to-end tests see it: its token and username at the emulator, its
services, and the sample photos it ships."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import Services
from bot.content import asset
from bot.emulator import Emulator

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


def as_operator(monkeypatch: pytest.MonkeyPatch, emu: Emulator, data_dir: Path) -> None:
    """The environment of `python -m bot ...` run by the operator on the bot's host: its data
    folder (also the working directory, for `.env`), and its token and Bot API (here the
    emulator), which `practice add` and `practice inbox` use to check a group (H54)."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", emu.api_url)
    monkeypatch.chdir(data_dir)
