"""Structured (JSON-lines) logging that never prints the bot token or a message's contents."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON."""
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RedactSecret(logging.Filter):
    """Replace a secret (the bot token) wherever it would appear in a log line."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the secret; always keep the record."""
        if self._secret and self._secret in record.getMessage():
            record.msg = record.getMessage().replace(self._secret, "[token]")
            record.args = None
        return True


def configure(level: str, secret: str = "") -> None:
    """Send JSON logs to stderr; keep HTTP client logs (which carry the token in URLs) quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    if secret:
        handler.addFilter(RedactSecret(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
