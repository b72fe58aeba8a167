"""Builds the python-telegram-bot Application: settings, store, services and handler wiring."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from telegram import LinkPreviewOptions
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.channels.dispatch import Dispatcher
from bot.channels.setup import record_channels
from bot.config import Settings
from bot.inbox.alerts import stop_alerts
from bot.inbox.decisions import Inbox
from bot.inbox.routing import submission_messages
from bot.inbox.staff import StaffDesk
from bot.journey.service import Journey
from bot.services.attempts import WrongTries
from bot.services.buttons import ButtonSigner, signer_for_token
from bot.services.delivery import OutboxWorker
from bot.services.erasure import recover
from bot.services.quality_pool import QualityPool
from bot.services.reminders import alert_waiting, chase_open_outcomes, remind_stalled
from bot.services.retention import purge
from bot.store import Store, open_store

log = logging.getLogger("bot.app")


@dataclass
class Services:
    """What handlers call: the store and the plain services built on it."""

    settings: Settings
    store: Store
    quality: QualityPool
    journey: Journey
    inbox: Inbox
    staff: StaffDesk
    signer: ButtonSigner
    outbox: OutboxWorker | None = None
    turns: dict[int, asyncio.Lock] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def turn(self, user_id: int) -> asyncio.Lock:
        """The lock that makes one person's updates answered one after another, in order."""
        return self.turns.setdefault(user_id, asyncio.Lock())

    def queued(self) -> None:
        """Something was put in the outbox: deliver it now."""
        if self.outbox is not None:
            self.outbox.wake()

    async def stop_tasks(self) -> None:
        """Stop the outbox and retention tasks (before the bot's connection closes)."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    async def close(self) -> None:
        """Stop the background tasks and the workers, and close the store."""
        await self.stop_tasks()
        await self.quality.close()
        await self.store.close()


async def open_services(settings: Settings, bot_username: str,
                        store: Store | None = None) -> Services:
    """Open the store, unless given one already open (finishing interrupted erasures,
    sweeping orphan photo files) and start the quality workers."""
    store = store or await open_store(settings.database_path, settings.photos_dir)
    await recover(store)
    quality = QualityPool(settings.quality_workers,
                          time_limit=settings.quality_time_limit_seconds)
    await quality.warm_up()
    wake: list[Services] = []

    def queued() -> None:
        if wake:
            wake[0].queued()

    wrong_tries = WrongTries(store)  # one count per account for invite links and join codes
    journey = Journey(store, quality, retention_days=settings.retention_days,
                      invite_valid_days=settings.invite_valid_days,
                      max_file_bytes=settings.max_download_bytes, on_queued=queued,
                      wrong_tries=wrong_tries, deliveries=submission_messages,
                      stop_alerts=stop_alerts)
    staff = StaffDesk(store, bot_username=bot_username,
                      invite_valid_days=settings.invite_valid_days,
                      stalled_after_days=settings.stalled_after_days, wrong_tries=wrong_tries)
    inbox = Inbox(store, queued, referral_days=settings.referral_send_days)
    found = Services(settings, store, quality, journey, inbox, staff,
                     signer_for_token(settings.token()))
    wake.append(found)
    return found


async def _housekeeping(services: Services) -> None:
    """Now and every PURGE_EVERY_HOURS: delete what is past its retention period, remind
    patients who stalled, and remind staff of cases waiting for a person."""
    while True:
        try:
            await purge(services.store, services.settings.retention_days)
            days = services.settings.stalled_after_days
            chased = await chase_open_outcomes(services.store,
                                               services.settings.referral_send_days)
            if await remind_stalled(services.store, days) + await alert_waiting(
                    services.store, days) + chased:
                services.queued()
        except Exception:
            log.exception("housekeeping failed")
        await asyncio.sleep(services.settings.purge_every_hours * 3600)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the services of the running application."""
    found = context.application.bot_data["services"]
    assert isinstance(found, Services)
    return found


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """Build the bot for these settings; services open on start-up and close on shutdown."""
    from bot.handlers.bot_api import build_bot
    from bot.handlers.delivery import TelegramSender, alert_staff
    from bot.handlers.invite import DRAFT
    from bot.handlers.persistence import StorePersistence
    from bot.handlers.wiring import COMMANDS, register

    # The staff /invite conversation is durable: python-telegram-bot loads it from the store
    # before post_init, so the persistence opens the store and the services reuse it.
    persistence = StorePersistence(
        lambda: open_store(settings.database_path, settings.photos_dir), kept_keys=(DRAFT,))

    async def start_up(app: Application) -> None:  # type: ignore[type-arg]
        found = await open_services(settings, app.bot.username, await persistence.store())
        app.bot_data["services"] = found
        telegram = TelegramSender(app.bot, found.store, found.signer, found)
        sender = Dispatcher(found.store, telegram, record_channels(settings),
                            pack_limit=settings.referral_pack_max_bytes, queued=found.queued,
                            alert_after=settings.delivery_alert_after_tries)

        async def undeliverable(item, reason):  # type: ignore[no-untyped-def]
            if not await sender.undeliverable(item, reason):
                await alert_staff(found.store, item, reason, app.bot.username)
            found.queued()

        found.outbox = OutboxWorker(found.store, sender, undeliverable,
                                    on_not_started=undeliverable)
        found.tasks.append(asyncio.create_task(found.outbox.run(), name="outbox"))
        found.tasks.append(asyncio.create_task(_housekeeping(found), name="housekeeping"))
        await app.bot.set_my_commands(COMMANDS)

    async def stopping(app: Application) -> None:  # type: ignore[type-arg]
        found = app.bot_data.get("services")
        if isinstance(found, Services):
            await found.stop_tasks()

    async def shut_down(app: Application) -> None:  # type: ignore[type-arg]
        found = app.bot_data.pop("services", None)
        if isinstance(found, Services):
            await found.close()

    app = (
        ApplicationBuilder()
        # No link preview cards, ever: a link a patient typed must not fetch or show a page in
        # the GP's chat (issue 12, item 14); the bot's own links do not need one either.
        .bot(build_bot(settings.token(), settings.telegram_api_url, settings.telegram_file_url,
                       Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True))))
        .persistence(persistence)
        .post_init(start_up)
        .post_stop(stopping)
        .post_shutdown(shut_down)
        .concurrent_updates(True)
        .build()
    )
    register(app)
    return app
