"""Refuse to start the sandbox beside a real bot token; it never contacts Telegram."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dotenv import dotenv_values

SANDBOX_TOKEN = "123456:SANDBOX-fake-token-never-sent-to-Telegram"
BOT_USERNAME = "telederm_sandbox_bot"
_REAL = re.compile(r"^\d{6,12}:[A-Za-z0-9_-]{30,}$")


def looks_real(token: str | None) -> bool:
    """Whether a token has the shape of one from @BotFather (digits, colon, 35 characters)."""
    if not token or token == SANDBOX_TOKEN:
        return False
    return bool(_REAL.match(token.strip()))


def real_token_problem(env_file: Path = Path(".env")) -> str | None:
    """What to tell the user if a real-looking TELEGRAM_BOT_TOKEN is set, else None."""
    places = []
    if looks_real(os.environ.get("TELEGRAM_BOT_TOKEN")):
        places.append("the environment")
    if env_file.is_file() and looks_real(dotenv_values(env_file).get("TELEGRAM_BOT_TOKEN")):
        places.append(str(env_file))
    if not places:
        return None
    return (f"TELEGRAM_BOT_TOKEN in {' and '.join(places)} looks like a real bot token. "
            "The sandbox never contacts Telegram and uses its own fake token, so it refuses to "
            "start beside a real one: unset TELEGRAM_BOT_TOKEN (or move .env aside) and try again.")
