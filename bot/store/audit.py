"""The audit trail: what happened to each case, by whom, without personal data."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiosqlite

from bot.store.database import Database, utc_now
from bot.store.models import Event
from bot.store.rows import record

log = logging.getLogger("bot.audit")

Detail = dict[str, str | int | float | bool | None]


def stranger(telegram_user_id: int) -> str:
    """An audit name for someone who is not a member: a short hash, not their Telegram id."""
    return "stranger:" + hashlib.sha256(str(telegram_user_id).encode()).hexdigest()[:10]


async def write_event(
    conn: aiosqlite.Connection,
    kind: str,
    *,
    actor: str,
    case_id: int | None = None,
    practice_id: int | None = None,
    detail: Detail | None = None,
) -> None:
    """Add an event inside the caller's transaction, and log it (ids and kinds only)."""
    payload = json.dumps(detail or {}, sort_keys=True)
    await conn.execute(
        "INSERT INTO events (case_id, practice_id, actor, kind, detail, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (case_id, practice_id, actor, kind, payload, utc_now()),
    )
    log.info(
        "event %s",
        kind,
        extra={"event": kind, "case_id": case_id, "practice_id": practice_id, "actor": actor,
               "detail": detail or {}},
    )


async def write_contacted(conn: aiosqlite.Connection, case_id: int, practice_id: int, *,
                          actor: str) -> bool:
    """Within the caller's transaction, record once that a member of the practice contacted
    the patient of a case (`case.patient_contacted`); False if it was already recorded."""
    cursor = await conn.execute(
        "SELECT 1 FROM events WHERE case_id = ? AND kind = 'case.patient_contacted'", (case_id,))
    if await cursor.fetchone() is not None:
        return False
    await write_event(conn, "case.patient_contacted", actor=actor, case_id=case_id,
                      practice_id=practice_id)
    return True


@dataclass(frozen=True, slots=True)
class Note:
    """An audit event to write in the transaction of the change it is about (`write_notes`),
    so that it exists if and only if that change committed: "this stop's alert reached
    nobody" is written with the move to stopped, never for a stop that lost a race.

    `once`: not written if the case already has an event of this kind with this detail.
    `says`: a line to log at `level` (a `logging` level) when it is written (with ids and
    detail only).
    """

    kind: str
    case_id: int | None
    practice_id: int | None
    detail: Detail = field(default_factory=dict)
    actor: str = "bot"
    once: bool = False
    says: str | None = None
    level: int = logging.ERROR


async def write_notes(conn: aiosqlite.Connection, notes: Sequence[Note]) -> None:
    """Write `notes` inside the caller's transaction (`Note`)."""
    for note in notes:
        if note.once:
            cursor = await conn.execute(
                "SELECT 1 FROM events WHERE case_id = ? AND kind = ? AND detail = ?",
                (note.case_id, note.kind, json.dumps(note.detail, sort_keys=True)))
            if await cursor.fetchone() is not None:
                continue
        await write_event(conn, note.kind, actor=note.actor, case_id=note.case_id,
                          practice_id=note.practice_id, detail=note.detail)
        if note.says:
            log.log(note.level, note.says, extra={"case_id": note.case_id,
                                         "practice_id": note.practice_id,
                                         "detail": note.detail})


class AuditRepository:
    """Write and read the audit trail."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        kind: str,
        *,
        actor: str,
        case_id: int | None = None,
        practice_id: int | None = None,
        detail: Detail | None = None,
    ) -> None:
        """Add an event in a transaction of its own."""
        async with self._db.transaction() as conn:
            await write_event(
                conn, kind, actor=actor, case_id=case_id, practice_id=practice_id, detail=detail
            )

    async def write(self, notes: Sequence[Note]) -> None:
        """Write `notes` in a transaction of their own (`write_notes`)."""
        async with self._db.transaction() as conn:
            await write_notes(conn, notes)

    async def for_case(self, case_id: int) -> list[Event]:
        """Return the case's events, oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM events WHERE case_id = ? ORDER BY id", (case_id,)
            )
            return [record(Event, row) for row in await cursor.fetchall()]

    async def links_sent(self, practice_id: int) -> dict[int, str]:
        """When each of the practice's invites last had a link sent by a resend
        (`invite.reissued`), by invite id (ISO, UTC); invites never resent are left out (their
        link went when they were made, `Invite.created_at`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT json_extract(detail, '$.invite_id'), MAX(created_at) FROM events "
                "WHERE kind = 'invite.reissued' AND json_extract(detail, '$.invite_id') IN "
                "(SELECT id FROM invites WHERE practice_id = ?) "
                "GROUP BY json_extract(detail, '$.invite_id')", (practice_id,))
            return {int(invite_id): str(at) for invite_id, at in await cursor.fetchall()}

    async def filed_in_record(self, practice_id: int) -> dict[int, int]:
        """The practice's cases whose clinical system confirmed by MESH that it filed them in
        the patient's record (`case.record_filed`: a positive ITK business acknowledgement),
        by case id: the latest submission (version) confirmed."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, MAX(json_extract(detail, '$.submission')) FROM events "
                "WHERE practice_id = ? AND kind = 'case.record_filed' GROUP BY case_id",
                (practice_id,))
            return {int(case_id): int(submission or 0)
                    for case_id, submission in await cursor.fetchall()}

    async def contacted(self, practice_id: int) -> dict[int, tuple[str, str]]:
        """The practice's stopped cases whose patient staff recorded as contacted
        (`case.patient_contacted`, `record_contacted`), by case id: when (ISO, UTC) and by
        whom (the audit actor, `member:ID`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, created_at, actor FROM events WHERE practice_id = ? "
                "AND kind = 'case.patient_contacted' ORDER BY id", (practice_id,))
            return {int(case_id): (str(at), str(actor))
                    for case_id, at, actor in await cursor.fetchall()}

    async def record_contacted(self, case_id: int, practice_id: int, *, actor: str) -> bool:
        """Record, once, that a member of the practice contacted the patient of a stopped case
        (after a red-flag stop); False if it was already recorded (a double tap)."""
        async with self._db.transaction() as conn:
            return await write_contacted(conn, case_id, practice_id, actor=actor)

    async def stop_reasons(self, practice_id: int) -> dict[int, str]:
        """Why each of the practice's stopped cases stopped (erased ones too), by case id: the
        reason the move to "stopped" was audited with ("screen_mole", "consent_declined", ...),
        or "practice" for a stop by the practice (`case.stopped_by_practice`); the latest stop
        of a case counts. Cases that never stopped are left out."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, kind, json_extract(detail, '$.reason') FROM events "
                "WHERE case_id IN (SELECT id FROM cases WHERE practice_id = ? "
                "AND stage IN ('stopped', 'erased')) "
                "AND (kind = 'case.stopped_by_practice' OR (kind = 'case.stage' "
                "AND json_extract(detail, '$.to') = 'stopped')) ORDER BY id",
                (practice_id,))
            return {int(case_id): "practice" if kind == "case.stopped_by_practice" else
                    str(reason or "") for case_id, kind, reason in await cursor.fetchall()}

    async def erased_from(self, practice_id: int) -> dict[int, str]:
        """The stage each of the practice's erased cases was at when it was erased
        ("submitted", "locator", ...; the `case.erased` event's `from`), by case id."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, json_extract(detail, '$.from') FROM events "
                "WHERE practice_id = ? AND kind = 'case.erased' ORDER BY id", (practice_id,))
            return {int(case_id): str(stage or "") for case_id, stage in await cursor.fetchall()}

    async def red_flag_answers(self, practice_id: int) -> dict[int, tuple[str, ...]]:
        """The red-flag events of each of the practice's cases that has any, oldest first, by
        case id: "case.red_flag_yes" (a "yes" tapped, `bot.journey.red_flags`),
        "case.red_flag_withdrawn" (then said to be a mistake), "case.red_flag_after" (a
        "yes" tapped after the request was sent) and "case.red_flag_ended" (a "yes" or its
        confirmation tapped after the request ended before it was sent). Kept with the
        erased stub of a case, so a cancelled or deleted request still shows it was
        answered."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, kind FROM events WHERE kind IN ('case.red_flag_yes', "
                "'case.red_flag_withdrawn', 'case.red_flag_after', 'case.red_flag_ended') "
                "AND case_id IN (SELECT id FROM cases WHERE practice_id = ?) ORDER BY id",
                (practice_id,))
            found: dict[int, tuple[str, ...]] = {}
            for case_id, kind in await cursor.fetchall():
                found[int(case_id)] = (*found.get(int(case_id), ()), str(kind))
            return found

    async def reminders(self, practice_id: int) -> dict[int, tuple[str, str]]:
        """The last reminder to the patient of each of the practice's cases that had one
        (`case.reminded`: the bot's own, once a request stalls, or a member's "Send reminder"
        in /invites), by case id: when (ISO, UTC) and by whom (`bot` or `member:ID`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT case_id, created_at, actor FROM events WHERE practice_id = ? "
                "AND kind = 'case.reminded' ORDER BY id", (practice_id,))
            return {int(case_id): (str(at), str(actor))
                    for case_id, at, actor in await cursor.fetchall()}

    async def last_reminder(self, case_id: int) -> tuple[str, str] | None:
        """When (ISO, UTC) and by whom the patient of this case was last reminded
        (`reminders`), if ever."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT created_at, actor FROM events WHERE case_id = ? "
                "AND kind = 'case.reminded' ORDER BY id DESC LIMIT 1", (case_id,))
            row = await cursor.fetchone()
        return (str(row[0]), str(row[1])) if row else None

    async def links_resent(self, practice_id: int) -> dict[int, tuple[str, str]]:
        """The last resend of each of the practice's invites that had one (`invite.reissued`:
        a new link for an unopened invite), by invite id: when (ISO, UTC) and by whom."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT json_extract(detail, '$.invite_id'), created_at, actor FROM events "
                "WHERE kind = 'invite.reissued' AND json_extract(detail, '$.invite_id') IN "
                "(SELECT id FROM invites WHERE practice_id = ?) ORDER BY id", (practice_id,))
            return {int(invite_id): (str(at), str(actor))
                    for invite_id, at, actor in await cursor.fetchall()}

    async def chase_listed_last(self, practice_id: int) -> str | None:
        """When (ISO, UTC) the practice's daily list of patients to chase last named anyone
        (`chase_listed`), if ever."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT MAX(created_at) FROM events WHERE practice_id = ? "
                "AND kind IN ('case.stall_listed', 'invite.unopened_listed')", (practice_id,))
            row = await cursor.fetchone()
        return str(row[0]) if row and row[0] else None

    async def chase_listed(self, practice_id: int) -> set[str]:
        """What the practice's daily list of patients to chase has named already
        (`bot.inbox.chasing`): `case:<id>:<idle since>` for a request that stalled (named
        again only if the patient carries on and stalls again) and `invite:<id>:<link sent>`
        for a link not opened (named again only for a new link)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT json_extract(detail, '$.listed') FROM events WHERE practice_id = ? "
                "AND kind IN ('case.stall_listed', 'invite.unopened_listed')", (practice_id,))
            return {str(listed) for (listed,) in await cursor.fetchall()}

    async def has_red_flag(self, case_id: int) -> bool:
        """True if the case has any red-flag event (`red_flag_answers`): its patient is
        phoned, never reminded to carry on (`bot.inbox.chasing`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM events WHERE case_id = ? AND kind IN ('case.red_flag_yes', "
                "'case.red_flag_withdrawn', 'case.red_flag_after', 'case.red_flag_ended') "
                "LIMIT 1", (case_id,))
            return await cursor.fetchone() is not None

    async def unreached(self) -> list[Event]:
        """The alerts that could reach nobody at their practice (`delivery.reached_nobody`,
        `bot.inbox.routing.reached_nobody`), oldest first, for the operator."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM events WHERE kind = 'delivery.reached_nobody' ORDER BY id")
            return [record(Event, row) for row in await cursor.fetchall()]
