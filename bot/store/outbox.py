"""The outbox: messages that must be delivered, queued with the change that caused them."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.store.audit import Detail, Note, write_event, write_notes
from bot.store.database import Database, utc_now
from bot.store.models import Case, MeshSent, OutboxItem, Outgoing
from bot.store.rows import record


async def enqueue(conn: aiosqlite.Connection, case_id: int | None,
                  items: Sequence[Outgoing]) -> int:
    """Queue messages inside the caller's transaction; a repeated dedupe key is ignored. How
    many were queued (those ignored left out)."""
    now = utc_now()
    queued = 0
    for item in items:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO outbox (case_id, chat_id, kind, payload, dedupe_key, "
            "next_attempt_at, created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, item.chat_id, item.kind, json.dumps(item.payload, sort_keys=True),
             item.dedupe_key, now, now, item.channel),
        )
        queued += max(cursor.rowcount, 0)
    return queued


_UNSENT_STAFF = ("kind LIKE 'staff.%' AND sent_at IS NULL AND failed_at IS NULL "
                 "AND json_extract(payload, '$.referral') IS NULL")
"""A staff message not yet sent, other than a task to make a referral (`bot.inbox.
referral_task`): a referral is not made for an erased case (staff are told of the erasure)."""
_GIVEN_UP_NOT_FOLLOWED = (
    "kind LIKE 'staff.%' AND failed_at IS NOT NULL AND id IN ("
    "SELECT json_extract(detail, '$.outbox_id') FROM events WHERE kind = 'delivery.failed' "
    "AND case_id = outbox.case_id EXCEPT SELECT json_extract(detail, '$.outbox_id') FROM events "
    "WHERE kind = 'delivery.followed_up')")
"""A staff message given up (`give_up`) whose follow-up (passing its words on to the rest of
the practice's staff) is not recorded yet: the process stopped in between."""


REFERRAL_ERASED = "referral.erased"
"""The outbox kind that changes one message noted for a referral marked sent on e-RS (its
text showing the patient's reference and the UBRN: `bot.inbox.referral_task.marked_payload`)
to a neutral "case erased" line once the case is erased (payload: case id, message id, the
reason the case was erased; hazard log H71)."""


async def cancel_for_case(conn: aiosqlite.Connection, case_id: int, reason: str) -> None:
    """Stop every undelivered message about a case (it was erased), and queue taking back what
    its GP chats already received and deleting the patient's photo messages still in their
    chat (`chat_photos`).

    Undelivered alerts and tasks to practice staff (`staff.alert`, `staff.task`: a red-flag
    stop, an urgent phone call to make) are kept with their words: they are the practice's
    safety follow-up, which the patient's erasure must not undo (hazard log H22, DPIA); not a
    task to make a referral on e-RS, cancelled like the rest (staff are told of the erasure
    instead), nor the record of its buttons (`referral_buttons`): once the referral was
    marked sent, each of those messages shows who marked it and its UBRN, so each is queued
    to become a neutral "case erased" line (`REFERRAL_ERASED`, hazard log H71). Their
    payload is emptied once they are sent or their failure is followed up (`mark_sent`,
    `mark_failed`, `followed_up`), and so is kept too for one given up whose follow-up a
    stopped process has still to queue (`not_followed_up`); the payload of every other item of
    the case is emptied now.
    """
    await conn.execute(
        "UPDATE outbox SET failed_at = ?, last_error = ? "
        f"WHERE case_id = ? AND sent_at IS NULL AND failed_at IS NULL AND NOT ({_UNSENT_STAFF})",
        (utc_now(), reason, case_id),
    )
    await conn.execute(f"UPDATE outbox SET payload = '{{}}' WHERE case_id = ? "
                       f"AND NOT ({_UNSENT_STAFF}) AND NOT ({_GIVEN_UP_NOT_FOLLOWED})",
                       (case_id,))
    cursor = await conn.execute("SELECT DISTINCT chat_id FROM delivered WHERE case_id = ?",
                                (case_id,))
    chats = [int(row[0]) for row in await cursor.fetchall()]
    await enqueue(conn, case_id, [
        Outgoing(chat, "gp.retract", {"case_id": case_id, "reason": reason},
                 f"case:{case_id}:retract:{chat}") for chat in chats])
    # The patient's own photo messages still in their chat go too, and the bot's messages
    # showing their photos and answers back (message ids only; the patient has been told
    # their photos and answers are deleted, so nothing more is said).
    await photos_off_chat(conn, case_id, answers=True)
    # a question already marked to lose its buttons (a typed answer that stops the request
    # answered it: `take_questions`) stays until they are off, as after any typed answer
    await conn.execute("DELETE FROM question_messages WHERE case_id = ? AND off_at IS NULL",
                       (case_id,))
    await conn.execute("DELETE FROM album_steps WHERE case_id = ?", (case_id,))
    cursor = await conn.execute(
        "SELECT b.chat_id, b.message_id FROM referral_buttons AS b JOIN cases AS c "
        "ON c.id = b.case_id WHERE b.case_id = ? AND c.referral_sent_at IS NOT NULL "
        "ORDER BY b.chat_id, b.message_id", (case_id,))
    await enqueue(conn, case_id, [
        Outgoing(int(row[0]), REFERRAL_ERASED,
                 {"case_id": case_id, "message_id": int(row[1]), "reason": reason},
                 f"case:{case_id}:referral-erased:{int(row[0])}:{int(row[1])}")
        for row in await cursor.fetchall()])
    await conn.execute("DELETE FROM referral_buttons WHERE case_id = ?", (case_id,))


async def photos_off_chat(conn: aiosqlite.Connection, case_id: int, *,
                          again: bool = False, answers: bool = False) -> None:
    """Queue deleting the case's photo messages still in the patient's chat (their own photos
    not yet deleted, the review albums the bot sent: `chat_photos`) inside the caller's
    transaction, and forget them; with `answers` (the case is erased or stopped), the bot's
    messages showing the patient's answers back (`chat_answers`: the review summary) go in
    the same item. `again` is for photos discarded while the case goes on
    (`CaseRepository.photos_again`): its item is keyed by the first message, so a later
    erasure still queues its own."""
    cursor = await conn.execute(
        "SELECT chat_id, message_id FROM chat_photos WHERE case_id = ? ORDER BY message_id",
        (case_id,))
    left: dict[int, list[int]] = {}
    for row in await cursor.fetchall():
        left.setdefault(int(row[0]), []).append(int(row[1]))
    await conn.execute("DELETE FROM chat_photos WHERE case_id = ?", (case_id,))
    for chat, ids in left.items():  # a held photo noted for other requests too: one deletion
        await conn.execute(
            f"DELETE FROM chat_photos WHERE chat_id = ? AND message_id IN "
            f"({', '.join('?' for _ in ids)})", (chat, *ids))
    if answers:
        cursor = await conn.execute(
            "DELETE FROM chat_answers WHERE case_id = ? RETURNING chat_id, message_id",
            (case_id,))
        for row in await cursor.fetchall():
            ids = left.setdefault(int(row[0]), [])
            if int(row[1]) not in ids:
                ids.append(int(row[1]))
        for ids in left.values():
            ids.sort()
    await enqueue(conn, case_id, [
        Outgoing(chat, "patient.photos_erased", {"messages": ",".join(map(str, ids))},
                 f"case:{case_id}:photos_erased:{chat}" + (f":{ids[0]}" if again else ""))
        for chat, ids in left.items()])


_ERASED_EMPTY = ("CASE WHEN case_id IN (SELECT id FROM cases WHERE erased_at IS NOT NULL) "
                 "OR kind = 'staff.chase_list' THEN '{}' ELSE payload END")
"""The payload of an item finished after its case was erased (a kept staff alert or task),
or of the daily list of patients to chase (`bot.inbox.chasing`: the references of several
patients, and no case whose erasure would empty it), emptied once sent or given up."""


async def _still_as_read(conn: aiosqlite.Connection, case: Case) -> bool:
    """True if `case` is in the store as the caller read it: not erased, same stage, not
    touched since (`updated_at`)."""
    cursor = await conn.execute(
        "SELECT 1 FROM cases WHERE id = ? AND erased_at IS NULL AND stage = ? "
        "AND updated_at = ?", (case.id, case.stage.value, case.updated_at))
    return await cursor.fetchone() is not None


_SENT_TO = ("COALESCE(json_extract(o.payload, '$.to'), "
            "(SELECT p.mesh_mailbox FROM practices p WHERE p.id = c.practice_id))")
"""The MESH mailbox a record item was sent to: written in its payload just before the send
(`bot.channels.dispatch`); for an item sent before that was written, the practice's mailbox
now."""

_MESH_SENT = ("SELECT o.id, o.case_id, c.practice_id, c.reference, "
              "json_extract(o.payload, '$.submission'), o.remote_id, "
              f"{_SENT_TO} FROM outbox o "
              "JOIN cases c ON c.id = o.case_id WHERE o.channel = 'mesh'")
"""The columns of a `MeshSent` (`_mesh_sent`) for the MESH items of cases; callers add their
own conditions after it with AND."""


def _mesh_sent(row: aiosqlite.Row) -> MeshSent:
    """A `MeshSent` from a row of `_MESH_SENT` (no MESH id yet: "")."""
    return MeshSent(int(row[0]), int(row[1]), int(row[2]), str(row[3]), int(row[4] or 0),
                    str(row[5] or ""), str(row[6] or ""))


class OutboxRepository:
    """Read what is due and record how each delivery went."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, case_id: int | None, items: Sequence[Outgoing],
                  notes: Sequence[Note] = (), *, as_read: Case | None = None) -> int:
        """Queue messages in a transaction of their own, with the audit `notes` about them
        (an alert that reached nobody, `bot.store.audit.Note`); how many were queued (a
        repeated dedupe key is not).

        With `as_read` (the case the messages are about, as the caller read it), nothing is
        queued if the case was erased or moved on since: a housekeeping reminder read a
        moment before the patient's "Delete all" committed is not sent about, nor written
        onto, the erased case."""
        async with self._db.transaction() as conn:
            if as_read is not None and not await _still_as_read(conn, as_read):
                return 0
            queued = await enqueue(conn, case_id, items)
            await write_notes(conn, notes)
            return queued

    async def add_once(self, case_id: int | None, item: Outgoing, notes: Sequence[Note], *,
                       as_read: Case | None = None) -> bool:
        """Queue one message with the audit `notes` about it, in one transaction, only if no
        message with its dedupe key was ever queued; False (nothing written) if one was: two
        members tapping "Send reminder" at once send the patient one reminder, recorded once.
        With `as_read`, also False if the case was erased or moved on since (see `add`)."""
        async with self._db.transaction() as conn:
            if as_read is not None and not await _still_as_read(conn, as_read):
                return False
            cursor = await conn.execute("SELECT 1 FROM outbox WHERE dedupe_key = ?",
                                        (item.dedupe_key,))
            if await cursor.fetchone() is not None:
                return False
            await enqueue(conn, case_id, [item])
            await write_notes(conn, notes)
            return True

    async def due(self, limit: int = 20) -> list[OutboxItem]:
        """Messages due now, oldest first; one waits while an earlier one to its chat (or, on a
        record channel, to its practice's mailbox) is unsent."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM outbox AS o WHERE sent_at IS NULL AND failed_at IS NULL "
                "AND next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox AS e "
                "WHERE e.chat_id = o.chat_id AND e.channel = o.channel AND e.id < o.id "
                "AND e.sent_at IS NULL AND e.failed_at IS NULL) ORDER BY id LIMIT ?",
                (utc_now(), limit),
            )
            return [record(OutboxItem, row) for row in await cursor.fetchall()]

    async def next_due_at(self) -> str | None:
        """When the next undelivered message is due, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL "
                "AND failed_at IS NULL")
            row = await cursor.fetchone()
        return row[0] if row else None

    async def mark_sent(self, item_id: int) -> None:
        """Record that Telegram accepted the message."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, "
                               f"payload = {_ERASED_EMPTY} WHERE id = ?", (utc_now(), item_id))

    async def retry_later(self, item_id: int, error: str, delay_seconds: float) -> None:
        """Record a failed attempt and when to try again."""
        when = (datetime.now(UTC) + timedelta(seconds=delay_seconds)).isoformat(
            timespec="seconds")
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?", (error[:200], when, item_id))

    async def park(self, item_id: int, reason: str, recheck_seconds: float) -> None:
        """Keep a message waiting (not failed, attempts not counted) until `unpark` or
        `recheck_seconds` from now."""
        when = (datetime.now(UTC) + timedelta(seconds=recheck_seconds)).isoformat(
            timespec="seconds")
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE outbox SET last_error = ?, next_attempt_at = ? "
                               "WHERE id = ?", (reason[:200], when, item_id))

    async def parked_chats(self, prefix: str) -> list[int]:
        """Chats with undelivered messages parked with a reason starting with `prefix`."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT DISTINCT chat_id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL "
                "AND last_error LIKE ? || '%'", (prefix,))
            return [int(row[0]) for row in await cursor.fetchall()]

    async def unpark(self, chat_id: int, prefix: str) -> None:
        """Make the parked messages of a chat due now."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = NULL WHERE chat_id = ? "
                "AND sent_at IS NULL AND failed_at IS NULL AND last_error LIKE ? || '%'",
                (utc_now(), chat_id, prefix))

    async def save_payload(self, item_id: int, payload: dict[str, object]) -> None:
        """Record how far a message in parts has got (which parts Telegram confirmed)."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE outbox SET payload = ? WHERE id = ? AND sent_at IS NULL "
                               "AND failed_at IS NULL", (json.dumps(payload, sort_keys=True),
                                                         item_id))

    async def set_remote_id(self, item_id: int, remote_id: str) -> None:
        """Record the id a record channel gave the message (MESH), before it is marked sent."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE outbox SET remote_id = ? WHERE id = ?",
                               (remote_id, item_id))

    async def remember_chat_photo(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Note a patient's photo message that is still in their chat (not deleted when the
        photo was kept, or not checked), to delete once a record channel has the case."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO chat_photos (chat_id, message_id, case_id, created_at) "
                "VALUES (?, ?, ?, ?)", (chat_id, message_id, case_id, utc_now()))

    async def note_held(self, case_ids: Sequence[int], chat_id: int, message_id: int) -> None:
        """Note a photo message held until the patient says which request it is for against
        every request waiting for a photo (`bot.journey.photo_choice`): erasing any of them
        takes it off the chat, and after a restart erasure and retention still find it."""
        now = utc_now()
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO chat_photos (chat_id, message_id, case_id, created_at, "
                "held) VALUES (?, ?, ?, ?, 1)", [(chat_id, message_id, case_id, now)
                                                 for case_id in case_ids])

    async def keep_chat_photo_with(self, case_id: int, chat_id: int, message_id: int) -> None:
        """The patient chose `case_id` for a held photo message: it stays noted against that
        case only (noted there if it was not), still marked held until `unmark_held`, so that
        a restart while the photo is being checked and filed still finds it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM chat_photos WHERE chat_id = ? AND message_id = ? AND case_id != ?",
                (chat_id, message_id, case_id))
            await conn.execute(
                "INSERT OR IGNORE INTO chat_photos (chat_id, message_id, case_id, created_at, "
                "held) VALUES (?, ?, ?, ?, 1)", (chat_id, message_id, case_id, utc_now()))

    async def unmark_held(self, chat_id: int, message_id: int) -> None:
        """A photo message chosen for a request has been dealt with (filed, or left in the
        chat as any photo the bot could not use): no longer held."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE chat_photos SET held = 0 WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id))

    async def forget_held(self, case_ids: Sequence[int] | None = None, *,
                          keep: Collection[tuple[int, int]] = ()) -> int:
        """Queue deleting, silently, the photo messages still marked as held for the patient's
        choice of request (`note_held`) whose photos the bot no longer holds, and forget them;
        return how many messages.

        Held photos live in memory only (`bot.journey.photo_choice`): after a restart every
        mark is such a message (start-up passes `case_ids` None: all of them); a tap on a
        choice the bot no longer holds passes the patient's cases, and `keep` the (chat id,
        message id) of the photos it holds for them now. One Telegram will not delete (older
        than 48 hours) stays in the chat (`photos_erased`).
        """
        where, values = "held = 1", list[int]()
        if case_ids is not None:
            if not case_ids:
                return 0
            where += f" AND case_id IN ({', '.join('?' for _ in case_ids)})"
            values = list(case_ids)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"SELECT DISTINCT chat_id, message_id FROM chat_photos WHERE {where} "
                "ORDER BY chat_id, message_id", values)
            gone: dict[int, list[int]] = {}
            for row in await cursor.fetchall():
                if (int(row[0]), int(row[1])) not in keep:
                    gone.setdefault(int(row[0]), []).append(int(row[1]))
            for chat, ids in gone.items():  # noted against each request waiting: all go
                await conn.execute(
                    f"DELETE FROM chat_photos WHERE chat_id = ? AND message_id IN "
                    f"({', '.join('?' for _ in ids)})", (chat, *ids))
            await enqueue(conn, None, [
                Outgoing(chat, "patient.photos_erased", {"messages": ",".join(map(str, ids))},
                         f"held:{chat}:{ids[0]}") for chat, ids in gone.items()])
        return sum(len(ids) for ids in gone.values())

    async def remember_album(self, case_id: int, chat_id: int,
                             message_ids: Sequence[int]) -> None:
        """Note the messages of an album of the case's photos the bot sent back to the patient
        (the review), to delete with their own photo messages: on /delete, /cancel, a stop
        after photos (`cancel_for_case`) and once a record channel has the case."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO chat_photos (chat_id, message_id, case_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                [(chat_id, message_id, case_id, utc_now()) for message_id in message_ids])

    async def remember_answers(self, case_id: int, chat_id: int,
                               message_ids: Sequence[int]) -> None:
        """Note the bot's messages that show the case's answers back to the patient (the
        review summary, the date of birth said back, a question showing the answer tapped),
        to delete from their chat when the case is erased or stopped (`cancel_for_case`); not
        for a case erased or stopped meanwhile (between the message being sent and noted),
        whose erasure has already queued the deletion of the others."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO chat_answers (chat_id, message_id, case_id, created_at) "
                "SELECT ?, ?, id, ? FROM cases WHERE id = ? AND erased_at IS NULL "
                "AND stage NOT IN ('stopped', 'cancelled')",
                [(chat_id, message_id, utc_now(), case_id) for message_id in message_ids])

    async def note_referral_button(self, case_id: int, chat_id: int, message_id: int) -> None:
        """Note a message that carries the case's "Referral sent on e-RS" button (the GP's
        "referred" message, a member of staff's task), to change once it is marked sent; or,
        noted after it was marked, the reply that recorded a typed UBRN. Each becomes a neutral
        line if the case is erased once marked (`cancel_for_case`, `REFERRAL_ERASED`)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO referral_buttons (case_id, chat_id, message_id, noted_at) "
                "VALUES (?, ?, ?, ?)", (case_id, chat_id, message_id, utc_now()))

    async def referral_buttons(self, case_id: int) -> list[tuple[int, int]]:
        """The (chat id, message id) of the messages noted by `note_referral_button`."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, message_id FROM referral_buttons WHERE case_id = ? "
                "ORDER BY chat_id, message_id", (case_id,))
            return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def chat_answers(self, case_id: int) -> list[tuple[int, int]]:
        """The (chat id, message id) of the bot's messages showing the case's answers that
        are noted to delete with it (`remember_answers`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, message_id FROM chat_answers WHERE case_id = ? "
                "ORDER BY chat_id, message_id", (case_id,))
            return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def chat_photos(self, case_id: int) -> list[tuple[int, int]]:
        """The (chat id, message id) of the case's patient photo messages still in a chat."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, message_id FROM chat_photos WHERE case_id = ? "
                "ORDER BY chat_id, message_id", (case_id,))
            return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def note_question(self, case_id: int, chat_id: int, message_id: int,
                            question: str) -> list[int]:
        """Note one message asking a question (`note_questions`); not for a case erased
        meanwhile (between the message being sent and noted), whose erasure would never come
        back to forget it. Returns the older copies marked to lose their buttons."""
        return await self.note_questions(chat_id, [(message_id, case_id, question)])

    async def take_questions(self, case_id: int, chat_id: int, question: str) -> list[int]:
        """The messages in this chat that asked this question of the case (`note_question`),
        marked now to lose their buttons (`off_at`): a typed answer answered them. Each is
        forgotten only once its buttons are off (`forget_question`); until then a restart
        finds it (`questions_due_off`)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE question_messages SET off_at = COALESCE(off_at, ?) WHERE case_id = ? "
                "AND chat_id = ? AND question = ? RETURNING message_id",
                (utc_now(), case_id, chat_id, question))
            return sorted(int(row[0]) for row in await cursor.fetchall())

    async def questions_due_off(self) -> dict[int, list[int]]:
        """The question messages marked to lose their buttons and not yet forgotten (a
        crash came between the mark and the edit), by chat."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT chat_id, message_id FROM question_messages WHERE off_at IS NOT NULL "
                "ORDER BY chat_id, message_id")
            due: dict[int, list[int]] = {}
            for row in await cursor.fetchall():
                due.setdefault(int(row[0]), []).append(int(row[1]))
            return due

    async def note_questions(self, chat_id: int,
                             shown: Sequence[tuple[int, int, str]]) -> list[int]:
        """Note question messages just sent in this chat, each as (message id, case id,
        question: "screening|red_flags"), and mark every older copy of the same question of
        the same case in this chat to lose its buttons (`off_at`), in one transaction; return
        the older copies' message ids, to take the buttons off (then `forget_question`).
        Copies sent together (one answer) are all kept. Not for a case erased meanwhile."""
        now = utc_now()
        ids = sorted({message_id for message_id, _, _ in shown})
        marks = ",".join("?" * len(ids))
        older: set[int] = set()
        async with self._db.transaction() as conn:
            for message_id, case_id, question in shown:
                await conn.execute(
                    "INSERT OR REPLACE INTO question_messages (chat_id, message_id, case_id, "
                    "question, created_at) SELECT ?, ?, id, ?, ? FROM cases "
                    "WHERE id = ? AND erased_at IS NULL",
                    (chat_id, message_id, question, now, case_id))
            for case_id, question in sorted({(case, asked) for _, case, asked in shown}):
                cursor = await conn.execute(
                    "UPDATE question_messages SET off_at = COALESCE(off_at, ?) "
                    "WHERE case_id = ? AND chat_id = ? AND question = ? "
                    f"AND message_id NOT IN ({marks}) RETURNING message_id",
                    (now, case_id, chat_id, question, *ids))
                older.update(int(row[0]) for row in await cursor.fetchall())
        return sorted(older)

    async def forget_question(self, chat_id: int, message_id: int) -> None:
        """The question message is answered, or its buttons are off: forgotten."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM question_messages WHERE chat_id = ? "
                               "AND message_id = ?", (chat_id, message_id))

    async def forget_chat_photo(self, chat_id: int, message_id: int) -> None:
        """The photo message is gone from the chat (or can no longer be deleted): forgotten
        for every case it was noted against."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM chat_photos WHERE chat_id = ? AND message_id = ?",
                               (chat_id, message_id))

    async def forget_chat_answer(self, chat_id: int, message_id: int) -> None:
        """The message showing answers is gone from the chat (or can no longer be deleted)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM chat_answers WHERE chat_id = ? AND message_id = ?",
                               (chat_id, message_id))

    async def give_up(self, item: OutboxItem, error: str) -> None:
        """Record, in one transaction, that the message cannot be delivered (and will not be
        retried) and the audit event `delivery.failed` (detail: the outbox id, the item's kind
        and the first 100 characters of `error`; no personal data). Its follow-up (a staff
        alert, the patient's notice, a staff message passed on) is still to come: until
        `followed_up` records it, `not_followed_up` gives the item again (after a kill -9).
        The payload is kept for that follow-up."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? "
                "WHERE id = ?", (utc_now(), error[:200], item.id))
            await write_event(conn, "delivery.failed", actor="bot", case_id=item.case_id,
                              detail={"outbox_id": item.id, "kind": item.kind,
                                      "reason": error[:100]})

    async def followed_up(self, item_id: int) -> None:
        """The follow-up of a message given up (`give_up`) is queued: audited
        `delivery.followed_up` (the outbox id), and its payload emptied if its case was erased
        since (as `mark_failed`)."""
        async with self._db.transaction() as conn:
            await conn.execute(f"UPDATE outbox SET payload = {_ERASED_EMPTY} WHERE id = ?",
                               (item_id,))
            await write_event(conn, "delivery.followed_up", actor="bot",
                              detail={"outbox_id": item_id})

    async def not_followed_up(self) -> list[OutboxItem]:
        """The messages given up (`give_up`) whose follow-up was never recorded
        (`followed_up`): the process stopped in between. Oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM outbox WHERE failed_at IS NOT NULL AND id IN ("
                "SELECT json_extract(detail, '$.outbox_id') FROM events "
                "WHERE kind = 'delivery.failed' AND json_extract(detail, '$.outbox_id') "
                "IS NOT NULL EXCEPT SELECT json_extract(detail, '$.outbox_id') FROM events "
                "WHERE kind = 'delivery.followed_up') ORDER BY id")
            return [record(OutboxItem, row) for row in await cursor.fetchall()]

    async def mark_failed(self, item_id: int, error: str) -> None:
        """Record that the message cannot be delivered (and will not be retried)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, "
                f"payload = {_ERASED_EMPTY} WHERE id = ?", (utc_now(), error[:200], item_id))

    async def sending(self, case_id: int, chat_id: int, *, part: str,
                      submission: int) -> int:
        """Note, before Telegram is asked, that a GP chat is being sent a part of a case
        (`part` "album:<shot>" for one photo document, "summary", "notice" or "pack"; the
        case's `submission` number, so a later submission can mark earlier parts superseded),
        as a row with message id 0, "sent, id not known"; returns its row id for `sent_as`
        (the send worked) or `not_sent` (Telegram refused it). A row still 0 means the bot
        stopped (kill -9, a timeout) after asking Telegram and before writing the id down: the
        chat may hold a message the bot cannot name, so taking the case back
        (`take_delivered`) asks the GP to delete it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO delivered (case_id, chat_id, message_id, created_at, part, "
                "submission) VALUES (?, ?, 0, ?, ?, ?)",
                (case_id, chat_id, utc_now(), part, submission))
            return int(cursor.lastrowid or 0)

    async def sent_as(self, row_id: int, message_id: int) -> None:
        """The part noted by `sending` reached the chat as this message."""
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE delivered SET message_id = ? WHERE id = ?",
                               (message_id, row_id))

    async def not_sent(self, row_id: int) -> None:
        """Telegram refused the part noted by `sending`: the chat did not get it."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM delivered WHERE id = ? AND message_id = 0",
                               (row_id,))

    async def earlier_parts(self, case_id: int, chat_id: int, part: str,
                            before: int) -> list[tuple[int, int]]:
        """(message id, submission) of this part a GP chat received for earlier submissions
        (not those whose id the bot never learnt, `sending`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT message_id, submission FROM delivered WHERE case_id = ? AND chat_id = ? "
                "AND part = ? AND submission < ? AND message_id > 0 ORDER BY message_id",
                (case_id, chat_id, part, before))
            return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def delivered_chats(self, case_id: int) -> list[int]:
        """The chats that have received any part of the case (routed, or opened from /inbox)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT DISTINCT chat_id FROM delivered WHERE case_id = ? ORDER BY chat_id",
                (case_id,))
            return [int(row[0]) for row in await cursor.fetchall()]

    async def holds_part(self, case_id: int, chat_id: int, submission: int) -> bool:
        """Whether the chat received (or is being sent) a part of this submission of the case."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM delivered WHERE case_id = ? AND chat_id = ? AND submission = ? "
                "LIMIT 1", (case_id, chat_id, submission))
            return await cursor.fetchone() is not None

    async def delivered_elsewhere_since(self, case_id: int, chat_id: int, since: str) -> bool:
        """Whether a chat other than `chat_id` received any part of the case at or after
        `since` (ISO 8601 UTC, as `created_at`): sent on while `chat_id` was lost."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM delivered WHERE case_id = ? AND chat_id != ? AND created_at >= ? "
                "LIMIT 1", (case_id, chat_id, since))
            return await cursor.fetchone() is not None

    async def earlier_photos(self, case_id: int, chat_id: int,
                             before: int) -> list[tuple[int, int, str]]:
        """(message id, submission, part) of the photo documents a GP chat received for
        earlier submissions: part "album:<shot>", or "album" for rows from before the shot was
        recorded (not those whose id the bot never learnt, `sending`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT message_id, submission, part FROM delivered WHERE case_id = ? "
                "AND chat_id = ? AND (part = 'album' OR part LIKE 'album:%') "
                "AND submission < ? AND message_id > 0 ORDER BY message_id",
                (case_id, chat_id, before))
            return [(int(row[0]), int(row[1] or 1), str(row[2]))
                    for row in await cursor.fetchall()]

    async def parts_in(self, case_id: int, chat_id: int) -> list[tuple[int, str]]:
        """(message id, part) of every message a GP chat received about a case whose id the
        bot knows (not those left at 0, `sending`), oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT message_id, part FROM delivered WHERE case_id = ? AND chat_id = ? "
                "AND message_id > 0 ORDER BY message_id", (case_id, chat_id))
            return [(int(row[0]), str(row[1] or "")) for row in await cursor.fetchall()]

    async def forget_message(self, case_id: int, chat_id: int, message_id: int) -> None:
        """A message about a case is gone from a GP chat (the bot deleted it): forget it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM delivered WHERE case_id = ? AND chat_id = ? AND message_id = ?",
                (case_id, chat_id, message_id))

    async def take_delivered(self, case_id: int, chat_id: int) -> list[int]:
        """The message ids a GP chat received about a case, forgetting them; 0 for each
        message it may hold whose id the bot never learnt (`sending`)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM delivered WHERE case_id = ? AND chat_id = ? RETURNING message_id",
                (case_id, chat_id))
            return sorted(int(row[0]) for row in await cursor.fetchall())

    async def for_case(self, case_id: int) -> list[OutboxItem]:
        """Every message queued about a case, oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT * FROM outbox WHERE case_id = ? ORDER BY id",
                                        (case_id,))
            return [record(OutboxItem, row) for row in await cursor.fetchall()]

    async def sent_by_mesh(self) -> list[MeshSent]:
        """Every message sent by MESH about a case not erased, newest first, with the mailbox
        it went to: what an answer in the bot's MESH inbox can be about. Sent: MESH accepted
        it (`remote_id` set), or a send was started (`dispatch.STARTED`) and MESH may have
        taken it before the bot wrote its id down (a kill -9, or a practice's system that
        answers within the moment): its `mesh_message_id` is then "", and only an ITK
        Response, which names the message by its local id's header id, can match it."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"{_MESH_SENT} AND (o.remote_id IS NOT NULL OR json_extract(o.payload, "
                "'$.started')) AND c.erased_at IS NULL ORDER BY o.id DESC")
            return [_mesh_sent(row) for row in await cursor.fetchall()]

    async def mesh_unanswered(self, sent_before: str) -> list[MeshSent]:
        """Messages MESH accepted before `sent_before` (ISO UTC) carrying the latest
        submission of a case not erased, about which nothing came back: no `case.record_*`
        event names their outbox id (no acknowledgement, no report, and no alert yet that none
        came: `RecordAnswers.chase_unanswered`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"{_MESH_SENT} AND o.remote_id IS NOT NULL AND c.erased_at IS NULL "
                "AND o.sent_at < ? "
                "AND json_extract(o.payload, '$.submission') = c.submissions "
                "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = o.case_id "
                "AND e.kind LIKE 'case.record_%' "
                "AND json_extract(e.detail, '$.outbox_id') = o.id) ORDER BY o.id",
                (sent_before,))
            return [_mesh_sent(row) for row in await cursor.fetchall()]

    async def record_answer(self, mesh_message_id: str, kind: str, case_id: int,
                            practice_id: int, detail: Detail, alerts: Sequence[Outgoing],
                            notes: Sequence[Note] = ()) -> bool:
        """Record, once per message in the bot's MESH inbox (`mesh_message_id`), what it said
        about a case (audit `kind`, `detail` with no free text), with the staff `alerts` and
        audit `notes` it raises, in one transaction; False (nothing written) if that message
        was recorded before (read again after a stop before MESH was told it was read)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM events WHERE case_id = ? AND kind LIKE 'case.record_%' "
                "AND json_extract(detail, '$.mesh_message_id') = ?", (case_id, mesh_message_id))
            if await cursor.fetchone() is not None:
                return False
            await write_event(conn, kind, actor="mesh", case_id=case_id,
                              practice_id=practice_id,
                              detail={**detail, "mesh_message_id": mesh_message_id})
            await enqueue(conn, case_id, alerts)
            await write_notes(conn, notes)
            return True
