"""Invites: single-use, time-limited links, kept only as a hash of their token."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.store.audit import write_event
from bot.store.database import Database, utc_now
from bot.store.models import Invite
from bot.store.rows import maybe, record

TOKEN_BYTES = 24  # 192 bits of randomness; 32 URL-safe characters, within a deep link's 64


class NhsNumberOnAnotherPatient(Exception):
    """The NHS number is already on an invite of this practice with a different date of birth:
    another patient's number, or one of the two was mistyped (hazard log H25). Raised by
    `InviteRepository.create` and `renew_locked`, which then write nothing but the refusal's
    audit event."""


def token_hash(token: str) -> str:
    """Return the hash under which an invite token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()



def _fresh_link(valid_days: int) -> tuple[str, str, str]:
    """A new link's token, and its creation and expiry times (UTC, ISO 8601, seconds)."""
    now = datetime.now(UTC)
    return (secrets.token_urlsafe(TOKEN_BYTES), now.isoformat(timespec="seconds"),
            (now + timedelta(days=valid_days)).isoformat(timespec="seconds"))


async def _insert(conn: aiosqlite.Connection, values: tuple[object, ...]) -> int:
    """Insert an invite row inside the caller's transaction: (practice id, token hash,
    reference, date of birth, GP member id, created by, created at, expires at, NHS number);
    returns its id."""
    cursor = await conn.execute(
        "INSERT INTO invites (practice_id, token_hash, patient_ref, date_of_birth, "
        "gp_member_id, created_by, created_at, expires_at, nhs_number) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    invite_id = cursor.lastrowid
    assert invite_id is not None
    return invite_id

class InviteRepository:
    """Create invites and record what happens to them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        practice_id: int,
        patient_ref: str,
        date_of_birth: str,
        *,
        valid_days: int,
        gp_member_id: int | None = None,
        created_by: int | None = None,
        nhs_number: str | None = None,
    ) -> tuple[Invite, str]:
        """Create an invite; return it with its token, which is never stored in clear.

        `nhs_number` (ten digits, already checked) only where the practice delivers by MESH.
        Raises NhsNumberOnAnotherPatient, and makes no invite, if an invite of the same
        practice that still holds its date of birth has this NHS number with another date of
        birth (checked in the same transaction; audited `invite.nhs_number_refused`, without
        the number). The same number with the same date of birth is a new request for the same
        patient. Invites whose case was erased, or that expired unused long ago, hold no NHS
        number any more and are not compared.
        """
        token, created, expires = _fresh_link(valid_days)
        async with self._db.transaction() as conn:
            if nhs_number is not None and await _on_another_patient(
                    conn, practice_id, nhs_number, date_of_birth):
                await write_event(conn, "invite.nhs_number_refused",
                                  actor=f"member:{created_by}", practice_id=practice_id)
                invite_id = None
            else:
                invite_id = await _insert(conn, (
                    practice_id, token_hash(token), patient_ref, date_of_birth, gp_member_id,
                    created_by, created, expires, nhs_number))
                await write_event(
                    conn, "invite.created", actor=f"member:{created_by}",
                    practice_id=practice_id, detail={"invite_id": invite_id},
                )
        if invite_id is None:
            raise NhsNumberOnAnotherPatient
        invite = await self.get(invite_id)
        assert invite is not None
        return invite, token

    async def nhs_number_on_another_patient(self, practice_id: int, nhs_number: str,
                                            date_of_birth: str) -> bool:
        """True if an invite of the practice holds this NHS number with another date of birth
        (ISO): what `create` refuses, asked before staff are asked anything more."""
        async with self._db.reading() as conn:
            return await _on_another_patient(conn, practice_id, nhs_number, date_of_birth)

    async def get(self, invite_id: int) -> Invite | None:
        """Return the invite with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM invites WHERE id = ?", (invite_id,)
            )
            return maybe(Invite, await cursor.fetchone())

    async def find(self, token: str) -> Invite | None:
        """Return the invite this token opens, if any (whatever its state)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM invites WHERE token_hash = ?", (token_hash(token),)
            )
            return maybe(Invite, await cursor.fetchone())

    async def replaced_by(self, token: str) -> Invite | None:
        """The invite whose link this token was before "New link" replaced it, if any
        (only the token's hash is kept); None for a token never issued, or a current one."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM invites WHERE id = "
                "(SELECT invite_id FROM replaced_links WHERE token_hash = ?)",
                (token_hash(token),))
            return maybe(Invite, await cursor.fetchone())

    async def mark_opened(self, invite_id: int) -> None:
        """The link was opened but no request started from it yet (its patient has another
        request open and was asked first): staff's /invites shows it opened, not "not opened
        yet". It stays usable (`used_at` is set only when a request starts from it)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET opened_at = ? WHERE id = ? AND opened_at IS NULL "
                "AND used_at IS NULL", (utc_now(), invite_id))
            if cursor.rowcount == 1:
                await write_event(conn, "invite.opened", actor="patient",
                                  detail={"invite_id": invite_id})

    async def revoke(self, invite_id: int, *, actor: str) -> bool:
        """Stop an unused invite from being used; False (nothing changed) if it was already
        opened or cancelled: an opened link's case is stopped with `/stop`, not here."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
                "AND used_at IS NULL", (utc_now(), invite_id),
            )
            if cursor.rowcount != 1:
                return False
            await write_event(conn, "invite.revoked", actor=actor, detail={"invite_id": invite_id})
        return True

    async def state(self, invite_id: int) -> str | None:
        """A short fingerprint of the invite's state (its token, expiry, and whether it was
        opened, cancelled or locked), carried by staff buttons so an old button is refused once
        anything changed; None if there is no such invite. 8 URL-safe characters."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT token_hash, expires_at, used_at, revoked_at, locked_at FROM invites "
                "WHERE id = ?", (invite_id,))
            row = await cursor.fetchone()
        if row is None:
            return None
        joined = "|".join(str(value) for value in tuple(row))
        return base64.urlsafe_b64encode(hashlib.sha256(joined.encode()).digest()).decode()[:8]

    async def reissue(self, invite_id: int, *, valid_days: int, actor: str) -> str | None:
        """Give an unused invite a new token (the old link stops working, and its token's hash
        is kept in `replaced_links` so it can be told apart from a link never issued:
        `replaced_by`); None if it was used,
        or has no date of birth (scrubbed after expiring, or left without one by an earlier
        version's renewal: `invite_problem`)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires = (datetime.now(UTC) + timedelta(days=valid_days)).isoformat(timespec="seconds")
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO replaced_links (token_hash, invite_id, replaced_at) "
                "SELECT token_hash, id, ? FROM invites WHERE id = ? AND used_at IS NULL "
                "AND locked_at IS NULL AND date_of_birth != ''", (utc_now(), invite_id))
            cursor = await conn.execute(
                "UPDATE invites SET token_hash = ?, expires_at = ?, revoked_at = NULL "
                "WHERE id = ? AND used_at IS NULL AND locked_at IS NULL "
                "AND date_of_birth != ''",
                (token_hash(token), expires, invite_id),
            )
            if cursor.rowcount != 1:
                return None
            await write_event(conn, "invite.reissued", actor=actor,
                              detail={"invite_id": invite_id})
        return token

    async def renew_locked(self, invite_id: int, *, valid_days: int,
                           actor: str) -> tuple[Invite, str] | None:
        """A new invite, with a new link, for the patient of an invite locked after wrong dates
        of birth: the same practice, reference, date of birth, NHS number and GP. The locked
        invite is marked cancelled in the same transaction, so it is renewed once (its state,
        and so any button made for it, changes). None if it is not locked, or already renewed
        or cancelled, or if its date of birth is gone (its case was erased since: a new link
        could never pass the date-of-birth check); then nothing is changed.

        Raises NhsNumberOnAnotherPatient, changing nothing, if its NHS number is now on an
        invite of another patient of the practice (another date of birth: made while this link
        was locked, which does not hold its number, `_on_another_patient`); audited
        `invite.nhs_number_refused`, without the number (hazard log H25)."""
        token, created, expires = _fresh_link(valid_days)
        renewed = None
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT practice_id, patient_ref, date_of_birth, gp_member_id, nhs_number "
                "FROM invites WHERE id = ? "
                "AND locked_at IS NOT NULL AND revoked_at IS NULL AND date_of_birth != ''",
                (invite_id,))
            held = await cursor.fetchone()
            if held is None:
                return None
            if held["nhs_number"] is not None and await _on_another_patient(
                    conn, int(held["practice_id"]), held["nhs_number"], held["date_of_birth"]):
                await write_event(conn, "invite.nhs_number_refused", actor=actor,
                                  practice_id=int(held["practice_id"]),
                                  detail={"invite_id": invite_id, "renewal": True})
            else:
                await conn.execute("UPDATE invites SET revoked_at = ? WHERE id = ?",
                                   (created, invite_id))
                practice_id, patient_ref, born, gp_member_id, nhs_number = tuple(held)
                renewed = await _insert(conn, (
                    practice_id, token_hash(token), patient_ref, born, gp_member_id,
                    _member_id(actor), created, expires, nhs_number))
                await write_event(conn, "invite.renewed", actor=actor, practice_id=practice_id,
                                  detail={"invite_id": invite_id, "new_invite_id": renewed})
        if renewed is None:
            raise NhsNumberOnAnotherPatient
        invite = await self.get(renewed)
        assert invite is not None
        return invite, token

    async def scrub_unused(self, expired_before: str) -> int:
        """Forget the reference and date of birth of invites that expired unused long ago."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE invites SET patient_ref = '(expired)', date_of_birth = '', "
                "nhs_number = NULL "
                "WHERE used_at IS NULL AND expires_at < ? AND date_of_birth != ''",
                (expired_before,))
            return int(cursor.rowcount)

    async def for_practice(self, practice_id: int) -> list[Invite]:
        """The practice's invites, newest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM invites WHERE practice_id = ? ORDER BY id DESC",
                (practice_id,),
            )
            return [record(Invite, row) for row in await cursor.fetchall()]

    async def of_patient(self, practice_id: int, nhs_number: str,
                         date_of_birth: str) -> list[Invite]:
        """The practice's invites that still hold this NHS number and date of birth (ISO),
        newest first: the same patient's other requests (`bot.inbox.earlier`)."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                f"SELECT {_COLUMNS} FROM invites WHERE practice_id = ? AND nhs_number = ? "
                "AND date_of_birth = ? ORDER BY id DESC",
                (practice_id, nhs_number, date_of_birth),
            )
            return [record(Invite, row) for row in await cursor.fetchall()]

    async def record_failed_check(self, invite_id: int, *, lock_after: int) -> bool:
        """Count a wrong date of birth; lock the invite at the limit. Return True if now locked."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE invites SET failed_dob_checks = failed_dob_checks + 1 WHERE id = ?",
                (invite_id,),
            )
            await conn.execute(
                "UPDATE invites SET locked_at = ? WHERE id = ? AND locked_at IS NULL "
                "AND failed_dob_checks >= ?",
                (utc_now(), invite_id, lock_after),
            )
            cursor = await conn.execute(
                "SELECT failed_dob_checks, locked_at FROM invites WHERE id = ?", (invite_id,)
            )
            row = await cursor.fetchone()
            assert row is not None
            locked = row["locked_at"] is not None
            await write_event(conn, "invite.dob_failed", actor="patient",
                              detail={"invite_id": invite_id, "count": row[0], "locked": locked})
        return locked


async def _on_another_patient(conn: aiosqlite.Connection, practice_id: int, nhs_number: str,
                              date_of_birth: str) -> bool:
    """True if an invite of the practice holds this NHS number with another date of birth.
    A link cancelled before it was opened, or locked by wrong dates of birth, does not count:
    its date may be the typing mistake that staff are now putting right."""
    cursor = await conn.execute(
        "SELECT 1 FROM invites WHERE practice_id = ? AND nhs_number = ? "
        "AND date_of_birth != '' AND date_of_birth != ? AND locked_at IS NULL "
        "AND NOT (revoked_at IS NOT NULL AND used_at IS NULL) LIMIT 1",
        (practice_id, nhs_number, date_of_birth))
    return await cursor.fetchone() is not None


def _member_id(actor: str) -> int | None:
    """The member id in an audit actor `member:ID`, else None."""
    kind, _, number = actor.partition(":")
    return int(number) if kind == "member" and number.isdigit() else None


def invite_problem(invite: Invite | None, now: datetime | None = None) -> str | None:
    """Say why an invite cannot start a new case (unknown, revoked, locked, used, expired).
    An unused one without a date of birth (nothing to check the person against: left so by
    an earlier version's renewal of an erased case's link) counts as revoked."""
    if invite is None:
        return "unknown"
    if invite.revoked_at:
        return "revoked"
    if invite.locked_at:
        return "locked"
    if invite.used_at:
        return "used"
    moment = now or datetime.now(UTC)
    if datetime.fromisoformat(invite.expires_at) <= moment:
        return "expired"
    if not invite.date_of_birth:
        return "revoked"
    return None


_COLUMNS = (
    "id, practice_id, patient_ref, date_of_birth, gp_member_id, created_at, expires_at, "
    "opened_at, used_at, revoked_at, failed_dob_checks, locked_at, nhs_number"
)
