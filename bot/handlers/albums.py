"""Photos sent as an album: the next step is held until the album's photos are all judged.

An album arrives as separate messages sharing a `media_group_id`, one update each. The journey
judges each photo as it comes and keeps the case moving, but holds the next step ("Photo 2 of
3...", the first question, the review) while more of the album may follow
(`Journey.album_owed`). Each album photo handled (re)starts a short wait, a JobQueue job; when
it runs with no newer photo of the album, the step still wanted is sent
(`Journey.album_prompt`). So nothing is lost if the album's last photo never comes.

The step owed is also noted in the store (`album_steps`, by the journey), so a restart
mid-album shows it once the bot is back (`restore`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import JobQueue

from bot.handlers.context import SERVICES_KEY, BotApplication, BotContext
from bot.journey.replies import Reply

Send = Callable[[BotContext, int, list[Reply]], Awaitable[object]]
"""How the step is sent to the patient's chat (`bot.handlers.patient.send_to_patient`)."""

ALBUM_WAIT = 2.5
"""Seconds after an album's photo is judged before its next step is shown, if no more come."""
log = logging.getLogger("bot.handlers")


def _name(user_id: int) -> str:
    return f"album step {user_id}"


def album_photo_arrived(context: BotContext, user_id: int) -> None:
    """Another photo of an album is being handled: no step is shown before it is judged."""
    if context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(_name(user_id)):
            job.schedule_removal()


def album_photo_judged(context: BotContext, user_id: int, chat_id: int, album: str,
                       send: Send) -> None:
    """After an album photo: wait for the rest, if the journey holds a step for this album
    (a refused photo's answer says itself what is still wanted)."""
    album_photo_arrived(context, user_id)
    if context.services.journey.album_owed(user_id) == album:
        _wait(context.job_queue, user_id, chat_id, album, restored=False, send=send)


def _wait(queue: JobQueue[Any] | None, user_id: int, chat_id: int, album: str, *,
          restored: bool, send: Send) -> None:
    assert queue is not None
    queue.run_once(_show_step, ALBUM_WAIT, name=_name(user_id), user_id=user_id,
                   chat_id=chat_id, data={"album": album, "restored": restored, "send": send})


async def _show_step(context: BotContext) -> None:
    """The wait ran out: the album's next step, if it is still owed."""
    job = context.job
    assert job is not None and job.user_id is not None and job.chat_id is not None
    data: dict[str, Any] = job.data  # type: ignore[assignment]
    replies = await context.services.journey.album_prompt(
        job.user_id, str(data["album"]), restored=bool(data["restored"]))
    if replies:
        await data["send"](context, job.chat_id, replies)


async def restore(app: BotApplication, send: Send) -> int:
    """At start-up: the step each patient was owed when the bot stopped mid-album (noted in
    the store), shown after the usual wait (their album's remaining photos, if Telegram sends
    them again, come first). Returns how many."""
    owed = await app.bot_data[SERVICES_KEY].journey.album_steps_owed()
    for user_id, chat_id, album in owed:
        _wait(app.job_queue, user_id, chat_id, album, restored=True, send=send)
    if owed:
        log.info("album steps owed before a restart", extra={"patients": len(owed)})
    return len(owed)
