"""The composition root: builds the python-telegram-bot Application, its services (in the order
they depend on each other) and its handlers; nothing else imports this module's internals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, JobQueue

from bot.channels.dispatch import Dispatcher
from bot.channels.record_answers import MeshInbox, RecordAnswers
from bot.channels.setup import mesh_settings, record_channels
from bot.config import Settings
from bot.domain.working_days import WORKING_DAYS, today_is_working_day
from bot.handlers.albums import restore as restore_album_steps
from bot.handlers.bot_api import TelegramBot, build_bot
from bot.handlers.context import SERVICES_KEY, BotApplication, BotContext
from bot.handlers.delivery import TelegramSender, alert_staff
from bot.handlers.group_rights import RIGHTS_CHECK_EVERY, recheck_inbox_groups
from bot.handlers.invite import DRAFT
from bot.handlers.ordering import PerUserOrder
from bot.handlers.patient import send_to_patient
from bot.handlers.persistence import StorePersistence
from bot.handlers.questions import take_off_left
from bot.handlers.wiring import COMMANDS, register
from bot.inbox.alerts import stop_alerts
from bot.inbox.chasing import LIST_AT, catch_up_due, list_to_chase, urgent_chase_hours
from bot.inbox.decisions import Inbox
from bot.inbox.referral_again import chase_referrals_again
from bot.inbox.routing import submission_messages
from bot.inbox.staff import StaffDesk
from bot.journey.service import Journey
from bot.services.attempts import WrongTries
from bot.services.buttons import signer_for_token
from bot.services.container import Services
from bot.services.delivery import OutboxWorker
from bot.services.erasure import recover
from bot.services.photo_metadata import strip_stored_photos
from bot.services.quality_pool import QualityPool
from bot.services.reminders import (
    alert_waiting,
    chase_referrals,
    chase_urgent_tasks,
    remind_stalled,
)
from bot.services.retention import purge
from bot.store import Store, open_store
from bot.store.models import OutboxItem

__all__ = ["BotApplication", "Services", "build_application", "open_services"]

log = logging.getLogger("bot.app")

OUTBOX_TASK = "outbox"


async def open_services(settings: Settings, bot: TelegramBot,
                        store: Store | None = None) -> Services:
    """Open the store, unless given one already open (finishing interrupted erasures, sweeping
    orphan photo files, stripping once the metadata older versions kept in stored photos
    (`bot.services.photo_metadata`), deleting photo messages held for a choice of request
    that the restart lost), start the quality workers, and build every service on them, each
    after what it needs.

    The store is given when the persistence opened it: python-telegram-bot loads the durable
    staff conversations before `post_init`, so the persistence opens the store first.
    The outbox worker's wake-up event is made first, so the journey, the inbox and the record
    channels can say "queued" from the start; the worker itself is built last, on the sender.
    """
    store = store or await open_store(settings.database_path, settings.photos_dir)
    await recover(store)
    await strip_stored_photos(store)  # once: photos an older version kept with their metadata
    # Photos held for a choice of request are kept in memory only, so none is held now: their
    # messages still in patients' chats go (`bot.journey.photo_choice`).
    lost = await store.outbox.forget_held()
    log.info("start-up: held photo messages queued for deletion", extra={"count": lost})
    quality = QualityPool(settings.quality_workers,
                          time_limit=settings.quality_time_limit_seconds)
    await quality.warm_up()
    wake = asyncio.Event()
    wrong_tries = WrongTries(store)  # one count per account for invite links and join codes
    journey = Journey(store, quality, retention_days=settings.retention_days,
                      invite_valid_days=settings.invite_valid_days,
                      max_file_bytes=settings.max_download_bytes, on_queued=wake.set,
                      wrong_tries=wrong_tries, deliveries=submission_messages,
                      stop_alerts=stop_alerts)
    staff = StaffDesk(store, bot_username=bot.username,
                      invite_valid_days=settings.invite_valid_days,
                      stalled_after_days=settings.stalled_after_days, wrong_tries=wrong_tries)
    inbox = Inbox(store, wake.set, referral_days=settings.referral_send_days)
    signer = signer_for_token(settings.token())
    telegram = TelegramSender(bot, store, signer, resume=journey.resume,
                              pack_limit=settings.referral_pack_max_bytes)
    sender = Dispatcher(store, telegram, record_channels(settings),
                        pack_limit=settings.referral_pack_max_bytes, queued=wake.set,
                        alert_after=settings.delivery_alert_after_tries)

    async def undeliverable(item: OutboxItem, reason: str) -> None:
        if not await sender.undeliverable(item, reason):
            await alert_staff(store, item, reason, bot.username)
        wake.set()

    outbox = OutboxWorker(store, sender, undeliverable, on_not_started=undeliverable, wake=wake)
    mesh = mesh_settings(settings)
    answers = RecordAnswers(store, MeshInbox(mesh), wake.set) if mesh is not None else None
    return Services(settings, store, quality, journey, inbox, staff, signer, outbox,
                    record_answers=answers)


async def housekeeping(context: BotContext) -> None:
    """Job run at start and every PURGE_EVERY_HOURS: delete what is past its retention period,
    remind patients who stalled, and remind staff of cases waiting for a person (a GP, a
    referral to send; urgent tasks have their own job, `urgent_chase`)."""
    services = context.services
    settings = services.settings
    store, days = services.store, settings.stalled_after_days
    jobs: tuple[tuple[str, Callable[[], Awaitable[int]]], ...] = (
        ("purge", lambda: purge(store, settings.retention_days)),
        ("chase", lambda: chase_referrals(store, settings.referral_send_days)),
        ("stalled", lambda: remind_stalled(store, days)),
        ("waiting", lambda: alert_waiting(store, days)),
    )
    queued = 0
    for name, job in jobs:  # one failing part never stops the others (an urgent chase...)
        try:
            done = await job()
        except Exception:
            log.exception("housekeeping failed", extra={"part": name})
            continue
        queued += done if name != "purge" else 0
    if queued:
        services.queued()


async def chase_list(context: BotContext) -> None:
    """Job run each working day at `LIST_AT` (UK time), and at start-up during working hours
    if the day's list has not gone (`catch_up_due`): tell each practice's staff of the requests
    newly stalled and the links left unopened (`bot.inbox.chasing.list_to_chase`). Nothing
    on England's bank holidays (`today_is_working_day`): what is new goes the next working day.
    """
    if not today_is_working_day():
        return
    services = context.services
    try:
        queued = await list_to_chase(services.store, services.staff,
                                     days=services.settings.stalled_after_days)
    except Exception:
        log.exception("chase list failed")
        return
    if queued:
        services.queued()


REFERRAL_CHASE = "referral chase"
"""The name of the job that chases referrals not marked sent each working day."""


async def referral_chase(context: BotContext) -> None:
    """Job run each working day at `LIST_AT` (UK time), and at start-up during working hours
    (`catch_up_due`): remind staff again of each referral still not marked sent on e-RS
    (`bot.inbox.referral_again.chase_referrals_again`, once a working day per case, hazard
    log H68); nothing on weekends or England's bank holidays (checked there)."""
    services = context.services
    try:
        queued = await chase_referrals_again(services.store,
                                             services.settings.referral_send_days)
    except Exception:
        log.exception("referral chase failed")
        return
    if queued:
        services.queued()


URGENT_CHASE_EVERY = 30 * 60
"""How often (seconds) the bot looks for urgent tasks due to be chased again."""


async def urgent_chase(context: BotContext) -> None:
    """Job run at start and every `URGENT_CHASE_EVERY`: in working hours
    (`urgent_chase_hours`), send staff again each urgent task not marked done for
    `URGENT_CHASE_HOURS` (`bot.services.reminders.chase_urgent_tasks`)."""
    if not urgent_chase_hours():
        return
    services = context.services
    try:
        queued = await chase_urgent_tasks(services.store)
    except Exception:
        log.exception("urgent chase failed")
        return
    if queued:
        services.queued()


async def read_record_answers(context: BotContext) -> None:
    """Job run every MESH_INBOX_EVERY_MINUTES while MESH is set up: read the bot's MESH inbox
    for what the practices' clinical systems and MESH said about the cases sent
    (`bot.channels.record_answers`), then tell staff of cases nothing came back about in a
    day before the inbox was last read (`chase_unanswered`: while the inbox cannot be read,
    nobody is blamed for not answering); a failure is logged and the next run tries again."""
    services = context.services
    if services.record_answers is None:
        return
    try:
        await services.record_answers.read_inbox()
    except Exception as error:  # MESH down, a network error: the next run reads it
        log.warning("MESH inbox not read", extra={"reason": type(error).__name__})
    try:  # then what never got an answer, up to the last time the inbox was read
        await services.record_answers.chase_unanswered()
    except Exception:
        log.exception("unanswered MESH cases not chased")


def build_application(settings: Settings) -> BotApplication:
    """Build the bot for these settings; services open on start-up and close on shutdown.

    The outbox worker runs as its own task rather than a job: it sleeps until something is
    queued (woken at once by `Services.queued`) or the next retry is due, which a fixed
    `JobQueue` interval cannot express without either polling or delaying each delivery.
    """
    outbox_task: list[asyncio.Task[None]] = []
    # The staff /invite conversation is durable: python-telegram-bot loads it from the store
    # before post_init, so the persistence opens the store and the services reuse it.
    persistence = StorePersistence(
        lambda: open_store(settings.database_path, settings.photos_dir), kept_keys=(DRAFT,))

    async def start_up(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        assert isinstance(app, BotApplication)
        found = await open_services(settings, app.bot, await persistence.store())
        app.bot_data[SERVICES_KEY] = found
        outbox_task.append(asyncio.create_task(found.outbox.run(), name=OUTBOX_TASK))
        # buttons a stopped process marked to come off and left on (bot/handlers/questions.py)
        outbox_task.append(asyncio.create_task(take_off_left(app.bot, found.store),
                                               name="take off questions left"))
        assert app.job_queue is not None
        # A late run (a busy loop) still runs, once: with APScheduler's default grace of 1 s it
        # would be skipped until the next interval. The first run is now, as python-telegram-bot
        # advises (`first=0` would wait a whole interval, the scheduler starting after this).
        job = app.job_queue.run_repeating(
            housekeeping, interval=settings.purge_every_hours * 3600, name="housekeeping",
            job_kwargs={"misfire_grace_time": None, "coalesce": True})
        await job.run(app)
        urgent = app.job_queue.run_repeating(
            urgent_chase, interval=URGENT_CHASE_EVERY, name="urgent chase",
            job_kwargs={"misfire_grace_time": None, "coalesce": True})
        await urgent.run(app)
        # Telegram tells the bot nothing when an inbox group's settings let it post again (H49)
        app.job_queue.run_repeating(
            recheck_inbox_groups, interval=RIGHTS_CHECK_EVERY, name="inbox group rights",
            job_kwargs={"misfire_grace_time": None, "coalesce": True})
        daily = app.job_queue.run_daily(
            chase_list, time=LIST_AT, days=WORKING_DAYS, name="chase list",
            job_kwargs={"misfire_grace_time": None, "coalesce": True})
        referrals = app.job_queue.run_daily(
            referral_chase, time=LIST_AT, days=WORKING_DAYS, name=REFERRAL_CHASE,
            job_kwargs={"misfire_grace_time": None, "coalesce": True})
        if catch_up_due():  # started after today's list was due: what is new goes now
            await daily.run(app)
            await referrals.run(app)
        if found.record_answers is not None:  # acknowledgements and non-delivery by MESH
            app.job_queue.run_repeating(
                read_record_answers, interval=settings.mesh_inbox_every_minutes * 60,
                first=1, name="MESH inbox",
                job_kwargs={"misfire_grace_time": None, "coalesce": True})
        # a step held for an album when the bot last stopped
        await restore_album_steps(app, send_to_patient)
        await app.bot.set_my_commands(COMMANDS)

    async def stopping(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Stop the outbox before the bot's connection closes."""
        while outbox_task:
            task = outbox_task.pop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def shut_down(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        found = app.bot_data.pop(SERVICES_KEY, None)
        if isinstance(found, Services):
            await found.close()

    context_types = ContextTypes(context=BotContext)
    app = cast(BotApplication, (
        ApplicationBuilder()
        .application_class(BotApplication)
        # No link preview cards, ever: a link a patient typed must not fetch or show a page in
        # the GP's chat (issue 12, item 14); the bot's own links do not need one either. Every
        # text and caption goes with the HTML parse mode: plain words (the patient's journey, a
        # practice's name such as "Smith & Jones", a person's own words) are escaped as they are
        # sent, by `bot.handlers.escaping.plain`, and text built as HTML is marked `Html`.
        .bot(build_bot(settings.token(), settings.telegram_api_url, settings.telegram_file_url,
                       Defaults(parse_mode=ParseMode.HTML,
                                link_preview_options=LinkPreviewOptions(is_disabled=True))))
        .context_types(context_types)
        .job_queue(JobQueue[BotContext]())
        .persistence(persistence)
        .post_init(start_up)
        .post_stop(stopping)
        .post_shutdown(shut_down)
        .concurrent_updates(PerUserOrder())
        .build()
    ))
    register(app)
    return app
