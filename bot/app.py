"""Builds the python-telegram-bot Application: settings, store, services and handler wiring."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.journey.service import Journey
from bot.services.quality_pool import QualityPool
from bot.store import Store, open_store


@dataclass
class Services:
    """What handlers call: the store and the plain services built on it."""

    settings: Settings
    store: Store
    quality: QualityPool
    journey: Journey
    turns: dict[int, asyncio.Lock] = field(default_factory=dict)

    def turn(self, user_id: int) -> asyncio.Lock:
        """The lock that makes one person's updates answered one after another, in order."""
        return self.turns.setdefault(user_id, asyncio.Lock())

    async def close(self) -> None:
        """Stop the workers and close the store."""
        self.quality.close()
        await self.store.close()


async def open_services(settings: Settings) -> Services:
    """Open the store and start the quality workers."""
    store = await open_store(settings.database_path, settings.photos_dir)
    quality = QualityPool(settings.quality_workers)
    await quality.warm_up()
    journey = Journey(store, quality, retention_days=settings.retention_days,
                      invite_valid_days=settings.invite_valid_days,
                      max_file_bytes=settings.max_download_bytes)
    return Services(settings, store, quality, journey)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the services of the running application."""
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """Build the bot for these settings; services open on start-up and close on shutdown."""
    from bot.handlers.wiring import register

    async def start_up(app: Application) -> None:  # type: ignore[type-arg]
        app.bot_data["services"] = await open_services(settings)
        await app.bot.set_my_commands(
            [("help", "What I do and how"), ("status", "Where am I"), ("cancel", "Stop"),
             ("delete", "Delete my photos and answers")]
        )

    async def shut_down(app: Application) -> None:  # type: ignore[type-arg]
        found = app.bot_data.pop("services", None)
        if isinstance(found, Services):
            await found.close()

    app = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .post_init(start_up)
        .post_shutdown(shut_down)
        .concurrent_updates(True)
        .build()
    )
    register(app)
    return app
