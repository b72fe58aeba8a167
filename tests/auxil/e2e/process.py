"""The real bot as a separate process (`python -m bot run`) against the emulator, for outage and
crash tests: it is killed with SIGKILL, so no clean-up code of the bot runs."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]


def bot_env(emu: Emulator, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot process that talks to this emulator and keeps data here."""
    return {**os.environ, "TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_URL": emu.api_url,
            "TELEGRAM_FILE_URL": emu.file_url, "DATA_DIR": str(data_dir),
            "QUALITY_WORKERS": "1", **extra}


@asynccontextmanager
async def bot_process(emu: Emulator, data_dir: Path, **extra: str) -> AsyncIterator[int]:
    """Run `python -m bot run` until the block ends, then kill it with SIGKILL.

    Yields once the bot polls for updates (it has started up); yields its process id.
    """
    polls = len(emu.calls_of("getUpdates"))
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=bot_env(emu, data_dir, **extra),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        for _ in range(1200):  # two minutes at most on a busy machine
            if len(emu.calls_of("getUpdates")) > polls or bot.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert bot.returncode is None, "the bot started"
        assert len(emu.calls_of("getUpdates")) > polls, "the bot polls for updates"
        yield bot.pid
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
