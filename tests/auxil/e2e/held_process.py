"""The real bot as its own process (`python -m bot run`), to hold at a moment and kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store import open_store
from tests.auxil.e2e.bot_app import TOKEN

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90.0
"""How long a fresh process may take to answer its first message (the photo workers start)."""


@dataclass
class BotProcess:
    """A running `python -m bot run`, with the test hooks of `bot/testpoints.py`."""

    process: asyncio.subprocess.Process
    mark: Path
    release: Path

    async def held_at(self, moment: str, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the bot is holding at this moment."""
        for _ in range(int(timeout / 0.05)):
            if self.mark.exists() and moment in self.mark.read_text().split():
                return
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot never reached {moment}")

    def go_on(self) -> None:
        """Let a held bot go on."""
        self.release.touch()

    async def kill_9(self) -> None:
        """SIGKILL: no clean-up code of the bot runs."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()


@asynccontextmanager
async def bot_process(emu: Emulator, data_dir: Path, *, hold_at: str = "",
                      umask: int | None = None, log_level: str = "INFO",
                      log_to: Path | None = None) -> AsyncIterator[BotProcess]:
    """Run the bot as its own process against the emulator for the block; killed at the end."""
    hooks = data_dir.parent / "hooks"
    hooks.mkdir(exist_ok=True)
    mark, release = hooks / f"mark-{os.urandom(4).hex()}", hooks / f"go-{os.urandom(4).hex()}"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.api_url,
           "TELEGRAM_FILE_URL": emu.file_url, "DATA_DIR": str(data_dir),
           "QUALITY_WORKERS": "1", "LOG_LEVEL": log_level, "BOT_PAUSE_AT": hold_at,
           "BOT_PAUSE_MARK": str(mark), "BOT_PAUSE_RELEASE": str(release),
           "BOT_PAUSE_SECONDS": "120"}
    command = [sys.executable, "-m", "bot", "run"]
    if umask is not None:
        command = ["sh", "-c", f'umask {umask:03o} && exec "$0" -m bot run', sys.executable]
    log: Any = (open(log_to, "wb")  # noqa: SIM115, ASYNC230 (opened once, before the bot)
                if log_to else asyncio.subprocess.DEVNULL)
    try:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log)
        running = BotProcess(process, mark, release)
        try:
            yield running
        finally:
            await running.kill_9()
    finally:
        if log_to:
            log.close()


async def wait_until_ready(person: TelegramUser) -> None:
    """Send /help and wait for the answer: the process has started and is polling."""
    await person.send_command("/help")
    await person.next_message(timeout=START_SECONDS)


def query(data_dir: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read the bot's database from outside the bot (a short read, no write)."""
    with closing(sqlite3.connect(data_dir / "telederm.sqlite3")) as conn:
        return list(conn.execute(sql, params).fetchall())


def files_under(root: Path) -> list[Path]:
    """Every file under a folder."""
    return sorted(p for p in root.rglob("*") if p.is_file())


async def practice_with_receptionist(data_dir: Path, gp: TelegramUser,
                                     receptionist: TelegramUser) -> str:
    """The Lawson Practice, its GP, its receptionist and an invite for the GP; the token."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
        member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
        await store.practices.add_member(practice.id, receptionist.id, "staff", "Rita")
        _, token = await store.invites.create(practice.id, "P-810", "1980-02-03",
                                              valid_days=7, gp_member_id=member.id)
    finally:
        await store.close()
    return token
