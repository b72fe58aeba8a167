"""The typed context every handler and job receives: `context.services` instead of a lookup.

python-telegram-bot builds one `BotContext` per update or job (`ContextTypes(context=...)` in
`bot.app`); the services are put in `bot_data` once, when the bot starts.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, Job, JobQueue

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

    @property
    def existing_user_data(self) -> dict[Any, Any] | None:
        """This person's `user_data` if anything was ever put there, else None.

        Unlike `user_data`, reading it does not create an empty entry: python-telegram-bot keeps
        `user_data` per person for the life of the process, so a check made on every message
        (is this person being asked for something?) must not add one per patient.
        """
        user = self._user_id
        return self.application.user_data.get(user) if user is not None else None

    async def refresh_data(self) -> None:
        """python-telegram-bot's refresh before each handler, without making an empty
        `user_data` for everyone an update comes from: only a person who has one is refreshed
        (the staff /invite persistence keeps user_data, for the few staff with a draft)."""
        persistence = self.application.persistence
        if persistence is None:
            return
        if persistence.store_data.bot_data:
            await persistence.refresh_bot_data(self.bot_data)
        chat_data = self.chat_data if persistence.store_data.chat_data else None
        if self._chat_id is not None and chat_data is not None:
            await persistence.refresh_chat_data(chat_id=self._chat_id, chat_data=chat_data)
        found = self.existing_user_data
        if persistence.store_data.user_data and self._user_id is not None and found is not None:
            await persistence.refresh_user_data(user_id=self._user_id, user_data=found)


class BotApplication(Application[TelegramBot, BotContext, dict[Any, Any], dict[Any, Any],
                                 dict[Any, Any], JobQueue[BotContext]]):
    """The bot's Application: the typed `BotContext` for handlers and jobs, and no per-person
    bookkeeping for a persistence that does not keep it.

    python-telegram-bot notes the id of every person and chat an update comes from, for its
    persistence to save their `user_data` and `chat_data`, and forgets those ids only when a
    persistence saves them: without one (or with one that keeps neither) the sets grow by one
    id per person, for ever. This keeps them only for what a persistence will save, and of
    people only those who have a `user_data` (saving reads `user_data[id]`, which would make
    an empty one for every patient).
    """

    def _mark_for_persistence_update(self, *, update: object | None = None,
                                     job: Job[Any] | None = None) -> None:
        super()._mark_for_persistence_update(update=update, job=job)
        kept = self.persistence.store_data if self.persistence is not None else None
        if kept is None or not kept.user_data:
            self._user_ids_to_be_updated_in_persistence.clear()
        else:
            self._user_ids_to_be_updated_in_persistence.intersection_update(self._user_data)
        if kept is None or not kept.chat_data:
            self._chat_ids_to_be_updated_in_persistence.clear()
