"""Fixtures for the sandbox: the whole sandbox running in the test's event loop on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.serve import serving
from bot.sandbox.session import Sandbox


@pytest.fixture
async def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[tuple[Sandbox, str]]:
    """The emulator, the real bot and the page, with data in a temporary folder."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with serving(tmp_path / "sandbox-data", port=0) as found:
        yield found
