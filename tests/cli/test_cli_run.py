"""The command line: a clear one-line answer when the token is missing, and no token in logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.logs import JsonFormatter, RedactSecret, SecretFreeFormatter

ROOT = Path(__file__).resolve().parents[2]


def test_run_without_a_token_says_what_to_set_and_fails(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=60, check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]


def test_the_token_never_reaches_a_log_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecret("123456:SECRET"))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    logger.warning("POST https://api.telegram.org/bot%s/getMe failed", "123456:SECRET")
    logger.removeHandler(handler)
    line = stream.getvalue()
    assert "SECRET" not in line and "[token]" in line and '"level": "WARNING"' in line


async def test_photo_check_workers_exit_when_the_running_bot_is_killed_with_kill_9(
    tmp_path: Path,
) -> None:
    from bot.emulator import Emulator
    from tests.auxil.processes import children_of, wait_until_gone

    token = "123456:KILL-test_token"
    async with Emulator(bot_token=token, bot_username="kill_test_bot") as emu:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": emu.api_url,
               "TELEGRAM_FILE_URL": emu.file_url, "DATA_DIR": str(tmp_path / "data"),
               "QUALITY_WORKERS": "2"}
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT,
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            workers: list[int] = []
            for _ in range(600):  # until both workers have started (a minute at most)
                workers = [pid for pid in children_of(bot.pid) if _is_worker(pid)]
                if len(workers) == 2 or bot.returncode is not None:
                    break
                await asyncio.sleep(0.1)
            assert len(workers) == 2, "the running bot has its two photo-check workers"
            children = children_of(bot.pid)
            bot.kill()  # SIGKILL: no clean-up code runs in the bot
            await bot.wait()
            assert await asyncio.to_thread(wait_until_gone, children) == []
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()


def _is_worker(pid: int) -> bool:
    try:
        return b"quality_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_other_libraries_records_and_exceptions_are_logged_without_their_values() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SecretFreeFormatter("123456:SECRET"))
    library = logging.getLogger("telegram.ext.Application")
    ours = logging.getLogger("bot.test")
    for logger in (library, ours):
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
    library.debug("Processing update %s (%d%%)", {"first_name": "Zebedee"}, 7)
    born, token = "-".join(("1961", "11", "07")), ":".join(("123456", "SECRET"))
    try:
        raise ValueError(f"Invalid isoformat string: {born!r} at {token}")
    except ValueError:
        ours.exception("update failed", extra={"update_id": 42})
    for logger in (library, ours):
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "Processing update […] ([…]%)"
    assert second["update_id"] == 42 and "ValueError" in second["exception"]
    assert "test_cli_run.py" in second["exception"], "the traceback is kept"
    for secret in ("Zebedee", "1961-11-07", "SECRET"):
        assert secret not in stream.getvalue()
