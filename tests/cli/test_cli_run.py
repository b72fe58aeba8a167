"""The command line: a clear one-line answer when the token is missing, and no token in logs."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.logs import JsonFormatter, RedactSecret


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
