"""Shared fixtures: settings in a temporary data folder, and an open store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import Store, open_store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh DATA_DIR for one test."""
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Settings pointing at the temporary data folder (no Telegram URLs yet)."""
    return Settings(_env_file=None, telegram_bot_token="123456:TEST-TOKEN", data_dir=data_dir)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """An open store on a fresh database."""
    opened = await open_store(settings.database_path, settings.photos_dir)
    yield opened
    await opened.close()
