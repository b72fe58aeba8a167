"""Fixtures for end-to-end tests: the emulator, and the real bot Application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.emulator import Emulator
from bot.runner import polling
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import TOKEN, USERNAME, BotStarter, services_of


@pytest.fixture
async def emu(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Emulator]:
    """A running Bot API emulator."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with Emulator(bot_token=TOKEN, bot_username=USERNAME) as emulator:
        yield emulator


@pytest.fixture
def bot_settings(data_dir: Path, emu: Emulator) -> Settings:
    """Settings for a bot that talks to the emulator and keeps data in a temporary folder."""
    return Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emu.api_url,
                    telegram_file_url=emu.file_url, data_dir=data_dir, quality_workers=1)


@pytest.fixture
def start_bot(bot_settings: Settings) -> BotStarter:
    """``async with start_bot() as app``: the real bot, polling, for the block (restartable)."""

    @asynccontextmanager
    async def run() -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
        app = build_application(bot_settings)
        async with polling(app):
            yield app

    return run


@pytest.fixture
async def app(start_bot: BotStarter) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The real bot, running for the whole test."""
    async with start_bot() as running:
        yield running


@pytest.fixture
async def practice(app: Application[Any, Any, Any, Any, Any, Any], emu: Emulator) -> Practice:
    """The Lawson Practice, registered in the running bot's store, with a receptionist who has
    opened the bot and hears its alerts (a practice always has someone: one with nobody at all
    answers *Send* differently, tests/e2e/test_gp_only_practice_e2e.py)."""
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    reception = emu.user("Reception")
    await store.practices.add_member(practice.id, reception.id, "staff", "Rita Reception")
    await reception.send_command("/help")
    await reception.next_message()
    return practice
