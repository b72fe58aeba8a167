"""Fixtures: a running emulator, a real PTB Bot on it, and a real polling Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder, BaseHandler

from bot.emulator import Emulator

TOKEN = "123456:TEST-token_abc"
USERNAME = "telederm_test_bot"

@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(bot_token=TOKEN, bot_username=USERNAME) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.api_url, base_file_url=emu.file_url) as real_bot:
        yield real_bot


def build_app(emu: Emulator, handlers: list[BaseHandler]) -> Application:
    """A real Application pointed at the emulator."""
    app = (ApplicationBuilder().token(TOKEN).base_url(emu.api_url)
           .base_file_url(emu.file_url).build())
    for handler in handlers:
        app.add_handler(handler)
    return app


@asynccontextmanager
async def polling(emu: Emulator, handlers: list[BaseHandler]) -> AsyncIterator[Application]:
    """Run an Application with long polling for the duration of the block."""
    app = build_app(emu, handlers)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
def app_polling(emu: Emulator) -> Callable[[list[BaseHandler]], Any]:
    """``async with app_polling([handlers]) as app``: a real Application polling the emulator."""
    return lambda handlers: polling(emu, handlers)
