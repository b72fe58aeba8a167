"""Fixtures for end-to-end tests: the emulator, and the real bot Application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
from tests.auxil.e2e.mesh_sandbox import PASSWORD, SENDER, SHARED_KEY, MeshSandbox, mesh_sandbox
from tests.auxil.e2e.smtp_server import PASSWORD as SMTP_PASSWORD
from tests.auxil.e2e.smtp_server import USER as SMTP_USER
from tests.auxil.e2e.smtp_server import SmtpServer, smtp_server


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


@pytest.fixture
async def process_mesh(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MeshSandbox]:
    """A MESH sandbox, and the environment that points a bot process (`bot_process`) at it
    with its own mailbox."""
    async with mesh_sandbox() as sandbox:
        for name, value in {"MESH_URL": sandbox.url, "MESH_MAILBOX": SENDER,
                            "MESH_PASSWORD": PASSWORD, "MESH_SHARED_KEY": SHARED_KEY,
                            "MESH_SENDER_ODS": "X26"}.items():
            monkeypatch.setenv(name, value)
        yield sandbox


@pytest.fixture
def process_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A local SMTP server (STARTTLS and a login), and the environment that points a bot
    process (`bot_process`) at it."""
    with smtp_server(tmp_path) as server:
        for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port),
                            "SMTP_USERNAME": SMTP_USER, "SMTP_PASSWORD": SMTP_PASSWORD,
                            "SMTP_FROM": "teledermatology@nhs.test",
                            "SMTP_CA_FILE": str(server.cert_file)}.items():
            monkeypatch.setenv(name, value)
        yield server
