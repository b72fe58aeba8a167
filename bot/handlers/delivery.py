"""Telegram side of the outbox: send each queued item, and turn errors into verdicts.

The messages are built by plain functions (`bot.inbox.gp_messages`) from the summary and pack
built once per submission (`bot.delivery.submission`); this module only sends them. Every
text goes with the HTML parse mode: the summary is HTML (`GpMessage.html`); everything else,
the words stored in an outbox payload included, is plain and escaped here as it is sent
(`plain`), so a payload queued before the parse mode became HTML is sent as it always was.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ExtBot

from bot import testpoints
from bot.content import text
from bot.delivery.submission import pack_of, summary_of
from bot.domain.questions import worded
from bot.handlers.bot_api import BACKGROUND, upload_seconds
from bot.handlers.context import BotContext
from bot.handlers.escaping import Html, plain
from bot.handlers.keyboards import markup
from bot.handlers.questions import send_noted, take_off
from bot.handlers.render import keyboard
from bot.inbox.access import member_of
from bot.inbox.chasing import LIST_KIND
from bot.inbox.digest import CaseSummary
from bot.inbox.gp_messages import (
    GpMessage,
    PhotoPart,
    album_parts,
    column,
    erased_why,
    notice_message,
    pack_label,
    photo_part,
    referral_open,
    retracted,
    summary_message,
    superseded_pack,
    superseded_photo,
    superseded_summary,
    task_rows,
)
from bot.inbox.moved import found_tag, inbox_group_moved, inbox_group_refused
from bot.inbox.payloads import ShowInvites
from bot.inbox.referral_task import (
    MARKED,
    marked_label,
    marked_payload,
    marked_rows,
    referral_rows,
    who_marked,
)
from bot.inbox.routing import (
    AWAITING,
    current_submission,
    mid_delivery,
    opened_now,
    redirected,
    still_a_recipient,
    still_may_open,
)
from bot.inbox.undelivered import pass_on, still_a_member
from bot.journey.prompts import carry_on
from bot.journey.replies import Reply
from bot.services.alerting import alert_recipients, tell_patient
from bot.services.buttons import ButtonSigner
from bot.services.delivery import (
    MISSING_FILE,
    REFUSED_FOR_GOOD,
    NotStarted,
    TryLater,
    Undeliverable,
)
from bot.store import Store
from bot.store.models import Case, OutboxItem, Outgoing
from bot.store.outbox import REFERRAL_ERASED

log = logging.getLogger("bot.delivery")
ApiBot = ExtBot[Any]
CANT_INITIATE = "can't initiate conversation"
"""Telegram's 403 for a bot writing first to someone who never opened it."""


async def send_message(bot: ApiBot, chat_id: int, message: GpMessage, signer: ButtonSigner,
                       rate: str | None = None) -> int:
    """Send one built message (its words escaped unless they are HTML), its buttons signed
    for this chat; its message id."""
    words = Html(message.words) if message.html else plain(message.words)
    sent = await bot.send_message(chat_id, words,
                                  reply_markup=markup(signer, chat_id, message.rows),
                                  rate_limit_args=rate)
    return sent.message_id


async def send_photo_part(bot: ApiBot, chat_id: int, part: PhotoPart, jpeg: bytes,
                          rate: str | None = None) -> int:
    """One photo as a document, with time-outs that fit its size; its message id."""
    sent = await bot.send_document(chat_id, jpeg, filename=part.filename,
                                   caption=plain(part.caption), rate_limit_args=rate,
                                   write_timeout=upload_seconds(len(jpeg)),
                                   read_timeout=upload_seconds(len(jpeg)))
    return sent.message_id


async def send_pack(bot: ApiBot, chat_id: int, case: Case, submission: int, pdf: bytes,
                    rate: str | None = None) -> int:
    """The referral pack PDF for e-RS, named with its version after a re-submission."""
    filename, caption = pack_label(case, submission)
    sent = await bot.send_document(
        chat_id, pdf, filename=filename, caption=plain(caption), rate_limit_args=rate,
        write_timeout=upload_seconds(len(pdf)), read_timeout=upload_seconds(len(pdf)))
    return sent.message_id


async def supersede(bot: ApiBot, store: Store, chat_id: int, case_id: int, reference: str,
                    version: int, rate: str | None = None) -> None:
    """Mark the summaries (or notices), packs and photo documents of a case's earlier
    submissions in this chat as superseded (the summaries' buttons removed), so the GP can
    neither attach an old pack nor file a replaced photo."""
    earlier = [*await store.outbox.earlier_parts(case_id, chat_id, "summary", version),
               *await store.outbox.earlier_parts(case_id, chat_id, "notice", version)]
    for message_id, _ in earlier:
        with contextlib.suppress(BadRequest):
            await bot.edit_message_text(plain(superseded_summary(reference, version)),
                                        chat_id=chat_id, message_id=message_id,
                                        reply_markup=None, rate_limit_args=rate)
    for message_id, old in await store.outbox.earlier_parts(case_id, chat_id, "pack", version):
        with contextlib.suppress(BadRequest):
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id,
                caption=plain(superseded_pack(reference, old, version)), rate_limit_args=rate)
    for message_id, old, part in await store.outbox.earlier_photos(case_id, chat_id, version):
        with contextlib.suppress(BadRequest):
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id,
                caption=plain(superseded_photo(reference, part, old, version)),
                rate_limit_args=rate)


EVERY_VERSION = 2**31
"""A submission number above any case's, to find the parts of every version a chat has."""


async def moved_away(bot: ApiBot, store: Store, chat_id: int, case_id: int, reference: str,
                     rate: str | None = None) -> None:
    """The case was sent on from this chat (an inbox group the bot could not post in) and
    stays where it went: its summaries (or notices) here lose their buttons and say so
    (`inbox.gp.moved_to_gps`, hazard log H63), so it is decided in one place. A message
    Telegram will not edit (gone, or unchanged) is left."""
    words = plain(text("inbox.gp.moved_to_gps", reference=reference))
    shown = [*await store.outbox.earlier_parts(case_id, chat_id, "summary", EVERY_VERSION),
             *await store.outbox.earlier_parts(case_id, chat_id, "notice", EVERY_VERSION)]
    for message_id, _ in shown:
        with contextlib.suppress(BadRequest):
            await bot.edit_message_text(words, chat_id=chat_id, message_id=message_id,
                                        reply_markup=None, rate_limit_args=rate)


WITHDRAWN = "gp.withdraw"
"""The outbox kind that takes back, from an inbox group the bot lost while posting a case
there, the parts of that case it had posted (`withdraw_half`, hazard log H68)."""


async def withdraw_half(bot: ApiBot, store: Store, chat_id: int, case_id: int, reference: str,
                        rate: str | None = None) -> None:
    """The bot lost the right to post in the inbox group `chat_id` part-way through posting
    the case there, which went whole to the GPs' own chats instead: the parts it had posted
    (photos, the summary with its decision buttons) are deleted, so no half case with live
    buttons sits in the group (a bot may delete its own messages without any right to send).
    One Telegram will not delete is left without buttons, its summary saying where the case
    went (`inbox.gp.moved_to_gps`)."""
    words = plain(text("inbox.gp.moved_to_gps", reference=reference))
    for message_id, part in await store.outbox.parts_in(case_id, chat_id):
        try:
            await bot.delete_message(chat_id, message_id)
        except (BadRequest, Forbidden):
            with contextlib.suppress(BadRequest, Forbidden):
                if part in ("summary", "notice"):
                    await bot.edit_message_text(words, chat_id=chat_id, message_id=message_id,
                                                reply_markup=None, rate_limit_args=rate)
            continue
        await store.outbox.forget_message(case_id, chat_id, message_id)
    log.info("half-posted case taken back from a lost inbox group",
             extra={"case_id": case_id})


async def retract(bot: ApiBot, chat_id: int, message_ids: list[int], reference: str,
                  reason: str, *, referral_open: bool = False, parent: bool = False) -> None:
    """Delete what a GP chat received about an erased case; where Telegram no longer allows
    it (after 48 hours), or the bot never learnt a message's id (id 0, `OutboxStore.sending`),
    ask the GP to delete it. `referral_open`: the case was referred and the referral not yet
    marked sent on e-RS, so the note says not to make it before the patient is spoken to.
    `parent`: a parent answered for the child, so the note says the parent asked."""
    too_old = unknown = 0
    for message_id in message_ids:
        if message_id <= 0:
            unknown += 1
            continue
        try:
            await bot.delete_message(chat_id, message_id)
        except BadRequest:
            too_old += 1
    await bot.send_message(chat_id, plain(retracted(reference, reason, too_old=too_old,
                                                    unknown=unknown,
                                                    referral_open=referral_open,
                                                    parent=parent)))


async def photos_off(bot: ApiBot, store: Store, chat_id: int, case_id: int,
                     rate: Any, upto: int | None = None) -> None:
    """A record channel has the case: delete the patient's photo messages still in their chat
    and the bot's messages showing their answers back (the review summary, the date of birth
    said back, each question with the answer tapped: `chat_answers`), as Telegram lets a bot
    do in a private chat within 48 hours, and say so once: `channels.patient.photos_off`,
    `answers_off` when answers went too, `answers_only_off` when only answers were left
    (`_parent` variants to a parent, about the child).
    Only messages up to `upto` (the newest known when the case reached the record) go. One
    that Telegram will not delete (too old, already gone) is forgotten; a network error
    retries."""
    outbox = store.outbox
    removed = [0, 0]  # photo messages, messages showing answers
    for kind, (noted, forget) in enumerate(((outbox.chat_photos, outbox.forget_chat_photo),
                                            (outbox.chat_answers, outbox.forget_chat_answer))):
        for chat, message_id in await noted(case_id):
            if chat != chat_id or (upto is not None and message_id > upto):
                continue  # another chat's, or shown after the delivery (new photos' review)
            removed[kind] += await _deleted(bot, chat_id, message_id, case_id, rate)
            await forget(chat_id, message_id)
    photos, answers = removed
    log.info("photo messages deleted after delivery",
             extra={"case_id": case_id, "count": photos, "answers": answers})
    if photos or answers:
        case = await store.cases.get(case_id)
        key = ("channels.patient.photos_off" if not answers else
               "channels.patient.answers_off" if photos else "channels.patient.answers_only_off")
        words = worded(key, parent=case is not None and case.consent_by == "parent")
        await bot.send_message(chat_id, plain(words), rate_limit_args=rate)


async def _deleted(bot: ApiBot, chat_id: int, message_id: int, case_id: int,
                   rate: Any) -> bool:
    """Delete one message after delivery; False when Telegram refuses (too old, gone)."""
    try:
        return bool(await bot.delete_message(chat_id, message_id, rate_limit_args=rate))
    except BadRequest as refused:
        log.info("chat message not deleted after delivery",
                 extra={"case_id": case_id, "reason": type(refused).__name__})
        return False


async def photos_erased(bot: ApiBot, chat_id: int, message_ids: Sequence[int],
                        rate: Any) -> None:
    """The case was erased: delete the patient's photo messages still in their chat, and the
    bot's messages showing their photos and answers back (the review album and summary,
    `chat_answers`), silently (they have been told these are deleted, and that messages more
    than 2 days old stay). One Telegram will not delete (older than 48 hours, already gone)
    is left; a network error retries the item."""
    removed = 0
    for message_id in message_ids:
        try:
            removed += bool(await bot.delete_message(chat_id, int(message_id),
                                                     rate_limit_args=rate))
        except BadRequest as refused:
            log.info("chat message not deleted after erasure",
                     extra={"reason": type(refused).__name__})
    log.info("chat messages (photos, answers) deleted after erasure", extra={"count": removed})


NOT_A_RECIPIENT = "recipient no longer a member"
"""Why an item to a chat that should no longer receive its case was not sent."""
FOLLOWS_A_MOVED_INBOX = ("gp.album", "gp.summary", "gp.notice", "gp.pack", "staff.alert",
                         "staff.task")
"""Items that, refused because their inbox group was upgraded to a supergroup, are tried
again at once and then go to the supergroup (`redirected`, `pass_on`); any other item for the
old group (taking buttons off, or deleting, what the old group shows) cannot be carried out
and ends there."""

CASE_PARTS = ("gp.album", "gp.summary", "gp.notice", "gp.pack")
"""The items that carry a case to a GP chat or inbox group (its photos, summary or notice,
and referral pack)."""
NO_RIGHTS = ("not enough rights", "have no rights to send")
"""How the Bot API words refusing a send the bot has no right to in a group (400 "not enough
rights to send text messages to the chat", "... documents ...", older 400 "have no rights to
send a message", and 403 "not enough rights ..."), lower case."""


class TelegramSender:
    """Sends one outbox item through the Bot API; tells the worker whether to retry.

    Sends are marked `BACKGROUND`, so replies to people go first. The photos of a case go one
    document at a time, each recorded in the item's payload once Telegram confirms it: after
    a time-out or a restart only the photo in flight can be sent twice, never the set.
    """

    def __init__(self, bot: ApiBot, store: Store, signer: ButtonSigner, *,
                 resume: Callable[[int, int], Awaitable[list[Reply]]], pack_limit: int) -> None:
        """`resume(patient_user_id, case_id)` gives what the patient is asked next on the
        case a GP asked new photos for (the journey's);
        `pack_limit` is the largest referral pack (bytes) sent as a document."""
        self._bot = bot
        self._store = store
        self._signer = signer
        self._resume = resume
        self._pack_limit = pack_limit

    async def __call__(self, item: OutboxItem) -> None:
        try:
            await self._send(item)
        except ChatMigrated as moved:  # an inbox group upgraded to a supergroup (H39)
            if (await inbox_group_moved(self._store, item.chat_id, moved.new_chat_id)
                    and item.kind in FOLLOWS_A_MOVED_INBOX):
                raise TryLater("group upgraded to a supergroup", 0.0) from moved
            raise Undeliverable(NOT_A_RECIPIENT) from moved
        except RetryAfter as busy:
            after = busy.retry_after
            seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
            raise TryLater("429 flood control", seconds) from busy
        except (BadRequest, Forbidden) as refused:
            if await self._no_rights_in_inbox(item, refused):
                raise Undeliverable(NOT_A_RECIPIENT) from refused
            if isinstance(refused, BadRequest):
                raise Undeliverable(f"400: {refused.message}") from refused
            if CANT_INITIATE in refused.message.lower():
                raise NotStarted(f"{REFUSED_FOR_GOOD}: {refused.message}") from refused
            raise Undeliverable(f"{REFUSED_FOR_GOOD}: {refused.message}") from refused
        except (TimedOut, NetworkError) as failed:
            raise TryLater(f"network: {type(failed).__name__}") from failed
        except ValueError as unusable:  # the referral pack cannot be built from these photos
            raise Undeliverable(f"cannot build: {unusable}") from unusable

    async def _no_rights_in_inbox(self, item: OutboxItem,
                                  refused: BadRequest | Forbidden) -> bool:
        """A part of a case refused in a practice's inbox group because the bot may not send
        it there (`NO_RIGHTS`: the group's permissions for members changed, which Telegram
        tells the bot nothing of, hazard log H49) is taken as the bot losing the group
        (`inbox_group_refused`): this case and those waiting there go to the GPs' own chats
        and staff are told once, with no alert of their own. True if so; False (the refusal
        is any other, H07) when it is not that, the group was lost already, or no chat is
        left to send this case to."""
        if (item.kind not in CASE_PARTS or item.case_id is None
                or not any(words in refused.message.lower() for words in NO_RIGHTS)):
            return False
        case = await self._store.cases.get(item.case_id)
        if case is None or not await inbox_group_refused(self._store, item.chat_id,
                                                         found_tag()):
            return False
        again = [] if case.erased_at else await redirected(self._store, case, item.chat_id,
                                                           tell_staff=False)
        await self._store.outbox.add(case.id, [*again, *self._withdrawn(item, case)])
        return bool(again)

    @staticmethod
    def _withdrawn(item: OutboxItem, case: Case) -> list[Outgoing]:
        """The item that takes back what the lost inbox group `item.chat_id` holds of this
        case (`withdraw_half`), queued as the case goes to the GPs' own chats."""
        return [Outgoing(item.chat_id, WITHDRAWN, {"case_id": case.id},
                         f"case:{case.id}:withdrawn:{found_tag()}:{item.chat_id}")]

    async def _lost_inbox(self, chat_id: int) -> bool:
        """Whether the chat is a practice's inbox group the bot could not post in, whose staff
        were told so once (`bot.inbox.moved.inbox_group_lost`)."""
        practices = self._store.practices
        return (chat_id in await practices.lost_chats()
                and await practices.with_inbox(chat_id) is not None)

    async def _send(self, item: OutboxItem) -> None:
        payload = json.loads(item.payload)
        if item.kind.startswith("staff.") and not await still_a_member(self._store, item):
            raise Undeliverable(NOT_A_RECIPIENT)  # `alert_staff` passes it on to others
        if item.kind in ("patient.text", "staff.alert"):  # plain words, escaped as sent
            await self._bot.send_message(item.chat_id, plain(payload["text"]),
                                         rate_limit_args=BACKGROUND)
            return
        if item.kind == LIST_KIND:  # the daily list of patients to chase, to a member still
            practice_id = int(payload["practice_id"])
            if await member_of(self._store, item.chat_id, practice_id) is None:
                raise Undeliverable(NOT_A_RECIPIENT)
            await send_message(self._bot, item.chat_id, GpMessage(
                payload["text"], column((text("inbox.staff.chase_list_open"),
                                         ShowInvites(practice_id)))), self._signer, BACKGROUND)
            return
        if item.kind == "staff.task" and payload.get("referral"):
            await self._send_referral_task(item, payload)
            return
        if item.kind == MARKED:
            await self._mark_button(item, payload)
            return
        if item.kind == "staff.task":
            await send_message(self._bot, item.chat_id, GpMessage(
                payload["text"], task_rows(int(payload["case_id"]))), self._signer, BACKGROUND)
            return
        if item.kind == "patient.reminder":  # its button carries on with the case it is about
            (reminder,) = carry_on(payload["text"], int(item.case_id or 0))
            await self._bot.send_message(item.chat_id, plain(reminder.text),
                                         reply_markup=keyboard(reminder),
                                         rate_limit_args=BACKGROUND)
            return
        if item.kind == "patient.new_photos":
            await self._bot.send_message(item.chat_id, plain(payload["text"]),
                                         rate_limit_args=BACKGROUND)
            case = await self._store.cases.get(int(item.case_id or 0))
            if case is not None:
                replies = await self._resume(case.patient_user_id, case.id)
                # the question asked again: its older copies in the chat lose their buttons
                _, older = await send_noted(self._bot, self._store, item.chat_id, replies)
                await take_off(self._bot, self._store, item.chat_id, older)
            return
        if item.kind == "patient.photos_erased":
            ids = [int(part) for part in str(payload.get("messages", "")).split(",") if part]
            await photos_erased(self._bot, item.chat_id, ids, BACKGROUND)
            return
        case = await self._store.cases.get(int(payload["case_id"]))
        if case is None:
            return
        if item.kind == "gp.retract":
            taken = await self._store.outbox.take_delivered(case.id, item.chat_id)
            await retract(self._bot, item.chat_id, taken, case.reference,
                          str(payload.get("reason")), referral_open=referral_open(case),
                          parent=case.consent_by == "parent")
            return
        if item.kind == "patient.photos_off":
            upto = payload.get("upto")
            await photos_off(self._bot, self._store, item.chat_id, case.id, BACKGROUND,
                             int(upto) if upto is not None else None)
            return
        if item.kind == REFERRAL_ERASED:
            await self._erase_marked(item, payload, case)
            return
        if case.erased_at:
            return  # erased since: nothing to deliver
        if item.kind == WITHDRAWN:  # what a lost inbox group holds of a half-posted case
            await withdraw_half(self._bot, self._store, item.chat_id, case.id, case.reference,
                                BACKGROUND)
            return
        if item.kind == "gp.moved_away":  # takes buttons off what this chat has (H63)
            await moved_away(self._bot, self._store, item.chat_id, case.id, case.reference,
                             BACKGROUND)
            return
        if item.kind == "gp.supersede":  # only takes buttons off what this chat already has
            await supersede(self._bot, self._store, item.chat_id, case.id, case.reference,
                            int(payload["submission"]), BACKGROUND)
            return
        opened_by = payload.get("opened_by")
        part = item.kind.removeprefix("gp.")
        if opened_by is not None:  # queued by "Open" in a GP's /inbox: the case as it is now
            if not await still_may_open(self._store, case, item.chat_id, int(opened_by),
                                        part):
                raise Undeliverable(NOT_A_RECIPIENT)
            now = await opened_now(self._store, case, part)
            if now == AWAITING:
                await self._bot.send_message(
                    item.chat_id, plain(text("inbox.gp.open_awaiting", reference=case.reference)),
                    rate_limit_args=BACKGROUND)
            if now != part:
                log.info("open: new photos awaited", extra={"case_id": case.id, "part": part})
                return
            number = max(case.submissions, 1)
        elif (not await still_a_recipient(self._store, case, item.chat_id)
              and not await mid_delivery(self._store, case, item.chat_id,
                                         int(payload.get("submission") or 1))):
            # staff heard once that a lost inbox group's cases go to the GPs (H49, H52)
            lost = await self._lost_inbox(item.chat_id)
            again = await redirected(self._store, case, item.chat_id, tell_staff=not lost)
            if lost and again and await self._store.outbox.holds_part(
                    case.id, item.chat_id, int(payload.get("submission") or 1)):
                again += self._withdrawn(item, case)  # posted in part before it was lost
            await self._store.outbox.add(case.id, again)
            raise Undeliverable(NOT_A_RECIPIENT)
        else:
            number = int(payload.get("submission") or 1)
            if not current_submission(case, number):  # new photos asked for, or sent, since
                log.info("delivery skipped: submission replaced",
                         extra={"case_id": case.id, "part": part, "submission": number})
                return
        summary = await summary_of(self._store, case)
        if part == "album":
            await self._send_album(item, payload, case, summary, number)
            return
        if part == "summary":
            message = summary_message(case, summary)
        elif part == "notice":
            practice = await self._store.practices.get(case.practice_id)
            assert practice is not None
            message = notice_message(case, practice)
        elif part == "pack":
            pdf = await pack_of(self._store, case, self._pack_limit)
        else:
            raise Undeliverable(f"unknown kind {item.kind}")
        async with self._noted(case.id, item.chat_id, part, number) as noted:
            if part == "pack":
                noted.append(await send_pack(self._bot, item.chat_id, case, number, pdf,
                                             BACKGROUND))
            else:
                noted.append(await send_message(self._bot, item.chat_id, message,
                                                self._signer, BACKGROUND))

    @contextlib.asynccontextmanager
    async def _noted(self, case_id: int, chat_id: int, part: str,
                     number: int) -> AsyncIterator[list[int]]:
        """Around one send of a part of a case to a GP chat: noted as being sent before
        Telegram is asked (`OutboxStore.sending`), then as the message id the body appends to
        the list; forgotten if Telegram refused it. A stop in between (kill -9, a timeout
        whose message may have arrived) leaves it noted without an id, so an erasure asks the
        GP to delete what the bot cannot (hazard log H64)."""
        row = await self._store.outbox.sending(case_id, chat_id, part=part, submission=number)
        ids: list[int] = []
        try:
            yield ids
        except (BadRequest, Forbidden, RetryAfter, ChatMigrated):
            await self._store.outbox.not_sent(row)
            raise
        await testpoints.reached("gp.sent")
        await self._store.outbox.sent_as(row, ids[0])

    async def _send_referral_task(self, item: OutboxItem, payload: dict[str, Any]) -> None:
        """A member of staff's task to make a referral on e-RS, with its "Referral sent on
        e-RS" button, noted so that it says who marked it once someone does; sent after it was
        marked (or marked while it was being sent), its button says who and when."""
        case = await self._store.cases.get(int(payload["case_id"]))
        if case is None:
            return
        marked = case.referral_sent_at
        rows = (marked_rows(case.id, marked_label(await who_marked(self._store, case), marked))
                if marked else referral_rows(case.id))
        sent = await send_message(self._bot, item.chat_id, GpMessage(payload["text"], rows),
                                  self._signer, BACKGROUND)
        await self._store.outbox.note_referral_button(case.id, item.chat_id, sent)
        now = await self._store.cases.get(case.id)
        if not marked and now is not None and now.referral_sent_at:
            await self._mark_button(item, await marked_payload(
                self._store, now, await who_marked(self._store, now), now.referral_sent_at,
                sent))

    async def _erase_marked(self, item: OutboxItem, payload: dict[str, Any],
                            case: Case) -> None:
        """A message that showed a referral marked sent (who, the patient's reference, the
        UBRN) of a case erased since becomes a neutral line without buttons
        (`inbox.staff.referral_erased_note`: the case reference and why it went); a message
        gone, or a chat that blocked the bot, is left as it is."""
        words = text("inbox.staff.referral_erased_note", reference=case.reference,
                     why=erased_why(str(payload.get("reason")),
                                    parent=case.consent_by == "parent"))
        with contextlib.suppress(BadRequest, Forbidden):
            await self._bot.edit_message_text(plain(words), item.chat_id,
                                              int(payload["message_id"]), reply_markup=None,
                                              rate_limit_args=BACKGROUND)

    async def _mark_button(self, item: OutboxItem, payload: dict[str, Any]) -> None:
        """A message's "Referral sent on e-RS" now says who marked it sent and when, in its
        text (`marked_payload`; an item queued before it carried the text changes only the
        button) and on its button; a message gone (deleted, too old) or a chat that blocked
        the bot is left as it is."""
        rows = marked_rows(int(payload["case_id"]), str(payload["label"]))
        keyboard = markup(self._signer, item.chat_id, rows)
        with contextlib.suppress(BadRequest, Forbidden):
            if payload.get("text"):
                await self._bot.edit_message_text(
                    plain(str(payload["text"])), item.chat_id, int(payload["message_id"]),
                    reply_markup=keyboard, rate_limit_args=BACKGROUND)
            else:
                await self._bot.edit_message_reply_markup(
                    item.chat_id, int(payload["message_id"]), reply_markup=keyboard,
                    rate_limit_args=BACKGROUND)

    async def _send_album(self, item: OutboxItem, payload: dict[str, Any], case: Case,
                          summary: CaseSummary, number: int) -> None:
        """Send the photos of submission `number` not yet confirmed (reading each file once),
        recording each one, with its shot, as Telegram confirms it."""
        done: dict[str, int] = dict(payload.get("sent") or {})
        for part in album_parts(case, summary):
            if part.slot in done:
                continue
            jpeg = await asyncio.to_thread(self._store.files.read, part.file_name)
            async with self._noted(case.id, item.chat_id, photo_part(part.slot),
                                   number) as noted:
                noted.append(await send_photo_part(self._bot, item.chat_id, part, jpeg,
                                                   BACKGROUND))
            done[part.slot] = noted[0]
            await self._store.outbox.save_payload(item.id, {**payload, "sent": done})
            log.info("photo delivered", extra={"outbox_id": item.id, "case_id": item.case_id,
                                               "slot": part.slot})


async def alert_staff(store: Store, item: OutboxItem, reason: str, bot_username: str) -> None:
    """A GP (or patient) could not be reached: tell the practice's staff, once per case and
    cause, with what to do; a practice without staff tells its other GPs (never the chat that
    failed), and one with nobody else is recorded for the operator (`alert_recipients`); when
    that item carried the patient's submitted case, which has reached nobody at the practice,
    the patient is told once per submission to phone the practice (`tell_patient`).

    `reason` is the outbox's verdict ("403: ..." / "400: ..." / "gave up ..." /
    `MISSING_FILE`, a photo file gone since the item was queued); a person who
    never opened the bot (403 "can't initiate conversation") gets the `not_started` alert,
    whose messages are delivered as soon as that person opens the bot. An alert or task for
    staff that cannot be delivered goes to other members instead (`pass_on`).
    """
    if item.kind.startswith("staff."):
        await pass_on(store, item, reason)
        return
    if item.kind in (MARKED, REFERRAL_ERASED):  # only a message to change: nobody to tell
        return
    if item.case_id is None or reason == NOT_A_RECIPIENT:
        return  # a former recipient's item: `redirected` already told staff
    case = await store.cases.get(item.case_id)
    if case is None:
        return
    if item.kind.startswith("patient"):  # named as /invites lists them, to find and phone
        invite = await store.invites.get(case.invite_id) if case.invite_id else None
        who = text("inbox.staff.who_patient", patient_ref=invite.patient_ref if invite else "?")
    else:
        who = text("inbox.staff.who_gp")
    lowered = reason.lower()
    if CANT_INITIATE in lowered:
        cause, key = "not_started", "inbox.staff.not_started_alert"
    elif reason.startswith(REFUSED_FOR_GOOD):
        cause, key = "blocked", "inbox.staff.blocked_alert"
    elif reason == MISSING_FILE:
        cause, key = "missing", "inbox.staff.missing_alert"
    else:
        cause, key = "failed", "inbox.staff.failed_alert"
    words = text(key, reference=case.reference, who=who, bot_username=bot_username)
    chats = await alert_recipients(store, case, cause, leaving_out=(item.chat_id,))
    await store.outbox.add(case.id, [
        Outgoing(chat, "staff.alert", {"text": words},
                 f"alert:{case.id}:{cause}:{item.chat_id}:{chat}") for chat in chats])
    if not chats:  # nobody at the practice: the patient, if it is their case that is stuck
        await tell_patient(store, case, cause, kind=item.kind)


async def chat_opened(update: Update, context: BotContext) -> None:
    """Any update from a person: deliver at once what waited for them to open the bot.

    Runs before every other handler and changes nothing else (a set lookup for most chats).
    """
    if update.my_chat_member is not None:
        return  # the bot's membership changed (blocked, removed): nobody wrote to it
    chat = update.effective_chat
    if chat is not None and update.effective_user is not None:
        await context.services.outbox.chat_opened(chat.id)
