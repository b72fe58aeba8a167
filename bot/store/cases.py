"""Cases: one patient episode each, with the stage it has reached."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import aiosqlite

from bot.store.audit import Note, write_contacted, write_event, write_notes
from bot.store.database import Database, utc_now
from bot.store.models import (
    CLOSED_STAGES,
    Case,
    ConsentBy,
    Flags,
    Invite,
    Outgoing,
    ShotSlot,
    Stage,
)
from bot.store.outbox import cancel_for_case, enqueue, photos_off_chat
from bot.store.rows import maybe, record

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud


URGENT = "urgent"
"""The decision recorded for an urgent (two-week-wait) outcome (`bot.inbox.alerts.URGENT`)."""
REFERRED = "referred"
"""The decision recorded for a referral to teledermatology."""
APPOINTMENT = "appointment"
"""The decision recorded when the GP asks the patient to book an appointment."""
RED_FLAG_STOP = "screen_red_flag"
"""The stop reason of a request stopped for a confirmed red-flag answer (999 / NHS 111)."""


UNDECIDED_NOTE_CLEARED = ("decision_note = CASE WHEN decision IS NULL THEN NULL "
                          "ELSE decision_note END")
"""SQL that clears a note without a decision (why the GP asked for new photos, maybe in the
GP's own words) and keeps a decided case's (a reason code, `bot.inbox.decisions`)."""


CLOSED = tuple(sorted(stage.value for stage in CLOSED_STAGES))
"""The stages at which the patient has nothing left to do, for SQL `stage NOT IN (...)`."""
CLOSED_MARKS = ", ".join("?" for _ in CLOSED)


def _outcome_stages(column: str) -> tuple[str, ...]:
    """The stages at which a decided case's outcome can still be closed: an urgent task also
    on the stub of an erased case."""
    if column == "task_done_at":
        return (Stage.DECIDED.value, Stage.ERASED.value)
    return (Stage.DECIDED.value,)


def new_reference() -> str:
    """Return a case reference a patient can read out on the phone, like TD-7K3M-Q9XA."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"TD-{chars[:4]}-{chars[4:]}"


def patient_now() -> str:
    """The time for `Case.patient_at`: ISO 8601 UTC to the microsecond, so two actions of one
    patient within the same second still say which came last."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class StageConflict(RuntimeError):
    """The case was no longer at the stage the caller expected (a double tap, an old button)."""


class CaseRepository:
    """Open cases, move them through their stages, and find a patient's current one."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_from_invite(
        self, invite: Invite, *, patient_user_id: int, patient_chat_id: int, is_child: bool,
        consent_by: ConsentBy = "self",
    ) -> Case:
        """Use the invite once and open a case for this patient at the identity check, with
        who answers and consents (`Case.consent_by`, set by the system from the age).

        StageConflict if the invite is no longer usable as it is marked used: used already,
        cancelled (`InviteRepository.revoke`, a renewal), locked or expired since the caller
        read it (checked in the same statement, so a link staff cancel a moment before is
        never opened)."""
        now = utc_now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET used_at = ?, opened_at = COALESCE(opened_at, ?) "
                "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND locked_at IS NULL "
                "AND julianday(expires_at) > julianday(?)",
                (now, now, invite.id, now),
            )
            if cursor.rowcount != 1:
                raise StageConflict("invite already used, cancelled, locked or expired")
            cursor = await conn.execute(
                "INSERT INTO cases (reference, practice_id, invite_id, patient_user_id, "
                "patient_chat_id, is_child, stage, created_at, updated_at, consent_by, "
                "patient_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_reference(), invite.practice_id, invite.id, patient_user_id,
                 patient_chat_id, int(is_child), Stage.IDENTITY.value, now, now, consent_by,
                 patient_now()),
            )
            case_id = cursor.lastrowid
            assert case_id is not None
            await write_event(
                conn, "case.opened", actor="patient", case_id=case_id,
                practice_id=invite.practice_id,
                detail={"invite_id": invite.id, "consent_by": consent_by},
            )
        case = await self.get(case_id)
        assert case is not None
        return case

    async def owe_album_step(self, case_id: int, album: str) -> None:
        """Note that the case's next step is held while its album's photos are judged."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO album_steps (case_id, album, noted_at) VALUES (?, ?, ?) "
                "ON CONFLICT (case_id) DO UPDATE SET album = excluded.album, "
                "noted_at = excluded.noted_at", (case_id, album, utc_now()))

    async def settle_album_step(self, case_id: int) -> bool:
        """The held step was shown (or is no longer owed); True if one was noted."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM album_steps WHERE case_id = ?", (case_id,))
            return cursor.rowcount > 0

    async def album_steps_owed(self) -> list[tuple[Case, str]]:
        """Each case with a step held for an album (`owe_album_step`), and the album."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT cases.*, album_steps.album AS held_album FROM album_steps "
                "JOIN cases ON cases.id = album_steps.case_id ORDER BY album_steps.case_id")
            rows = list(await cursor.fetchall())
        return [(record(Case, row), str(row["held_album"])) for row in rows]

    async def get(self, case_id: int) -> Case | None:
        """Return the case with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,))
            return maybe(Case, await cursor.fetchone())

    async def for_invite(self, invite_id: int) -> Case | None:
        """Return the case opened from this invite, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE invite_id = ? ORDER BY id DESC LIMIT 1", (invite_id,)
            )
            return maybe(Case, await cursor.fetchone())

    async def current_for_patient(self, patient_user_id: int) -> Case | None:
        """The case this patient's input goes to: of their open cases (not erased), the one
        they last acted on (`Case.patient_at`); with none open, the case they last acted on,
        to say how it ended. None if they have no case.

        Only the patient's own actions move `patient_at` (opening a link, an answer, a
        photo, a tap on one of the case's buttons, choosing the case), never a GP's decision,
        a "new photos" request, a staff stop, a reminder or the retention purge, so none of
        those can send the patient's next input to another case (audit finding 1).
        """
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE patient_user_id = ? "
                f"ORDER BY (erased_at IS NULL AND stage NOT IN ({CLOSED_MARKS})) DESC, "
                "COALESCE(patient_at, updated_at) DESC, id DESC LIMIT 1",
                (patient_user_id, *CLOSED),
            )
            return maybe(Case, await cursor.fetchone())

    async def open_for_patient(self, patient_user_id: int) -> list[Case]:
        """This patient's open cases (not erased), the one they last acted on first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE patient_user_id = ? AND erased_at IS NULL "
                f"AND stage NOT IN ({CLOSED_MARKS}) "
                "ORDER BY COALESCE(patient_at, updated_at) DESC, id DESC",
                (patient_user_id, *CLOSED))
            return [record(Case, row) for row in await cursor.fetchall()]

    async def choose(self, case: Case) -> Case:
        """The patient acted on this case (re-opened its link, tapped one of its buttons, chose
        it for a GP's "new photos"): it becomes their current case (`current_for_patient`).
        Returns the case as it is now; an erased case is left as it is."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE cases SET patient_at = ? WHERE id = ? AND erased_at IS NULL "
                "RETURNING *", (patient_now(), case.id))
            row = await cursor.fetchone()
        return case if row is None else record(Case, row)

    async def for_patient(self, patient_user_id: int) -> list[Case]:
        """Every case of this patient, oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE patient_user_id = ? ORDER BY id", (patient_user_id,))
            return [record(Case, row) for row in await cursor.fetchall()]

    async def move(
        self, case: Case, to: Stage, *, actor: str = "patient", reason: str | None = None,
        outbox: Sequence[Outgoing] = (), decision: str | None = None,
        decision_note: str | None = None, flags: Flags | None = None,
        notes: Sequence[Note] = (),
    ) -> Case:
        """Move the case on from the stage it is at and return it moved; StageConflict if it
        had already moved (or was erased).

        Messages in `outbox` and the workflow `flags` are written in the same transaction, so
        they exist if and only if the move happened: nothing is ever written onto a case
        erased in the meantime. So are the audit `notes` about it (an alert of the move that
        reached nobody, the patient told so). The move is audited (`case.stage`) as `actor`
        ("patient", "member:N", "system"), and so are the flags (`case.flags`). Submitting counts a
        submission (and remembers the newest photo of this submission and of the one before,
        to tell what is new); a decision records the GP's. A `decision_note` without a
        decision is why the GP asked for new photos, in the words the patient was told (the
        GP's own words, maybe): kept on the open case, repeated in each request for those
        photos, and cleared when the case is submitted again, stopped or erased.
        """
        now = utc_now()
        sets = ["stage = ?", "updated_at = ?"]
        params: list[object] = [to.value, now]
        if actor == "patient":
            sets.append("patient_at = ?")
            params.append(patient_now())
        if to is Stage.SUBMITTED:
            sets += ["previous_last_photo_id = last_photo_id", "submitted_at = ?",
                     "last_photo_id = (SELECT MAX(id) FROM photos WHERE case_id = cases.id)",
                     "submissions = submissions + 1", "decision = NULL", "decision_note = NULL"]
            params.append(now)
        if decision is not None:
            sets += ["decided_at = ?", "decision = ?", "decision_note = ?"]
            params += [now, decision, decision_note]
        elif decision_note is not None:  # why the GP asked for new photos, until sent again
            sets.append("decision_note = ?")
            params.append(decision_note)
        columns = flags.columns() if flags else {}
        sets += [f"{column} = ?" for column in columns]
        params += list(columns.values())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE cases SET {', '.join(sets)} WHERE id = ? AND stage = ? "
                "AND erased_at IS NULL RETURNING *",
                (*params, case.id, case.stage.value),
            )
            rows = list(await cursor.fetchall())
            if len(rows) != 1:
                raise StageConflict(f"case {case.id} is no longer at {case.stage}")
            await enqueue(conn, case.id, outbox)
            detail: dict[str, str | int | float | bool | None] = {
                "from": case.stage.value, "to": to.value,
            }
            if reason:
                detail["reason"] = reason
            if decision:
                detail["decision"] = decision
            await write_event(conn, "case.stage", actor=actor, case_id=case.id,
                              practice_id=case.practice_id, detail=detail)
            await _flags_event(conn, case, columns, actor)
            await write_notes(conn, notes)
        return record(Case, rows[0])

    async def set_flags(self, case: Case, flags: Flags, *, actor: str) -> Case:
        """Change workflow flags of a case that stays at its stage (a photo tip shown, an
        answer chosen to change at the review), audited (`case.flags`) as `actor`; return the
        case with them. Set by the patient, the case is touched (`touch`). StageConflict if
        the case has moved on or was erased meanwhile."""
        columns = flags.columns()
        if not columns:
            return case
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE cases SET {', '.join(f'{column} = ?' for column in columns)} "
                "WHERE id = ? AND stage = ? AND erased_at IS NULL",
                (*columns.values(), case.id, case.stage.value),
            )
            if cursor.rowcount != 1:
                raise StageConflict(f"case {case.id} is no longer at {case.stage}")
            if actor == "patient":
                await touch(conn, case.id)
            await _flags_event(conn, case, columns, actor)
        return replace(case, **flags.fields())  # type: ignore[arg-type]

    async def close_outcome(self, case: Case, column: str, *, actor: str, event: str,
                            ubrn: str | None = None, outbox: Sequence[Outgoing] = (),
                            contacted: bool = False, at: str | None = None) -> bool:
        """Record the end of a decided case's outcome, once: "task_done_at" (the urgent task
        done by staff) or "referral_sent_at" (the referral made on e-RS, with its UBRN if given).

        Messages in `outbox` are queued in the same transaction, and with `contacted` the
        same call is recorded as the patient contacted (`case.patient_contacted`, once: the
        red-flag contact), so a crash between the two never leaves one without the other.
        `at` is the moment to record (default now), when `outbox` names it already.
        Returns False if it was already
        recorded (a double tap) or the case is no longer decided. An urgent task stays open on
        the stub of a case the patient erased (`erase`), so "task_done_at" is also recorded
        there; a referral is not (its pack went with the erasure).
        """
        if column not in ("task_done_at", "referral_sent_at"):
            raise ValueError(f"not an outcome column: {column}")
        now = at or utc_now()
        extra = ", ubrn = ?" if column == "referral_sent_at" else ""
        params: list[object] = [now, now] + ([ubrn] if extra else [])
        stages = _outcome_stages(column)
        marks = ", ".join("?" for _ in stages)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE cases SET {column} = ?, updated_at = ?{extra} "
                f"WHERE id = ? AND stage IN ({marks}) AND {column} IS NULL",
                (*params, case.id, *stages))
            if cursor.rowcount != 1:
                return False
            await enqueue(conn, case.id, outbox)
            await write_event(conn, event, actor=actor, case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"decision": case.decision, "ubrn_given": ubrn is not None})
            if contacted:
                await write_contacted(conn, case.id, case.practice_id, actor=actor)
        return True

    async def outcome_open_since(self, decision: str, column: str,
                                 decided_before: str) -> list[Case]:
        """Decided cases with this decision whose closing step (`column`: "task_done_at" or
        "referral_sent_at") is still not recorded, decided before this moment; for
        "task_done_at", cases the patient erased too (the urgent task outlives the erasure).
        Stubs erased by retention are not: retention now waits for the task, so such a stub
        is from before it did (erased 30 days or more after its decision) and is not brought
        back to staff on upgrade."""
        if column not in ("task_done_at", "referral_sent_at"):
            raise ValueError(f"not an outcome column: {column}")
        stages = _outcome_stages(column)
        marks = ", ".join("?" for _ in stages)
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT * FROM cases WHERE stage IN ({marks}) AND decision = ? "
                f"AND {column} IS NULL AND decided_at < ? "
                "AND (erased_at IS NULL OR erased_by = 'patient') ORDER BY id",
                (*stages, decision, decided_before))
            return [record(Case, row) for row in await cursor.fetchall()]

    async def all_for_practice(self, practice_id: int) -> list[Case]:
        """Return the practice's cases, newest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE practice_id = ? ORDER BY id DESC", (practice_id,)
            )
            return [record(Case, row) for row in await cursor.fetchall()]

    async def at_stage(self, practice_id: int, stage: Stage) -> list[Case]:
        """The practice's cases at one stage, the longest waiting first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE practice_id = ? AND stage = ? "
                "ORDER BY COALESCE(submitted_at, updated_at), id", (practice_id, stage.value)
            )
            return [record(Case, row) for row in await cursor.fetchall()]

    async def idle_open(self, idle_before: str) -> list[Case]:
        """Cases the patient started but has not touched since `idle_before`."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT * FROM cases WHERE stage NOT IN ({CLOSED_MARKS}) AND updated_at < ? "
                "ORDER BY id", (*CLOSED, idle_before))
            return [record(Case, row) for row in await cursor.fetchall()]

    async def waiting_since(self, submitted_before: str) -> list[Case]:
        """Cases submitted before this moment and still waiting for a GP."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE stage = ? AND submitted_at < ? ORDER BY id",
                (Stage.SUBMITTED.value, submitted_before))
            return [record(Case, row) for row in await cursor.fetchall()]

    async def past_retention(self, decided_before: str, idle_before: str) -> list[Case]:
        """Cases whose photos and answers are due for deletion.

        Decided cases after the retention period from the decision; cases that ended without
        reaching a GP (stopped, cancelled) or were abandoned part-way, after the same period of
        no activity. Submitted cases wait for their GP and are never purged here, nor are
        urgent (two-week-wait) cases whose task to phone the patient is not marked done: the GP
        may still need the photos for the two-week-wait referral (hazard log H22).
        """
        closed = (Stage.STOPPED.value, Stage.CANCELLED.value)
        waiting = (Stage.SUBMITTED.value, Stage.DECIDED.value, Stage.ERASED.value)
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM cases WHERE erased_at IS NULL AND ("
                "(stage = ? AND decided_at < ? "
                f"AND NOT (decision = '{URGENT}' AND task_done_at IS NULL)) "
                "OR (stage IN (?, ?) AND updated_at < ?) "
                "OR (stage NOT IN (?, ?, ?, ?, ?) AND updated_at < ?)) ORDER BY id",
                (Stage.DECIDED.value, decided_before, *closed, idle_before, *closed, *waiting,
                 idle_before),
            )
            return [record(Case, row) for row in await cursor.fetchall()]

    async def erase(self, case: Case, to: Stage, *, actor: str, reason: str,
                    if_task_open: Sequence[Outgoing] = (),
                    outbox: Sequence[Outgoing] = (),
                    task_notes: Sequence[Note] = (),
                    notes: Sequence[Note] = ()) -> list[str]:
        """Delete the case's photos and answers (and its built summary and pack), keep an audit
        stub; return the files to remove.

        The files are queued in `file_deletions` in the same transaction, so an erasure
        interrupted before they are unlinked is finished later (`bot/services/erasure.py`).
        `actor` ("patient", "retention") is kept as `erased_by`, for staff to see.

        The stub keeps the decision, so an urgent task not yet done stays open (its "Done"
        button, `close_outcome`, and the chase, `outcome_open_since`, still work), and the
        staff's undelivered alerts and tasks are kept (`cancel_for_case`); `if_task_open` (the
        staff's notice that the task is still open) is queued in the same transaction only if
        the case is urgent and its task is not done; `outbox` (the staff's alert that the
        patient cancelled or deleted it) is queued in the same transaction. The audit `notes`
        about `outbox` (an alert that reached nobody), and `task_notes` about `if_task_open`
        when it is queued, are written in it too, so they exist only for an erasure that
        committed.

        Erased by the patient, the invite keeps the practice's own reference (staff must know
        whom to contact; it is cleared `RETENTION_DAYS` later, `scrub_erased_references`);
        erased by retention, it goes too. The date of birth and NHS number always go.
        """
        now = utc_now()
        async with self._db.transaction() as conn:
            if if_task_open:
                cursor = await conn.execute(
                    "SELECT 1 FROM cases WHERE id = ? AND decision = ? AND task_done_at IS NULL",
                    (case.id, URGENT))
                if await cursor.fetchone() is not None:
                    await enqueue(conn, case.id, if_task_open)
                    await write_notes(conn, task_notes)
            files = await _drop_content(conn, case.id, now)
            await conn.execute(
                "UPDATE invites SET date_of_birth = '', nhs_number = NULL, patient_ref = "
                "CASE WHEN ? = 'patient' THEN patient_ref ELSE '(erased)' END WHERE id = ?",
                (actor, case.invite_id))
            await cancel_for_case(conn, case.id, actor)
            await enqueue(conn, case.id, outbox)
            await write_notes(conn, notes)
            await conn.execute(
                "UPDATE cases SET stage = ?, erased_at = ?, erased_by = ?, updated_at = ?, "
                f"ubrn = NULL, {UNDECIDED_NOTE_CLEARED} WHERE id = ?",
                (to.value, now, actor, now, case.id),
            )
            await write_event(conn, "case.erased", actor=actor, case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"from": case.stage.value, "to": to.value, "reason": reason,
                                      "photos": len(files)})
        return files

    async def scrub_erased_references(self, erased_before: str) -> int:
        """Forget the practice reference of invites whose case the patient erased before this
        time (ISO, UTC), kept till then so staff can contact the patient (`erase`); an urgent
        task still open keeps it. Returns how many were cleared."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET patient_ref = '(erased)' WHERE patient_ref != '(erased)' "
                "AND id IN (SELECT invite_id FROM cases WHERE erased_at IS NOT NULL "
                "AND erased_at < ? AND invite_id IS NOT NULL "
                f"AND NOT (IFNULL(decision, '') = '{URGENT}' AND task_done_at IS NULL))",
                (erased_before,))
            return int(cursor.rowcount)

    async def stop_after_photos(self, case: Case, *, reason: str,
                                outbox: Sequence[Outgoing] = (),
                                notes: Sequence[Note] = ()) -> Case:
        """Stop a case, as the patient, after photos were taken (an answer changed at the
        review that the service cannot accept, say): in one transaction the case moves to
        stopped, its photos, answers and built summary and pack are deleted (files queued in
        `file_deletions`, removed by `bot.services.erasure.finish`), undelivered messages about
        it are cancelled, what GP chats received is queued to be taken back and the patient's
        photo messages still in their chat to be deleted (`cancel_for_case`), and `outbox`
        (the staff alerts) is queued, and the audit `notes` written. Returns the stopped case;
        StageConflict if it had moved on (or was erased) since it was read."""
        now = utc_now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE cases SET stage = ?, updated_at = ?, patient_at = ?, ubrn = NULL, "
                f"{UNDECIDED_NOTE_CLEARED} WHERE id = ? AND stage = ? AND erased_at IS NULL "
                "RETURNING *",
                (Stage.STOPPED.value, now, patient_now(), case.id, case.stage.value))
            rows = list(await cursor.fetchall())
            if len(rows) != 1:
                raise StageConflict(f"case {case.id} is no longer at {case.stage}")
            files = await _drop_content(conn, case.id, now)
            await cancel_for_case(conn, case.id,
                                  "red_flag" if reason == RED_FLAG_STOP else "stopped")
            await enqueue(conn, case.id, outbox)
            await write_event(conn, "case.stage", actor="patient", case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"from": case.stage.value, "to": Stage.STOPPED.value,
                                      "reason": reason, "photos": len(files)})
            await write_notes(conn, notes)
        return record(Case, rows[0])

    async def photos_again(self, case: Case, *, forget: tuple[str, ...],
                           redo: tuple[ShotSlot, ...],
                           reason: str) -> tuple[Case, int]:
        """Take all the photos again, as the patient, from the review (they said their photos
        do not show the body area now given): in one transaction the case moves to the first
        shot of `redo` with the flags to take each shot of `redo` in turn and come back to the
        review, its photos are deleted (rows; files queued in `file_deletions`, removed by
        `bot.services.erasure.finish`) with the answers named in `forget` (the areas they
        were taken or confirmed for), and the patient's photo messages and review albums
        still in the chat are queued for deletion (`photos_off_chat`). Audited as
        `photos.discarded` with `reason` and how many photo files (no personal data). A GP's
        reason for new photos asked for earlier is cleared: these photos are the patient's.
        Returns the moved case and that number; StageConflict if it is no longer at the
        review (or was erased)."""
        if case.stage is not Stage.REVIEW:
            raise StageConflict(f"case {case.id} is not at the review")
        now = utc_now()
        flags = Flags(changing="", redo=redo, return_to_review=True)
        columns = flags.columns()
        sets = ", ".join(f"{column} = ?" for column in columns)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE cases SET stage = ?, updated_at = ?, patient_at = ?, {sets}, "
                f"{UNDECIDED_NOTE_CLEARED} WHERE id = ? AND stage = ? AND erased_at IS NULL "
                "RETURNING *",
                (redo[0], now, patient_now(), *columns.values(), case.id,
                 Stage.REVIEW.value))
            rows = list(await cursor.fetchall())
            if len(rows) != 1:
                raise StageConflict(f"case {case.id} is no longer at the review")
            files = await _drop_photos(conn, case.id, now)
            marks = ", ".join("?" for _ in forget)
            await conn.execute(
                f"DELETE FROM answers WHERE case_id = ? AND question IN ({marks})",
                (case.id, *forget))
            await photos_off_chat(conn, case.id, again=True)
            await write_event(conn, "photos.discarded", actor="patient", case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"reason": reason, "photos": len(files)})
            await write_event(conn, "case.stage", actor="patient", case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"from": case.stage.value, "to": redo[0],
                                      "reason": reason})
            await _flags_event(conn, case, columns, "patient")
        return record(Case, rows[0]), len(files)

    async def stop_by_practice(self, case: Case, *, actor: str, tell: Outgoing) -> Case:
        """Stop a case for the practice (its link reached the wrong person): undelivered
        messages about it are cancelled, what GP chats received is queued to be taken back,
        the holder's photos, answers and built summary are deleted (their files queued in
        `file_deletions`, removed by `bot.services.erasure.finish`), and `tell` (the holder's
        message) is queued, all in one transaction; StageConflict if the case had moved on
        since it was read. The invite (the intended patient's reference) is kept, so staff can
        send the right person a new link."""
        now = utc_now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE cases SET stage = ?, updated_at = ?, ubrn = NULL, "
                f"{UNDECIDED_NOTE_CLEARED} WHERE id = ? AND stage = ?",
                (Stage.STOPPED.value, now, case.id, case.stage.value))
            if cursor.rowcount != 1:
                raise StageConflict(f"case {case.id} is no longer at {case.stage}")
            files = await _drop_content(conn, case.id, now)
            await cancel_for_case(conn, case.id, "practice")
            await enqueue(conn, case.id, [tell])
            await write_event(conn, "case.stopped_by_practice", actor=actor, case_id=case.id,
                              practice_id=case.practice_id,
                              detail={"from": case.stage.value, "to": Stage.STOPPED.value,
                                      "photos": len(files)})
        moved = await self.get(case.id)
        assert moved is not None
        return moved


async def touch(conn: aiosqlite.Connection, case_id: int) -> None:
    """The patient did something on the case (an answer, a photo, a photo tip) inside the
    caller's transaction: it is not stalled (`idle_open`, stall reminders, the staff's
    "stalled" group, the idle purge all read `updated_at`), and it is the patient's current
    case (`patient_at`, `CaseRepository.current_for_patient`)."""
    await conn.execute("UPDATE cases SET updated_at = ?, patient_at = ? WHERE id = ?",
                       (utc_now(), patient_now(), case_id))


async def _drop_content(conn: aiosqlite.Connection, case_id: int, now: str) -> list[str]:
    """Delete a case's photos, answers and built summary and pack inside the caller's
    transaction; queue its photo files (those no other case shares) for removal and return
    their names."""
    files = await _drop_photos(conn, case_id, now)
    await conn.execute("DELETE FROM answers WHERE case_id = ?", (case_id,))
    await conn.execute("DELETE FROM submission_files WHERE case_id = ?", (case_id,))
    return files


async def _drop_photos(conn: aiosqlite.Connection, case_id: int, now: str) -> list[str]:
    """Delete a case's photo rows inside the caller's transaction; queue its photo files
    (those no other case shares) for removal and return their names."""
    cursor = await conn.execute(
        "SELECT DISTINCT file_name FROM photos WHERE case_id = ? AND file_name NOT IN "
        "(SELECT file_name FROM photos WHERE case_id != ?)", (case_id, case_id))
    files = [row[0] for row in await cursor.fetchall()]
    await conn.executemany(
        "INSERT OR IGNORE INTO file_deletions (file_name, case_id, queued_at) VALUES (?, ?, ?)",
        [(name, case_id, now) for name in files])
    await conn.execute("DELETE FROM album_photos WHERE case_id = ?", (case_id,))
    await conn.execute("DELETE FROM photos WHERE case_id = ?", (case_id,))
    return files


async def _flags_event(conn: aiosqlite.Connection, case: Case, columns: dict[str, str | int],
                       actor: str) -> None:
    """Audit a change of workflow flags (names and values: stages, steps and question ids,
    never personal data) inside the caller's transaction; nothing for no change."""
    if columns:
        await write_event(conn, "case.flags", actor=actor, case_id=case.id,
                          practice_id=case.practice_id, detail=dict(columns))
