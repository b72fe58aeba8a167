"""The typed context every handler and job receives: `context.services` instead of a lookup.

python-telegram-bot builds one `BotContext` per update or job (`ContextTypes(context=...)` in
`bot.app`); the services are put in `bot_data` once, when the bot starts.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.handlers.bot_api import TelegramBot
from bot.services.container import Services

SERVICES_KEY = "services"
"""The `bot_data` key the composition root stores the `Services` under."""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """python-telegram-bot's `CallbackContext` with the bot's services on it."""

    @property
    def services(self) -> Services:
        """The running bot's services; RuntimeError before start-up has opened them."""
        found = self.bot_data.get(SERVICES_KEY)
        if not isinstance(found, Services):
            raise RuntimeError("the services are not open yet")
        return found


BotApplication = Application[TelegramBot, BotContext, dict[Any, Any], dict[Any, Any],
                             dict[Any, Any], JobQueue[BotContext]]
"""The bot's Application: the typed `BotContext` for handlers and jobs."""
