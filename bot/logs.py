"""Structured (JSON-lines) logging that never holds the bot token or personal data.

Our own loggers (`bot.*`) log ids, kinds, stages and counts, never message contents. Other
libraries' records (python-telegram-bot, httpx, aiosqlite...) are kept at every level but
without their arguments: at DEBUG python-telegram-bot logs whole updates and Bot API calls
("Processing update %s") and aiosqlite every SQL call with its values, which hold names,
usernames, dates of birth, typed answers and invite tokens. Such a record is written as its
template with each argument replaced by `[…]`. Exceptions are written as their type and
traceback, without their message (which can quote a value). The token is removed from the
whole line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from types import TracebackType
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
OWN = "bot"
"""Loggers under this name are the bot's own; every other logger's arguments are withheld."""
WITHHELD = "[…]"
_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[#0\- +]*(\*|\d+)?(\.(\*|\d+))?[diouxXeEfFgGcrsa%]")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def own(record: logging.LogRecord) -> bool:
    """True for the bot's own loggers (`bot` and `bot.*`)."""
    return record.name == OWN or record.name.startswith(OWN + ".")


def template(record: logging.LogRecord) -> str:
    """The record's message with every %-argument replaced by `[…]` (`%%` stays `%`)."""
    if not isinstance(record.msg, str):
        return f"({type(record.msg).__name__}) {WITHHELD}"
    return _PLACEHOLDER.sub(lambda m: "%" if m.group(0) == "%%" else WITHHELD, record.msg)


def exception_text(info: ExcInfo) -> str:
    """The traceback and the exception's type (and its causes'), without their messages."""
    kind, error, tb = info
    lines = ["Traceback (most recent call last):\n", *traceback.format_tb(tb),
             f"{kind.__module__}.{kind.__qualname__} (message withheld)"]
    cause = error.__cause__ or error.__context__
    if cause is not None and cause is not error:
        lines.insert(0, exception_text((type(cause), cause, cause.__traceback__)) +
                     "\n\nDuring handling of it, another exception occurred:\n\n")
    return "".join(lines)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the bot's structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as JSON, withholding what may hold personal data."""
        mine = own(record)
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage() if mine else template(record),
        }
        if mine:
            entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = exception_text(record.exc_info)
        return json.dumps(entry, default=str)


class RedactSecret(logging.Filter):
    """Replace a secret (the bot token) wherever it would appear in a log record's message."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the secret; always keep the record."""
        if self._secret and self._secret in record.getMessage():
            record.msg = record.getMessage().replace(self._secret, "[token]")
            record.args = None
        return True


class SecretFreeFormatter(JsonFormatter):
    """The JSON formatter, with a secret removed from the finished line (traceback included)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def format(self, record: logging.LogRecord) -> str:
        """Render as JSON, then replace the secret wherever it appears."""
        line = super().format(record)
        return line.replace(self._secret, "[token]") if self._secret else line


def configure(level: str, secret: str = "") -> None:
    """Send JSON logs to stderr at `level`; keep HTTP client logs (URLs carry the token) quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SecretFreeFormatter(secret))
    if secret:
        handler.addFilter(RedactSecret(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
