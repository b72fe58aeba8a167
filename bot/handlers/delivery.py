"""Telegram side of the outbox: turn each queued item into messages, and errors into verdicts."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.content import text
from bot.handlers.bot_api import BACKGROUND, upload_seconds
from bot.handlers.context import BotContext
from bot.handlers.render import send_replies
from bot.inbox.digest import CaseDigest, build_digest
from bot.inbox.routing import redirected, staff_chats, still_a_recipient
from bot.journey.replies import Reply
from bot.services.buttons import ButtonSigner
from bot.services.delivery import NotStarted, TryLater, Undeliverable
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing, Stage

log = logging.getLogger("bot.delivery")
ApiBot = ExtBot[Any]
CANT_INITIATE = "can't initiate conversation"
"""Telegram's 403 for a bot writing first to someone who never opened it."""


def submission_part(submission: int) -> str:
    """The last part of every GP decision button: the submission it was made for (`s2`)."""
    return f"s{submission}"


def decision_keyboard(signer: ButtonSigner, chat_id: int, case_id: int,
                      submission: int) -> InlineKeyboardMarkup:
    """The GP's three choices for a case; each button carries the submission it was made for
    (`s2`), so a button from an earlier submission is refused once the patient resubmits."""
    made_for = submission_part(submission)
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(text("inbox.gp.refer"),
                              callback_data=signer.sign(chat_id, "refer", case_id, made_for))],
        [InlineKeyboardButton(text("inbox.gp.ask_photos"),
                              callback_data=signer.sign(chat_id, "photos", case_id, 0, made_for))],
        [InlineKeyboardButton(text("inbox.gp.appointment"),
                              callback_data=signer.sign(chat_id, "appt", case_id, made_for))],
    ])


@dataclass(frozen=True)
class PhotoPart:
    """One photo of a case as the GP receives it: a JPEG document with its label."""

    slot: str
    jpeg: bytes
    filename: str
    caption: str


def album_parts(digest: CaseDigest) -> list[PhotoPart]:
    """The photos as documents (not recompressed), captioned Locator / Close-up 1 / 2."""
    ref = digest.case.reference
    return [PhotoPart(shot.slot, shot.jpeg, f"{ref}-{shot.slot.replace('_', '-')}.jpg",
                      shot.label + (f" ({shot.note})" if shot.note else ""))
            for shot in digest.photos]


async def send_part(bot: ApiBot, chat_id: int, part: PhotoPart, rate: str | None = None) -> int:
    """One photo as a document, with time-outs that fit its size; its message id."""
    sent = await bot.send_document(chat_id, part.jpeg, filename=part.filename,
                                   caption=part.caption, rate_limit_args=rate,
                                   write_timeout=upload_seconds(len(part.jpeg)),
                                   read_timeout=upload_seconds(len(part.jpeg)))
    return sent.message_id


async def send_album(bot: ApiBot, chat_id: int, digest: CaseDigest,
                     rate: str | None = None) -> list[int]:
    """The photos, one document each, each sent once the previous one is confirmed (so a
    time-out can only leave one photo in doubt, never the set)."""
    return [await send_part(bot, chat_id, part, rate) for part in album_parts(digest)]


async def send_summary(bot: ApiBot, chat_id: int, digest: CaseDigest,
                       signer: ButtonSigner, rate: str | None = None) -> list[int]:
    """The summary, with the decision buttons while the case waits for a GP."""
    markup = (decision_keyboard(signer, chat_id, digest.case.id, digest.case.submissions)
              if digest.case.stage is Stage.SUBMITTED else None)
    sent = await bot.send_message(chat_id, digest.summary_html, parse_mode=ParseMode.HTML,
                                  reply_markup=markup, rate_limit_args=rate)
    return [sent.message_id]




async def send_notice(bot: ApiBot, chat_id: int, digest: CaseDigest,
                      signer: ButtonSigner, rate: str | None = None) -> list[int]:
    """"Telegram: notification only": the reference, where the case went, and the decision
    buttons; no photos, answers or pack."""
    from bot.channels.dispatch import where

    places = text("channels.gp.where_join").join(
        where(channel) for channel in digest.practice.record_channels)
    markup = (decision_keyboard(signer, chat_id, digest.case.id, digest.case.submissions)
              if digest.case.stage is Stage.SUBMITTED else None)
    sent = await bot.send_message(chat_id, text("channels.gp.notice",
                                                reference=digest.case.reference, where=places),
                                  reply_markup=markup, rate_limit_args=rate)
    return [sent.message_id]


async def send_pack(bot: ApiBot, chat_id: int, digest: CaseDigest, limit_bytes: int,
                    rate: str | None = None) -> list[int]:
    """The referral pack PDF for e-RS, named with its version after a re-submission."""
    from bot.channels.casefile import pack_pdf, pack_version

    ref = digest.case.reference
    pdf = await pack_pdf(digest, limit_bytes)
    version = pack_version(digest.version)
    sent = await bot.send_document(
        chat_id, pdf, filename=text("inbox.gp.pack_name", reference=ref, version=version),
        caption=text("inbox.gp.pack_caption", reference=ref, version=version),
        rate_limit_args=rate, write_timeout=upload_seconds(len(pdf)),
        read_timeout=upload_seconds(len(pdf)))
    return [sent.message_id]


async def deliver_case(bot: ApiBot, store: Store, chat_id: int, digest: CaseDigest,
                       signer: ButtonSigner, pack_limit: int) -> None:
    """Everything about a case, in order (photos one document each, summary with buttons,
    referral pack), each part remembered with its submission number."""
    for part, sent in (("album", await send_album(bot, chat_id, digest)),
                       ("summary", await send_summary(bot, chat_id, digest, signer)),
                       ("pack", await send_pack(bot, chat_id, digest, pack_limit))):
        await store.outbox.record_delivered(digest.case.id, chat_id, sent, part=part,
                                            submission=digest.version)


async def supersede(bot: ApiBot, store: Store, chat_id: int, case_id: int, reference: str,
                    version: int, rate: str | None = None) -> None:
    """Mark the summaries (or notices) and packs of a case's earlier submissions in this chat
    as superseded (their buttons removed), so the GP cannot attach an old pack."""
    earlier = [*await store.outbox.earlier_parts(case_id, chat_id, "summary", version),
               *await store.outbox.earlier_parts(case_id, chat_id, "notice", version)]
    for message_id, _ in earlier:
        with contextlib.suppress(BadRequest):
            await bot.edit_message_text(
                text("inbox.gp.superseded_summary", version=version, reference=reference),
                chat_id=chat_id, message_id=message_id, reply_markup=None,
                rate_limit_args=rate)
    for message_id, old in await store.outbox.earlier_parts(case_id, chat_id, "pack", version):
        with contextlib.suppress(BadRequest):
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id,
                caption=text("inbox.gp.superseded_pack", old=old or 1, version=version,
                             reference=reference), rate_limit_args=rate)


def task_keyboard(signer: ButtonSigner, chat_id: int, case_id: int) -> InlineKeyboardMarkup:
    """The "Done: patient phoned" button of an urgent task."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        text("inbox.staff.task_done"), callback_data=signer.sign(chat_id, "task_done", case_id))]])


async def retract(bot: ApiBot, chat_id: int, message_ids: list[int], reference: str,
                  reason: str) -> None:
    """Delete what a GP chat received about an erased case; where Telegram no longer allows
    it (after 48 hours), ask the GP to delete it."""
    kept = 0
    for message_id in message_ids:
        try:
            await bot.delete_message(chat_id, message_id)
        except BadRequest:
            kept += 1
    why = text({"patient": "inbox.gp.erased_by_patient",
                "practice": "inbox.gp.stopped_by_practice"}.get(reason,
                                                                "inbox.gp.erased_by_retention"))
    key = "inbox.gp.retract_ask" if kept else "inbox.gp.retracted"
    await bot.send_message(chat_id, text(key, reference=reference, why=why))


async def photos_off(bot: ApiBot, store: Store, chat_id: int, case_id: int,
                     rate: Any) -> None:
    """A record channel has the case: delete the patient's photo messages still in their chat
    (Telegram lets a bot do so in a private chat within 48 hours) and say so once. One that
    Telegram will not delete (too old, already gone) is forgotten; a network error retries."""
    removed = 0
    for chat, message_id in await store.outbox.chat_photos(case_id):
        if chat != chat_id:
            continue
        try:
            removed += bool(await bot.delete_message(chat_id, message_id,
                                                     rate_limit_args=rate))
        except BadRequest as refused:
            log.info("photo message not deleted after delivery",
                     extra={"case_id": case_id, "reason": type(refused).__name__})
        await store.outbox.forget_chat_photo(chat_id, message_id)
    log.info("photo messages deleted after delivery",
             extra={"case_id": case_id, "count": removed})
    if removed:
        await bot.send_message(chat_id, text("channels.patient.photos_off"),
                               rate_limit_args=rate)


NOT_A_RECIPIENT = "recipient no longer a member"
"""Why an item to a chat that should no longer receive its case was not sent."""


class TelegramSender:
    """Sends one outbox item through the Bot API; tells the worker whether to retry.

    Sends are marked `BACKGROUND`, so replies to people go first. The photos of a case go one
    document at a time, each recorded in the item's payload once Telegram confirms it: after
    a time-out or a restart only the photo in flight can be sent twice, never the set.
    """

    def __init__(self, bot: ApiBot, store: Store, signer: ButtonSigner, *,
                 resume: Callable[[int], Awaitable[list[Reply]]], pack_limit: int) -> None:
        """`resume(patient_user_id)` gives the patient's current prompt (the journey's);
        `pack_limit` is the largest referral pack (bytes) sent as a document."""
        self._bot = bot
        self._store = store
        self._signer = signer
        self._resume = resume
        self._pack_limit = pack_limit

    async def __call__(self, item: OutboxItem) -> None:
        try:
            await self._send(item)
        except RetryAfter as busy:
            after = busy.retry_after
            seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
            raise TryLater("429 flood control", seconds) from busy
        except Forbidden as blocked:
            if CANT_INITIATE in blocked.message.lower():
                raise NotStarted(f"403: {blocked.message}") from blocked
            raise Undeliverable(f"403: {blocked.message}") from blocked
        except BadRequest as bad:
            raise Undeliverable(f"400: {bad.message}") from bad
        except (TimedOut, NetworkError) as failed:
            raise TryLater(f"network: {type(failed).__name__}") from failed
        except ValueError as unusable:  # the referral pack cannot be built from these photos
            raise Undeliverable(f"cannot build: {unusable}") from unusable

    async def _send(self, item: OutboxItem) -> None:
        payload = json.loads(item.payload)
        if item.kind in ("patient.text", "staff.alert"):
            await self._bot.send_message(item.chat_id, payload["text"],
                                         rate_limit_args=BACKGROUND)
            return
        if item.kind == "staff.task":
            await self._bot.send_message(item.chat_id, payload["text"], reply_markup=task_keyboard(
                self._signer, item.chat_id, int(payload["case_id"])), rate_limit_args=BACKGROUND)
            return
        if item.kind == "patient.new_photos":
            await self._bot.send_message(item.chat_id, payload["text"],
                                         rate_limit_args=BACKGROUND)
            case = await self._store.cases.get(int(item.case_id or 0))
            if case is not None:
                replies = await self._resume(case.patient_user_id)
                await send_replies(self._bot, item.chat_id, replies)
            return
        case = await self._store.cases.get(int(payload["case_id"]))
        if case is None:
            return
        if item.kind == "gp.retract":
            taken = await self._store.outbox.take_delivered(case.id, item.chat_id)
            await retract(self._bot, item.chat_id, taken, case.reference,
                          str(payload.get("reason")))
            return
        if item.kind == "patient.photos_off":
            await photos_off(self._bot, self._store, item.chat_id, case.id, BACKGROUND)
            return
        if case.erased_at:
            return  # erased since: nothing to deliver
        if item.kind == "gp.supersede":  # only takes buttons off what this chat already has
            await supersede(self._bot, self._store, item.chat_id, case.id, case.reference,
                            int(payload["submission"]), BACKGROUND)
            return
        if not await still_a_recipient(self._store, case, item.chat_id):
            await self._store.outbox.add(case.id, await redirected(self._store, case,
                                                                   item.chat_id))
            raise Undeliverable(NOT_A_RECIPIENT)
        digest = await build_digest(self._store, case)
        if item.kind == "gp.album":
            await self._send_parts(item, payload, digest)
            return
        if item.kind == "gp.summary":
            sent = await send_summary(self._bot, item.chat_id, digest, self._signer, BACKGROUND)
        elif item.kind == "gp.notice":
            sent = await send_notice(self._bot, item.chat_id, digest, self._signer, BACKGROUND)
        elif item.kind == "gp.pack":
            sent = await send_pack(self._bot, item.chat_id, digest, self._pack_limit,
                                   BACKGROUND)
        else:
            raise Undeliverable(f"unknown kind {item.kind}")
        await self._store.outbox.record_delivered(case.id, item.chat_id, sent,
                                                  part=item.kind.removeprefix("gp."),
                                                  submission=int(payload.get("submission") or 1))

    async def _send_parts(self, item: OutboxItem, payload: dict[str, Any],
                          digest: CaseDigest) -> None:
        """Send the photos not yet confirmed, recording each one as Telegram confirms it."""
        done: dict[str, int] = dict(payload.get("sent") or {})
        for part in album_parts(digest):
            if part.slot in done:
                continue
            message_id = await send_part(self._bot, item.chat_id, part, BACKGROUND)
            done[part.slot] = message_id
            await self._store.outbox.save_payload(item.id, {**payload, "sent": done})
            await self._store.outbox.record_delivered(
                digest.case.id, item.chat_id, [message_id], part="album",
                submission=int(payload.get("submission") or 1))
            log.info("photo delivered", extra={"outbox_id": item.id, "case_id": item.case_id,
                                               "slot": part.slot})


async def alert_staff(store: Store, item: OutboxItem, reason: str, bot_username: str) -> None:
    """A GP (or patient) could not be reached: tell the practice's staff, once per case and
    cause, with what to do.

    `reason` is the outbox's verdict ("403: ..." / "400: ..." / "gave up ..."); a person who
    never opened the bot (403 "can't initiate conversation") gets the `not_started` alert,
    whose messages are delivered as soon as that person opens the bot.
    """
    if item.kind.startswith("staff.") or item.case_id is None or reason == NOT_A_RECIPIENT:
        return  # a former recipient's item: `redirected` already told staff
    case = await store.cases.get(item.case_id)
    if case is None:
        return
    who = text("inbox.staff.who_patient" if item.kind.startswith("patient") else
               "inbox.staff.who_gp")
    lowered = reason.lower()
    if CANT_INITIATE in lowered:
        cause, key = "not_started", "inbox.staff.not_started_alert"
    elif reason.startswith("403"):
        cause, key = "blocked", "inbox.staff.blocked_alert"
    else:
        cause, key = "failed", "inbox.staff.failed_alert"
    words = text(key, reference=case.reference, who=who, bot_username=bot_username)
    await store.outbox.add(case.id, [
        Outgoing(chat, "staff.alert", {"text": words},
                 f"alert:{case.id}:{cause}:{item.chat_id}:{chat}")
        for chat in await staff_chats(store, case.practice_id)
    ])


async def chat_opened(update: Update, context: BotContext) -> None:
    """Any update from a person: deliver at once what waited for them to open the bot.

    Runs before every other handler and changes nothing else (a set lookup for most chats).
    """
    chat = update.effective_chat
    if chat is not None and update.effective_user is not None:
        await context.services.outbox.chat_opened(chat.id)
