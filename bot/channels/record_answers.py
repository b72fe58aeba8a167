"""Whether each case sent by MESH reached the GP record: the bot reads its own MESH inbox.

Every MESH_INBOX_EVERY_MINUTES (`bot.app`, a JobQueue job) `RecordAnswers.read_inbox` lists
the bot's MESH mailbox and reads each message in turn (`bot.channels.itk_response`): an ITK
Response from the practice's clinical system (received, filed in the record, or refused with
its ITK code) or a MESH non-delivery report. It matches it to the message the bot sent: an ITK
Response by the MessageHeader id it answers (`itk_response.header_id` of the message's local
id), and only if it came from the practice's MESH mailbox the message was sent to (`Mex-From`:
another practice's system, or anyone's, is not heard about the case), a report by MESH's id
for the message (`Mex-LinkedMsgID`) or its local id. It records a
case event (`case.record_received`, `case.record_filed`, `case.record_rejected`,
`case.record_undelivered`: the ITK or MESH code, the ids, no free text) and, for a refusal or
a non-delivery, queues an alert to the practice's staff in the same transaction (naming the
version when it is about one the GP replaced since, whose newer version went after it:
`channels.staff.record_rejected_older`, `record_undelivered_older`); only then
does it acknowledge the message in MESH (which deletes it there). A stop (kill -9) in between
reads the message again at the next run: its event is found, nothing is recorded or sent
twice, and it is acknowledged. A message about no case the bot knows (another workflow, a case
erased since, an ITK Response from a mailbox the case was not sent to, something unreadable)
is acknowledged and logged with its ids only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import testpoints
from bot.channels.itk_response import ACK_WORKFLOW_ID, Answer, header_id, read_answer
from bot.channels.mesh import MeshSettings, mesh_client
from bot.content import text
from bot.services.alerting import unheard, would_hear
from bot.store import Store
from bot.store.models import MeshSent, Outgoing

log = logging.getLogger("bot.channels.record")

INBOX_EVERY_MINUTES = 5.0
"""Default of MESH_INBOX_EVERY_MINUTES: how often the bot reads its MESH inbox."""

REASONS = {
    "30002": "not_known", "30003": "no_longer_here",
    "20001": "recipient", "20002": "recipient", "20010": "recipient", "20011": "recipient",
    "20003": "sender", "20012": "sender", "20004": "file_type", "20005": "file_type",
    "20007": "duplicate", "20008": "duplicate", "20006": "unreadable", "20009": "unreadable",
    **{f"100{n:02d}": "unreadable" for n in range(1, 11)},
}
"""ITK response codes (NHS England, ITK3 Response Codes) by the words staff read for them
(`channels.record_reason.*`); any other code is said as its number."""

MAX_ANSWER_BYTES = 1_000_000
"""At most this much of an ITK Response is read (one is a few kB); a longer one is unreadable,
and acknowledged as about no case."""

UNANSWERED_HOURS = 24
"""A case MESH accepted this long ago about which nothing came back (not even the GP system's
infrastructure acknowledgement, which it sends on receipt) is told to staff
(`RecordAnswers.chase_unanswered`): MESH's own non-delivery report takes 5 days."""

NOT_COLLECTED = "14"
"""MESH status code of a report on a message the recipient did not download in time."""


def reason_words(answer: Answer) -> str:
    """Why the case is not in the GP record, as staff read it."""
    if answer.kind == "undelivered":
        key = "not_collected" if answer.code == NOT_COLLECTED else "mesh_other"
    else:
        key = REASONS.get(answer.code, "other")
    return text(f"channels.record_reason.{key}", code=answer.code or "?")


@dataclass(frozen=True, slots=True)
class Waiting:
    """One message read from the bot's MESH inbox: its MESH id and what it says (None: not
    an answer about a message the bot sends), and its workflow id and type (for the log)."""

    message_id: str
    answer: Answer | None
    workflow_id: str
    message_type: str


class MeshInbox:
    """The bot's own MESH mailbox, read with mesh-client (blocking: call it in a thread)."""

    def __init__(self, settings: MeshSettings) -> None:
        self._settings = settings

    @property
    def mailbox(self) -> str:
        """The bot's mailbox id (the sender of its Send Document messages)."""
        return self._settings.mailbox

    def waiting(self) -> list[Waiting]:
        """Every message in the inbox now, read (at most 500 at a time, MESH's page). A
        message that cannot be retrieved or read is logged with its id and left in MESH for
        the next run; the others are read all the same. Listing the inbox raises on a
        network or MESH error."""
        found = []
        with mesh_client(self._settings) as client:
            for message_id in client.list_messages():
                try:  # one bad message never blocks the others
                    message = client.retrieve_message(message_id)
                    try:
                        headers = {str(k).lower(): str(v)
                                   for k, v in dict(message.mex_headers()).items()}
                        # only an ITK Response's body is read (reports have none; another
                        # workflow's message, which may be large, is not the bot's to read)
                        body = (message.read(MAX_ANSWER_BYTES)
                                if headers.get("workflowid") == ACK_WORKFLOW_ID else b"")
                    finally:
                        message.close()
                except Exception as error:
                    log.warning("MESH inbox message not read", extra={
                        "mesh_message_id": message_id, "reason": type(error).__name__})
                    continue
                found.append(Waiting(message_id, read_answer(headers, body),
                                     headers.get("workflowid", ""),
                                     headers.get("messagetype", "")))
        return found

    def acknowledge(self, message_id: str) -> None:
        """Tell MESH the message was read: it leaves the inbox."""
        with mesh_client(self._settings) as client:
            client.acknowledge_message(message_id)


class RecordAnswers:
    """Read the bot's MESH inbox and record what each answer says about a case."""

    def __init__(self, store: Store, inbox: MeshInbox, queued: Callable[[], None]) -> None:
        self._store = store
        self._inbox = inbox
        self._queued = queued
        self.read_at: datetime | None = None
        """When the inbox was last listed and read in full (UTC), or None since start-up."""

    async def read_inbox(self) -> int:
        """Read every message waiting; return how many answered a case. A message whose
        recording fails stays in MESH for the next run (logged with its ids); network
        errors listing the inbox raise, and leave `read_at` as it was."""
        matched = 0
        started = datetime.now(UTC)
        waiting_now = await asyncio.to_thread(self._inbox.waiting)
        self.read_at = started
        sent = await self._store.outbox.sent_by_mesh() if waiting_now else []
        for waiting in waiting_now:
            try:
                matched += await self._record(waiting, sent)
            except Exception:
                log.exception("MESH inbox message not recorded",
                              extra={"mesh_message_id": waiting.message_id})
                continue
            await testpoints.reached("record.answer_recorded")
            await asyncio.to_thread(self._inbox.acknowledge, waiting.message_id)
        return matched

    async def _record(self, waiting: Waiting, sent_by_mesh: list[MeshSent]) -> int:
        answer = waiting.answer
        sent = self._match(answer, sent_by_mesh) if answer else None
        if answer is None or sent is None:
            log.info("MESH inbox message about no case: acknowledged",
                     extra={"mesh_message_id": waiting.message_id,
                            "workflow_id": waiting.workflow_id[:40],
                            "message_type": waiting.message_type[:10],
                            "answer": answer.kind if answer else None,
                            "from_mailbox": answer.sender[:20] if answer else None})
            return 0
        case = await self._store.cases.get(sent.case_id)
        if case is None:
            return 0
        alerts: list[Outgoing] = []
        notes = []
        if answer.kind in ("rejected", "undelivered"):
            older = "_older" if sent.submission < case.submissions else ""
            words = text(f"channels.staff.record_{answer.kind}{older}",
                         reference=case.reference, version=sent.submission,
                         reason=reason_words(answer))
            chats = await would_hear(self._store, case)
            alerts = [Outgoing(chat, "staff.alert", {"text": words},
                               f"record:{waiting.message_id}:{chat}") for chat in chats]
            if not chats:
                notes.append(unheard(case, f"record-{answer.kind}"))
        written = await self._store.outbox.record_answer(
            waiting.message_id, f"case.record_{answer.kind}", case.id, case.practice_id,
            {"outbox_id": sent.outbox_id, "submission": sent.submission,
             "code": answer.code}, alerts, notes)
        if written and alerts:
            log.warning("case not in the GP record", extra={
                "case_id": case.id, "outbox_id": sent.outbox_id, "answer": answer.kind,
                "code": answer.code})
            self._queued()
        return 1

    async def chase_unanswered(self, now: datetime | None = None) -> int:
        """Alert staff, once per message, about each case MESH accepted more than
        `UNANSWERED_HOURS` ago about which nothing came back (no acknowledgement from the
        practice's clinical system, no MESH report): it may not be in the GP record
        (`channels.staff.record_unanswered`). Recorded as `case.record_unanswered` with the
        alert, in one transaction, so never twice; a late acknowledgement is still recorded as
        usual. Returns how many alerts were queued.

        Without `now`, the day is counted up to the last time the bot read its own inbox
        (`read_at`), not to now: while the bot cannot read its MESH inbox (MESH down, its
        password changed) an answer may be waiting there unread, and staff would be told the
        practice's system never answered. Nothing is chased before the first read."""
        moment = now or self.read_at
        if moment is None:
            return 0
        cutoff = (moment - timedelta(hours=UNANSWERED_HOURS)).isoformat(timespec="seconds")
        queued = 0
        for sent in await self._store.outbox.mesh_unanswered(cutoff):
            case = await self._store.cases.get(sent.case_id)
            if case is None:
                continue
            words = text("channels.staff.record_unanswered", reference=case.reference,
                         hours=UNANSWERED_HOURS)
            chats = await would_hear(self._store, case)
            alerts = [Outgoing(chat, "staff.alert", {"text": words},
                               f"record-unanswered:{sent.outbox_id}:{chat}") for chat in chats]
            notes = [] if chats else [unheard(case, "record-unanswered")]
            if await self._store.outbox.record_answer(
                    f"none:{sent.outbox_id}", "case.record_unanswered", case.id,
                    case.practice_id, {"outbox_id": sent.outbox_id,
                                       "submission": sent.submission, "code": ""},
                    alerts, notes):
                log.warning("no answer from the GP system", extra={
                    "case_id": case.id, "outbox_id": sent.outbox_id})
                queued += len(alerts)
        if queued:
            self._queued()
        return queued

    def _match(self, answer: Answer, sent: list[MeshSent]) -> MeshSent | None:
        """The sent message an answer is about, if the bot knows it. An ITK Response counts
        only from the MESH mailbox the message went to (`MeshSent.to`): another organisation's
        system, which never had the case, can neither mark it filed nor alert its practice,
        even knowing the message's id (made from the case reference). A MESH report is
        MESH's own (no mailbox sends one) and names MESH's id for the message."""
        for item in sent:
            local = f"{item.reference}-s{item.submission}-o{item.outbox_id}"
            if (answer.answers and answer.answers == header_id(self._inbox.mailbox, local)
                    and answer.sender.upper() == item.to.upper() != ""):
                return item
            if answer.linked and answer.linked == item.mesh_message_id:
                return item
            if not answer.linked and answer.local_id and answer.local_id == local:
                return item
        return None
