"""Builds the python-telegram-bot Application: settings, store, and handler wiring."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.services.intake import PhotoIntake
from bot.store import Store, open_store


@dataclass
class Services:
    """What handlers call: the store and the plain services built on it."""

    settings: Settings
    store: Store
    intake: PhotoIntake


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the services of the running application."""
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """Build the bot for these settings; the store opens on start-up and closes on shutdown."""
    from bot.handlers.wiring import register

    async def open_services(app: Application) -> None:  # type: ignore[type-arg]
        store = await open_store(settings.database_path, settings.photos_dir)
        app.bot_data["services"] = Services(settings, store, PhotoIntake(store))
        await app.bot.set_my_commands(
            [("help", "What I do and how"), ("status", "Where am I"), ("cancel", "Stop"),
             ("delete", "Delete my photos and answers")]
        )

    async def close_services(app: Application) -> None:  # type: ignore[type-arg]
        found = app.bot_data.pop("services", None)
        if isinstance(found, Services):
            await found.store.close()

    app = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .post_init(open_services)
        .post_shutdown(close_services)
        .concurrent_updates(True)
        .build()
    )
    register(app)
    return app
