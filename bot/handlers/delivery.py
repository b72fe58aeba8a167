"""Telegram side of the outbox: turn each queued item into messages, and errors into verdicts."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.content import text
from bot.handlers.render import send_replies
from bot.inbox.digest import CaseDigest, build_digest
from bot.inbox.routing import redirected, staff_chats, still_a_recipient
from bot.services.buttons import ButtonSigner
from bot.services.delivery import TryLater, Undeliverable
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing, Stage


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


async def send_album(bot: Bot, chat_id: int, digest: CaseDigest) -> list[int]:
    """The photos as documents (not recompressed), captioned Locator / Close-up 1 / 2."""
    ref = digest.case.reference
    media = [InputMediaDocument(shot.jpeg, filename=f"{ref}-{shot.slot.replace('_', '-')}.jpg",
                                caption=shot.label + (f" ({shot.note})" if shot.note else ""))
             for shot in digest.photos]
    if len(media) >= 2:
        return [m.message_id for m in await bot.send_media_group(chat_id, media)]
    return [(await bot.send_document(chat_id, item.media, caption=item.caption)).message_id
            for item in media]


async def send_summary(bot: Bot, chat_id: int, digest: CaseDigest,
                       signer: ButtonSigner) -> list[int]:
    """The summary, with the decision buttons while the case waits for a GP."""
    markup = (decision_keyboard(signer, chat_id, digest.case.id, digest.case.submissions)
              if digest.case.stage is Stage.SUBMITTED else None)
    sent = await bot.send_message(chat_id, digest.summary_html, parse_mode=ParseMode.HTML,
                                  reply_markup=markup)
    return [sent.message_id]




async def send_notice(bot: Bot, chat_id: int, digest: CaseDigest,
                      signer: ButtonSigner) -> list[int]:
    """"Telegram: notification only": the reference, where the case went, and the decision
    buttons; no photos, answers or pack."""
    from bot.channels.dispatch import where

    places = text("channels.gp.where_join").join(
        where(channel) for channel in digest.practice.record_channels)
    markup = (decision_keyboard(signer, chat_id, digest.case.id, digest.case.submissions)
              if digest.case.stage is Stage.SUBMITTED else None)
    sent = await bot.send_message(chat_id, text("channels.gp.notice",
                                                reference=digest.case.reference, where=places),
                                  reply_markup=markup)
    return [sent.message_id]


async def send_pack(bot: Bot, chat_id: int, digest: CaseDigest, limit_bytes: int) -> list[int]:
    """The referral pack PDF for e-RS, named with its version after a re-submission."""
    from bot.channels.casefile import pack_pdf, pack_version

    ref = digest.case.reference
    pdf = await pack_pdf(digest, limit_bytes)
    version = pack_version(digest.version)
    sent = await bot.send_document(
        chat_id, pdf, filename=text("inbox.gp.pack_name", reference=ref, version=version),
        caption=text("inbox.gp.pack_caption", reference=ref, version=version))
    return [sent.message_id]


async def deliver_case(bot: Bot, store: Store, chat_id: int, digest: CaseDigest,
                       signer: ButtonSigner, pack_limit: int) -> None:
    """Everything about a case, in order (album, summary with buttons, referral pack), each
    part remembered with its submission number."""
    for part, sent in (("album", await send_album(bot, chat_id, digest)),
                       ("summary", await send_summary(bot, chat_id, digest, signer)),
                       ("pack", await send_pack(bot, chat_id, digest, pack_limit))):
        await store.outbox.record_delivered(digest.case.id, chat_id, sent, part=part,
                                            submission=digest.version)


async def supersede(bot: Bot, store: Store, chat_id: int, case_id: int, reference: str,
                    version: int) -> None:
    """Mark the summaries (or notices) and packs of a case's earlier submissions in this chat
    as superseded (their buttons removed), so the GP cannot attach an old pack."""
    earlier = [*await store.outbox.earlier_parts(case_id, chat_id, "summary", version),
               *await store.outbox.earlier_parts(case_id, chat_id, "notice", version)]
    for message_id, _ in earlier:
        with contextlib.suppress(BadRequest):
            await bot.edit_message_text(
                text("inbox.gp.superseded_summary", version=version, reference=reference),
                chat_id=chat_id, message_id=message_id, reply_markup=None)
    for message_id, old in await store.outbox.earlier_parts(case_id, chat_id, "pack", version):
        with contextlib.suppress(BadRequest):
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id,
                caption=text("inbox.gp.superseded_pack", old=old or 1, version=version,
                             reference=reference))


def task_keyboard(signer: ButtonSigner, chat_id: int, case_id: int) -> InlineKeyboardMarkup:
    """The "Done: patient phoned" button of an urgent task."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        text("inbox.staff.task_done"), callback_data=signer.sign(chat_id, "task_done", case_id))]])


async def retract(bot: Bot, chat_id: int, message_ids: list[int], reference: str,
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


NOT_A_RECIPIENT = "recipient no longer a member"
"""Why an item to a chat that should no longer receive its case was not sent."""


class TelegramSender:
    """Sends one outbox item through the Bot API; tells the worker whether to retry."""

    def __init__(self, bot: Bot, store: Store, signer: ButtonSigner, services: Any) -> None:
        self._bot = bot
        self._store = store
        self._signer = signer
        self._services = services

    async def __call__(self, item: OutboxItem) -> None:
        try:
            await self._send(item)
        except RetryAfter as busy:
            after = busy.retry_after
            seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
            raise TryLater("429 flood control", seconds) from busy
        except Forbidden as blocked:
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
            await self._bot.send_message(item.chat_id, payload["text"])
            return
        if item.kind == "staff.task":
            await self._bot.send_message(item.chat_id, payload["text"], reply_markup=task_keyboard(
                self._signer, item.chat_id, int(payload["case_id"])))
            return
        if item.kind == "patient.new_photos":
            await self._bot.send_message(item.chat_id, payload["text"])
            case = await self._store.cases.get(int(item.case_id or 0))
            if case is not None:
                replies = await self._services.journey.resume(case.patient_user_id)
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
        if case.erased_at:
            return  # erased since: nothing to deliver
        if item.kind == "gp.supersede":  # only takes buttons off what this chat already has
            await supersede(self._bot, self._store, item.chat_id, case.id, case.reference,
                            int(payload["submission"]))
            return
        if not await still_a_recipient(self._store, case, item.chat_id):
            await self._store.outbox.add(case.id, await redirected(self._store, case,
                                                                   item.chat_id))
            raise Undeliverable(NOT_A_RECIPIENT)
        digest = await build_digest(self._store, case)
        if item.kind == "gp.album":
            sent = await send_album(self._bot, item.chat_id, digest)
        elif item.kind == "gp.summary":
            sent = await send_summary(self._bot, item.chat_id, digest, self._signer)
        elif item.kind == "gp.notice":
            sent = await send_notice(self._bot, item.chat_id, digest, self._signer)
        elif item.kind == "gp.pack":
            sent = await send_pack(self._bot, item.chat_id, digest,
                                   self._services.settings.referral_pack_max_bytes)
        else:
            raise Undeliverable(f"unknown kind {item.kind}")
        await self._store.outbox.record_delivered(case.id, item.chat_id, sent,
                                                  part=item.kind.removeprefix("gp."),
                                                  submission=int(payload.get("submission") or 1))


async def alert_staff(store: Store, item: OutboxItem, reason: str) -> None:
    """A GP (or patient) could not be reached: tell the practice's staff, once."""
    if item.kind.startswith("staff.") or item.case_id is None or reason == NOT_A_RECIPIENT:
        return  # a former recipient's item: `redirected` already told staff
    case = await store.cases.get(item.case_id)
    if case is None:
        return
    who = "the patient" if item.kind.startswith("patient") else "the GP inbox"
    words = text("inbox.staff.blocked_alert", reference=case.reference, who=who)
    await store.outbox.add(case.id, [
        Outgoing(chat, "staff.alert", {"text": words}, f"alert:{item.id}:{chat}")
        for chat in await staff_chats(store, case.practice_id)
    ])
